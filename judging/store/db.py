"""Engine and sessions: SQLite (WAL, busy timeout, BEGIN IMMEDIATE writes) or PostgreSQL (psycopg 3).

The database URL comes from ``JUDGING_DATABASE_URL`` (default ``sqlite:///data/judging.db``). The
schema is created and upgraded by the Alembic migrations shipped in the package (``upgrade``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

DEFAULT_DATABASE_URL = "sqlite:///data/judging.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000  # a save waits this long behind another writer before giving up
# Every Streamlit session runs in its own thread: with SQLAlchemy's default 5 + 10 connections, 50 judges
# saving at once waited 30 s for a connection and failed (benchmarks/concurrency.py). SQLite
# connections are cheap file handles; the writers queue on SQLite's own lock (busy timeout) instead.
SQLITE_POOL_SIZE = 20
SQLITE_MAX_OVERFLOW = 60
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def database_url() -> str:
    return os.environ.get("JUDGING_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` URLs and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and the pragmas set."""
    url = normalise_url(url or database_url())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                               pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_MAX_OVERFLOW)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN; take control of it so that writes start with
    # BEGIN IMMEDIATE (a deferred transaction that reads then writes fails at once when locked).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged save survives a power cut too
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get("judging_read_only"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on error (BEGIN IMMEDIATE on SQLite)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            _record_refusal(engine, exc)
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading only: on SQLite it does not take the write lock."""
    bind = engine.execution_options(judging_read_only=True)
    try:
        with Session(bind, expire_on_commit=False) as session:
            yield session
    except BaseException as exc:
        _record_refusal(engine, exc)
        raise


def _record_refusal(engine: Engine, exc: BaseException) -> None:
    # a refused action rolls back; its ``permission.refused`` event is written afterwards, on its own
    if getattr(exc, "refusal", None) is not None:
        from judging.store.guard import record_refusal

        record_refusal(engine, exc)


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(engine_or_url: Engine | str | None = None) -> None:
    """Create or upgrade the schema to the newest migration, keeping every row."""
    from alembic import command

    if isinstance(engine_or_url, Engine):
        config = alembic_config(engine_or_url.url.render_as_string(hide_password=False))
        with engine_or_url.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    else:
        command.upgrade(alembic_config(engine_or_url or database_url()), "head")


def open_database(url: str | None = None) -> Engine:
    """An engine on an up-to-date schema: the one call shells make at start."""
    engine = make_engine(url)
    upgrade(engine)
    return engine
