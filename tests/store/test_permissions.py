"""The permissions matrix for store actions: every role × every guarded store function, and the
``permission.refused`` events (SQLite; the refusal event also on PostgreSQL)."""

from __future__ import annotations

import inspect
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from judging.core import permissions
from judging.core.rubric import load_rubric
from judging.core.scores_io import empty_scores_frame
from judging.errors import JudgingError, PermissionDenied
from judging.store import guard, imports, organiser, publication, repo
from judging.store.db import open_database, read_session, write_session
from judging.store.models import AuditEvent

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
FULL = {"core_technology": 80.0, "application_effect": 70.0, "promotion_value": 90.0}
ACTORS = ("j1", "org", "ann", "aud", "off", "cli")  # off: an inactive organiser; cli: no account (trusted shell)
ORG = {"org", "cli"}


def _build(engine) -> dict:
    with write_session(engine) as s:
        edition = repo.create_edition(s, name="测试大赛", year=2026, tracks=[("life", "生活类", "Life")])
        prelim = repo.add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC)
        final = repo.add_round(s, edition_id=edition.id, key="final", name="终评", rubric=RUBRIC, status="closed")
        repo.add_entries(s, edition_id=edition.id, records=[
            {"code": f"E{i}", "track": "life", "title": f"作品{i}"} for i in range(1, 5)])
        users = {name: repo.create_user(s, username=name, display_name=name, role=role)
                 for name, role in [("j1", "judge"), ("j2", "judge"), ("org", "organiser"),
                                    ("ann", "announcer"), ("aud", "auditor"), ("off", "organiser")]}
        users["off"].active = False
        e = {x.code: x.id for x in repo.entries_of(s, edition.id)}
        j1, j2 = users["j1"].id, users["j2"].id
        repo.assign(s, round_id=prelim.id, pairs=[(j1, e["E1"]), (j1, e["E2"]), (j1, e["E4"]), (j2, e["E1"])])
        repo.assign(s, round_id=final.id, pairs=[(j1, e["E1"])])
        repo.add_conflict(s, judge_id=j1, entry_id=e["E2"])
    with write_session(engine) as s:
        where = {"round_id": prelim.id, "judge_id": j1}
        repo.save_score(s, **where, entry_id=e["E1"], criterion="core_technology", value=60.0, actor="j1")
        for criterion, value in FULL.items():
            repo.save_score(s, **where, entry_id=e["E4"], criterion=criterion, value=value, actor="j1")
        repo.submit_sheet(s, **where, entry_id=e["E4"], actor="j1")
    return {"edition": edition.id, "prelim": prelim.id, "final": final.id, "j1": j1, "j2": j2} | e


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('perm') / 'perm.db'}")
    yield engine, _build(engine)
    engine.dispose()


def _sheet(ids, entry="E1", judge="j1", rnd="prelim"):
    return {"round_id": ids[rnd], "judge_id": ids[judge], "entry_id": ids[entry]}


def _score(ids, **where):
    return lambda s, a: repo.save_score(s, **_sheet(ids, **where), criterion="core_technology", value=70.0, actor=a)


# name -> (call(session, ids, actor), the actors allowed). "Allowed" means the permission check
# passed: the call either worked or failed on its own input (a missing publication, an empty file).
STORE_ACTIONS = {
    "create_edition": (lambda s, i, a: repo.create_edition(s, name="x", year=2027, actor=a), ORG),
    "add_round": (lambda s, i, a: repo.add_round(s, edition_id=i["edition"], key="k", name="k", rubric=RUBRIC, actor=a), ORG),
    "set_round_rubric": (lambda s, i, a: repo.set_round_rubric(s, round_id=i["final"], rubric=RUBRIC, actor=a), ORG),
    "add_track": (lambda s, i, a: organiser.add_track(s, edition_id=i["edition"], key="t", name_zh="新", actor=a), ORG),
    "update_round": (lambda s, i, a: organiser.update_round(s, round_id=i["final"], name="终评2", actor=a), ORG),
    "create_user": (lambda s, i, a: repo.create_user(s, username="new", display_name="新", actor=a), ORG),
    "set_judge_active": (lambda s, i, a: organiser.set_judge_active(s, judge_id=i["j2"], active=False, actor=a), ORG),
    "set_password_hashes": (lambda s, i, a: organiser.set_password_hashes(s, hashes={}, actor=a), ORG),
    "add_entries": (lambda s, i, a: repo.add_entries(s, edition_id=i["edition"], records=[
        {"code": "E9", "track": "life", "title": "新"}], actor=a), ORG),
    "import_entries": (lambda s, i, a: imports.import_entries(s, edition_id=i["edition"], data=b"", actor=a), ORG),
    "import_judges": (lambda s, i, a: imports.import_judges(s, data=b"", actor=a), ORG),
    "import_scores": (lambda s, i, a: imports.import_scores(s, i["prelim"], empty_scores_frame(), a), ORG),
    "assign": (lambda s, i, a: repo.assign(s, round_id=i["prelim"], pairs=[(i["j2"], i["E3"])], actor=a), ORG),
    "add_conflict": (lambda s, i, a: repo.add_conflict(s, judge_id=i["j2"], entry_id=i["E3"], actor=a), ORG),
    "remove_assignment": (lambda s, i, a: organiser.remove_assignment(
        s, round_id=i["prelim"], judge_id=i["j2"], entry_id=i["E1"], reason="病假", actor=a), ORG),
    "reopen_sheet": (lambda s, i, a: repo.reopen_sheet(s, **_sheet(i, "E4"), actor=a, actor_role="organiser"), ORG),
    "save_score own sheet": (lambda s, i, a: _score(i)(s, a), {"j1", "cli"}),
    "save_score another judge's sheet": (lambda s, i, a: _score(i, judge="j2")(s, a), {"cli"}),
    "save_score entry not assigned": (lambda s, i, a: _score(i, entry="E3")(s, a), set()),
    "save_score entry in conflict": (lambda s, i, a: _score(i, entry="E2")(s, a), set()),
    "save_score closed round": (lambda s, i, a: _score(i, rnd="final")(s, a), set()),
    "save_score submitted sheet": (lambda s, i, a: _score(i, entry="E4")(s, a), set()),
    "save_comment own sheet": (lambda s, i, a: repo.save_comment(s, **_sheet(i), criterion="", text_value="好",
                                                                 actor=a), {"j1", "cli"}),
    "save_veto own sheet": (lambda s, i, a: repo.save_veto(s, **_sheet(i), veto_key="ip", reason="侵权", actor=a),
                            {"j1", "cli"}),
    "save_veto submitted sheet": (lambda s, i, a: repo.save_veto(s, **_sheet(i, "E4"), veto_key="ip", reason="侵权",
                                                                 actor=a), {"cli"}),
    "clear_score own sheet": (lambda s, i, a: repo.clear_score(s, **_sheet(i), criterion="core_technology", actor=a),
                              {"j1", "cli"}),
    "submit_sheet own sheet": (lambda s, i, a: repo.submit_sheet(s, **_sheet(i), actor=a), {"j1", "cli"}),
    "declare_conflict own entry": (lambda s, i, a: repo.declare_conflict(s, judge_id=i["j1"], entry_id=i["E1"],
                                                                         reason="同事", actor=a), {"j1", "org", "cli"}),
    "declare_conflict for another judge": (lambda s, i, a: repo.declare_conflict(
        s, judge_id=i["j2"], entry_id=i["E1"], reason="同事", actor=a), {"org", "cli"}),
    "change_tier": (lambda s, i, a: publication.change_tier(s, publication_id=999, entry_id="E1", tier="一等奖",
                                                            reason="复核", actor=a), ORG),
    "add_objection": (lambda s, i, a: publication.add_objection(
        s, publication_id=999, entry_id="E1", name="张", contact="1", text="异议", received_on=date(2026, 5, 6),
        actor=a), ORG),
    "resolve_objection": (lambda s, i, a: publication.resolve_objection(s, objection_id=999, upheld=False,
                                                                        reason="不成立", actor=a), ORG),
    "freeze": (lambda s, i, a: publication.freeze(s, publication_id=999, today=date(2026, 6, 1), actor=a), ORG),
    "reopen": (lambda s, i, a: publication.reopen(s, publication_id=999, reason="复核", actor=a), ORG),
}


class _RollBack(Exception):
    """Ends a case's transaction so that the world stays the same for the next case."""


def _outcome(engine, call, ids, actor) -> str:
    try:
        with write_session(engine) as s:
            call(s, ids, actor)
            raise _RollBack
    except PermissionDenied:
        return "refused"
    except (_RollBack, JudgingError):
        return "allowed"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(STORE_ACTIONS))
def test_store_action_is_allowed_or_refused_as_specified(world, action, actor):
    engine, ids = world
    call, allowed = STORE_ACTIONS[action]

    outcome = _outcome(engine, call, ids, actor)

    assert outcome == ("allowed" if actor in allowed else "refused")


READS = [  # (action, judge whose sheet, actors allowed)
    ("sheet.read", "j1", {"j1", "org", "cli"}),
    ("sheet.read", "j2", {"org", "cli"}),
    ("scores.read", None, {"org", "aud", "cli"}),
    ("publication.read", None, {"org", "ann", "aud", "cli"}),
    ("audit.read", None, {"org", "aud", "cli"}),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("action", "judge", "allowed"), READS)
def test_read_action_is_allowed_or_refused_as_specified(world, action, judge, allowed, actor):
    engine, ids = world

    try:
        with read_session(engine) as s:
            guard.authorize(s, actor=actor, action=action, judge_id=ids[judge] if judge else None)
        outcome = "allowed"
    except PermissionDenied:
        outcome = "refused"

    assert outcome == ("allowed" if actor in allowed else "refused")


def _writers():
    """Public store functions that write (they record an audit event) and are not reads."""
    for module in (repo, organiser, publication, imports):
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            source = inspect.getsource(inspect.unwrap(function))
            if "record_event(" in source and name not in {"record_event", "record_events"}:
                yield f"{module.__name__}.{name}", function


@pytest.mark.parametrize(("name", "function"), list(_writers()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_store_writer_is_guarded(name, function):
    assert getattr(function, "guarded_action", None) in permissions.ACTIONS, name


def test_every_action_in_the_table_has_help_and_known_roles():
    for action in permissions.ACTIONS.values():
        assert action.help and set(action.grants) <= set(permissions.ROLES), action.key


@pytest.fixture
def two_judges(engine):
    with write_session(engine) as s:
        edition = repo.create_edition(s, name="测试大赛", year=2026, tracks=[("life", "生活类", "Life")])
        rnd = repo.add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC)
        repo.add_entries(s, edition_id=edition.id, records=[{"code": "E1", "track": "life", "title": "作品"}])
        repo.create_user(s, username="j1", display_name="张三")
        j2 = repo.create_user(s, username="j2", display_name="李四")
        entry = repo.entries_of(s, edition.id)[0]
        repo.assign(s, round_id=rnd.id, pairs=[(j2.id, entry.id)])
        return {"round_id": rnd.id, "judge_id": j2.id, "entry_id": entry.id}


def test_refusal_is_recorded_as_an_event_and_the_refused_write_is_not(engine, two_judges):
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        repo.save_score(s, **two_judges, criterion="core_technology", value=99.0, actor="j1")

    with read_session(engine) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        scores = repo.count_scores(s, round_id=two_judges["round_id"])
        broken = repo.verify_audit_chain(s)

    assert (last.action, last.actor, last.subject, scores, broken) == ("permission.refused", "j1", "sheet.write", 0, [])
    assert '"reason": "not_own_sheet"' in last.payload


def test_deactivated_judge_may_no_longer_save(engine, two_judges):
    with write_session(engine) as s:
        organiser.set_judge_active(s, judge_id=two_judges["judge_id"], active=False, actor="cli")

    with pytest.raises(PermissionDenied), write_session(engine) as s:
        repo.save_score(s, **two_judges, criterion="core_technology", value=80.0, actor="j2")
