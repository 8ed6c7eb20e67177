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
    "user.empty_name": {"zh": "请填写账号名。", "en": "Enter a user name."},
    "setup.not_empty": {
        "zh": "已有账号，首次设置已完成：请用组织方账号登录（忘记密码可用 judging user passwd 重设）。",
        "en": "Accounts exist already, so the first-run setup is done: sign in as an organiser (a forgotten "
              "password can be reset with judging user passwd).",
    },
    "setup.heading": {"zh": "首次设置：建立组织方账号", "en": "First run: create the organiser's account"},
    "setup.help": {
        "zh": "数据库中还没有任何账号。请输入服务器日志中打印的一次性设置码，建立第一个组织方账号；"
              "也可以在服务器上运行 judging user add 账号 --role organiser。",
        "en": "The database has no account yet. Enter the one-time setup code printed in the server's log to "
              "create the first organiser, or run judging user add NAME --role organiser on the server.",
    },
    "setup.code": {"zh": "设置码（见服务器日志）", "en": "Setup code (see the server's log)"},
    "setup.username": {"zh": "组织方账号名", "en": "Organiser's user name"},
    "setup.display_name": {"zh": "姓名", "en": "Name"},
    "setup.submit": {"zh": "建立组织方账号并登录", "en": "Create the organiser and sign in"},
    "setup.wrong_code": {
        "zh": "设置码不对。请从服务器日志中复制（以“setup code”开头的一行）。",
        "en": "The setup code is not right. Copy it from the server's log (the line with \"setup code\").",
    },
    "password.too_short": {
        "zh": "密码至少需要 {min} 个字符（现在 {length} 个）。",
        "en": "A password needs at least {min} characters (this one has {length}).",
    },
    "password.contains_username": {
        "zh": "密码不能包含账号名，请换一个。",
        "en": "The password may not contain the user name; choose another one.",
    },
    "password.common": {
        "zh": "这个密码过于常见，容易被猜中，请换一个。",
        "en": "This password is too common and easy to guess; choose another one.",
    },
    "password.current_wrong": {"zh": "当前密码不对。", "en": "The current password is not right."},
    "password.mismatch": {"zh": "两次输入的新密码不一致。", "en": "The two new passwords differ."},
    "password.change_heading": {"zh": "请设置您自己的密码", "en": "Choose your own password"},
    "password.change_help": {
        "zh": "您使用的是一次性初始密码。请先设置自己的密码（至少 {min} 个字符，不含账号名），再开始使用。",
        "en": "You signed in with a one-time password. Choose your own (at least {min} characters, not your user "
              "name) before you go on.",
    },
    "password.current": {"zh": "当前密码（初始密码）", "en": "Current (one-time) password"},
    "password.new": {"zh": "新密码", "en": "New password"},
    "password.repeat": {"zh": "再次输入新密码", "en": "New password again"},
    "password.save": {"zh": "保存并进入", "en": "Save and go on"},
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
