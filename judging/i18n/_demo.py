"""Texts of the automatic assignment, the demo contest and its command."""

TEXTS: dict[str, dict[str, str]] = {
    # assignment
    "assignment.k_not_positive": {
        "zh": "每件作品的评委人数必须至少为 1，实际为 {k}",
        "en": "the number of judges per entry must be at least 1, got {k}",
    },
    "assignment.too_few_judges": {
        "zh": "只有 {judges} 位评委，不够每件作品分配 {k} 位",
        "en": "there are only {judges} judges, too few to give every entry {k}",
    },
    "assignment.entry_short": {
        "zh": "作品“{entry}”在回避后只剩 {available} 位评委可分配，需要 {k} 位：请增加评委或减少每件作品的评委人数",
        "en": "entry '{entry}' has only {available} judges left after conflicts, {k} are needed: add judges or lower the judges per entry",
    },
    "assignment.disconnected": {
        "zh": "无法让所有评委通过共同评审的作品相互关联（仍分成 {components} 组，例如作品“{entry}”所在的一组），"
              "评委之间无法校准：请增加每件作品的评委人数或减少回避",
        "en": "the judges cannot all be linked through shared entries (still {components} groups, e.g. the one with "
              "entry '{entry}'), so they cannot be calibrated against each other: raise the judges per entry or "
              "reduce the conflicts",
    },
    # demo contest
    "demo.database_not_empty": {
        "zh": "数据库不是空的（已有 {editions} 届大赛、{users} 个账号），演示大赛只能建在空数据库上：请用 --db 指定一个新的数据库",
        "en": "the database is not empty ({editions} edition(s), {users} account(s)); the demo contest can only be built "
              "in an empty database: give a new one with --db",
    },
    "demo.data_missing": {
        "zh": "找不到演示数据文件 {path}",
        "en": "the demo data file {path} is missing",
    },
    "demo.created": {
        "zh": "已创建“{name}”：{tracks} 个赛道，{entries} 件作品，{judges} 位评委，{conflicts} 条回避，"
              "初评 {assignments} 份评分表，已开始 {started} 份，已提交 {submitted} 份",
        "en": "created '{name}': {tracks} tracks, {entries} entries, {judges} judges, {conflicts} conflicts, "
              "{assignments} preliminary score sheets, {started} started, {submitted} submitted",
    },
    "demo.accounts": {
        "zh": "演示账号（密码均为 {password}）：organiser（组织方）、announcer（发布）、auditor（监督）、judge01…judge{last:02d}（评委）",
        "en": "demo accounts (password {password} for all): organiser, announcer, auditor, judge01…judge{last:02d} (judges)",
    },
    "demo.database": {"zh": "数据库：{url}", "en": "database: {url}"},
}
