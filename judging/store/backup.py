"""Consistent backups of a live database and their restore: SQLite through its online backup API, PostgreSQL
through ``pg_dump``/``pg_restore``. The audit key is never in a backup (see docs/deployment.md).

A SQLite backup is one read transaction copying every page (``sqlite3.Connection.backup`` with all pages
in one step), so writers that commit meanwhile are either wholly in it or wholly not; a ``pg_dump`` is
one repeatable-read snapshot. A restore refuses a target that holds any row unless forced.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

from judging.errors import BackupError, Problem
from judging.store.db import normalise_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"  # pg_dump's custom format
PG_BIN_ENV = "JUDGING_PG_BIN"  # where pg_dump/pg_restore are, when not on PATH
PG_TOOL_TIMEOUT_S = 3600  # a national contest's database dumps in well under a minute; this only stops a hang


@dataclass(frozen=True)
class Target:
    kind: str  # "sqlite" or "postgresql"
    url: str  # as SQLAlchemy takes it
    shown: str  # with the password hidden


def target_of(url: str) -> Target:
    parsed = make_url(normalise_url(url))
    kind = "sqlite" if parsed.get_backend_name() == "sqlite" else "postgresql"
    return Target(kind, parsed.render_as_string(hide_password=False), parsed.render_as_string(hide_password=True))


def backup_kind(path: Path) -> str:
    """What database a backup file holds ("sqlite" or "postgresql"), or a ``BackupError`` saying it is none."""
    if not path.is_file():
        raise BackupError(Problem("backup.no_file", {"path": str(path)}))
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(Problem("backup.not_backup", {"path": str(path), "detail": repr(head[:8])}))


def tables_with_rows(engine: Engine) -> list[str]:
    """The application's tables that hold at least one row (a first row each is read, not a count)."""
    names = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return [model.name for model in SQLModel.metadata.sorted_tables if model.name in names
                and connection.execute(select(1).select_from(table(model.name)).limit(1)).first() is not None]


def _count(engine: Engine, name: str) -> int:
    if name not in inspect(engine).get_table_names():
        return 0
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table(name))).scalar_one())


def _sqlite_path(target: Target) -> str:
    return make_url(target.url).database or ""


def backup_database(url: str, out: Path) -> int:
    """Write a consistent backup of the database at ``url`` to ``out`` (never over an existing file); its size."""
    target = target_of(url)
    if out.exists():
        raise BackupError(Problem("backup.exists", {"path": str(out)}))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    try:
        if target.kind == "sqlite":
            _sqlite_copy(_sqlite_path(target), partial)
        else:
            _run_pg("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", str(partial)], target)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out.stat().st_size


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)


def _sqlite_copy(source: str, destination: Path) -> None:
    if not Path(source).is_file():
        raise BackupError(Problem("backup.no_file", {"path": source}))
    src = _read_only(Path(source))
    dst = sqlite3.connect(str(destination))
    try:
        src.execute("PRAGMA busy_timeout = 30000")
        with dst:
            src.backup(dst)  # pages=-1: every page in one step, under one read transaction
    finally:
        dst.close()
        src.close()


def restore_database(source: Path, url: str, *, force: bool = False, engine: Engine | None = None) -> None:
    """Restore the backup ``source`` into the database at ``url``; refused when it holds any row, unless ``force``."""
    target = target_of(url)
    kind = backup_kind(source)
    if kind != target.kind:
        raise BackupError(Problem("backup.wrong_kind", {"path": str(source), "kind": kind, "target": target.kind}))
    if not force:
        _refuse_if_not_empty(target, engine)
    if target.kind == "sqlite":
        path = Path(_sqlite_path(target))
        path.parent.mkdir(parents=True, exist_ok=True)
        src = _read_only(source)
        dst = sqlite3.connect(str(path))
        try:
            dst.execute("PRAGMA busy_timeout = 30000")
            src.backup(dst)  # replaces every page of the target, in one write transaction
        finally:
            dst.close()
            src.close()
    else:
        _run_pg("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                               "--exit-on-error", str(source)], target)


def _refuse_if_not_empty(target: Target, engine: Engine | None) -> None:
    from judging.store.db import make_engine

    if target.kind == "sqlite" and not Path(_sqlite_path(target)).is_file():
        return
    own = engine is None
    engine = engine or make_engine(target.url)
    try:
        if tables_with_rows(engine):
            raise BackupError(Problem("backup.not_empty", {"url": target.shown, "n": _count(engine, "audit_event"),
                                                           "users": _count(engine, "app_user")}))
    finally:
        if own:
            engine.dispose()


def _tool(name: str) -> str:
    folder = os.environ.get(PG_BIN_ENV, "").strip()
    candidates = [str(Path(folder) / name)] if folder else []
    candidates += [p for p in (shutil.which(name),) if p]
    candidates += sorted((str(p) for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}")), reverse=True)
    for candidate in candidates:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(Problem("backup.no_tool", {"tool": name}))


def _run_pg(name: str, args: list[str], target: Target) -> None:
    """Run a PostgreSQL tool on the target: the connection as flags, the password in the environment
    (never on the command line, where ``ps`` shows it)."""
    parsed = make_url(target.url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    connection = [f"--host={parsed.host or '127.0.0.1'}", f"--port={parsed.port or 5432}",
                  f"--username={parsed.username or 'postgres'}"]
    command = [_tool(name), *connection, f"--dbname={parsed.database}", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=PG_TOOL_TIMEOUT_S, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(Problem("backup.tool_failed", {"tool": name, "code": done.returncode,
                                                         "detail": " / ".join(detail[-3:])}))
