"""``judging mail invite|remind --round R``: invitations and reminders to a round's judges by e-mail.

SMTP settings from ``JUDGING_SMTP_URL`` and ``JUDGING_MAIL_FROM``, the sign-in link from
``JUDGING_PUBLIC_URL`` (docs/mail.md). Prints one line per judge the message did not reach and
exits 1 when there is any; a second run sends only what the first did not (``--resend`` starts a
new batch for everybody).
"""

from __future__ import annotations

import sys

from judging.core.mail import INVITE, KIND_NAMES, REMIND, public_url, smtp_settings
from judging.core.permissions import CLI
from judging.i18n import t
from judging.mailing import send_round_mail
from judging.store.db import open_database, read_session
from judging.store.mail import newest_batch

DB_HELP = "database URL (default: JUDGING_DATABASE_URL or sqlite:///data/judging.db)"


def register(subparsers) -> None:
    mail = subparsers.add_parser("mail", help="invitations and reminders to judges by e-mail / 评审邀请与提醒邮件")
    sub = mail.add_subparsers(dest="mail_command", required=True)
    for kind, help_line in ((INVITE, "invite the round's judges (a one-time password to those who never signed "
                                     "in) / 发送评审邀请"),
                            (REMIND, "remind the round's judges of their sheets / 发送评审提醒")):
        p = sub.add_parser(kind, help=help_line)
        p.add_argument("--round", type=int, required=True, dest="round_id", help="round id / 评审阶段编号")
        p.add_argument("--resend", action="store_true",
                       help="start a new batch: send again to everybody / 开始新的一批，重新发送给所有评委")
        if kind == REMIND:
            p.add_argument("--behind-only", action="store_true",
                           help="only judges with sheets not yet submitted / 只提醒尚未全部提交的评委")
        p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the messages / 邮件语言")
        p.add_argument("--db", default=None, help=DB_HELP)
        p.set_defaults(func=run_mail, kind=kind)


def run_mail(args) -> int:
    settings, base_url = smtp_settings(), public_url()  # ConfigError: printed, exit 2
    engine = open_database(args.db)
    resend_after = None
    if args.resend:
        with read_session(engine) as s:
            resend_after = newest_batch(s, kind=args.kind, round_id=args.round_id, actor=CLI)
    report = send_round_mail(engine, kind=args.kind, round_id=args.round_id, settings=settings, base_url=base_url,
                             actor=CLI, resend_after=resend_after, behind_only=getattr(args, "behind_only", False),
                             lang=args.lang)
    print(t("mail.report", kind=t(KIND_NAMES[args.kind]), batch=report.batch, sent=len(report.sent),
            skipped=len(report.skipped), failed=len(report.failed)))
    if report.passwords_issued:
        print(t("mail.report_passwords", n=len(report.passwords_issued)))
    if report.skipped and not report.sent and not report.failed:
        print(t("mail.resend_hint", next=report.batch + 1))
    for username, why in sorted(report.failed.items()):
        print(t("mail.failed_line", username=username, why=why), file=sys.stderr)
    return 1 if report.failed else 0
