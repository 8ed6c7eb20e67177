"""Engine and sessions: SQLite (WAL, busy timeout, BEGIN IMMEDIATE writes) or PostgreSQL (psycopg 3).

The database URL comes from ``JUDGING_DATABASE_URL`` (default ``sqlite:///data/judging.db``). The
schema is created and upgraded by the Alembic migrations shipped in the package (``upgrade``).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import delete, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, create_engine, select

from judging.errors import DatabaseBusy, JudgingError, Problem
from judging.store import event_log as _event_log  # noqa: F401  (registers the hooks that log audit events)
from judging.store import seals as _seals  # noqa: F401  (registers the session hooks that write row seals)
from judging.store.audit_key import audit_key
from judging.store.audit_log import append_event
from judging.store.models import AuditEvent, FormPress
from judging.store.times import utcnow

DEFAULT_DATABASE_URL = "sqlite:///data/judging.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000  # a save waits this long behind a writer in another process before giving up
# Writers in this process queue in arrival order before they ask SQLite for its lock. SQLite's own
# busy handler polls with growing sleeps, so with 50 judges saving at once an unlucky save could
# wait past the busy timeout while later ones went first ("database is locked"). The queue makes
# the wait first come, first served; only a writer in another process (the CLI) meets the busy handler.
WRITER_QUEUE_TIMEOUT_S = 60.0  # also PostgreSQL's (PG_WRITERS_ENV)
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
        _WRITER_QUEUES[engine] = WriterQueue()
        return engine
    writers = pg_writers()  # a wrong value is refused here, before any connection
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    _WRITER_QUEUES[engine] = WriterQueue(writers)
    return engine


PG_WRITERS_ENV = "JUDGING_PG_WRITERS"
# Saves of one process that write to PostgreSQL at once; the others queue in arrival order (WriterQueue).
# Without the queue, saves that found no free connection or lost the interpreter's lock to the threads
# already writing could starve: with 50 judges saving back to back, each judge's first save waited up to
# 10-12 s (p95 288 ms); with 4-8 places the longest wait was 0.5-0.6 s (p95 347-360 ms, the same saves/s).
PG_WRITERS_DEFAULT = 8
PG_WRITERS_MOST = 30  # the connection pool's size (10 + 20 overflow)


def pg_writers() -> int:
    raw = os.environ.get(PG_WRITERS_ENV, "").strip()
    if not raw:
        return PG_WRITERS_DEFAULT
    if not raw.isdigit() or not 1 <= int(raw) <= PG_WRITERS_MOST:
        raise JudgingError(Problem("store.pg_writers", {"value": raw, "env": PG_WRITERS_ENV, "most": PG_WRITERS_MOST}))
    return int(raw)


SQLITE_SYNCHRONOUS_ENV = "JUDGING_SQLITE_SYNCHRONOUS"
# NORMAL (the default, in WAL mode): a commit writes the WAL without waiting for the disk (fsync at
# checkpoints only), which was most of a save's time on SQLite's one writer (an fsync took 5-20 ms, every
# writer waiting behind it). A crash of the app loses nothing; a power cut or an OS crash may lose the
# last acknowledged saves, whole transactions with their events and seals, never half of one. FULL
# waits for the disk at every commit: an acknowledged save survives a power cut too.
SQLITE_SYNCHRONOUS_MODES = ("NORMAL", "FULL")


def sqlite_synchronous() -> str:
    value = os.environ.get(SQLITE_SYNCHRONOUS_ENV, "").strip().upper() or SQLITE_SYNCHRONOUS_MODES[0]
    if value not in SQLITE_SYNCHRONOUS_MODES:
        raise JudgingError(Problem("store.sqlite_synchronous", {"value": value, "env": SQLITE_SYNCHRONOUS_ENV,
                                                                 "allowed": ", ".join(SQLITE_SYNCHRONOUS_MODES)}))
    return value


def _configure_sqlite(engine: Engine) -> None:
    synchronous = sqlite_synchronous()  # a wrong value is refused here, before any connection

    # pysqlite's own transaction handling defers BEGIN; take control of it so that writes start with
    # BEGIN IMMEDIATE (a deferred transaction that reads then writes fails at once when locked).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get("judging_read_only"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


class WriterQueue:
    """A re-entrant gate that lets ``capacity`` threads in and hands a place over in arrival order
    (first come, first served); ``capacity=1`` is a lock.

    A place goes straight to the next waiter, whose own event is set: only that thread wakes. A
    condition shared by all waiters woke every one of them at each hand-over, and with 50 judges
    saving at once that cost more than the saves (234 saves/s against 440 one at a time, SQLite).
    """

    def __init__(self, capacity: int = 1) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self._waiting: deque[tuple[int, threading.Event]] = deque()
        self._owners: dict[int, int] = {}  # thread → how deep it is in

    def acquire(self, timeout: float) -> bool:
        me = threading.get_ident()
        with self._lock:
            if me in self._owners:
                self._owners[me] += 1
                return True
            if len(self._owners) < self.capacity and not self._waiting:
                self._owners[me] = 1
                return True
            turn = threading.Event()
            self._waiting.append((me, turn))
        try:
            if turn.wait(timeout):
                return True  # handed over by release: in already
        except BaseException:  # interrupted while waiting: leave the queue, or pass on a place handed over
            if self._give_up(me, turn):
                self.release()
            raise
        return self._give_up(me, turn)

    def _give_up(self, me: int, turn: threading.Event) -> bool:
        """Stop waiting: True if a place was handed over meanwhile (it is ours then)."""
        with self._lock:
            if me in self._owners:
                return True
            self._waiting.remove((me, turn))
            return False

    def release(self) -> None:
        me = threading.get_ident()
        with self._lock:
            if me not in self._owners:
                raise RuntimeError("WriterQueue released by a thread that is not in it")
            self._owners[me] -= 1
            if self._owners[me] == 0:
                del self._owners[me]
                if self._waiting:
                    owner, turn = self._waiting.popleft()
                    self._owners[owner] = 1
                    turn.set()


_WRITER_QUEUES: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()


PRESS_KEPT = timedelta(days=2)  # how long a stored press is kept (``_store_press``)
# The press of a form that this thread's next write stores (``claim_press``), and what to call once it is
# committed; None outside a press.
_PRESS: ContextVar[tuple[str, Callable[[], None] | None] | None] = ContextVar("judging_form_press", default=None)


class PressAlreadyStored(Exception):
    """The claimed press was already stored by another run of it: this write stored nothing."""


def claim_press(key: str | None, on_stored: Callable[[], None] | None = None) -> None:
    """The next write session of this thread stores the press ``key`` with its write, in the same
    transaction, or nothing if ``key`` is stored already (it raises ``PressAlreadyStored`` then);
    ``on_stored`` is called at once after that transaction commits (the press is used up: a press after
    it needs a new key, even where the page treats the write as a refusal, such as a failed sign-in
    that counts the failure).

    A form's press can be run twice at once: Streamlit starts the run of a second click while the run of
    the first is still writing (``runner.fastReruns``). Both runs see the same press (the same tab and the
    same form id), and the database's unique key lets one of them store it. ``None`` forgets a claim.
    """
    _PRESS.set(None if key is None else (key, on_stored))


def _store_press(session: Session, key: str) -> None:
    # presses older than PRESS_KEPT can no longer recur (a tab's presses are numbered, and a tab is forgotten
    # after a day): they go with the next press, so that the table holds about two days of presses
    session.exec(delete(FormPress).where(FormPress.stored_at < utcnow() - PRESS_KEPT))
    session.add(FormPress(key=key))
    try:
        session.flush()
    except IntegrityError as exc:  # PostgreSQL waited here for the other run's commit; SQLite's queue before
        raise PressAlreadyStored(key) from exc


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on error (BEGIN IMMEDIATE on SQLite).

    On SQLite, writers of this process first queue in arrival order (``WriterQueue``). The first write
    session after ``claim_press`` stores the press first, or raises ``PressAlreadyStored``.
    """
    press = _PRESS.get()
    if press is not None:
        _PRESS.set(None)  # one write per press: a refusal's own event, or the next write, claims nothing
    queue = _WRITER_QUEUES.get(engine)
    if queue is not None and not queue.acquire(WRITER_QUEUE_TIMEOUT_S):
        raise DatabaseBusy(Problem("store.busy", {"seconds": round(WRITER_QUEUE_TIMEOUT_S)}))
    try:
        with Session(engine, expire_on_commit=False) as session:
            try:
                if press is not None:
                    _store_press(session, press[0])
                yield session
                session.commit()
                if press is not None and press[1] is not None:
                    press[1]()
            except OperationalError as exc:
                session.rollback()
                if queue is not None and "database is locked" in str(exc):  # a writer in another process
                    raise DatabaseBusy(Problem("store.busy", {"seconds": SQLITE_BUSY_TIMEOUT_MS // 1000})) from exc
                raise
            except BaseException as exc:
                session.rollback()
                _record_refusal(engine, exc)
                raise
    finally:
        if queue is not None:
            queue.release()


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
        record_refusal(engine, exc)


def record_refusal(engine: Engine, exc: BaseException) -> None:
    """Record the ``permission.refused`` event of a refusal marked by ``guard.refuse`` once (its own short transaction)."""
    refusal = getattr(exc, "refusal", None)
    if refusal is None or getattr(exc, "refusal_recorded", True):
        return
    with write_session(engine) as session:
        append_event(session, name=refusal["actor"], action="permission.refused", subject=refusal["action"],
                     payload=refusal)
    exc.refusal_recorded = True  # only once it is stored: a refusal whose event failed is tried again


def alembic_config(url: str):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(engine_or_url: Engine | str | None = None) -> None:
    """Create or upgrade the schema to the newest migration, keeping every row."""
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
    prepare_audit_key(engine)
    return engine


def prepare_audit_key(engine: Engine) -> None:
    """Resolve the audit key at start: PostgreSQL without one is refused here, and an embedded SQLite
    database without events gets its key file (its path printed). See ``judging.store.audit_key``."""
    with engine.execution_options(judging_read_only=True).connect() as connection:
        has_events = connection.execute(select(AuditEvent.id).limit(1)).first() is not None
    audit_key(engine, may_create=not has_events)


def schema_revisions(engine: Engine) -> tuple[str | None, str | None]:
    """The database's migration revision (None on an empty database) and the newest one shipped.

    Reading the revision is a real query, so it also shows that the database answers.
    """
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return current, head
