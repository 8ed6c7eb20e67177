"""Results, 公示 and announcer pages with AppTest over the small contest of ``conftest.py``."""

from __future__ import annotations

from datetime import date

import pytest
from actors import as_user
from clock import freeze_on, on_day
from streamlit.testing.v1 import AppTest
from ui.support import form_named, score_every_sheet, shown

from judging.core.award_settings import RoundAwards
from judging.core.bundle import BundleSettings
from judging.core.permissions import SYSTEM
from judging.core.ranking import AwardConfig, TierRule
from judging.core.rubric import Label
from judging.store import publication as pub
from judging.store.award_settings import save_award_settings
from judging.store.db import read_session, write_session
from judging.store.editions import get_round
from judging.store.sheets import save_veto
from judging.ui.common import USER_KEY

AWARDS = AwardConfig(tiers=(TierRule("first", Label("一等奖", "First prize"), count=1),))


@pytest.fixture
def scored(contest):
    """Every sheet of the contest scored (same value for every criterion)."""
    return score_every_sheet(contest)


def page(contest, module: str, user: str) -> AppTest:
    at = AppTest.from_string(f"import judging.ui.{module} as m\nm.render()", default_timeout=60)
    at.session_state[USER_KEY] = contest["users"][user]
    return at


def publish(contest, start=date(2026, 11, 23)) -> int:
    with write_session(contest["engine"]) as s:
        save_award_settings(s, round_id=contest["ids"]["round"], awards=RoundAwards(AWARDS), based_on=0,
                            actor=as_user(s, "org"))
        return pub.publish(s, round_id=contest["ids"]["round"], settings=BundleSettings(method="raw"),
                           start_date=start, close_round=True, actor=as_user(s, "org")).id


def test_results_page_ranks_each_track_with_intervals_and_panel_flags(scored):
    at = page(scored, "results", "org").run()

    assert not at.exception
    assert [t.value for t in at.title] == ["评审结果"]
    ranking = at.dataframe[0].value
    assert list(ranking["作品编号"]) == ["L-001", "L-002"]
    assert list(ranking["排名"]) == [1, 2]
    assert (ranking["区间下限"] <= ranking["得分"]).all() and (ranking["得分"] <= ranking["区间上限"]).all()
    assert [m.label for m in at.metric][-1] == "需评审组决定"


def test_results_page_shows_a_vetoed_entry_for_the_panel(scored):
    ids = scored["ids"]
    with write_session(scored["engine"]) as s:
        save_veto(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-001"], veto_key="ip_dispute",
                       reason="知识产权纠纷", actor=as_user(s, "j1"))
    at = page(scored, "results", "org").run()

    assert not at.exception
    panel = at.dataframe[1].value
    assert list(panel["作品编号"]) == ["L-001"] and "一票否决" in panel["提示"].iloc[0]


def test_results_page_other_track_and_method(scored):
    at = page(scored, "results", "org").run()
    at.radio(key=f"res_track_{scored['ids']['round']}").set_value("public").run()
    at.selectbox(key=f"res_method_{scored['ids']['round']}").set_value("raw").run()

    assert not at.exception
    ranking = at.dataframe[0].value
    assert list(ranking["作品编号"]) == ["P-001", "P-002"]
    assert list(ranking["得分"]) == [82.5, 63.0]


def test_results_page_compares_every_method_side_by_side(scored):
    at = page(scored, "results", "org").run()
    at.toggle(key=f"res_compare_{scored['ids']['round']}").set_value(True).run()

    assert not at.exception
    side = [d.value for d in at.dataframe if "作品编号" in d.value.columns and any("原始平均分" in c for c in d.value.columns)]
    assert len(side) == 1
    assert list(side[0]["作品编号"]) == ["L-001", "L-002"]
    assert "原始平均分 · 排名" in side[0].columns and "校准模型（推荐） · 奖项等级" in side[0].columns


def test_results_page_says_what_is_missing_and_publishes_only_once_confirmed_closing_the_round(scored):
    at = page(scored, "results", "org").run()
    warnings = [w.value for w in at.warning]
    at.form_submit_button[0].click().run()
    refused = [e.value for e in at.error]
    with read_session(scored["engine"]) as s:
        before = pub.publication_of_round(s, scored["ids"]["round"], actor=SYSTEM)

    at.checkbox(key=f"res_pub_confirm_{scored['ids']['round']}").check()
    at.form_submit_button[0].click().run()

    assert not at.exception
    assert "8 份评分表尚未提交" in warnings and (refused, before) == (["请先勾选确认。"], None)
    with read_session(scored["engine"]) as s:
        publication = pub.publication_of_round(s, scored["ids"]["round"], actor=SYSTEM)
        rnd = get_round(s, scored["ids"]["round"])
        assert publication is not None and publication.status == "provisional"
        assert (publication.created_by, rnd.status) == ("org", "closed")


def test_auditor_sees_results_without_the_publish_form(scored):
    at = page(scored, "results", "aud").run()

    assert not at.exception
    assert len(at.dataframe) >= 1 and len(at.form_submit_button) == 0


@pytest.mark.parametrize(("module", "allowed"), [("results", {"org", "aud"}), ("publication", {"org"}),
                                                 ("announcer", {"ann", "org"}), ("auditor", {"aud", "org"})])
@pytest.mark.parametrize("user", ["j1", "org", "ann", "aud"])
def test_every_results_page_checks_the_role(scored, module, allowed, user):
    at = page(scored, module, user).run()

    refused = [e.value for e in at.error] == ["您的角色无权访问此页面。"]
    assert refused == (user not in allowed)


def test_publication_page_objection_upheld_changes_the_list_then_freezes(scored):
    pid = publish(scored)
    at = page(scored, "publication", "org").run()
    assert not at.exception

    form = form_named(at, f"pub_obj_{pid}")
    form.selectbox[0].set_value("L-001")
    form.text_input[0].input("王五")
    form.text_input[1].input("13800000000")
    form.text_area[0].input("存在知识产权纠纷")
    form.date_input[0].set_value(date(2026, 11, 24))
    form.form_submit_button[0].click()
    at.run()
    assert not at.exception and [s.value for s in at.success] == ["异议已登记"]

    resolve = form_named(at, f"pub_resolve_{pid}")
    resolve.radio[0].set_value("upheld")
    resolve.selectbox[1].set_value("")
    resolve.text_area[0].input("经核实，取消奖项")
    resolve.form_submit_button[0].click()
    at.run()
    assert not at.exception
    with read_session(scored["engine"]) as s:
        table = pub.current_list(s, pid, actor=SYSTEM).set_index("entry_id")
    assert table.loc["L-001", "tier"] == "" and table.loc["L-001", "change_reason"] == "经核实，取消奖项"

    freeze = form_named(at, f"pub_freeze_{pid}")
    assert len(freeze.date_input) == 0  # the server's clock decides, nobody types the day
    freeze.form_submit_button[0].click()
    with on_day(date(2026, 12, 1)):
        at.run()
    assert not at.exception
    with read_session(scored["engine"]) as s:
        assert pub.get_publication(s, pid, actor=SYSTEM).status == "frozen"
    assert [b.label for b in at.form_submit_button] == ["重新开放（须填理由）"]


def test_publication_page_refuses_freezing_while_the_window_is_open(scored):
    pid = publish(scored)
    at = page(scored, "publication", "org").run()
    freeze = form_named(at, f"pub_freeze_{pid}")
    freeze.form_submit_button[0].click()
    with on_day(date(2026, 11, 26)):
        at.run()

    assert [shown(e.value) for e in at.error] == ["公示期至 2026-11-27 才结束，暂不能定稿"]


LIST_FILES = ["Excel 名单", "CSV 名单", "PDF 名单", "Word 公告", "获奖证书（PDF）"]


@pytest.mark.parametrize(("user", "files"), [
    ("ann", LIST_FILES),  # the bundle holds every judge's scores: not for announcers
    ("org", [*LIST_FILES, "复核数据包（ZIP）"]),
])
def test_award_list_page_offers_the_downloads_of_a_frozen_list_by_role(scored, user, files):
    pid = publish(scored)
    with write_session(scored["engine"]) as s:
        freeze_on(date(2026, 12, 1), s, publication_id=pid, actor=as_user(s, "org"))
    at = page(scored, "announcer", user).run()

    assert not at.exception
    assert [s.value for s in at.success] == ["定稿名单：2 个获奖作品"]
    buttons = at.get("download_button")
    assert sorted(b.proto.label for b in buttons) == sorted(files)
    listed = at.dataframe[0].value
    assert sorted(listed["作品编号"]) == ["L-001", "P-001"]


def test_announcer_page_hides_provisional_lists_unless_asked(scored):
    publish(scored)
    at = page(scored, "announcer", "ann").run()

    assert [i.value for i in at.info] == ["还没有定稿的获奖名单"]
    at.toggle(key="ann_all").set_value(True).run()
    assert [w.value for w in at.warning][0].startswith("此名单仍在公示中")


def test_app_routes_the_announcer_to_the_award_lists_and_the_organiser_to_results(app, scored):
    announcer = app("ann").run()
    organiser = app("org").run()

    assert not announcer.exception and [t.value for t in announcer.title] == ["获奖名单"]
    assert [i.value for i in announcer.info] == ["还没有定稿的获奖名单"]
    assert not organiser.exception

