"""``judging backup`` and ``judging restore`` on SQLite and PostgreSQL: the restored database passes
``judging audit verify``, a backup taken while judges are saving is consistent (a write still open when
it is taken is not in it), and a restore over data, a backup over a file or a backup of the other kind
is refused with what to do."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from actors import as_user
from sqlalchemy import text
from sqlmodel import func, select

from judging.cli import main
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.store.assignment import assign
from judging.store.db import open_database, read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.models import Score
from judging.store.people import create_user
from judging.store.sheets import save_score

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
CRITERIA = RUBRIC.criterion_keys
WRITERS = 4  # judges saving back to back while the backup runs
PADDING_BYTES = 48 * 1024 * 1024  # a SQLite file this size takes long enough to copy for judges to save meanwhile


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _contest(engine) -> dict:
    with write_session(engine) as s:
        edition = create_edition(s, name="大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"L-{i:03d}", "track": "life", "title": f"作品{i}"} for i in range(1, 41)], actor=SYSTEM)
        judges = [create_user(s, username=f"j{k}", display_name=f"评委{k}", actor=SYSTEM) for k in range(WRITERS + 1)]
        entries = [e.id for e in entries_of(s, edition.id)]
        assign(s, round_id=rnd.id, pairs=[(j.id, e) for j in judges for e in entries], actor=SYSTEM)
    return {"round": rnd.id, "judges": [j.id for j in judges], "entries": entries}


def _scores(engine) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(Score)).one()


@contextmanager
def _target(kind: str, tmp_path: Path, postgres_database):
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'judging.db'}"
    else:
        with postgres_database("judging_restore") as url:
            yield url


def test_a_backup_restores_into_an_empty_database_that_verifies(engine, tmp_path, request, capsys):
    ids = _contest(engine)
    with write_session(engine) as s:
        for criterion in CRITERIA:
            save_score(s, round_id=ids["round"], judge_id=ids["judges"][0], entry_id=ids["entries"][0],
                       criterion=criterion, value=81.5, actor=as_user(s, "j0"))
    out = tmp_path / "backup.bin"

    assert main(["backup", str(out), "--db", _url(engine)]) == 0
    kind = engine.dialect.name
    postgres = request.getfixturevalue("postgres_database") if kind == "postgresql" else None
    with _target("sqlite" if kind == "sqlite" else "postgres", tmp_path, postgres) as target:
        assert main(["restore", str(out), "--db", target]) == 0
        assert main(["audit", "verify", "--db", target]) == 0
        restored = open_database(target)
        try:
            assert _scores(restored) == _scores(engine) == len(CRITERIA)
        finally:
            restored.dispose()
    assert "审计密钥不在备份中" in capsys.readouterr().out


def test_a_backup_while_judges_save_is_consistent_and_leaves_out_an_open_write(engine, tmp_path, request):
    ids = _contest(engine)
    if engine.dialect.name == "sqlite":  # pages enough that the copy takes a while, so that judges commit meanwhile
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE padding (data BLOB)"))
            connection.execute(text(f"INSERT INTO padding VALUES (zeroblob({PADDING_BYTES}))"))
    stop, errors, saved = threading.Event(), [], [0] * WRITERS
    open_write, backup_done = threading.Event(), threading.Event()

    def judge(k: int) -> None:  # saves one score after another until told to stop
        n = 0
        while not stop.is_set():
            entry = ids["entries"][n % len(ids["entries"])]
            try:
                with write_session(engine) as s:
                    save_score(s, round_id=ids["round"], judge_id=ids["judges"][k], entry_id=entry,
                               criterion=CRITERIA[n // len(ids["entries"]) % len(CRITERIA)],
                               value=float(50 + n % 50), actor=as_user(s, f"j{k}"))
                saved[k] += 1
            except Exception as exc:  # noqa: BLE001 - reported below, with the thread's name
                errors.append(f"j{k}: {exc!r}")
                return
            n += 1

    def held_open() -> None:  # a save that is written but not yet committed when the backup is taken
        k = WRITERS
        with write_session(engine) as s:
            save_score(s, round_id=ids["round"], judge_id=ids["judges"][k], entry_id=ids["entries"][0],
                       criterion=CRITERIA[0], value=99.0, actor=as_user(s, f"j{k}"))
            open_write.set()
            backup_done.wait(60)

    threads = [threading.Thread(target=judge, args=(k,), name=f"j{k}") for k in range(WRITERS)]
    for thread in threads:
        thread.start()
    while sum(saved) < 20 and not errors:
        threading.Event().wait(0.05)
    out = tmp_path / "live.bin"
    sqlite = engine.dialect.name == "sqlite"
    holder = threading.Thread(target=held_open)
    if not sqlite:  # SQLite has one writer at a time: an open write would hold the judges back during the backup
        holder.start()
        assert open_write.wait(30)
    before = sum(saved)
    code = main(["backup", str(out), "--db", _url(engine)])
    after = sum(saved)
    backup_done.set()
    stop.set()
    for thread in threads:
        thread.join(60)
    if not sqlite:
        holder.join(60)
    print(f"saves committed during the backup: {after - before}")

    assert (code, errors) == (0, [])
    postgres = request.getfixturevalue("postgres_database") if engine.dialect.name == "postgresql" else None
    with _target("sqlite" if engine.dialect.name == "sqlite" else "postgres", tmp_path, postgres) as target:
        assert main(["restore", str(out), "--db", target]) == 0
        assert main(["audit", "verify", "--db", target]) == 0  # chain, score replay, seals, checkpoints
        restored = open_database(target)
        try:
            with read_session(restored) as s:
                held = s.exec(select(Score).where(Score.judge_id == ids["judges"][WRITERS])).all()
            assert before <= _scores(restored) <= after
            assert held == []  # the write still open at the backup is not in it
        finally:
            restored.dispose()


def test_a_restore_over_data_is_refused_unless_forced(sqlite_engine, tmp_path, capsys):
    _contest(sqlite_engine)
    out = tmp_path / "b.bin"
    assert main(["backup", str(out), "--db", _url(sqlite_engine)]) == 0

    refused = main(["restore", str(out), "--db", _url(sqlite_engine)])
    message = capsys.readouterr().err
    forced = main(["restore", str(out), "--db", _url(sqlite_engine), "--force"])

    assert refused == 2 and "已有数据" in message and "--force" in message
    assert forced == 0
    assert main(["audit", "verify", "--db", _url(sqlite_engine)]) == 0


@pytest.mark.parametrize(("setup", "message"), [
    ("exists", "已存在"), ("not_a_backup", "不是本系统的备份文件"), ("other_kind", "不能恢复到 postgresql 数据库"),
])
def test_backups_that_cannot_be_made_or_restored_say_why(sqlite_engine, tmp_path, capsys, setup, message):
    out = tmp_path / "b.bin"
    if setup == "exists":
        out.write_bytes(b"an earlier backup")
        code = main(["backup", str(out), "--db", _url(sqlite_engine)])
        assert out.read_bytes() == b"an earlier backup"
    elif setup == "not_a_backup":
        out.write_bytes(b"PK\x03\x04 a zip")
        code = main(["restore", str(out), "--db", f"sqlite:///{tmp_path / 'new.db'}"])
    else:
        main(["backup", str(out), "--db", _url(sqlite_engine)])
        code = main(["restore", str(out), "--db", "postgresql://postgres@127.0.0.1:1/none"])

    assert code == 2
    assert message in capsys.readouterr().err
