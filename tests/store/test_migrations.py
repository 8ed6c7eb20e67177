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


def test_one_time_password_column_is_added_to_a_database_with_accounts_and_scores(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine, text

    from judging.store.db import alembic_config

    url = f"sqlite:///{tmp_path / 'v4.db'}"
    command.upgrade(alembic_config(url), "0004")
    raw = create_engine(url)
    with raw.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.execute(text("INSERT INTO app_user (username, display_name, role, password_hash, organisation, "
                          "expertise, email, phone, title, active, created_at) VALUES ('j1', '张三', 'judge', "
                          "'', '', '', '', '', '', 1, '2026-01-01')"))
        # rows that refer to the account: a migration that recreated app_user would break them
        conn.execute(text("INSERT INTO edition (kind, name, year, subject, created_at) "
                          "VALUES ('innovation_contest', '大赛', 2026, 'entry', '2026-01-01')"))
        conn.execute(text("INSERT INTO track (edition_id, key, name_zh, name_en, position) VALUES (1, 'life', '生活类', '', 0)"))
        conn.execute(text("INSERT INTO entry (edition_id, code, track_id, title, organisation, recommending_unit, summary, "
                          "contact, email, phone, materials) VALUES (1, 'L-001', 1, '作品', '', '', '', '', '', '', '')"))
        conn.execute(text("INSERT INTO conflict (judge_id, entry_id, source, reason, created_at) "
                          "VALUES (1, 1, 'declared', '亲属', '2026-01-01')"))
    raw.dispose()

    upgrade(url)

    engine = open_database(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT username, password_one_time FROM app_user")).all()
        conflicts = conn.execute(text("SELECT judge_id, entry_id FROM conflict")).all()
        violations = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    assert (rows, conflicts, violations) == ([("j1", False)], [(1, 1)], [])
