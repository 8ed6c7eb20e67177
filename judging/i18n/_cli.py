"""Texts of the command line."""

TEXTS: dict[str, dict[str, str]] = {
    "cli.ok": {"zh": "通过", "en": "OK"},
    "cli.problems_found": {"zh": "发现 {n} 个问题", "en": "{n} problem(s) found"},
}
