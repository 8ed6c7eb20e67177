"""The audit trail in chains (``judging/store/write_path.py``), SQLite and PostgreSQL: parallel writers on
different and on the same sheets lose nothing and duplicate nothing and the trail verifies; every
tamper with a chain (its last event deleted, a whole chain deleted, an event moved, reordered or
inserted, a head forged, a chain re-hashed without the key) is caught; an existing single chain is
upgraded in place and keeps verifying; SQLite's synchronous setting."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, text
from sqlmodel import select

from judging.core.audit_digest import GENESIS_HASH, keyed_event_digest, plain_event_digest
from judging.core.permissions import SYSTEM
from judging.errors import JudgingError, PermissionDenied, StaleWriteError
from judging.store import checkpoints
from judging.store.audit_key import AUDIT_KEY_ENV
from judging.store.audit_log import record_event
from judging.store.audit_verify import audit_problems
from judging.store.db import alembic_config, make_engine, open_database, read_session, upgrade, write_session
from judging.store.models import AuditEvent, Entry, RowSeal, Score, ScoreSheet
from judging.store.models_write_path import MAIN_CHAIN, AuditChain
from judging.store.people import resolve_actor
from judging.store.sheets import save_score, submit_sheet
from judging.store.synthetic import build_contest
from judging.store.write_path import OPEN_ACTION


def _problems(engine) -> list[str]:
    with read_session(engine) as s:
        return [p.render("en") for p in audit_problems(s, actor=SYSTEM, lang="en")]


def _writers(engine, contest, plan, *, rounds: int, offset: float = 0.5) -> tuple[dict, dict, list[str]]:
    """Threads saving at once: ``plan`` is [(judge index, entry index, criterion index)] per thread; each
    thread saves ``rounds`` times without a version (several threads may write one score), counting what
    the store acknowledged per score. Returns (acknowledged changes per key, last values per key, failures)."""
    acknowledged: dict[tuple, int] = {}
    values: dict[tuple, list[float]] = {}
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(plan), timeout=120)  # a thread that fails before it breaks the barrier

    def work(number: int, judge_index: int, entry_index: int, criterion_index: int) -> None:
        judge = contest["judges"][judge_index]
        entry = [e for j, e in contest["pairs"] if j == judge][entry_index]
        criterion = contest["criteria"][criterion_index]
        with read_session(engine) as s:
            actor = resolve_actor(s, user_id=judge)
        start.wait()
        for k in range(rounds):
            value = float((number * 37 + k * 11) % 100) + offset  # never the value another thread just wrote
            try:
                with write_session(engine) as s:
                    save_score(s, round_id=contest["round_id"], judge_id=judge, entry_id=entry,
                               criterion=criterion, value=value, actor=actor)
            except StaleWriteError:  # not expected without a version; counted as a failure below
                failures.append("stale")
                continue
            except Exception as exc:  # noqa: BLE001  (any failure is a test failure, listed)
                failures.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                key = (judge, entry, criterion)
                acknowledged[key] = acknowledged.get(key, 0) + 1
                values.setdefault(key, []).append(value)

    threads = [threading.Thread(target=work, args=(n, *p)) for n, p in enumerate(plan)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return acknowledged, values, failures


def _stored(engine) -> tuple[dict, int, int]:
    with read_session(engine) as s:
        rows = s.exec(select(Score.judge_id, Score.entry_id, Score.criterion, Score.value, Score.version)).all()
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "score.save")).all()
    keys = [(j, e, c) for j, e, c, _, _ in rows]
    return {(j, e, c): (v, version) for j, e, c, v, version in rows}, len(keys) - len(set(keys)), len(events)


def test_parallel_writers_on_different_and_on_the_same_sheets_lose_nothing_and_verify(engine):
    contest = build_contest(engine, judges=4, entries_per_judge=2)
    # judges 0 and 1: two threads each on one sheet (same entry), judge 1's two on the same score too;
    # judges 2 and 3: one thread each on sheets of their own
    # (the first saves race too: two first saves of one sheet at the same instant make one sheet row)
    plan = [(0, 0, 0), (0, 0, 1), (1, 0, 2), (1, 0, 2), (2, 0, 0), (2, 1, 2), (3, 1, 1)]
    acknowledged, values, failures = _writers(engine, contest, plan, rounds=6)
    stored, duplicated, events = _stored(engine)

    assert failures == []
    assert sum(acknowledged.values()) == len(plan) * 6 == events  # one event per acknowledged change
    assert duplicated == 0 and set(stored) == set(acknowledged)
    for key, n in acknowledged.items():  # 0 lost: every acknowledged change is counted in the version
        value, version = stored[key]
        assert version == n and value in values[key]
    assert _problems(engine) == []
    with read_session(engine) as s:
        chains = set(s.exec(select(AuditEvent.chain)).all())
    assert chains == {MAIN_CHAIN} | {f"user:{j}" for j in contest["judges"]}


def _at_once(*jobs) -> list[object]:
    """Run the jobs in threads released at the same instant; what each returned or raised."""
    results: list[object] = [None] * len(jobs)
    start = threading.Barrier(len(jobs), timeout=60)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = jobs[i]()
        except Exception as exc:  # noqa: BLE001  (the caller looks at what was raised)
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def _save(engine, contest, judge, entry, criterion, value, **kwargs):
    def job():
        with read_session(engine) as s:
            actor = resolve_actor(s, user_id=judge)
        with write_session(engine) as s:
            save_score(s, round_id=contest["round_id"], judge_id=judge, entry_id=entry, criterion=criterion,
                       value=value, actor=actor, **kwargs)
        return "stored"
    return job


def test_first_saves_of_one_sheet_at_the_same_instant_make_one_sheet_and_refuse_the_stale_one(engine):
    """Every criterion of a fresh sheet saved at the same instant (two tabs, fast typing), and one score
    saved twice as a first save (version 0): one sheet row, every score, and the second first save of
    the same score refused as stale (not a unique-constraint failure)."""
    contest = build_contest(engine, judges=3, entries_per_judge=2)
    criteria = contest["criteria"]
    for judge, entry in contest["pairs"]:
        jobs = [_save(engine, contest, judge, entry, c, 80.0 + i, expected_version=0) for i, c in enumerate(criteria)]
        jobs.append(_save(engine, contest, judge, entry, criteria[0], 70.0, expected_version=0))
        results = _at_once(*jobs)
        assert results[1:len(criteria)] == ["stored"] * (len(criteria) - 1), results
        first, again = results[0], results[-1]  # the two first saves of criteria[0]: one wins
        assert sorted(r if r == "stored" else type(r).__name__ for r in (first, again)) \
            == ["StaleWriteError", "stored"], results
    with read_session(engine) as s:
        sheets = s.exec(select(ScoreSheet.judge_id, ScoreSheet.entry_id)).all()
        scores = s.exec(select(Score)).all()
    assert sorted(sheets) == sorted(contest["pairs"])  # one sheet row each
    assert len(scores) == len(contest["pairs"]) * len(criteria)
    assert _problems(engine) == []


def test_a_save_racing_a_submit_is_in_the_submitted_sheet_or_refused(engine):
    """A judge submits in one tab while a change arrives from another: the change comes first (and is in
    what was submitted) or is refused because the sheet is submitted; never a score changed in a
    submitted sheet."""
    contest = build_contest(engine, judges=3, entries_per_judge=3)
    criteria = contest["criteria"]
    outcomes = set()
    for n, (judge, entry) in enumerate(contest["pairs"]):
        for c in criteria:
            assert _save(engine, contest, judge, entry, c, 80.0)() == "stored"

        def submit(judge=judge, entry=entry):
            with read_session(engine) as s:
                actor = resolve_actor(s, user_id=judge)
            with write_session(engine) as s:
                submit_sheet(s, round_id=contest["round_id"], judge_id=judge, entry_id=entry, actor=actor)
            return "submitted"

        late = 81.0 + n
        change, submitted = _at_once(_save(engine, contest, judge, entry, criteria[1], late), submit)
        assert submitted == "submitted", submitted
        assert change == "stored" or isinstance(change, PermissionDenied), change
        outcomes.add(change if change == "stored" else "refused")
        with read_session(engine) as s:
            stored = {r.criterion: r.value for r in s.exec(select(Score).where(
                Score.judge_id == judge, Score.entry_id == entry))}
            events = [json.loads(e.payload) for e in s.exec(select(AuditEvent).where(
                AuditEvent.action == "sheet.submit")).all()]
        [sent] = [e for e in events if (e["judge_id"], e["entry_id"]) == (judge, entry)]
        assert sent["scores"] == stored  # what was submitted is what is stored
        assert stored[criteria[1]] == (late if change == "stored" else 80.0)
    assert _problems(engine) == []


def test_a_bulk_insert_leaves_alone_the_rows_another_transaction_committed_meanwhile(engine):
    """A bulk insert (an import) seals the rows above the highest id it saw before; on PostgreSQL a
    row another transaction inserts and commits meanwhile is above it too, and stays sealed by that
    transaction (resealing it could overwrite a concurrent change's seal with a stale one)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: no other one can commit meanwhile")
    contest = build_contest(engine, judges=1, entries_per_judge=1)
    with read_session(engine) as s:
        entry = s.get(Entry, contest["pairs"][0][1])
        where = {"edition_id": entry.edition_id, "track_id": entry.track_id}

    def seal_of(row_id: int):
        with read_session(engine) as s:
            return s.exec(select(RowSeal.digest, RowSeal.event_id).where(
                RowSeal.table_name == "entry", RowSeal.row_id == row_id)).one()

    with write_session(engine) as bulk:
        bulk.execute(insert(Entry), [where | {"code": "bulk-1", "title": "批量导入的作品"}])
        with write_session(engine) as other:
            row = Entry(**where, code="other-1", title="另一个事务的作品")
            other.add(row)
            other.flush()
            other_id = row.id
        sealed_by_other = seal_of(other_id)
        record_event(bulk, actor=SYSTEM, action="entries.import", subject=f"edition:{where['edition_id']}",
                     payload={"count": 1})
    assert seal_of(other_id) == sealed_by_other  # not sealed again under the import's event
    with read_session(engine) as s:
        bulk_id = s.exec(select(Entry.id).where(Entry.code == "bulk-1")).one()
    assert seal_of(bulk_id)  # the bulk row is sealed by its own transaction
    assert _problems(engine) == []


WRITER = Path(__file__).with_name("chain_writer.py")


def test_two_processes_with_their_own_engines_lose_nothing_and_verify(engine):
    """Two app replicas (processes, each with its own engine) writing at once, each judge on its own chain."""
    contest = build_contest(engine, judges=2, entries_per_judge=2)
    url = engine.url.render_as_string(hide_password=False)
    writers = [subprocess.Popen([sys.executable, str(WRITER), url, str(contest["round_id"]), str(judge),
                                 ",".join(str(e) for j, e in contest["pairs"] if j == judge), contest["criteria"][0],
                                 "10"], stdout=subprocess.PIPE, text=True) for judge in contest["judges"]]
    done = [writer.communicate(timeout=300)[0].strip() for writer in writers]

    stored, duplicated, events = _stored(engine)
    assert done == ["DONE 10", "DONE 10"] and events == 20 and duplicated == 0
    assert sorted(version for _, version in stored.values()) == [5, 5, 5, 5]
    assert _problems(engine) == []


# --- tampering with chains ----------------------------------------------------------------------------

@pytest.fixture
def chains(engine):
    """Two judges with a few saves each: chains user:<j1> and user:<j2> opened on main."""
    contest = build_contest(engine, judges=2, entries_per_judge=2)
    for judge in contest["judges"]:
        with read_session(engine) as s:
            actor = resolve_actor(s, user_id=judge)
        entries = [e for j, e in contest["pairs"] if j == judge]
        for k in range(3):
            with write_session(engine) as s:
                save_score(s, round_id=contest["round_id"], judge_id=judge, entry_id=entries[k % 2],
                           criterion=contest["criteria"][k], value=10.0 + k, actor=actor)
    assert _problems(engine) == []
    return contest | {"chain": f"user:{contest['judges'][0]}", "other": f"user:{contest['judges'][1]}"}


def _ids(conn, chain: str) -> list[int]:
    return list(conn.execute(text("SELECT id FROM audit_event WHERE chain = :c ORDER BY id"), {"c": chain}).scalars())


def test_each_judge_writes_its_own_chain_opened_on_main(engine, chains):
    with read_session(engine) as s:
        opened = s.exec(select(AuditEvent.subject).where(AuditEvent.action == OPEN_ACTION,
                                                         AuditEvent.chain == MAIN_CHAIN)).all()
        heads = {h.name: (h.events, h.last_event_id) for h in s.exec(select(AuditChain))}
        first = s.exec(select(AuditEvent).where(AuditEvent.chain == chains["chain"]).order_by(AuditEvent.id)).first()
        opening = s.exec(select(AuditEvent).where(AuditEvent.action == OPEN_ACTION,
                                                  AuditEvent.subject == chains["chain"])).one()

    assert sorted(opened) == sorted([chains["chain"], chains["other"]])
    assert heads[chains["chain"]][0] == 3 and heads[chains["other"]][0] == 3
    assert first.prev_hash == opening.hash  # the chain's first event links to its opening on main


def _delete_last(conn, c):
    conn.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": _ids(conn, c["chain"])[-1]})


def _delete_chain(conn, c):
    conn.execute(text("DELETE FROM audit_event WHERE chain = :c"), {"c": c["chain"]})
    conn.execute(text("DELETE FROM audit_chain WHERE name = :c"), {"c": c["chain"]})


def _delete_chain_and_opening(conn, c):
    _delete_chain(conn, c)
    conn.execute(text("DELETE FROM audit_event WHERE action = :a AND subject = :c"), {"a": OPEN_ACTION, "c": c["chain"]})


def _move_event(conn, c):
    conn.execute(text("UPDATE audit_event SET chain = :o WHERE id = :i"), {"o": c["other"], "i": _ids(conn, c["chain"])[1]})


def _reorder(conn, c):
    first, second = _ids(conn, c["chain"])[:2]
    rows = {r.id: r for r in conn.execute(text("SELECT id, actor, action, subject, payload, prev_hash, hash, at "
                                               "FROM audit_event WHERE id IN (:a, :b)"), {"a": first, "b": second})}
    for target, source in ((first, second), (second, first)):
        r = rows[source]
        conn.execute(text("UPDATE audit_event SET actor = :ac, action = :an, subject = :s, payload = :p, "
                          "prev_hash = :ph, hash = :h WHERE id = :i"),
                     {"ac": r.actor, "an": r.action, "s": r.subject, "p": r.payload, "ph": r.prev_hash, "h": r.hash,
                      "i": target})


def _insert(conn, c):
    last = conn.execute(text("SELECT at, actor, hash FROM audit_event WHERE id = :i"),
                        {"i": _ids(conn, c["chain"])[-1]}).one()
    conn.execute(text("INSERT INTO audit_event (at, actor, action, subject, payload, prev_hash, hash, chain) "
                      "VALUES (:at, :ac, 'score.save', 'round:1', '{}', :p, :h, :c)"),
                 {"at": last.at, "ac": last.actor, "p": last.hash, "h": "f" * 64, "c": c["chain"]})


def _forge_head(conn, c):
    conn.execute(text("UPDATE audit_chain SET tables = '{}' WHERE name = :c"), {"c": c["chain"]})


def _rehash_without_key(conn, c):
    prev = conn.execute(text("SELECT prev_hash FROM audit_event WHERE id = :i"), {"i": _ids(conn, c["chain"])[0]}).scalar()
    for row in conn.execute(text("SELECT id, at, actor, action, subject, payload FROM audit_event WHERE chain = :c "
                                 "ORDER BY id"), {"c": c["chain"]}).all():
        at = row.at if not isinstance(row.at, str) else datetime.fromisoformat(row.at)
        digest = plain_event_digest(prev, at, row.actor, row.action, row.subject, row.payload)
        conn.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :i"),
                     {"p": prev, "h": digest, "i": row.id})
        prev = digest
    conn.execute(text("UPDATE audit_chain SET last_hash = :h WHERE name = :c"), {"h": prev, "c": c["chain"]})


def _forge_chain(conn, c):
    conn.execute(text("INSERT INTO audit_chain (name, last_event_id, last_hash, events, tables, digest) "
                      "SELECT 'user:999', last_event_id, last_hash, events, tables, digest FROM audit_chain "
                      "WHERE name = :c"), {"c": c["chain"]})


CHAIN_EDITS = {  # what the attacker does; words the report must contain
    "the last event of a judge's chain deleted": (_delete_last, "events at its end were deleted"),
    "a whole chain deleted with its head": (_delete_chain, "the head or the whole chain was deleted"),
    "a whole chain deleted with its head and its opening": (_delete_chain_and_opening, "audit trail was altered"),
    "an event moved to another chain": (_move_event, "audit trail was altered"),
    "two events of a chain reordered": (_reorder, "audit trail was altered"),
    "an event inserted into a chain": (_insert, "audit trail was altered"),
    "a chain's head forged": (_forge_head, "does not match the audit key"),
    "a chain re-hashed without the key": (_rehash_without_key, "audit trail was altered"),
    "a chain made up": (_forge_chain, "does not match the audit key"),
}


@pytest.mark.parametrize("edit", sorted(CHAIN_EDITS))
def test_tampering_with_a_chain_is_caught(engine, chains, edit):
    change, words = CHAIN_EDITS[edit]
    with engine.begin() as conn:
        change(conn, chains)

    problems = _problems(engine)

    assert any(words in p for p in problems), problems


def test_a_checkpoint_folds_every_chain_and_notices_a_chain_changed_after_it(engine, chains, monkeypatch):
    with write_session(engine) as s:
        checkpoints.write_checkpoint(s, reason="test", seal_tables={})
    with read_session(engine) as s:
        body = json.loads(s.exec(select(AuditEvent.payload).where(AuditEvent.action == checkpoints.CHECKPOINT_ACTION)
                                 ).one())
    assert {chains["chain"], chains["other"], MAIN_CHAIN} <= set(body["chains"])
    assert _problems(engine) == []

    with engine.begin() as conn:  # the signed event of a judge's chain re-forged (no key: its digest differs)
        conn.execute(text("UPDATE audit_event SET hash = :h WHERE id = :i"),
                     {"h": "e" * 64, "i": body["chains"][chains["chain"]][0]})
    with read_session(engine) as s:
        codes = {p.code for p in audit_problems(s, actor=SYSTEM)}

    assert "audit.checkpoint.chain_moved" in codes


# --- the upgrade from one chain -------------------------------------------------------------------------

KEY = "upgrade-test-key-" + "0123456789abcdef" * 2


def _old_single_chain_database(url: str, *, events: int = 4) -> None:
    """A database as the single chain left it: events chained under the key (0008), every row and the
    trail's last event sealed (0009), up to 0012."""
    command.upgrade(alembic_config(url), "0008")
    raw = create_engine(url)
    digest, prev = keyed_event_digest(KEY.encode()), GENESIS_HASH
    with raw.begin() as conn:
        conn.execute(text("INSERT INTO app_user (username, display_name, role, password_hash, password_one_time, "
                          "organisation, expertise, email, phone, title, active, created_at) VALUES ('j1', '张三', "
                          "'judge', '', false, '', '', '', '', '', true, '2026-01-01')"))
        for i in range(1, events + 1):
            at = datetime(2026, 1, i, 8, 0)
            h = digest(prev, at, "system", "test.event", f"s:{i}", "{}")
            conn.execute(text("INSERT INTO audit_event (at, actor, action, subject, payload, prev_hash, hash) "
                              "VALUES (:at, 'system', 'test.event', :s, '{}', :p, :h)"),
                         {"at": at, "s": f"s:{i}", "p": prev, "h": h})
            prev = h
    raw.dispose()
    command.upgrade(alembic_config(url), "0012")


def _upgrade_keeps_verifying(url: str) -> None:
    _old_single_chain_database(url)
    raw = create_engine(url)
    with raw.connect() as conn:
        head_before = conn.execute(text("SELECT count(*) FROM row_seal WHERE table_name = 'audit_event'")).scalar()
    raw.dispose()

    upgrade(url)
    engine = open_database(url)
    problems_after_upgrade = _problems(engine)
    with read_session(engine) as s:
        main = s.exec(select(AuditChain).where(AuditChain.name == MAIN_CHAIN)).one()
        chains = set(s.exec(select(AuditEvent.chain)).all())
    contest = build_contest(engine, judges=1, entries_per_judge=1)  # new writes: the system, then a judge's chain
    with read_session(engine) as s:
        actor = resolve_actor(s, user_id=contest["judges"][0])
    with write_session(engine) as s:
        save_score(s, round_id=contest["round_id"], judge_id=contest["judges"][0], entry_id=contest["entries"][0],
                   criterion=contest["criteria"][0], value=50.0, actor=actor)
    problems_after_writes = _problems(engine)
    with engine.connect() as conn:
        head_after = conn.execute(text("SELECT count(*) FROM row_seal WHERE table_name = 'audit_event'")).scalar()
    engine.dispose()

    assert head_before == 1 and head_after == 0  # the head seal became main's head
    assert (main.events, main.last_event_id, chains) == (4, 4, {MAIN_CHAIN})
    assert problems_after_upgrade == [] and problems_after_writes == []


def test_upgrade_of_a_single_chain_keeps_audit_verify_passing(tmp_path, monkeypatch):
    monkeypatch.setenv(AUDIT_KEY_ENV, KEY)
    _upgrade_keeps_verifying(f"sqlite:///{tmp_path / 'v12.db'}")


@pytest.mark.postgres
def test_upgrade_of_a_single_chain_keeps_audit_verify_passing_on_postgresql(postgres_database, monkeypatch):
    monkeypatch.setenv(AUDIT_KEY_ENV, KEY)
    with postgres_database("judging_wp") as url:
        _upgrade_keeps_verifying(url)


def test_a_last_event_deleted_before_the_upgrade_is_still_caught_after_it(tmp_path, monkeypatch):
    monkeypatch.setenv(AUDIT_KEY_ENV, KEY)
    url = f"sqlite:///{tmp_path / 'v12.db'}"
    _old_single_chain_database(url)
    raw = create_engine(url)
    with raw.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 4"))
    raw.dispose()

    upgrade(url)
    problems = _problems(open_database(url))

    assert any("events at its end were deleted" in p for p in problems), problems


# --- SQLite: how a commit reaches the disk -------------------------------------------------------------

def test_sqlite_commits_without_waiting_for_the_disk_unless_told_to(tmp_path, monkeypatch):
    monkeypatch.delenv("JUDGING_SQLITE_SYNCHRONOUS", raising=False)
    url = f"sqlite:///{tmp_path / 'judging.db'}"
    modes = []
    for setting in ("", "full"):
        monkeypatch.setenv("JUDGING_SQLITE_SYNCHRONOUS", setting)
        engine = make_engine(url)
        with engine.connect() as conn:
            modes.append(conn.exec_driver_sql("PRAGMA synchronous").scalar())
        engine.dispose()
    monkeypatch.setenv("JUDGING_SQLITE_SYNCHRONOUS", "sometimes")

    with pytest.raises(JudgingError) as refused:
        make_engine(url)

    assert modes == [1, 2]  # NORMAL, FULL
    assert "JUDGING_SQLITE_SYNCHRONOUS" in refused.value.problems[0].render("en")


def test_an_accounts_chain_is_opened_with_it_so_its_first_save_leaves_main_alone(engine):
    # opened at the first save, every judge starting at once queued on main's lock (seconds each under load)
    from judging.core.permissions import Role
    from judging.store.people import create_user

    contest = build_contest(engine, judges=2, entries_per_judge=1)  # judges made by the system (main's chain)
    with write_session(engine) as s:
        organiser = create_user(s, username="org1", display_name="组织者", role=Role.ORGANISER, actor=SYSTEM)
    with write_session(engine) as s:  # an organiser's transaction extends their own chain: main is locked beside it
        by_organiser = create_user(s, username="j_new", display_name="新评委",
                                   actor=resolve_actor(s, user_id=organiser.id)).id

    def main_events() -> int:
        with read_session(engine) as s:
            return len(s.exec(select(AuditEvent.id).where(AuditEvent.chain == MAIN_CHAIN)).all())

    before = main_events()
    judge = contest["judges"][0]
    with write_session(engine) as s:
        save_score(s, round_id=contest["round_id"], judge_id=judge, entry_id=contest["pairs"][0][1],
                   criterion=contest["criteria"][0], value=50.0, actor=resolve_actor(s, user_id=judge))
    with write_session(engine) as s:
        record_event(s, actor=resolve_actor(s, user_id=by_organiser), action="sheet.test", subject="first")

    assert main_events() == before
    assert _problems(engine) == []
