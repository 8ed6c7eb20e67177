"""Texts of signed-in sessions: why a session ended, the idle warning, the connection banner, the
organiser's "sign out everywhere"."""

TEXTS = {
    "session.bad_hours": {
        "zh": "设置 {name} 的值“{value}”无效：请填写正数小时数（如 12 或 0.5），或删除该设置以使用默认的 {default} 小时。",
        "en": "{name} is set to “{value}”, which is not usable: give a positive number of hours (e.g. 12 or 0.5), "
              "or remove it for the default of {default}.",
    },
    "session.ended.unknown": {
        "zh": "登录状态已失效，请重新登录。",
        "en": "Your sign-in is no longer valid; please sign in again.",
    },
    "session.ended.expired": {
        "zh": "登录已超过 {hours} 小时，为安全起见请重新登录。",
        "en": "You signed in more than {hours} hours ago; please sign in again.",
    },
    "session.ended.sign_out": {
        "zh": "您已在本浏览器中退出登录，请重新登录。",
        "en": "You signed out in this browser; please sign in again.",
    },
    "session.ended.organiser": {
        "zh": "组织方已让您的账号在所有设备上退出登录，请重新登录。",
        "en": "The organiser signed your account out everywhere; please sign in again.",
    },
    "session.ended.disabled": {
        "zh": "您的账号已被停用，已退出登录。如有疑问请联系组织方。",
        "en": "Your account was switched off and signed out; please contact the organiser.",
    },
    "session.ended.password": {
        "zh": "您的账号密码已更改，请用新密码重新登录。",
        "en": "Your account's password was changed; please sign in with the new one.",
    },
    "session.ended.role_changed": {
        "zh": "您的账号角色已更改，请重新登录。",
        "en": "Your account's role was changed; please sign in again.",
    },
    "session.idle_warning": {
        "zh": "您已有一段时间没有操作，将在 {seconds} 秒后自动退出登录。",
        "en": "You have not done anything for a while; you will be signed out in {seconds} seconds.",
    },
    "session.stay": {"zh": "继续使用", "en": "Stay signed in"},
    "session.offline": {
        "zh": "与服务器的连接已断开，正在重新连接…已保存的评分不会丢失；本页未发送的修改保存在本机，恢复连接后自动提交。",
        "en": "The connection to the server was lost; reconnecting… Saved scores are safe; changes on this page "
              "that were not sent yet are kept on this computer and sent once the connection is back.",
    },
    "staff.sign_out_everywhere": {"zh": "在所有设备上退出登录", "en": "Sign out everywhere"},
    "staff.sign_out_everywhere_help": {
        "zh": "结束该账号在所有浏览器中的登录（如笔记本电脑遗失）；该账号需重新输入密码登录。",
        "en": "Ends this account's sign-in in every browser (e.g. a lost laptop); it must enter its password again.",
    },
    "staff.signed_out_everywhere": {
        "zh": "{username} 已在所有设备上退出登录（结束了 {count} 个登录）。",
        "en": "{username} was signed out everywhere ({count} sessions ended).",
    },
    "staff.col.sessions": {"zh": "登录中", "en": "Signed in"},
}
