"""Extra judges for the must-discuss entries on the results page (AppTest): the organiser sees a proposal,
and only its confirmation assigns the judges; the auditor sees neither button."""

from __future__ import annotations

from actors import as_user
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from judging.core.permissions import SYSTEM
from judging.store.assignment import assignment_pairs
from judging.store.db import read_session, write_session
from judging.store.models import AuditEvent
from judging.store.people import create_user
from judging.store.sheets import save_score
from judging.ui.common import USER_KEY
from judging.ui.extra_judges import proposal_key

PROPOSE, CONFIRM = "生成增派方案", "确认增派"


def _results(contest, user="org") -> AppTest:
    at = AppTest.from_string("import judging.ui.results as m\nm.render()", default_timeout=60)
    at.session_state[USER_KEY] = contest["users"][user]
    return at


CLOSE = {"L-001": (84, 76), "L-002": (77, 83), "P-001": (85, 80), "P-002": (60, 66)}  # life: a coin flip


def _with_free_judges(contest) -> dict:
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        for entry, values in CLOSE.items():
            for judge, value in zip(("j1", "j2"), values, strict=True):
                for criterion in ("core_technology", "application_effect", "promotion_value"):
                    save_score(s, round_id=ids["round"], judge_id=ids[judge], entry_id=ids[entry],
                               criterion=criterion, value=float(value), actor=as_user(s, judge))
    with write_session(contest["engine"]) as s:
        for name in ("j3", "j4"):
            contest["ids"][name] = create_user(s, username=name, display_name=name, role="judge", actor=SYSTEM).id
    return contest


def _pairs(contest):
    with read_session(contest["engine"]) as s:
        return set(assignment_pairs(s, round_id=contest["ids"]["round"]))


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_the_proposal_is_assigned_only_on_confirmation(contest):
    _with_free_judges(contest)
    before = _pairs(contest)
    at = _results(contest).run()
    at.number_input(key=next(k.key for k in at.number_input if k.key.startswith("extra_k_"))).set_value(1)

    _button(at, PROPOSE).click().run()

    assert not at.exception
    proposal = at.session_state[proposal_key(contest["ids"]["round"], "life")]
    assert proposal and {j for j, _ in proposal} <= {"j3", "j4"}  # j1 and j2 are on every entry already
    assert _pairs(contest) == before  # shown, not assigned

    _button(at, CONFIRM).click().run()

    assert not at.exception
    ids = contest["ids"]
    assert _pairs(contest) - before == {(ids[j], ids[e]) for j, e in proposal}
    with read_session(contest["engine"]) as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "assignment.extra_judges")).all()) == 1
    assert not [b for b in at.button if b.label == CONFIRM]  # the proposal is gone once assigned


def test_the_auditor_sees_the_list_but_cannot_add_judges(contest):
    _with_free_judges(contest)

    at = _results(contest, "aud").run()

    assert not at.exception
    assert not [b for b in at.button if b.label in (PROPOSE, CONFIRM)]


def test_the_proposal_key_is_per_round_and_track():
    assert proposal_key(3, "life") != proposal_key(3, "public") != proposal_key(4, "life")


def test_a_wave_gives_one_judge_each_to_the_share_of_entries_least_sure_of_their_tier(contest):
    _with_free_judges(contest)
    at = _results(contest).run()
    at.radio(key=next(r.key for r in at.radio if r.key.startswith("extra_mode_"))).set_value("wave").run()

    assert next(n for n in at.number_input if n.key.startswith("extra_k_")).value == 1  # one judge a wave
    _button(at, PROPOSE).click().run()  # 15% of the life track's two entries: the one least sure of its tier
    one = at.session_state[proposal_key(contest["ids"]["round"], "life")]
    at.number_input(key=next(n.key for n in at.number_input if n.key.startswith("extra_share_"))).set_value(100).run()
    _button(at, PROPOSE).click().run()
    both = at.session_state[proposal_key(contest["ids"]["round"], "life")]

    assert not at.exception
    assert len(one) == 1 and {e for _, e in one} < {"L-001", "L-002"} and {j for j, _ in one} <= {"j3", "j4"}
    assert sorted(e for _, e in both) == ["L-001", "L-002"]  # one judge each
