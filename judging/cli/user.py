"""``judging user add|passwd|list|disable|enable|signout``: accounts from the command line, the first organiser included.

A new account gets a generated one-time password, printed once (the account chooses its own at its
first sign-in), or the password read from standard input with ``--password-stdin``. Either way the
password rules apply (``judging.core.passwords``).
"""

from __future__ import annotations

import sys

from judging.core.handout import generated_password
from judging.core.passwords import prepare_password
from judging.core.permissions import CLI, ROLES
from judging.errors import NotFound, Problem
from judging.i18n import t
from judging.store.db import open_database, read_session, write_session
from judging.store.people import create_user, get_user, list_users, set_judge_active, set_passwords
from judging.store.sessions import sign_out_everywhere


def register(subparsers) -> None:
    user = subparsers.add_parser("user", help="accounts / 账号")
    sub = user.add_subparsers(dest="user_command", required=True)
    add = sub.add_parser("add", help="create an account / 新建账号")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--display-name", default="", help="the name shown in the app (default: the user name)")
    add.add_argument("--email", default="", help="for single sign-on and mail")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(func=run_add)
    passwd = sub.add_parser("passwd", help="issue a new password / 重设密码")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    passwd.set_defaults(func=run_passwd)
    listing = sub.add_parser("list", help="list the accounts / 列出账号")
    listing.set_defaults(func=run_list)
    for name, active, text in (("disable", False, "switch an account off / 停用账号"),
                               ("enable", True, "switch an account on again / 启用账号")):
        switch = sub.add_parser(name, help=text)
        switch.add_argument("username")
        switch.set_defaults(func=run_switch, active=active)
    signout = sub.add_parser("signout", help="end the account's sign-in in every browser / 在所有设备上退出登录")
    signout.add_argument("username")
    signout.set_defaults(func=run_signout)
    for parser in (add, passwd, listing, *sub.choices.values()):
        if not any(a.dest == "db" for a in parser._actions):
            parser.add_argument("--db", default=None, help="database URL (default: JUDGING_DATABASE_URL)")


def _password(args) -> tuple[str, bool]:
    """The password and whether it is one-time: read from stdin, or generated (one-time)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    return generated_password(args.username), True


def run_add(args) -> int:
    password, one_time = _password(args)
    prepared = prepare_password(password, username=args.username, one_time=one_time)
    engine = open_database(args.db)
    with write_session(engine) as session:
        user = create_user(session, username=args.username, display_name=args.display_name or args.username,
                           role=args.role, email=args.email, password=prepared, actor=CLI)
    print(t("cli.user_added", username=user.username, role=t(f"role.{user.role}")))
    if one_time:
        print(t("cli.user_one_time", password=password))
    return 0


def run_passwd(args) -> int:
    password, one_time = _password(args)
    prepared = prepare_password(password, username=args.username, one_time=one_time)
    engine = open_database(args.db)
    with write_session(engine) as session:
        set_passwords(session, passwords={args.username: prepared}, actor=CLI)
    print(t("cli.user_password_set", username=args.username))
    if one_time:
        print(t("cli.user_one_time", password=password))
    return 0


def run_list(args) -> int:
    engine = open_database(args.db)
    with read_session(engine) as session:
        users = list_users(session, actor=CLI)
    print("\t".join((t("cli.user_col.username"), t("cli.user_col.name"), t("cli.user_col.role"),
                     t("cli.user_col.state"))))
    for user in users:
        state = t("cli.user_state.active" if user.active else "cli.user_state.off")
        if user.password_one_time:
            state += " · " + t("cli.user_state.one_time")
        print("\t".join((user.username, user.display_name, t(f"role.{user.role}"), state)))
    return 0


def run_switch(args) -> int:
    engine = open_database(args.db)
    with write_session(engine) as session:
        user = get_user(session, args.username, actor=CLI)
        if user is None:
            raise NotFound(Problem("store.not_found", {"what": "user", "id": args.username}))
        set_judge_active(session, judge_id=user.id, active=args.active, actor=CLI)
    print(t("cli.user_enabled" if args.active else "cli.user_disabled", username=args.username))
    return 0


def run_signout(args) -> int:
    engine = open_database(args.db)
    with write_session(engine) as session:
        user = get_user(session, args.username, actor=CLI)
        if user is None:
            raise NotFound(Problem("store.not_found", {"what": "user", "id": args.username}))
        ended = sign_out_everywhere(session, user_id=user.id, actor=CLI)
    print(t("staff.signed_out_everywhere", username=args.username, count=ended))
    return 0
