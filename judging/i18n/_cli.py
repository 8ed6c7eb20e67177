"""Texts of the command line."""

TEXTS: dict[str, dict[str, str]] = {
    "cli.ok": {"zh": "通过", "en": "OK"},
    "cli.problems_found": {"zh": "发现 {n} 个问题", "en": "{n} problem(s) found"},
    "cli.db_upgraded": {"zh": "数据库结构已是最新：{url}", "en": "the schema is up to date: {url}"},
    "cli.audit_ok": {"zh": "审计记录完整：{n} 条事件，哈希链无断裂", "en": "audit trail intact: {n} events, hash chain unbroken"},
    "cli.audit_broken": {
        "zh": "审计记录被改动：{n} 条事件的哈希或链接不符（编号 {ids}）",
        "en": "the audit trail was altered: {n} event(s) do not match their hash or link (ids {ids})",
    },
}
