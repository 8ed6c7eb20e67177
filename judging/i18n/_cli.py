"""Texts of the command line."""

TEXTS: dict[str, dict[str, str]] = {
    "cli.user_added": {"zh": "已新建账号 {username}（{role}）", "en": "account {username} created ({role})"},
    "cli.user_one_time": {
        "zh": "一次性初始密码（只显示这一次，首次登录时须改为自己的密码）：{password}",
        "en": "one-time password (shown this once; it must be changed at the first sign-in): {password}",
    },
    "cli.user_password_set": {"zh": "已为 {username} 设置新密码", "en": "new password set for {username}"},
    "cli.user_disabled": {"zh": "已停用账号 {username}", "en": "account {username} switched off"},
    "cli.user_enabled": {"zh": "已启用账号 {username}", "en": "account {username} switched on"},
    "cli.user_col.username": {"zh": "账号", "en": "user name"},
    "cli.user_col.name": {"zh": "姓名", "en": "name"},
    "cli.user_col.role": {"zh": "角色", "en": "role"},
    "cli.user_col.state": {"zh": "状态", "en": "state"},
    "cli.user_state.active": {"zh": "启用", "en": "on"},
    "cli.user_state.off": {"zh": "停用", "en": "off"},
    "cli.user_state.one_time": {"zh": "待改初始密码", "en": "one-time password"},
    "cli.ok": {"zh": "通过", "en": "OK"},
    "cli.problems_found": {"zh": "发现 {n} 个问题", "en": "{n} problem(s) found"},
    "cli.db_upgraded": {"zh": "数据库结构已是最新：{url}", "en": "the schema is up to date: {url}"},
    "cli.audit_ok": {"zh": "审计记录完整：{n} 条事件，哈希链无断裂", "en": "audit trail intact: {n} events, hash chain unbroken"},
    "cli.audit_broken": {
        "zh": "审计记录被改动：{n} 条事件的哈希或链接不符（编号 {ids}）",
        "en": "the audit trail was altered: {n} event(s) do not match their hash or link (ids {ids})",
    },
    # health, serve and the packaged templates
    "cli.health_ok": {"zh": "数据库正常，结构为最新版本 {revision}：{url}", "en": "the database answers and its schema is current ({revision}): {url}"},
    "cli.health_unreachable": {"zh": "无法连接数据库 {url}：{detail}", "en": "cannot reach the database {url}: {detail}"},
    "cli.health_schema_behind": {
        "zh": "数据库结构不是最新（当前 {current}，应为 {head}）：{url}；请运行 judging db upgrade",
        "en": "the schema is not current (at {current}, newest {head}): {url}; run judging db upgrade",
    },
}
