"""AppTest of the imports page: validation report, all-or-nothing imports, judge accounts and handout."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from judging.core.passwords import verify_password
from judging.core.permissions import SYSTEM
from judging.store.assignment import conflict_rows
from judging.store.db import read_session
from judging.store.editions import entries_of
from judging.store.people import get_user, list_judges
from judging.ui import forms
from judging.ui.common import USER_KEY
from judging.ui.organiser_imports import ACCOUNTS_KEY

BAD_ENTRIES = "作品名称,申报单位,赛道\n智能家居,甲公司,生活类\n,乙公司,公共服务类\n远程医疗,丙公司,农业类\n".encode()
GOOD_ENTRIES = "作品名称,申报单位,推荐单位,赛道\n智能家居,戊公司,某市经信局,生活类\n远程医疗,己公司,,公共服务\n".encode()
JUDGES = "评委编号,姓名,单位,专业领域\nw01,王一,某市经信局,生活类\nw02,王二,庚大学,公共服务类、人工智能\n".encode()


@pytest.fixture(autouse=True)
def _fresh_tabs(monkeypatch):
    monkeypatch.setattr(forms, "_TABS", {})  # each test is one new tab


def _handout() -> list:
    """The accounts the page keeps for this tab's handout (in the process's memory, not session state)."""
    [accounts] = [tab.kept[ACCOUNTS_KEY] for tab in forms._TABS.values() if ACCOUNTS_KEY in tab.kept]
    return accounts


def _render() -> None:
    from judging.ui import organiser_imports

    organiser_imports.render()


def organiser_page(contest, _module: str) -> AppTest:
    at = AppTest.from_function(_render, default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["org"]
    return at


def _codes(contest) -> list[str]:
    with read_session(contest["engine"]) as s:
        return [e.code for e in entries_of(s, contest["ids"]["edition"])]


def test_entry_file_with_errors_lists_every_problem_and_imports_nothing(contest):
    at = organiser_page(contest, "organiser_imports").run()
    at.file_uploader(key="oc_imp_entries_0").upload("entries.csv", BAD_ENTRIES, "text/csv").run()
    assert not at.exception
    assert at.error[0].value.startswith("发现 2 个问题，未导入任何记录")
    report = next(d.value for d in at.dataframe if "行" in d.value.columns)
    assert report[["行", "列"]].values.tolist() == [["3", "作品名称"], ["4", "赛道"]]
    assert not [b for b in at.button if b.key == "oc_imp_entries_go"]
    assert _codes(contest) == ["L-001", "L-002", "P-001", "P-002"]


def test_good_entry_file_is_previewed_then_imported(contest):
    at = organiser_page(contest, "organiser_imports").run()
    at.file_uploader(key="oc_imp_entries_0").upload("entries.csv", GOOD_ENTRIES, "text/csv").run()
    assert at.success[0].value == "检查通过：2 条记录可以导入。"
    at.button(key="oc_imp_entries_go").click().run()
    assert not at.exception
    assert "已导入 2 件作品" in at.success[0].value
    assert _codes(contest) == ["L-001", "L-002", "P-001", "P-002", "life-001", "public-001"]
    assert at.file_uploader(key="oc_imp_entries_1").value is None  # a fresh, empty uploader


def test_judges_get_accounts_whose_passwords_sign_in_and_automatic_conflicts(contest):
    at = organiser_page(contest, "organiser_imports").run()
    at.file_uploader(key="oc_imp_entries_0").upload("entries.csv", GOOD_ENTRIES, "text/csv").run()
    at.button(key="oc_imp_entries_go").click().run()
    at.radio(key="oc_imp_part").set_value("judges").run()
    at.file_uploader(key="oc_imp_judges_1").upload("judges.csv", JUDGES, "text/csv").run()
    at.button(key="oc_imp_judges_go").click().run()
    assert not at.exception
    assert "已导入 2 位评委，自动回避 1 对" in at.success[0].value
    accounts = _handout()
    with read_session(contest["engine"]) as s:
        stored = {u.username: u for u in list_judges(s, actor=SYSTEM)}
        conflicts = [(r.judge.username, r.entry.title, r.conflict.source) for r in conflict_rows(s, actor=SYSTEM)]
    assert [a.username for a in accounts] == ["w01", "w02"]
    assert all(verify_password(a.password, stored[a.username].password_hash) for a in accounts)
    assert stored["w02"].expertise == "public;人工智能"
    assert conflicts == [("w01", "智能家居", "recommending_unit")]
    assert at.download_button(key="oc_handout").label == "下载评委账号表（CSV）"


def test_a_judge_file_naming_an_existing_account_imports_nothing(contest):
    at = organiser_page(contest, "organiser_imports").run()
    at.radio(key="oc_imp_part").set_value("judges").run()
    at.file_uploader(key="oc_imp_judges_0").upload("judges.csv", "评委编号,姓名\nj1,重名\n".encode(), "text/csv").run()
    assert "未导入任何记录" in at.error[0].value
    with read_session(contest["engine"]) as s:
        assert get_user(s, "j1", actor=SYSTEM).display_name == "张三"


def test_reset_password_issues_a_working_password(contest):
    at = organiser_page(contest, "organiser_imports").run()
    at.radio(key="oc_imp_part").set_value("judges").run()
    at.selectbox(key="oc_reset_judge").select("j2")
    next(b for b in at.button if b.label == "生成新密码").click()
    at.run()
    [account] = _handout()
    with read_session(contest["engine"]) as s:
        assert verify_password(account.password, get_user(s, "j2", actor=SYSTEM).password_hash)


def test_an_entry_file_imported_again_lists_the_matches_and_imports_only_when_chosen(contest):
    again = "作品名称,申报单位,赛道\n智慧养老平台,甲公司,生活类\n新的作品,辛公司,生活类\n".encode()
    at = organiser_page(contest, "organiser_imports").run()
    at.file_uploader(key="oc_imp_entries_0").upload("again.csv", again, "text/csv").run()

    assert not at.exception
    assert at.warning[0].value.startswith("文件中有 1 个作品已在本届中")
    matches = next(d.value for d in at.dataframe if "已有作品" in d.value.columns)
    assert matches[["文件第几条", "已有作品", "相同之处"]].values.tolist() == [[1, "L-001", "名称和申报单位"]]
    assert not [b for b in at.button if b.key == "oc_imp_entries_go"]  # nothing until the organiser chooses

    at.radio(key="oc_imp_on_match_0").set_value("update").run()
    at.button(key="oc_imp_entries_go").click().run()

    assert not at.exception
    assert "更新 1 个已有作品" in at.success[0].value
    assert _codes(contest) == ["L-001", "L-002", "P-001", "P-002", "life-001"]


def test_a_title_row_above_the_header_is_said_in_the_preview(contest):
    titled = "2026年参赛作品汇总表,,,\n".encode() + GOOD_ENTRIES
    at = organiser_page(contest, "organiser_imports").run()
    at.file_uploader(key="oc_imp_entries_0").upload("entries.csv", titled, "text/csv").run()

    assert not at.exception
    assert [i.value for i in at.info if "表头" in i.value] == ["表头在第 2 行，上面的 1 行（标题）未导入"]
    assert at.success[0].value == "检查通过：2 条记录可以导入。"
