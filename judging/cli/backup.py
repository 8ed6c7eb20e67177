"""``judging backup OUT`` and ``judging restore IN``: a consistent copy of the live database (SQLite's
online backup API, ``pg_dump`` for PostgreSQL) and its restore into an empty database. The audit key is
not in the backup: keep it separately (docs/deployment.md)."""

from __future__ import annotations

from pathlib import Path

from judging.i18n import t
from judging.store.backup import backup_database, restore_database, target_of
from judging.store.db import database_url

DB_HELP = "database URL (default: JUDGING_DATABASE_URL or sqlite:///data/judging.db)"


def register(subparsers) -> None:
    backup = subparsers.add_parser("backup", help="consistent backup of the live database / 备份数据库")
    backup.add_argument("out", type=Path, help="the backup file to write (never overwritten) / 备份文件")
    backup.add_argument("--db", default=None, help=DB_HELP)
    backup.set_defaults(func=run_backup)
    restore = subparsers.add_parser("restore", help="restore a backup into an empty database / 从备份恢复")
    restore.add_argument("source", type=Path, help="a file written by judging backup / 备份文件")
    restore.add_argument("--db", default=None, help=DB_HELP)
    restore.add_argument("--force", action="store_true",
                         help="overwrite a database that holds data / 覆盖已有数据的数据库")
    restore.set_defaults(func=run_restore)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def run_backup(args) -> int:
    size = backup_database(args.db or database_url(), args.out)
    print(t("backup.written", path=str(args.out), size=_size(size)))
    return 0


def run_restore(args) -> int:
    url = args.db or database_url()
    restore_database(args.source, url, force=args.force)
    print(t("backup.restored", path=str(args.source), url=target_of(url).shown))
    return 0
