"""The Alembic migrations build exactly the schema the models describe, and upgrades keep data."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from judging.core.permissions import SYSTEM
from judging.store.db import open_database, read_session, upgrade, write_session
from judging.store.editions import create_edition, list_editions, tracks_of


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)

    assert differences == []


def test_upgrade_of_an_existing_database_keeps_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = open_database(url)
    with write_session(engine) as s:
        create_edition(s, name="2025年大赛", year=2025, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
    engine.dispose()

    upgrade(url)
    engine = open_database(url)

    with read_session(engine) as s:
        assert [(e.name, e.year) for e in list_editions(s)] == [("2025年大赛", 2025)]
        assert [t.key for t in tracks_of(s, 1)] == ["life"]


def test_sqlite_database_is_in_wal_mode_with_a_busy_timeout(sqlite_engine):
    with sqlite_engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()

    assert (mode, timeout) == ("wal", 10_000)
