"""Texts of trust: refusals, sign-in limits, session time-out, single sign-on, audit, upload limits."""

TEXTS: dict[str, dict[str, str]] = {
    "user.reserved_name": {
        "zh": "账号名“{value}”为系统保留（命令行与脚本以此名义操作），请换一个账号名。",
        "en": "The user name \"{value}\" is reserved (the command line and scripts act under it); choose another one.",
    },
    "user.unknown_role": {
        "zh": "角色“{value}”不存在，可选：{allowed}。",
        "en": "There is no role \"{value}\"; choose one of: {allowed}.",
    },
    "trust.refused": {"zh": "您的账号无权执行此操作（{action}）。", "en": "Your account may not do this ({action})."},
    "trust.locked": {
        "zh": "登录失败次数过多，请在 {minutes} 分钟后再试。",
        "en": "Too many failed sign-ins; please try again in {minutes} minutes.",
    },
    "trust.session_expired": {
        "zh": "您已 {minutes} 分钟未操作，为安全起见已退出登录，请重新登录。",
        "en": "You were signed out after {minutes} idle minutes; please sign in again.",
    },
    "trust.bad_idle_minutes": {
        "zh": "设置 {name} 的值“{value}”无效：请填写正数分钟数（如 60 或 0.5），或删除该设置以使用默认的 {default} 分钟。",
        "en": "{name} is set to “{value}”, which is not usable: give a positive number of minutes (e.g. 60 or 0.5), "
              "or remove it for the default of {default}.",
    },
    "trust.sso_button": {"zh": "使用单位账号登录", "en": "Sign in with your organisation account"},
    "trust.sso_or": {"zh": "或使用用户名和密码登录：", "en": "Or sign in with a username and password:"},
    "trust.sso_unknown": {
        "zh": "单位账号 {email} 未登记为本系统用户，请联系组织方。",
        "en": "The organisation account {email} is not registered here; please contact the organiser.",
    },
    "trust.upload_too_big": {
        "zh": "文件 {name} 过大（{size} MB），上限为 {limit} MB。",
        "en": "The file {name} is too big ({size} MB); the limit is {limit} MB.",
    },
    "audit.score_mismatch": {
        "zh": "评分 {subject} 与其最后一条审计记录不一致（表中 {table}，记录 {event}）。",
        "en": "Score {subject} does not match its latest audit event (table {table}, event {event}).",
    },
}
