"""The award settings page (奖项设置) and the results page reading the stored settings (AppTest)."""

from __future__ import annotations

from datetime import date

import pytest
from actors import as_user
from streamlit.testing.v1 import AppTest
from ui.support import score_every_sheet

from judging.core.award_settings import parse_round_awards_toml
from judging.core.bundle import BundleSettings
from judging.core.permissions import SYSTEM
from judging.store import publication as pub
from judging.store.award_settings import award_settings_history, award_settings_of
from judging.store.db import read_session, write_session
from judging.ui.common import USER_KEY

TOML = """tie_break = ["first_places"]
[[tiers]]
key = "gold"
label = { zh = "金奖", en = "Gold" }
count = 1
[[tiers]]
key = "silver"
label = { zh = "银奖", en = "Silver" }
share = 0.1
at_least_one = true
"""


def page(contest, module: str, user: str = "org") -> AppTest:
    at = AppTest.from_string(f"import judging.ui.{module} as m\nm.render()", default_timeout=60)
    at.session_state[USER_KEY] = contest["users"][user]
    return at


def stored(contest):
    with read_session(contest["engine"]) as s:
        return award_settings_of(s, round_id=contest["ids"]["round"], actor=SYSTEM)


def edit_tiers(at: AppTest, contest, rows: dict, version: int = 0) -> None:
    at.session_state[f"aws_tiers_{contest['ids']['round']}_{version}"] = {
        "edited_rows": rows, "added_rows": [], "deleted_rows": []}


def save_button(at: AppTest, contest, version: int = 0):
    return at.button(key=f"aws_save_{contest['ids']['round']}_{version}")


def test_page_shows_the_default_and_what_it_gives_each_track(contest):
    at = page(contest, "organiser_awards").run()

    assert not at.exception
    assert "尚未保存奖项设置" in at.caption[1].value
    preview = at.dataframe[0].value
    assert preview.to_dict("records") == [
        {"赛道": "生活类", "参评数": 2, "一等奖": 1, "二等奖": 0, "三等奖": 0, "优秀奖": 0},
        {"赛道": "公共服务类", "参评数": 2, "一等奖": 1, "二等奖": 0, "三等奖": 0, "优秀奖": 0}]


def test_saving_the_form_stores_a_new_version(contest):
    at = page(contest, "organiser_awards").run()
    edit_tiers(at, contest, {0: {"quota": "2", "min_score": 80.0, "at_least_one": False},
                             3: {"at_least_one": True}})
    at.run()
    save_button(at, contest).click().run()

    assert not at.exception
    saved = stored(contest)
    first, excellence = saved.awards.config.tiers[0], saved.awards.config.tiers[3]
    assert (saved.version, first.count, first.share, first.min_score) == (1, 2, None, 80.0)
    assert saved.awards.at_least_one == frozenset({"excellence"}) and excellence.share == 0.2
    assert "已保存为第 1 版奖项设置" in [s.value for s in at.success]


def test_a_bad_quota_is_named_and_nothing_is_saved(contest):
    at = page(contest, "organiser_awards").run()
    edit_tiers(at, contest, {1: {"quota": "十个"}})
    at.run()
    save_button(at, contest).click().run()

    assert not at.exception
    assert at.error[0].value == "奖项设置未保存，请修改以下问题："
    problems = at.dataframe[-1].value
    assert list(problems["问题及修改方法"]) == ["名额“十个”无效：填写个数（如 3）或比例（如 5% 或 0.05）"]
    assert stored(contest).version == 0


def test_a_toml_upload_writes_the_same_stored_settings(contest):
    at = page(contest, "organiser_awards").run()
    at.get("file_uploader")[0].upload("awards.toml", TOML.encode("utf-8"), "application/toml")
    at.run()
    at.button(key=f"aws_save_upload_{contest['ids']['round']}").click().run()

    assert not at.exception
    with read_session(contest["engine"]) as s:
        history = award_settings_history(s, round_id=contest["ids"]["round"], actor=SYSTEM)
    assert [(h.version, h.source) for h in history] == [(1, "toml")]
    assert stored(contest).awards == parse_round_awards_toml(TOML)


@pytest.fixture
def scored(contest):
    return score_every_sheet(contest)


def test_results_page_splits_the_tiers_as_stored(scored):
    at = page(scored, "organiser_awards").run()
    at.get("file_uploader")[0].upload("awards.toml", TOML.encode("utf-8"), "application/toml")
    at.run()
    at.button(key=f"aws_save_upload_{scored['ids']['round']}").click().run()

    results = page(scored, "results", "aud").run()

    assert not results.exception
    assert [m.label for m in results.metric] == ["金奖", "银奖", "需评审组决定"]
    assert [m.value for m in results.metric][:2] == ["1", "1"]
    assert "第 1 版奖项设置" in " ".join(c.value for c in results.caption)
    ranking = results.dataframe[0].value
    assert list(ranking["奖项等级"]) == ["金奖", "银奖"]


def test_after_publication_the_settings_are_read_only(scored):
    with write_session(scored["engine"]) as s:
        pub.publish(s, round_id=scored["ids"]["round"], settings=BundleSettings(method="raw"),
                    start_date=date(2026, 11, 23), close_round=True, actor=as_user(s, "org"))

    at = page(scored, "organiser_awards").run()

    assert not at.exception
    assert "名单已公示" in at.info[0].value
    assert len(at.button) == 0 and len(at.get("file_uploader")) == 0


def test_once_published_the_results_page_ranks_with_the_lists_own_settings(scored):
    with write_session(scored["engine"]) as s:
        publication = pub.publish(s, round_id=scored["ids"]["round"], settings=BundleSettings(method="raw", seed=5),
                                  start_date=date(2026, 11, 23), close_round=True, actor=as_user(s, "org"))
        listed = pub.current_list(s, publication.id, actor=SYSTEM)

    at = page(scored, "results", "aud").run()

    rid = scored["ids"]["round"]
    assert not at.exception
    assert (at.selectbox(key=f"res_method_{rid}").value, at.number_input(key=f"res_seed_{rid}").value) == ("raw", 5)
    shown = at.dataframe[0].value
    life = listed[listed["track"] == "life"].sort_values("rank")
    assert list(shown["奖项等级"]) == list(life["tier_label"])
