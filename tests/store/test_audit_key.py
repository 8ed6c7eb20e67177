"""The audit key: where it comes from, what happens without one, the upgrade of unkeyed chains and a
rotation; a chain re-hashed without the key fails its check."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from judging.cli import main
from judging.core.audit_digest import key_fingerprint, plain_event_digest
from judging.core.permissions import SYSTEM
from judging.store.audit_key import AUDIT_KEY_ENV, AUDIT_KEY_FILE_ENV, AuditKeyError, resolve_key
from judging.store.audit_log import verify_audit_chain
from judging.store.db import alembic_config, open_database, read_session, upgrade, write_session
from judging.store.editions import create_edition

KEY_A = "a" * 40
KEY_B = "b" * 40


@pytest.fixture
def no_key_configured(monkeypatch):
    monkeypatch.delenv(AUDIT_KEY_ENV, raising=False)
    monkeypatch.delenv(AUDIT_KEY_FILE_ENV, raising=False)


def _edition(engine, name="大赛") -> None:
    with write_session(engine) as s:
        create_edition(s, name=name, year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)


def _plain_rehash(engine) -> None:
    """What an attacker with database access and no key can do: chain every event again with SHA-256."""
    with engine.begin() as conn:
        prev = "0" * 64
        for row in conn.execute(text("SELECT id, at, actor, action, subject, payload FROM audit_event ORDER BY id")).all():
            at = row.at if not isinstance(row.at, str) else datetime.fromisoformat(row.at)
            digest = plain_event_digest(prev, at, row.actor, row.action, row.subject, row.payload)
            conn.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :i"),
                         {"p": prev, "h": digest, "i": row.id})
            prev = digest


def test_key_from_the_environment_is_used_and_a_short_one_is_refused(monkeypatch):
    monkeypatch.setenv(AUDIT_KEY_ENV, KEY_A)
    assert resolve_key("postgresql+psycopg://h/db", may_create=False) == KEY_A.encode()

    monkeypatch.setenv(AUDIT_KEY_ENV, "short")
    with pytest.raises(AuditKeyError) as caught:
        resolve_key("sqlite://", may_create=True)
    assert caught.value.problems[0].code == "audit.key.too_short"


def test_key_file_is_read_and_a_missing_one_is_named(no_key_configured, monkeypatch, tmp_path):
    (tmp_path / "key").write_text(KEY_B + "\n")
    monkeypatch.setenv(AUDIT_KEY_FILE_ENV, str(tmp_path / "key"))
    assert resolve_key("postgresql+psycopg://h/db", may_create=False) == KEY_B.encode()

    monkeypatch.setenv(AUDIT_KEY_FILE_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(AuditKeyError) as caught:
        resolve_key("postgresql+psycopg://h/db", may_create=False)
    assert (caught.value.problems[0].code, str(tmp_path / "nowhere") in caught.value.render("en")) == (
        "audit.key.file_missing", True)


def test_embedded_sqlite_database_gets_a_private_key_file_beside_it_and_keeps_it(no_key_configured, tmp_path, capsys):
    engine = open_database(f"sqlite:///{tmp_path / 'judging.db'}")
    _edition(engine)
    key_file = tmp_path / "judging.db.audit-key"

    assert str(key_file) in capsys.readouterr().err
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    engine.dispose()
    again = open_database(f"sqlite:///{tmp_path / 'judging.db'}")
    with read_session(again) as s:
        assert verify_audit_chain(s, actor=SYSTEM) == []


def test_database_with_events_whose_key_file_is_lost_is_refused_not_given_a_new_key(no_key_configured, tmp_path):
    url = f"sqlite:///{tmp_path / 'judging.db'}"
    engine = open_database(url)
    _edition(engine)
    engine.dispose()
    (tmp_path / "judging.db.audit-key").unlink()

    with pytest.raises(AuditKeyError) as caught:
        open_database(url)

    assert caught.value.problems[0].code == "audit.key.lost"
    assert not (tmp_path / "judging.db.audit-key").exists()
    assert main(["audit", "verify", "--db", url]) == 2


def test_postgresql_without_a_key_is_refused_at_start(no_key_configured, postgres_database):
    with postgres_database("judging_nokey") as url:
        with pytest.raises(AuditKeyError) as caught:
            open_database(url)
    assert caught.value.problems[0].code == "audit.key.required"


def test_chain_re_hashed_without_the_key_fails_verification(engine, capsys):
    _edition(engine, "一")
    _edition(engine, "二")
    _plain_rehash(engine)

    with read_session(engine) as s:
        broken = verify_audit_chain(s, actor=SYSTEM)

    assert len(broken) >= 2


def test_upgrade_re_keys_an_unkeyed_chain_once_and_carries_events_already_broken(tmp_path, monkeypatch):
    monkeypatch.setenv(AUDIT_KEY_ENV, KEY_A)
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0007")
    raw = create_engine(url)
    prev = "0" * 64
    with raw.begin() as conn:
        for i in range(1, 4):
            at = datetime(2026, 1, i, 8, 0)
            digest = plain_event_digest(prev, at, "cli", "test.event", f"s:{i}", "{}")
            conn.execute(text("INSERT INTO audit_event (at, actor, action, subject, payload, prev_hash, hash) "
                              "VALUES (:at, 'cli', 'test.event', :s, '{}', :p, :h)"),
                         {"at": at, "s": f"s:{i}", "p": prev, "h": digest})
            prev = digest
        conn.execute(text("UPDATE audit_event SET subject = 'forged' WHERE id = 2"))  # altered before the upgrade
    raw.dispose()

    upgrade(url)
    engine = open_database(url)

    with read_session(engine) as s:
        broken = verify_audit_chain(s, actor=SYSTEM)
        rekey = s.exec(text("SELECT actor, payload FROM audit_event WHERE action = 'audit.rekey'")).all()
    payload = json.loads(rekey[0].payload)
    assert broken == [2]
    assert (len(rekey), payload["events"], payload["from"], payload["to"], payload["broken_before"]) == (
        1, 3, "sha256", key_fingerprint(KEY_A.encode()), [2])


def test_rotation_chains_the_trail_under_the_new_key_and_the_old_key_no_longer_verifies(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'judging.db'}"
    monkeypatch.setenv(AUDIT_KEY_ENV, KEY_A)
    engine = open_database(url)
    _edition(engine)
    engine.dispose()
    (tmp_path / "old-key").write_text(KEY_A)

    monkeypatch.setenv(AUDIT_KEY_ENV, KEY_B)
    assert main(["audit", "verify", "--db", url]) == 1  # the chain is still under the old key
    assert main(["audit", "rekey", "--old-key-file", str(tmp_path / "old-key"), "--db", url]) == 0
    assert main(["audit", "verify", "--db", url]) == 0

    monkeypatch.setenv(AUDIT_KEY_ENV, KEY_A)
    assert main(["audit", "verify", "--db", url]) == 1
    assert key_fingerprint(KEY_B.encode()) in capsys.readouterr().out


def test_rotation_keeps_an_account_chain_opened_without_events_usable(tmp_path, monkeypatch):
    # a new account's chain is opened with it (write_path.open_chain); a rotation chains main again, so the
    # empty chain's head must follow its opening event's new digest, or the account's first event breaks it
    from judging.store.audit_log import record_event
    from judging.store.people import create_user, resolve_actor

    url = f"sqlite:///{tmp_path / 'judging.db'}"
    monkeypatch.setenv(AUDIT_KEY_ENV, KEY_A)
    engine = open_database(url)
    with write_session(engine) as s:
        judge = create_user(s, username="j1", display_name="张三", actor=SYSTEM).id
    engine.dispose()
    (tmp_path / "old-key").write_text(KEY_A)
    monkeypatch.setenv(AUDIT_KEY_ENV, KEY_B)
    assert main(["audit", "rekey", "--old-key-file", str(tmp_path / "old-key"), "--db", url]) == 0

    engine = open_database(url)
    with write_session(engine) as s:
        record_event(s, actor=resolve_actor(s, user_id=judge), action="sheet.test", subject="first of j1")
    engine.dispose()
    assert main(["audit", "verify", "--db", url]) == 0
