"""``judging import materials FOLDER --edition N``: a folder of files attached to the edition's entries by
the entry id each file name starts with (``2026-IN-014_申报书.pdf``); all or nothing.

Refused files are printed as a report (file, what to fix) and the command exits 1 with nothing stored.
Names that start with no entry id are listed and skipped (with ``--require-all`` they stop the import).
"""

from __future__ import annotations

import sys
from pathlib import Path

from judging.core.permissions import CLI
from judging.errors import JudgingError, NotFound, Problem
from judging.i18n import t

HELP = "files of entries from a folder, named by entry id / 导入作品材料（文件名以作品编号开头）"


def register_import(imp_sub, db_help: str) -> None:
    """Add ``materials`` under ``judging import``."""
    parser = imp_sub.add_parser("materials", help=HELP)
    parser.add_argument("folder", type=Path, help="folder of PDF/PNG/JPG/DOCX files (sub-folders included)")
    parser.add_argument("--edition", type=int, required=True, help="edition id / 大赛编号")
    parser.add_argument("--identifying", action="append", default=[], metavar="PATTERN",
                        help="names matching this pattern name the applicant (hidden in blind rounds), "
                             "e.g. '*营业执照*'; may be repeated / 含申报单位信息的文件名模式")
    parser.add_argument("--require-all", action="store_true",
                        help="refuse the folder if a file name starts with no entry id / 有未匹配文件时不导入")
    parser.add_argument("--db", default=None, help=db_help)
    parser.set_defaults(func=run_import_materials)


def folder_files(folder: Path) -> list[tuple[str, bytes]]:
    """Every file under ``folder`` (hidden files and folders left out), sorted by path, with its bytes."""
    if not folder.is_dir():
        raise JudgingError(Problem("mat.cli.not_a_folder", {"path": folder}))
    paths = sorted(p for p in folder.rglob("*") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    return [(p.name, p.read_bytes()) for p in paths]


def run_import_materials(args) -> int:
    from judging.store.db import open_database, write_session
    from judging.store.materials import import_materials
    from judging.store.models import Edition

    try:
        files = folder_files(args.folder)
    except JudgingError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    engine = open_database(args.db)
    try:
        with write_session(engine) as session:
            if session.get(Edition, args.edition) is None:
                raise NotFound(Problem("store.not_found", {"what": "edition", "id": args.edition}))
            outcome = import_materials(session, edition_id=args.edition, files=files,
                                       identifying=args.identifying, require_all=args.require_all, actor=CLI)
    except JudgingError as exc:
        print(f"{args.folder}: {t('cli.import_nothing')}", file=sys.stderr)
        for problem in exc.problems:
            print(problem.render(), file=sys.stderr)
        print(t("cli.problems_found", n=len(exc.problems)), file=sys.stderr)
        return 1
    print(t("mat.cli.done", n=len(outcome.attached), blobs=outcome.new_blobs, already=len(outcome.already_attached)))
    if outcome.unmatched:
        print(t("mat.cli.unmatched", n=len(outcome.unmatched)))
        for name in outcome.unmatched:
            print(f"  {name}")
    return 0
