"""AppTest of My entries for a judge on a live-final panel (路演答辩) who is also assigned in an ordinary round."""

from __future__ import annotations

from actors import as_user
from ui.support import fragment_ids, tick

from judging.core.permissions import SYSTEM
from judging.store.db import write_session
from judging.store.editions import add_round, get_round, round_rubric
from judging.store.live import close_live_entry, open_live_entry, set_panel


def _final_with_panel(contest, panel=("j1",)) -> int:
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        final = add_round(s, edition_id=ids["edition"], key="final", name="终评（路演答辩）", position=1,
                               rubric=round_rubric(get_round(s, ids["round"])), status="draft",
                               blind=False, actor=SYSTEM).id
        set_panel(s, round_id=final, judge_ids=[ids[j] for j in panel], actor=as_user(s, "org"))
    return final


def _live(contest, final, *, close=None, open_=None) -> None:
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        if close:
            close_live_entry(s, round_id=final, entry_id=ids[close], actor=as_user(s, "org"))
        if open_:
            open_live_entry(s, round_id=final, entry_id=ids[open_], actor=as_user(s, "org"))


def _shown(at) -> set[int]:
    return {int(b.key.removeprefix("open_")) for b in at.button if b.key and b.key.startswith("open_")}


def test_panel_judge_list_opens_on_the_live_entry_and_keeps_the_ordinary_round(app, contest):
    ids = contest["ids"]
    final = _final_with_panel(contest)
    _live(contest, final, open_="P-001")

    at = app("j1").run()

    assert not at.exception
    assert at.selectbox(key="judge_round").value == final
    assert at.selectbox(key="judge_round").options == ["终评（路演答辩）", "初评"]  # the live round first
    assert _shown(at) == {ids["P-001"]}
    at.selectbox(key="judge_round").set_value(ids["round"]).run()  # their ordinary entries are still theirs
    assert _shown(at) == {ids[c] for c in ("L-001", "L-002", "P-001", "P-002")}
    assert [w.value for w in at.warning] == [
        "“终评（路演答辩）”的路演答辩正在评分：请在上方“评审阶段”中选择它，为当前答辩作品评分。"]


def test_the_next_live_entry_takes_the_panel_judge_back_to_the_live_round(app, contest):
    ids = contest["ids"]
    final = _final_with_panel(contest)
    _live(contest, final, open_="P-001")
    at = app("j1").run()
    at.selectbox(key="judge_round").set_value(ids["round"]).run()

    _live(contest, final, close="P-001")
    at.run()
    assert (at.selectbox(key="judge_round").value, len(_shown(at)), list(at.warning)) == (ids["round"], 4, [])
    _live(contest, final, open_="L-002")
    at.run()

    assert at.selectbox(key="judge_round").value == final
    assert _shown(at) == {ids["L-002"]}


def test_panel_judge_between_two_entries_is_told_to_wait(app, contest):
    final = _final_with_panel(contest)
    _live(contest, final, open_="P-001")
    at = app("j1").run()
    _live(contest, final, close="P-001")

    at.run()

    assert at.selectbox(key="judge_round").value == final  # stays on the live final between entries
    assert _shown(at) == set()
    assert [i.value for i in at.info] == ["路演答辩：组织方开始下一个作品的评分后，它会在几秒内自动出现在这里（也可点击“刷新”）。"]


def test_a_judge_off_the_panel_sees_only_their_ordinary_round(app, contest):
    ids = contest["ids"]
    final = _final_with_panel(contest)
    _live(contest, final, open_="P-001")

    at = app("j2").run()

    assert not at.exception
    assert [s.key for s in at.selectbox if s.key == "judge_round"] == []
    assert _shown(at) == {ids[c] for c in ("L-001", "L-002", "P-001", "P-002")}
    assert list(at.warning) == []


def test_the_next_live_entry_shows_by_itself_without_counting_as_the_judges_activity(app, contest):
    from judging.ui.common import LAST_SEEN_KEY
    from judging.ui.judge_entries import LIVE_WATCH_KEY

    ids = contest["ids"]
    final = _final_with_panel(contest)
    _live(contest, final, open_="P-001")
    at = app("j1").run()
    _live(contest, final, close="P-001")
    at.run()
    assert _shown(at) == set()  # waiting between entries
    last_seen = at.session_state[LAST_SEEN_KEY]

    tick(at, fragment_ids(at, LIVE_WATCH_KEY))  # nothing changed: the tick leaves the page as it is
    assert _shown(at) == set()
    _live(contest, final, open_="L-002")
    tick(at, fragment_ids(at, LIVE_WATCH_KEY))  # no click: the timer finds the new entry and reruns the page

    assert not at.exception
    assert (at.selectbox(key="judge_round").value, _shown(at)) == (final, {ids["L-002"]})
    assert at.session_state[LAST_SEEN_KEY] == last_seen  # an unattended laptop still times out


def _sheet_page(contest, judge: str, round_id: int, entry: str):
    from streamlit.testing.v1 import AppTest

    from judging.ui.common import USER_KEY

    at = AppTest.from_string("import judging.ui.judge_sheet as m\nm.render()", default_timeout=30)
    at.session_state[USER_KEY] = contest["users"][judge]
    at.query_params["round"], at.query_params["entry"] = str(round_id), str(contest["ids"][entry])
    return at


def test_a_panel_judge_on_a_closed_entrys_sheet_is_taken_to_the_next_one_by_the_timer(contest):
    from judging.ui.judge_sheet import LIVE_SHEET_WATCH_KEY

    ids = contest["ids"]
    final = _final_with_panel(contest)
    _live(contest, final, open_="P-001")
    at = _sheet_page(contest, "j1", final, "P-001").run()
    assert not at.exception and fragment_ids(at, LIVE_SHEET_WATCH_KEY)

    tick(at, fragment_ids(at, LIVE_SHEET_WATCH_KEY))  # nothing changed: it stays
    assert at.query_params["entry"] == str(ids["P-001"])
    _live(contest, final, close="P-001", open_="L-002")
    tick(at, fragment_ids(at, LIVE_SHEET_WATCH_KEY))  # no click: the timer takes the judge on

    assert not at.exception
    assert at.query_params["entry"] == str(ids["L-002"])  # (a timer's rerun, not the judge's activity)


def test_a_panel_judge_opening_a_closed_entry_gets_the_open_one(contest):
    ids = contest["ids"]
    final = _final_with_panel(contest)
    _live(contest, final, open_="P-001")
    _live(contest, final, close="P-001", open_="L-002")

    at = _sheet_page(contest, "j1", final, "P-001").run()

    assert not at.exception
    assert at.query_params["entry"] == str(ids["L-002"])
