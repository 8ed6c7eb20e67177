"""AppTest of the monitoring page: progress read from the database on every run, behind, missing, diagnostics."""

from __future__ import annotations

from actors import as_user
from streamlit.testing.v1 import AppTest
from ui.support import fragment_ids, tick

from judging.core.permissions import SYSTEM
from judging.store.db import write_session
from judging.store.people import set_judge_active
from judging.store.sheets import save_comment, save_score, submit_sheet
from judging.ui.common import USER_KEY

CRITERIA = ("core_technology", "application_effect", "promotion_value")


def _render() -> None:
    from judging.ui import organiser_monitor

    organiser_monitor.render()


def page(contest) -> AppTest:
    at = AppTest.from_function(_render, default_timeout=60)
    at.session_state[USER_KEY] = contest["users"]["org"]
    return at


def _score(contest, judge: str, code: str, values=(80, 70, 75), submit=True):
    ids = contest["ids"]
    where = dict(round_id=ids["round"], judge_id=ids[judge], entry_id=ids[code])
    with write_session(contest["engine"]) as s:
        for key, value in zip(CRITERIA, values, strict=True):
            save_score(s, **where, criterion=key, value=value, actor=as_user(s, judge))
            save_comment(s, **where, criterion=key, text_value="理由充分", actor=as_user(s, judge))
        if submit:
            submit_sheet(s, **where, actor=as_user(s, judge))


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_progress_follows_the_database_between_runs(contest):
    at = page(contest).run()
    assert not at.exception
    assert _metrics(at)["已提交"] == "0/8"
    assert "所有评分表均已提交" not in [c.value for c in at.caption]
    _score(contest, "j1", "L-001")
    _score(contest, "j1", "L-002", submit=False)
    at.run()
    assert _metrics(at)["已提交"] == "1/8"
    assert _metrics(at)["已开始"] == "2"
    missing = next(d.value for d in at.dataframe if "待提交评委" in d.value.columns)
    assert missing["作品编号"].tolist() == ["L-002", "P-001", "P-002", "L-001"]
    assert missing.set_index("作品编号").loc["L-001", "待提交评委"] == "李四"  # by display name, not user name


def test_a_judge_far_behind_is_listed(contest):
    for code in ("L-001", "L-002", "P-001"):
        _score(contest, "j1", code)
    at = page(contest).run()
    behind = next(d.value for d in at.dataframe if "完成比例" in d.value.columns)
    assert behind["账号"].tolist() == ["j2"]


def test_diagnostics_and_disagreement_from_stored_scores(contest):
    for code, (a, b) in {"L-001": (95, 40), "L-002": (70, 72), "P-001": (60, 62), "P-002": (85, 83)}.items():
        _score(contest, "j1", code, values=(a, a, a))
        _score(contest, "j2", code, values=(b, b, b))
    at = page(contest).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 4  # two progress charts, two diagnostics charts
    flagged = next(d.value for d in at.dataframe if "极差" in d.value.columns)
    assert flagged["作品编号"].tolist() == ["L-001"]


def test_diagnostics_refit_only_when_scores_change_and_a_new_score_shows_on_the_next_tick(contest, monkeypatch):
    from judging.ui import organiser_monitor

    fits = []
    real_rank = organiser_monitor.order_round
    monkeypatch.setattr(organiser_monitor, "order_round", lambda *a, **k: fits.append(1) or real_rank(*a, **k))
    for code, (a, b) in {"L-002": (70, 72), "P-001": (60, 62), "P-002": (85, 83)}.items():
        _score(contest, "j1", code, values=(a, a, a))
        _score(contest, "j2", code, values=(b, b, b))
    _score(contest, "j1", "L-001", values=(95, 95, 95))
    at = page(contest).run()
    assert "没有分歧明显的作品。" in [c.value for c in at.caption]
    at.run()
    at.run()
    assert len(fits) == 1  # nothing changed: the tab's fit is shown again

    _score(contest, "j2", "L-001", values=(40, 40, 40))  # stored between two ticks
    at.run()

    assert len(fits) == 2
    flagged = next(d.value for d in at.dataframe if "极差" in d.value.columns)
    assert flagged["作品编号"].tolist() == ["L-001"]


def test_timer_of_an_account_switched_off_since_the_page_opened_signs_it_out_once(contest):
    """The progress timer keeps ticking on an open tab: a refused read must end it, not repeat every tick."""
    from sqlmodel import func, select

    from judging.store.db import read_session
    from judging.store.models import AuditEvent

    def refusals() -> int:
        with read_session(contest["engine"]) as s:
            return s.exec(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "permission.refused")).one()

    at = page(contest).run()
    timers = fragment_ids(at)  # the progress and diagnostics timers
    with write_session(contest["engine"]) as s:
        set_judge_active(s, judge_id=contest["ids"]["org"], active=False, actor=SYSTEM)
    before = refusals()

    tick(at, timers[:1])  # the timer's tick alone: no click follows on an unattended tab

    assert USER_KEY not in at.session_state and not at.exception
    assert refusals() - before <= 1
    assert not any(m.label == "已提交" for m in at.metric)
