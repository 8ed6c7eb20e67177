"""``judging db upgrade`` and ``judging audit verify`` on a real SQLite file."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import text

from judging.cli import main
from judging.core.permissions import SYSTEM
from judging.store.db import alembic_config, make_engine, write_session
from judging.store.editions import create_edition


def test_db_upgrade_creates_the_schema(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'new.db'}"

    code = main(["db", "upgrade", "--db", url])

    assert code == 0
    with make_engine(url).connect() as conn:
        stamped = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert stamped == ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def test_audit_verify_passes_on_a_clean_database_and_fails_after_an_edit(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    main(["db", "upgrade", "--db", url])
    engine = make_engine(url)
    with write_session(engine) as s:
        create_edition(s, name="甲", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        create_edition(s, name="乙", year=2026, actor=SYSTEM)

    assert main(["audit", "verify", "--db", url]) == 0

    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 1"))

    assert main(["audit", "verify", "--db", url]) == 1
    assert "2" in capsys.readouterr().err
