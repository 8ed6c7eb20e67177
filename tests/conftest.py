"""Shared fixtures: a fresh database on SQLite and on PostgreSQL for the repository tests.

``db_url`` is parametrised over both back ends. PostgreSQL tests use a database created for this
test run (dropped at the end); where no server can be reached they skip with the reason, unless
``REQUIRE_POSTGRES=1`` (CI), where they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from streamlit import config as st_config

from judging.store.db import open_database

# every test database (and every app or CLI a test starts) keys its audit chain with this test key;
# tests of the other sources of the key (a key file, the file beside a SQLite database) unset it
os.environ.setdefault("JUDGING_AUDIT_KEY", "test-audit-key-" + "0123456789abcdef" * 2)

# the app's config hides error details from users (an incident id instead); the page tests run the app in
# this process and must see a failing page's exception itself
st_config.set_option("client.showErrorDetails", "full")

POSTGRES_ADMIN_URL = os.environ.get("JUDGING_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_unavailable_reason() -> str | None:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means: no server here
        return f"no PostgreSQL server at {POSTGRES_ADMIN_URL}: {exc.__class__.__name__}: {exc}".splitlines()[0]


@contextmanager
def _scratch_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database with a unique name (its URL), dropped on leaving even if
    connections to it are still open."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database():
    """Make scratch PostgreSQL databases: ``with postgres_database("prefix") as url:`` gives a new,
    empty database that is dropped afterwards. Skips without a server (fails with REQUIRE_POSTGRES=1)."""
    reason = _postgres_unavailable_reason()
    if reason:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    return _scratch_database


@pytest.fixture(scope="session")
def postgres_server_url(postgres_database):
    """A fresh, empty PostgreSQL database for this test run (URL), dropped afterwards."""
    with postgres_database("judging_test") as url:
        yield url


@pytest.fixture(scope="session")
def _postgres_migrated(postgres_server_url):
    engine = open_database(postgres_server_url)
    yield engine
    engine.dispose()


def _truncate_postgres(engine) -> None:
    from sqlmodel import SQLModel

    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    """An engine on an empty, migrated database: SQLite in a temporary file, or PostgreSQL."""
    if request.param == "sqlite":
        engine = open_database(f"sqlite:///{tmp_path / 'judging.db'}")
        yield engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("_postgres_migrated")
        _truncate_postgres(engine)
        yield engine


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'judging.db'}")
    yield engine
    engine.dispose()



@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist hands out whole modules, and all the browser tests as one unit to one worker: each
    starts app servers and a browser, and the timing-sensitive journeys (idle sign-out, machine-speed
    typing) must not compete with another such journey for the machine's cores. (Its own ``loadgroup``
    does not group under pytest 9: it renames ``item._nodeid``, which pytest 9 no longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/browser" if nodeid.startswith("tests/browser/") else nodeid.split("::", 1)[0]

    return BrowserTestsTogether(config, log)
