"""``judging audit log``: the audit trail in words, filtered, on the terminal or as CSV/XLSX (a part of the
``audit`` command that ``judging/cli/db.py`` registers)."""

from __future__ import annotations

import sys
from pathlib import Path

from judging.core.audit_export import log_csv, log_xlsx
from judging.core.audit_query import parse_moment
from judging.core.audit_words import describe
from judging.core.permissions import CLI
from judging.errors import AuditLogError, Problem
from judging.i18n import current_language, t
from judging.store.audit_events import log_events, log_names, log_page, resolve_query
from judging.store.db import make_engine, read_session

FORMATS = ("text", "csv", "xlsx")
DEFAULT_LIMIT = 50  # the terminal shows the newest fifty; a file holds every matching event


def add_log_parser(audit_sub) -> None:
    log = audit_sub.add_parser("log", help="the audit trail in words / 审计日志")
    log.add_argument("--who", default="", help="account or display name of who acted / 操作人")
    log.add_argument("--kind", action="append", default=[],
                     help="an event kind (score.save) or group (score); repeatable / 类型")
    log.add_argument("--entry", default="", help="entry id (code) / 作品编号")
    log.add_argument("--judge", default="", help="the judge whose sheets / 评委")
    log.add_argument("--since", default="", help="from (2026-11-23 or 2026-11-23T08:00, UTC) / 起始")
    log.add_argument("--until", default="", help="until, inclusive for a date / 截止")
    log.add_argument("--format", default="text", help="text, csv or xlsx / 格式")
    log.add_argument("--out", type=Path, default=None, help="file for csv/xlsx (default: stdout for csv)")
    log.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="events shown as text / 显示条数")
    log.add_argument("--db", default=None, help="database URL (default: JUDGING_DATABASE_URL)")
    log.set_defaults(func=run_audit_log)


def run_audit_log(args) -> int:
    if args.format not in FORMATS:
        raise AuditLogError(Problem("alog.bad_format", {"value": args.format, "allowed": ", ".join(FORMATS)}))
    lang = current_language()
    since, until = parse_moment(args.since), parse_moment(args.until, end=True)
    kinds = tuple(k.strip() for value in args.kind for k in value.split(","))
    with read_session(make_engine(args.db)) as session:
        query = resolve_query(session, who=args.who, kinds=kinds, entry=args.entry, judge=args.judge, since=since,
                              until=until, actor=CLI)
        names = log_names(session, actor=CLI)
        if args.format == "text":
            page = log_page(session, query=query, limit=args.limit, actor=CLI)
            for event in page.events:
                print(f"{event.id}\t{event.at:%Y-%m-%d %H:%M:%S}\t{describe(event, names, lang)}")
            if page.total > len(page.events):
                print(t("alog.cli.page", shown=len(page.events), n=page.total), file=sys.stderr)
            return 0
        events = list(log_events(session, query=query, actor=CLI))
    data = (log_csv if args.format == "csv" else log_xlsx)(events, names, lang)
    if args.out is None and args.format == "csv":
        sys.stdout.buffer.write(data)
        return 0
    out = args.out or Path(f"{t('alog.filename', lang)}.{args.format}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(t("alog.cli.written", path=str(out), n=len(events)))
    return 0
