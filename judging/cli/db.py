"""``judging db upgrade``, ``judging audit verify``, ``judging audit rekey`` and ``judging audit log``: the
database schema and the audit trail (verifying and rotating need the audit key: ``JUDGING_AUDIT_KEY``/``JUDGING_AUDIT_KEY_FILE``)."""

from __future__ import annotations

import sys
from pathlib import Path

from judging.cli._audit_log import add_log_parser
from judging.core.audit_digest import key_fingerprint, keyed_event_digest
from judging.core.permissions import CLI
from judging.errors import JudgingError, Problem
from judging.i18n import current_language, t
from judging.store.audit_key import resolve_key
from judging.store.audit_log import count_events, rekey_chain
from judging.store.audit_verify import audit_problems
from judging.store.db import database_url, make_engine, read_session, upgrade
from judging.store.seals import problems_under_key, redigest_seals

MAX_LISTED_PROBLEMS = 50  # the first fifty show what was changed; the count says how much more there is


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
    rekey = audit_sub.add_parser("rekey", help="rotate the audit key / 更换审计密钥")
    rekey.add_argument("--old-key-file", type=Path, required=True,
                       help="file with the key the chain has now; the new key is the configured one / 原密钥文件")
    rekey.add_argument("--reason", default="key rotation", help="recorded in the audit trail / 记入审计记录")
    rekey.add_argument("--db", default=None, help="database URL (default: JUDGING_DATABASE_URL)")
    rekey.set_defaults(func=run_audit_rekey)
    add_log_parser(audit_sub)


def run_upgrade(args) -> int:
    url = args.db or database_url()
    upgrade(url)
    print(t("cli.db_upgraded", url=make_engine(url).url.render_as_string(hide_password=True)))
    return 0


def run_audit_verify(args) -> int:
    engine = make_engine(args.db)
    with read_session(engine) as session:
        problems = audit_problems(session, actor=CLI, lang=current_language())
        total = count_events(session, actor=CLI)
    for problem in problems[:MAX_LISTED_PROBLEMS]:
        print(problem.render(), file=sys.stderr)
    if len(problems) > MAX_LISTED_PROBLEMS:
        print(t("audit.more", n=len(problems) - MAX_LISTED_PROBLEMS), file=sys.stderr)
    if problems:
        print(t("audit.verify_failed", n=len(problems)), file=sys.stderr)
        return 1
    print(t("cli.audit_ok", n=total))
    return 0


def run_audit_rekey(args) -> int:
    engine = make_engine(args.db)
    if not args.old_key_file.is_file():
        raise JudgingError(Problem("audit.key.file_missing", {"path": str(args.old_key_file), "env": "--old-key-file"}))
    old_key = args.old_key_file.read_bytes().strip()
    new_key = resolve_key(engine.url.render_as_string(hide_password=False), may_create=False)
    if old_key == new_key:
        raise JudgingError(Problem("audit.rekey.same_key", {"fingerprint": key_fingerprint(new_key)}))
    with engine.begin() as connection:
        problems = problems_under_key(connection, old_key, current_language())
        if problems:  # re-digesting seals that do not match would launder the rows they name
            for problem in problems[:MAX_LISTED_PROBLEMS]:
                print(problem.render(), file=sys.stderr)
            print(t("audit.rekey.refused", n=len(problems)), file=sys.stderr)
            return 1
        done = rekey_chain(connection, old=keyed_event_digest(old_key), old_name=key_fingerprint(old_key),
                           new_key=new_key, actor=CLI.username, reason=args.reason, old_key=old_key)
        redigest_seals(connection, new_key)
    if done.broken_before:
        print(t("audit.rekey.broken_before", n=len(done.broken_before),
                ids=", ".join(map(str, done.broken_before[:20]))), file=sys.stderr)
    print(t("audit.rekey.done", n=done.events, old=key_fingerprint(old_key), new=key_fingerprint(new_key)))
    return 0
