"""The organiser console's repository (judging.store.organiser) on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from actors import as_user
from sqlmodel import select

from judging.core.assignment import AssignmentError
from judging.core.editions import parse_edition_toml
from judging.core.handout import prepare_passwords
from judging.core.passwords import PreparedPassword
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.errors import JudgingError, NotFound, PermissionDenied
from judging.store.advancement import advancement_preview, confirm_advancement
from judging.store.assignment import (
    add_assignment,
    add_conflict,
    assign,
    assignment_pairs,
    fill_round_gaps,
    generate_assignment,
    judge_drops_out,
    remove_assignment,
    replace_assignment,
    round_inputs,
)
from judging.store.audit_log import last_seed
from judging.store.db import read_session, write_session
from judging.store.editions import (
    add_entries,
    add_track,
    create_edition_from_spec,
    entries_of,
    entries_of_round,
    get_round,
    round_entry_rows,
    rounds_of,
    tracks_of,
    update_round,
)
from judging.store.imports import import_judges
from judging.store.live import (
    close_live_entry,
    live_board,
    open_live_entry,
    ordinary_sheets,
    panel_of,
    set_panel,
)
from judging.store.models import AuditEvent
from judging.store.people import create_user, list_judges, resolve_actor, set_passwords
from judging.store.sheets import (
    JudgeLiveFinal,
    assigned_entries,
    declare_conflict,
    live_final_of_judge,
    open_rounds_of_judge,
    save_score,
    submit_sheet,
)

ROOT = Path(__file__).parents[2]
RUBRIC = load_rubric(ROOT / "rubrics" / "innovation_contest.toml")


def _fast_hash(password: str) -> str:
    return "plain:" + password  # argon2 is slow on purpose; these tests do not sign in


def _edition(engine):
    spec = parse_edition_toml((ROOT / "data" / "edition_example.toml").read_text(encoding="utf-8"))
    with write_session(engine) as s:
        return create_edition_from_spec(s, spec=spec, rubrics={"innovation_contest": RUBRIC},
                                                  actor=SYSTEM).id


def test_edition_from_spec_creates_tracks_and_rounds_first_open(engine):
    edition_id = _edition(engine)
    with read_session(engine) as s:
        rounds = rounds_of(s, edition_id)
        tracks = tracks_of(s, edition_id)
    assert [(r.key, r.status, r.judges_per_entry, r.advance_rule) for r in rounds] == [
        ("preliminary", "open", 5, "share:0.3"), ("second", "draft", 7, "top:5"), ("final", "draft", 9, "")]
    assert rounds[2].method == "trimmed" and rounds[2].blind is False and rounds[0].starts_on == "2026-06-01"
    assert [t.key for t in tracks] == ["life", "public", "industry", "product", "platform"]


def test_update_round_logs_old_and_new_values(engine):
    edition_id = _edition(engine)
    with write_session(engine) as s:
        rnd = rounds_of(s, edition_id)[0]
        update_round(s, round_id=rnd.id, actor=SYSTEM, judges_per_entry=3, advance_rule="20%")
    with read_session(engine) as s:
        rnd = rounds_of(s, edition_id)[0]
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "round.update")).one()
    assert (rnd.judges_per_entry, rnd.advance_rule) == (3, "share:0.2")
    assert '"judges_per_entry": {"new": 3, "old": 5}' in event.payload


def test_add_track_appends_in_position(engine):
    edition_id = _edition(engine)
    with write_session(engine) as s:
        add_track(s, edition_id=edition_id, key="edu", name_zh="教育类", actor=SYSTEM)
    with read_session(engine) as s:
        assert [t.key for t in tracks_of(s, edition_id)][-1] == "edu"


def test_prepared_passwords_are_stored_only_as_hashes(engine):
    data = "评委编号,姓名,单位,专业领域\nw01,王一,甲大学,life\nw02,王二,,\n".encode()
    prepared = prepare_passwords(["w01", "w02"], hash_password=_fast_hash)
    with write_session(engine) as s:
        import_judges(s, data=data, actor=SYSTEM)
        set_passwords(s, passwords={u: p for u, (_, p) in prepared.items()}, actor=SYSTEM)
    with read_session(engine) as s:
        stored = {u.username: u for u in list_judges(s, actor=SYSTEM)}
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "user.passwords_issued")).one()
    assert stored["w01"].password_hash == "plain:" + prepared["w01"][0]
    assert prepared["w01"][0] not in event.payload and prepared["w01"][1].hash not in event.payload
    assert stored["w01"].password_one_time and stored["w02"].password_one_time


def test_password_hashes_for_unknown_users_are_refused(engine):
    with pytest.raises(NotFound), write_session(engine) as s:
        set_passwords(s, passwords={"ghost": PreparedPassword("x")}, actor=SYSTEM)


def test_replace_assignment_is_refused_once_scores_exist(engine):
    edition_id = _edition(engine)
    with write_session(engine) as s:
        rnd = rounds_of(s, edition_id)[0]
        add_entries(s, edition_id=edition_id, records=[{"code": "L-1", "track": "life", "title": "甲"}], actor=SYSTEM)
        entry = entries_of(s, edition_id)[0]
        judge = create_user(s, username="j", display_name="J", actor=SYSTEM)
        replace_assignment(s, round_id=rnd.id, pairs=[(judge.id, entry.id)], seed=7, actor=SYSTEM)
        save_score(s, round_id=rnd.id, judge_id=judge.id, entry_id=entry.id, criterion="core_technology",
                        value=80, actor=as_user(s, "j"))
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        replace_assignment(s, round_id=rnd.id, pairs=[], seed=8, actor=SYSTEM)
    with read_session(engine) as s:
        assert assignment_pairs(s, round_id=rnd.id) == [(judge.id, entry.id)]


def _contest(engine, *, judges=5, entries=6, k=3):
    edition_id = _edition(engine)
    with write_session(engine) as s:
        rnd = rounds_of(s, edition_id)[0]
        update_round(s, round_id=rnd.id, actor=SYSTEM, judges_per_entry=k)
        add_entries(s, edition_id=edition_id, records=[
            {"code": f"L-{i}", "track": "life" if i % 2 else "public", "title": f"作品{i}", "organisation": f"单位{i}"}
            for i in range(entries)], actor=SYSTEM)
        ids = [create_user(s, username=f"j{i}", display_name=f"评委{i}", expertise="life", actor=SYSTEM).id
               for i in range(judges)]
    return edition_id, rnd.id, ids


def test_generate_assignment_k_per_entry_and_seed_in_the_audit_trail(engine):
    edition_id, round_id, _ = _contest(engine)
    with write_session(engine) as s:
        assert generate_assignment(s, round_id=round_id, seed=11, actor=SYSTEM) == 18
    with read_session(engine) as s:
        inputs = round_inputs(s, round_id=round_id, actor=SYSTEM)
        assert last_seed(s, round_id=round_id, actor=SYSTEM) == 11
    with write_session(engine) as s:
        generate_assignment(s, round_id=round_id, seed=11, actor=SYSTEM)
    with read_session(engine) as s:
        assert sorted(round_inputs(s, round_id=round_id, actor=SYSTEM).pairs) == sorted(inputs.pairs)


def test_declared_conflict_then_fill_gives_the_entry_another_judge(engine):
    edition_id, round_id, judge_ids = _contest(engine)
    with write_session(engine) as s:
        generate_assignment(s, round_id=round_id, seed=3, actor=SYSTEM)
    with read_session(engine) as s:
        judge, entry = assignment_pairs(s, round_id=round_id)[0]
    with write_session(engine) as s:
        declare_conflict(s, round_id=round_id, judge_id=judge, entry_id=entry, reason="曾参与该项目", actor=resolve_actor(s, user_id=judge))
        added = fill_round_gaps(s, round_id=round_id, seed=3, actor=SYSTEM)
    assert len(added) == 1 and added[0][1] == entry and added[0][0] != judge


def test_drop_out_keeps_submitted_sheets_and_reassigns_the_rest(engine):
    edition_id, round_id, judge_ids = _contest(engine)
    with write_session(engine) as s:
        generate_assignment(s, round_id=round_id, seed=5, actor=SYSTEM)
    dropped = judge_ids[0]
    with read_session(engine) as s:
        mine = sorted(e for j, e in assignment_pairs(s, round_id=round_id) if j == dropped)
    with write_session(engine) as s:
        for key in RUBRIC.criterion_keys:
            save_score(s, round_id=round_id, judge_id=dropped, entry_id=mine[0], criterion=key, value=80,
                            actor=as_user(s, "j0"))
        submit_sheet(s, round_id=round_id, judge_id=dropped, entry_id=mine[0], actor=as_user(s, "j0"))
        removed, added = judge_drops_out(s, round_id=round_id, judge_id=dropped, seed=5, reason="生病",
                                                   actor=SYSTEM)
    with read_session(engine) as s:
        pairs = assignment_pairs(s, round_id=round_id)
    assert sorted(e for _, e in removed) == mine[1:]
    assert sorted(e for _, e in added) == mine[1:] and all(j != dropped for j, _ in added)
    assert [e for j, e in pairs if j == dropped] == [mine[0]]


def test_manual_addition_refuses_a_conflict_and_a_duplicate(engine):
    edition_id, round_id, judge_ids = _contest(engine)
    with write_session(engine) as s:
        entry = entries_of(s, edition_id)[0]
        add_conflict(s, judge_id=judge_ids[0], entry_id=entry.id, source="organiser", actor=SYSTEM)
        add_assignment(s, round_id=round_id, judge_id=judge_ids[1], entry_id=entry.id, reason="", actor=SYSTEM)
    for judge in judge_ids[:2]:
        with pytest.raises(AssignmentError), write_session(engine) as s:
            add_assignment(s, round_id=round_id, judge_id=judge, entry_id=entry.id, reason="", actor=SYSTEM)
    with write_session(engine) as s:
        remove_assignment(s, round_id=round_id, judge_id=judge_ids[1], entry_id=entry.id, reason="x",
                                    actor=SYSTEM)
    with read_session(engine) as s:
        assert assignment_pairs(s, round_id=round_id) == []


def test_live_final_one_entry_at_a_time_panel_sees_only_it_and_the_board(engine):
    edition_id, _, judge_ids = _contest(engine, judges=5, entries=3)
    with write_session(engine) as s:
        final = rounds_of(s, edition_id)[2]
        entries = entries_of(s, edition_id)
        add_conflict(s, judge_id=judge_ids[4], entry_id=entries[0].id, source="organiser", actor=SYSTEM)
        set_panel(s, round_id=final.id, judge_ids=judge_ids, actor=SYSTEM)
        assert open_live_entry(s, round_id=final.id, entry_id=entries[0].id, actor=SYSTEM) == 4
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        open_live_entry(s, round_id=final.id, entry_id=entries[1].id, actor=SYSTEM)
    with read_session(engine) as s:
        seen = {j: [e.code for e in assigned_entries(s, round_id=final.id, judge_id=j, actor=SYSTEM)] for j in judge_ids}
        board = live_board(s, round_id=final.id, actor=SYSTEM)
    assert seen == {j: [entries[0].code] for j in judge_ids[:4]} | {judge_ids[4]: []}
    assert (board.current.code, board.panel, board.scored, board.last) == (entries[0].code, 4, 0, None)
    with write_session(engine) as s:
        for i, judge in enumerate(judge_ids[:4]):
            for key in RUBRIC.criterion_keys:
                save_score(s, round_id=final.id, judge_id=judge, entry_id=entries[0].id, criterion=key,
                                value=70 + 5 * i, actor=resolve_actor(s, user_id=judge))
    with read_session(engine) as s:
        assert live_board(s, round_id=final.id, actor=SYSTEM).scored == 4
    with write_session(engine) as s:
        close_live_entry(s, round_id=final.id, entry_id=entries[0].id, actor=SYSTEM)
    with read_session(engine) as s:
        board = live_board(s, round_id=final.id, actor=SYSTEM)
        left = assigned_entries(s, round_id=final.id, judge_id=judge_ids[0], actor=SYSTEM)
    assert board.current is None and board.last.code == entries[0].code and left == []
    assert board.result.marks == {"j0": 70.0, "j1": 75.0, "j2": 80.0, "j3": 85.0}
    assert board.result.method == "trimmed" and board.result.score == pytest.approx(77.5)


def test_live_entry_refused_in_a_round_assigned_the_ordinary_way(engine):
    edition_id, _, judge_ids = _contest(engine, judges=5, entries=3)
    with write_session(engine) as s:
        final = rounds_of(s, edition_id)[2]
        entries = entries_of(s, edition_id)
        set_panel(s, round_id=final.id, judge_ids=judge_ids[1:], actor=SYSTEM)
        add_assignment(s, round_id=final.id, judge_id=judge_ids[0], entry_id=entries[1].id, reason="",
                                 actor=SYSTEM)
    with pytest.raises(PermissionDenied) as refused, write_session(engine) as s:
        open_live_entry(s, round_id=final.id, entry_id=entries[0].id, actor=SYSTEM)
    with read_session(engine) as s:
        rows = round_entry_rows(s, round_id=final.id)
        status = get_round(s, final.id).status
    assert [p.code for p in refused.value.problems] == ["oc.live.ordinary_round"]
    assert "没有分配评委的评审阶段" in refused.value.render("zh") and "without assignments" in refused.value.render("en")
    assert ([r.live_state for r in rows], status) == ([], "draft")  # nothing changed


def test_panel_refused_for_a_round_assigned_the_ordinary_way_and_clearing_it_allowed(engine):
    edition_id, prelim, judge_ids = _contest(engine, judges=3, entries=2)
    with write_session(engine) as s:
        entries = entries_of(s, edition_id)
        assign(s, round_id=prelim, pairs=[(judge_ids[0], entries[0].id)], actor=SYSTEM)

    with pytest.raises(PermissionDenied) as refused, write_session(engine) as s:
        set_panel(s, round_id=prelim, judge_ids=judge_ids[1:], actor=SYSTEM)
    with write_session(engine) as s:
        set_panel(s, round_id=prelim, judge_ids=[], actor=SYSTEM)  # an empty panel is no live final
        panel = panel_of(s, round_id=prelim, actor=SYSTEM)

    assert [p.code for p in refused.value.problems] == ["oc.live.ordinary_round"]
    assert panel == []


def test_live_entry_refused_after_ordinary_scores_even_without_seats(engine):
    edition_id, _, judge_ids = _contest(engine, judges=5, entries=3)
    with write_session(engine) as s:
        final = rounds_of(s, edition_id)[2]
        update_round(s, round_id=final.id, status="open", actor=SYSTEM)
        entries = entries_of(s, edition_id)
        set_panel(s, round_id=final.id, judge_ids=judge_ids, actor=SYSTEM)
        add_assignment(s, round_id=final.id, judge_id=judge_ids[0], entry_id=entries[1].id, reason="",
                                 actor=SYSTEM)
        save_score(s, round_id=final.id, judge_id=judge_ids[0], entry_id=entries[1].id,
                        criterion=RUBRIC.criterion_keys[0], value=80, actor=as_user(s, "j0"))
        remove_assignment(s, round_id=final.id, judge_id=judge_ids[0], entry_id=entries[1].id,
                                    reason="x", actor=SYSTEM)
    with read_session(engine) as s:
        assert ordinary_sheets(s, round_id=final.id, actor=SYSTEM) == 1
    with pytest.raises(PermissionDenied, match="ordinary"), write_session(engine) as s:
        open_live_entry(s, round_id=final.id, entry_id=entries[0].id, actor=SYSTEM)


def test_live_round_counts_no_ordinary_sheets_while_open_or_after_closing(engine):
    edition_id, _, judge_ids = _contest(engine, judges=3, entries=3)
    with write_session(engine) as s:
        final = rounds_of(s, edition_id)[2]
        entries = entries_of(s, edition_id)
        set_panel(s, round_id=final.id, judge_ids=judge_ids, actor=SYSTEM)
        open_live_entry(s, round_id=final.id, entry_id=entries[0].id, actor=SYSTEM)
        for judge in judge_ids:
            save_score(s, round_id=final.id, judge_id=judge, entry_id=entries[0].id,
                            criterion=RUBRIC.criterion_keys[0], value=80, actor=resolve_actor(s, user_id=judge))
        assert ordinary_sheets(s, round_id=final.id, actor=SYSTEM) == 0
        close_live_entry(s, round_id=final.id, entry_id=entries[0].id, actor=SYSTEM)
        assert ordinary_sheets(s, round_id=final.id, actor=SYSTEM) == 0
        assert open_live_entry(s, round_id=final.id, entry_id=entries[1].id, actor=SYSTEM) == 3


@pytest.mark.parametrize("change", ["generate", "add", "fill"])
def test_ordinary_assignment_refused_in_a_live_round(engine, change):
    edition_id, _, judge_ids = _contest(engine, judges=3, entries=3)
    with write_session(engine) as s:
        final = rounds_of(s, edition_id)[2]
        entries = entries_of(s, edition_id)
        set_panel(s, round_id=final.id, judge_ids=judge_ids[:2], actor=SYSTEM)
        open_live_entry(s, round_id=final.id, entry_id=entries[0].id, actor=SYSTEM)
    changes = {
        "generate": lambda s: generate_assignment(s, round_id=final.id, seed=1, actor=SYSTEM),
        "add": lambda s: add_assignment(s, round_id=final.id, judge_id=judge_ids[2],
                                                  entry_id=entries[1].id, reason="", actor=SYSTEM),
        "fill": lambda s: fill_round_gaps(s, round_id=final.id, seed=1, actor=SYSTEM),
    }
    with pytest.raises(PermissionDenied) as refused, write_session(engine) as s:
        changes[change](s)
    with read_session(engine) as s:
        pairs = sorted(assignment_pairs(s, round_id=final.id))
    assert [p.code for p in refused.value.problems] == ["oc.asg.live_round"]
    assert pairs == sorted((j, entries[0].id) for j in judge_ids[:2])


def test_panel_judge_rounds_live_first_ordinary_kept_and_the_panel_between_entries(engine):
    edition_id, prelim, judge_ids = _contest(engine, judges=3, entries=3)
    with write_session(engine) as s:
        final = rounds_of(s, edition_id)[2].id
        entries = entries_of(s, edition_id)
        assign(s, round_id=prelim, pairs=[(judge_ids[0], e.id) for e in entries], actor=SYSTEM)
        add_conflict(s, judge_id=judge_ids[2], entry_id=entries[0].id, source="organiser", actor=SYSTEM)
        set_panel(s, round_id=final, judge_ids=judge_ids, actor=SYSTEM)
        open_live_entry(s, round_id=final, entry_id=entries[0].id, actor=SYSTEM)

    def seen():
        with read_session(engine) as s:
            return {j: ([r.id for r in open_rounds_of_judge(s, judge_id=j, actor=SYSTEM)],
                        live_final_of_judge(s, judge_id=j, actor=SYSTEM))
                    for j in judge_ids}

    during = seen()
    with write_session(engine) as s:
        close_live_entry(s, round_id=final, entry_id=entries[0].id, actor=SYSTEM)
    between = seen()

    both = frozenset({final})
    assert during == {
        judge_ids[0]: ([final, prelim], JudgeLiveFinal(both, {final: entries[0].id})),
        judge_ids[1]: ([final], JudgeLiveFinal(both, {final: entries[0].id})),
        judge_ids[2]: ([final], JudgeLiveFinal(both, {})),  # in conflict with the entry on stage
    }
    assert between == {
        judge_ids[0]: ([prelim, final], JudgeLiveFinal(both, {})),
        judge_ids[1]: ([final], JudgeLiveFinal(both, {})),
        judge_ids[2]: ([final], JudgeLiveFinal(both, {})),
    }


def test_advancement_preview_and_confirm_feed_the_next_round(engine):
    edition_id, round_id, judge_ids = _contest(engine, judges=3, entries=4, k=3)
    with write_session(engine) as s:
        update_round(s, round_id=round_id, actor=SYSTEM, advance_rule="top:1", method="raw")
        generate_assignment(s, round_id=round_id, seed=1, actor=SYSTEM)
        entries = entries_of(s, edition_id)
        for n, entry in enumerate(entries):
            for judge in judge_ids:
                for key in RUBRIC.criterion_keys:
                    save_score(s, round_id=round_id, judge_id=judge, entry_id=entry.id, criterion=key,
                                    value=60 + 5 * n, actor=resolve_actor(s, user_id=judge))
    with read_session(engine) as s:
        preview = advancement_preview(s, round_id=round_id, actor=SYSTEM)
    went = preview[preview["advance"]]
    assert sorted(went["entry_id"]) == ["L-2", "L-3"]  # the best of each track
    with write_session(engine) as s:
        target = confirm_advancement(s, round_id=round_id, codes=list(went["entry_id"]), actor=SYSTEM)
    with read_session(engine) as s:
        assert [e.code for e in entries_of_round(s, round_id=target.id)] == list(went["entry_id"])
        assert (get_round(s, round_id).status, get_round(s, target.id).status) == ("closed", "open")
        assert sorted(round_inputs(s, round_id=target.id, actor=SYSTEM).entries) == ["L-2", "L-3"]
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        confirm_advancement(s, round_id=round_id, codes=["L-0"], actor=SYSTEM)


def test_an_edition_of_the_same_name_and_year_is_not_created_twice(engine):
    from judging.store.editions import EditionExists, create_edition, list_editions

    with write_session(engine) as s:
        first = create_edition(s, name="2027年大赛", year=2027, actor=SYSTEM)
    with pytest.raises(EditionExists) as twice, write_session(engine) as s:
        create_edition(s, name=" 2027年大赛 ", year=2027, actor=SYSTEM)
    with write_session(engine) as s:
        create_edition(s, name="2027年大赛", year=2028, actor=SYSTEM)  # another year is another edition

    with read_session(engine) as s:
        editions = sorted((e.name, e.year) for e in list_editions(s))
    assert twice.value.edition_id == first.id
    assert editions == [("2027年大赛", 2027), ("2027年大赛", 2028)]


def test_a_round_key_is_taken_once_per_edition(engine):
    from judging.store.editions import add_round, create_edition

    with write_session(engine) as s:
        edition = create_edition(s, name="2029年大赛", year=2029, actor=SYSTEM)
        add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
    with pytest.raises(JudgingError, match="prelim"), write_session(engine) as s:
        add_round(s, edition_id=edition.id, key="prelim", name="又一个初评", rubric=RUBRIC, actor=SYSTEM)
