"""``judging import entries|judges`` and ``judging scores export|import``: data in and out of the store.

Problems are printed as a report (row, column, what to fix), one per line, and the command exits
1; nothing is written then.
"""

from __future__ import annotations

import sys
from pathlib import Path

from judging.cli._materials import register_import as register_materials_import
from judging.core.import_matches import ADD, REFUSE, UPDATE, DuplicateEntries
from judging.core.paper_sheets import is_typing_data, read_typing_file
from judging.core.permissions import CLI
from judging.core.scores_io import read_scores_csv, write_scores_csv
from judging.errors import JudgingError, NotFound, Problem
from judging.i18n import t
from judging.store.db import open_database, read_session, write_session
from judging.store.editions import get_round, round_rubric
from judging.store.imports import import_entries, import_judges, import_scores
from judging.store.models import Edition
from judging.store.paper import type_in_sheets
from judging.store.scores import load_scores_frame

DB_HELP = "database URL (default: JUDGING_DATABASE_URL or sqlite:///data/judging.db)"


def register(subparsers) -> None:
    imp = subparsers.add_parser("import", help="import entries, judges (CSV/XLSX) or materials / 导入作品、评委或作品材料")
    imp_sub = imp.add_subparsers(dest="import_command", required=True)
    entries = imp_sub.add_parser("entries", help="entries of an edition / 导入参赛作品")
    entries.add_argument("file", type=Path)
    entries.add_argument("--edition", type=int, required=True, help="edition id / 大赛编号")
    entries.add_argument("--on-match", choices=(UPDATE, ADD), default=REFUSE,
                         help="entries already in the edition (same id, or same title and organisation): update "
                              "them, or add them as new; without it nothing is imported / 已有作品：更新或作为新作品添加")
    entries.add_argument("--db", default=None, help=DB_HELP)
    entries.set_defaults(func=run_import_entries)
    judges = imp_sub.add_parser("judges", help="judges (user accounts with the judge role) / 导入评委")
    judges.add_argument("file", type=Path)
    judges.add_argument("--edition", type=int, default=None,
                        help="match expertise to this edition's tracks and check conflicts with its entries")
    judges.add_argument("--db", default=None, help=DB_HELP)
    judges.set_defaults(func=run_import_judges)
    register_materials_import(imp_sub, DB_HELP)

    scores = subparsers.add_parser("scores", help="scores in long format (CSV) / 分数长表")
    scores_sub = scores.add_subparsers(dest="scores_command", required=True)
    export = scores_sub.add_parser("export", help="write a round's scores / 导出分数")
    export.add_argument("--round", type=int, required=True, dest="round_id", help="round id / 评审阶段编号")
    export.add_argument("--out", type=Path, required=True, help="CSV file to write")
    export.add_argument("--db", default=None, help=DB_HELP)
    export.set_defaults(func=run_scores_export)
    load = scores_sub.add_parser("import", help="read scores into a round / 导入分数")
    load.add_argument("file", type=Path)
    load.add_argument("--round", type=int, required=True, dest="round_id", help="round id / 评审阶段编号")
    load.add_argument("--db", default=None, help=DB_HELP)
    load.set_defaults(func=run_scores_import)


def run_import_entries(args) -> int:
    data = _read(args.file)
    engine = open_database(args.db)
    try:
        with write_session(engine) as session:
            _check_edition(session, args.edition)
            outcome = import_entries(session, edition_id=args.edition, data=data, on_match=args.on_match, actor=CLI)
    except DuplicateEntries as exc:
        code = _report(exc, args.file)
        print(t("cli.import_matches_hint"), file=sys.stderr)
        return code
    except JudgingError as exc:
        return _report(exc, args.file)
    _print_notes(outcome.notes)
    if outcome.updated:
        print(t("cli.import_entries_updated", n=outcome.imported, updated=outcome.updated))
    else:
        print(t("cli.import_entries_done", n=outcome.imported))
    if outcome.conflicts:
        print(t("cli.auto_conflicts", n=outcome.conflicts))
    return 0


def run_import_judges(args) -> int:
    data = _read(args.file)
    engine = open_database(args.db)
    try:
        with write_session(engine) as session:
            if args.edition is not None:
                _check_edition(session, args.edition)
            outcome = import_judges(session, data=data, edition_id=args.edition, actor=CLI)
    except JudgingError as exc:
        return _report(exc, args.file)
    _print_notes(outcome.notes)
    print(t("cli.import_judges_done", n=outcome.imported, conflicts=outcome.conflicts))
    return 0


def _print_notes(notes) -> None:
    """What the file was read as, where it differs from a plain table (the header below a title row)."""
    for note in notes:
        print(note.message())


def run_scores_export(args) -> int:
    engine = open_database(args.db)
    with read_session(engine) as session:
        frame = load_scores_frame(session, round_id=args.round_id, actor=CLI)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(write_scores_csv(frame))
    print(t("cli.scores_exported", n=len(frame), path=args.out))
    return 0


def run_scores_import(args) -> int:
    data = _read(args.file)
    engine = open_database(args.db)
    try:
        with write_session(engine) as session:
            rubric = round_rubric(get_round(session, args.round_id))
            if is_typing_data(data):  # paper sheets typed in: one row per sheet id (judging paper print)
                typed = type_in_sheets(session, sheets=read_typing_file(data, rubric), round_id=args.round_id,
                                       actor=CLI)
            else:
                typed = None
                outcome = import_scores(session, args.round_id, read_scores_csv(data, rubric), CLI)
    except JudgingError as exc:
        return _report(exc, args.file)
    if typed is not None:
        print(t("paper.typed", n=typed))
        return 0
    print(t("cli.scores_imported", n=outcome.rows, changed=outcome.changed))
    return 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise JudgingError(Problem("rubric.unreadable", {"detail": exc.strerror or str(exc)}, where=str(path))) from exc


def _check_edition(session, edition_id: int) -> None:
    if session.get(Edition, edition_id) is None:
        raise NotFound(Problem("store.not_found", {"what": "edition", "id": edition_id}))


def _report(exc: JudgingError, path: Path) -> int:
    """Every problem as ``row<TAB>column<TAB>message`` under a header, on stderr."""
    print(f"{path.name}: {t('cli.import_nothing')}", file=sys.stderr)
    print(t("cli.report_columns"), file=sys.stderr)
    for problem in exc.problems:
        row = "" if problem.row is None else str(problem.row)
        message = f"{problem.where}: {problem.message()}" if problem.where else problem.message()
        print(f"{row}\t{problem.column or ''}\t{message}", file=sys.stderr)
    print(t("cli.problems_found", n=len(exc.problems)), file=sys.stderr)
    return 1
