"""Texts of entries found again in an import: the matches, the organiser's choice, the outcome."""

TEXTS: dict[str, dict[str, str]] = {
    "import.match_id": {
        "zh": "第 {position} 条“{title}”（{organisation}）：编号 {code} 已是本届作品（{existing}）",
        "en": "entry {position} '{title}' ({organisation}): the id {code} is already an entry of the edition ({existing})",
    },
    "import.match_title": {
        "zh": "第 {position} 条“{title}”（{organisation}）：与本届已有作品 {existing} 的名称和申报单位相同",
        "en": "entry {position} '{title}' ({organisation}): same title and organisation as the edition's entry {existing}",
    },
    "oc.imp.matches": {
        "zh": "文件中有 {n} 个作品已在本届中（按编号，或按作品名称和申报单位）。未作选择时不导入任何作品：",
        "en": "{n} entries of the file are already in the edition (by id, or by title and organisation). "
              "Nothing is imported until you choose:",
    },
    "oc.imp.col_position": {"zh": "文件第几条", "en": "entry in the file"},
    "oc.imp.col_existing": {"zh": "已有作品", "en": "existing entry"},
    "oc.imp.col_match": {"zh": "相同之处", "en": "same"},
    "oc.imp.match_by_id": {"zh": "编号", "en": "id"},
    "oc.imp.match_by_title": {"zh": "名称和申报单位", "en": "title and organisation"},
    "oc.imp.on_match": {"zh": "对这些作品", "en": "for these entries"},
    "oc.imp.on_match.refuse": {"zh": "不导入（检查文件）", "en": "import nothing (check the file)"},
    "oc.imp.on_match.update": {"zh": "更新这些已有作品（编号不变），其余作为新作品添加",
                               "en": "update these entries (their ids stay), add the others as new"},
    "oc.imp.on_match.add": {"zh": "全部作为新作品添加（编号已占用的另行编号）",
                            "en": "add them all as new entries (a taken id gets a new one)"},
    "oc.imp.entries_updated": {
        "zh": "已导入 {n} 个新作品，更新 {updated} 个已有作品，自动回避 {conflicts} 条",
        "en": "imported {n} new entries, updated {updated} existing ones, {conflicts} automatic conflicts",
    },
    "cli.import_matches_hint": {
        "zh": "未导入任何作品。确认后用 --on-match update（更新这些已有作品）或 --on-match add（作为新作品添加）重新运行",
        "en": "nothing was imported. Run again with --on-match update (update these entries) or --on-match add "
              "(add them as new entries)",
    },
    "cli.import_entries_updated": {"zh": "已导入 {n} 个新作品，更新 {updated} 个已有作品",
                                   "en": "imported {n} new entries, updated {updated} existing ones"},
}
