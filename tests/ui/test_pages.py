"""Page logic with AppTest: sign-in, role gating, the score sheet's autosave, comments, submit, conflicts."""

from __future__ import annotations

import pytest
from actors import as_user
from streamlit.testing.v1 import AppTest
from ui.support import score_sheets

from judging.core.permissions import SYSTEM
from judging.store.db import read_session, write_session
from judging.store.scores import load_scores_frame
from judging.store.sheets import (
    declare_conflict,
    judge_entry_rows,
    save_comment,
    save_score,
)
from judging.ui.common import USER_KEY


def _sheet(app, contest, user="j1", entry="L-001") -> AppTest:
    ids = contest["ids"]
    at = app(user).run()
    at.button(key=f"open_{ids[entry]}").click().run()
    assert at.query_params == {"round": str(ids["round"]), "entry": str(ids[entry])}
    return at


def sheet_data(at: AppTest) -> dict:
    """What the page gave the score sheet's component to show."""
    found = score_sheets(at)
    assert len(found) == 1, "the sheet page shows one score sheet"
    return found[0]


# --- sign-in and roles -----------------------------------------------------------------------

def test_sign_in_good_password_opens_the_judges_entry_list(app, password):
    at = app().run()

    at.text_input(key="signin_username").input("j1")
    at.text_input(key="signin_password").input(password)
    at.button[0].click().run()

    assert at.session_state[USER_KEY].username == "j1"
    assert [t.value for t in at.title] == ["我的评审作品"]


def test_sign_in_bad_password_is_refused(app):
    at = app().run()

    at.text_input(key="signin_username").input("j1")
    at.text_input(key="signin_password").input("wrong")
    at.button[0].click().run()

    assert USER_KEY not in at.session_state
    assert [e.value for e in at.error] == ["用户名或密码不正确。"]


def test_sign_in_unknown_user_is_refused_with_the_same_message(app, password):
    at = app().run()

    at.text_input(key="signin_username").input("nobody")
    at.text_input(key="signin_password").input(password)
    at.button[0].click().run()

    assert [e.value for e in at.error] == ["用户名或密码不正确。"]


def test_language_switch_shows_english(app):
    at = app("j1").run()

    at.radio(key="lang").set_value("en").run()

    assert [t.value for t in at.title] == ["My entries"]


@pytest.mark.parametrize(("page", "allowed"), [
    ("judging.ui.organiser_conflicts:render", "organiser"),
    ("judging.ui.judge_entries:render", "judge"),
    ("judging.ui.judge_sheet:render", "judge"),
])
@pytest.mark.parametrize("user", ["j1", "org", "ann", "aud"])
def test_every_page_checks_the_role_itself(contest, page, allowed, user):
    module, function = page.split(":")
    at = AppTest.from_string(f"import {module} as m\nm.{function}()", default_timeout=30)
    at.session_state[USER_KEY] = contest["users"][user]

    at.run()

    refused = [e.value for e in at.error] == ["您的角色无权访问此页面。"]
    assert refused == (contest["users"][user].role != allowed)


def test_page_without_sign_in_asks_to_sign_in(contest):
    at = AppTest.from_string("import judging.ui.organiser_conflicts as m\nm.render()", default_timeout=30)

    at.run()

    assert [w.value for w in at.warning] == ["请先登录。"]


# --- my entries ------------------------------------------------------------------------------

def test_entry_list_shows_assigned_entries_in_the_judges_stable_order(app, contest):
    ids = contest["ids"]
    with read_session(contest["engine"]) as s:
        expected = [r.entry.id for r in judge_entry_rows(s, round_id=ids["round"], judge_id=ids["j1"], actor=SYSTEM)]

    at = app("j1").run()

    shown = [int(b.key.removeprefix("open_")) for b in at.button if b.key and b.key.startswith("open_")]
    assert shown == expected
    assert sorted(shown) == sorted(ids[c] for c in ("L-001", "L-002", "P-001", "P-002"))


def test_entry_list_filters_by_track(app, contest):
    at = app("j1").run()
    life = next(o for o in at.selectbox(key="entries_track").options if o == "生活类")

    at.selectbox(key="entries_track").select(life).run()

    shown = {int(b.key.removeprefix("open_")) for b in at.button if b.key and b.key.startswith("open_")}
    assert shown == {contest["ids"]["L-001"], contest["ids"]["L-002"]}


def test_entry_list_shows_entry_text_as_plain_text(app):
    at = app("j1").run()

    titles = [m.value for m in at.markdown if "evil" in m.value]

    assert titles and all("\\[链接\\]\\(http" in t for t in titles)


# --- the score sheet -------------------------------------------------------------------------

def test_sheet_shows_what_is_stored_in_a_new_session(app, contest):
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        save_score(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-001"], criterion="core_technology",
                   value=80, actor=as_user(s, "j1"))
        save_comment(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-001"],
                     criterion="core_technology", text_value="技术扎实", actor=as_user(s, "j1"))

    data = sheet_data(_sheet(app, contest))  # a new tab, a reload or a restart: a fresh session

    assert data["fields"]["score:core_technology"] == {"value": 80.0, "version": 1}
    assert data["fields"]["comment:core_technology"] == {"value": "技术扎实", "version": 1}
    assert data["fields"]["score:application_effect"] == {"value": None, "version": 0}


def test_required_comment_is_a_blocker_until_written(app, contest):
    ids = contest["ids"]
    where = dict(round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-001"])
    with write_session(contest["engine"]) as s:
        for criterion, value in (("core_technology", 55), ("application_effect", 80), ("promotion_value", 80)):
            save_score(s, criterion=criterion, value=value, actor=as_user(s, "j1"), **where)

    data = sheet_data(_sheet(app, contest))
    assert data["blockers"] == ["需要评语：核心技术水平"]
    assert data["needs_comment"] == ["core_technology"]
    assert data["total"] == "70.00"  # (55*40 + 80*30 + 80*30) / 100

    with write_session(contest["engine"]) as s:
        save_comment(s, criterion="core_technology", text_value="核心技术落后于同类产品", actor=as_user(s, "j1"), **where)
    assert sheet_data(_sheet(app, contest))["blockers"] == []


def test_conflict_declaration_removes_the_entry_and_excludes_scores(app, contest):
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        save_score(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-001"], criterion="core_technology",
                   value=80, actor=as_user(s, "j1"))
    at = _sheet(app, contest)

    at.text_input(key=f"w_{ids['round']}_{ids['L-001']}_conflict_reason").input("曾为该单位提供咨询")
    at.button(key=f"conflict_{ids['round']}_{ids['L-001']}").click().run()

    shown = {int(b.key.removeprefix("open_")) for b in at.button if b.key and b.key.startswith("open_")}
    assert ids["L-001"] not in shown and len(shown) == 3
    with read_session(contest["engine"]) as s:
        frame = load_scores_frame(s, round_id=ids["round"], actor=SYSTEM)
    assert frame.empty


def test_conflict_needs_a_reason(app, contest):
    ids = contest["ids"]
    at = _sheet(app, contest)

    at.button(key=f"conflict_{ids['round']}_{ids['L-001']}").click().run()

    assert [e.value for e in at.error] == ["请填写回避理由"]


def test_organiser_sees_declared_conflicts(app, contest):
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        declare_conflict(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-002"], reason="亲属在该公司任职", actor=as_user(s, "j1"))

    at = AppTest.from_string("import judging.ui.organiser_conflicts as m\nm.render()", default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["org"]
    at.run()

    table = at.dataframe[0].value
    assert table.iloc[0].tolist()[1:] == ["张三", "L-002 社区团购", "亲属在该公司任职"]


def test_judge_never_sees_another_judges_scores_or_comments(app, contest):
    import json

    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        save_score(s, round_id=ids["round"], judge_id=ids["j2"], entry_id=ids["L-001"],
                        criterion="core_technology", value=42, actor=as_user(s, "j2"))
        save_comment(s, round_id=ids["round"], judge_id=ids["j2"], entry_id=ids["L-001"],
                          criterion="core_technology", text_value="第二位评委的秘密评语", actor=as_user(s, "j2"))

    at = _sheet(app, contest)

    data = sheet_data(at)
    assert data["fields"]["score:core_technology"] == {"value": None, "version": 0}
    everything = " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.text_area])
    everything += json.dumps(data, ensure_ascii=False)
    assert "秘密评语" not in everything
    assert all(f["value"] in (None, "") for f in data["fields"].values())


def test_blind_round_hides_the_applicant(app, contest):
    at = _sheet(app, contest)

    everything = " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.text])

    assert "甲公司" not in everything
    assert "盲评" in everything


def test_sheet_for_an_entry_not_assigned_is_refused(app, contest, tmp_path):
    ids = contest["ids"]
    at = AppTest.from_string("import judging.ui.judge_sheet as m\nm.render()", default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["j1"]
    at.query_params["round"] = str(ids["round"])
    at.query_params["entry"] = "9999"

    at.run()

    assert [i.value for i in at.info] == ["请从“我的评审作品”中选择一件作品。"]
