"""``judging db upgrade`` and ``judging audit verify``: the database schema and the audit trail."""

from __future__ import annotations

import sys

from judging.core.permissions import CLI
from judging.i18n import t
from judging.store.audit_log import count_events, score_mismatches, verify_audit_chain
from judging.store.db import database_url, make_engine, read_session, upgrade


def register(subparsers) -> None:
    db = subparsers.add_parser("db", help="database schema / 数据库结构")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="create or upgrade the schema / 创建或升级数据库结构")
    up.add_argument("--db", default=None, help="database URL (default: JUDGING_DATABASE_URL)")
    up.set_defaults(func=run_upgrade)

    audit = subparsers.add_parser("audit", help="audit trail / 审计记录")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="check the hash chain / 校验哈希链")
    verify.add_argument("--db", default=None, help="database URL (default: JUDGING_DATABASE_URL)")
    verify.set_defaults(func=run_audit_verify)


def run_upgrade(args) -> int:
    url = args.db or database_url()
    upgrade(url)
    print(t("cli.db_upgraded", url=make_engine(url).url.render_as_string(hide_password=True)))
    return 0


def run_audit_verify(args) -> int:
    engine = make_engine(args.db)
    with read_session(engine) as session:
        broken = verify_audit_chain(session, actor=CLI)
        total = count_events(session, actor=CLI)
        mismatches = score_mismatches(session, actor=CLI)
    if broken:
        print(t("cli.audit_broken", n=len(broken), ids=", ".join(map(str, broken[:20]))), file=sys.stderr)
    for problem in mismatches[:20]:
        print(problem.render(), file=sys.stderr)
    if broken or mismatches:
        return 1
    print(t("cli.audit_ok", n=total))
    return 0
