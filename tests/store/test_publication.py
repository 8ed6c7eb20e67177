"""The 公示 workflow end to end on SQLite and PostgreSQL: publish, object, resolve, freeze, reopen."""

from __future__ import annotations

import inspect
import json
from datetime import date

import pytest
from actors import as_user
from clock import freeze_on
from sqlalchemy import update
from sqlmodel import select
from store_publication_seed import MONDAY, SETTINGS, seed_round

from judging.core.permissions import SYSTEM
from judging.core.publication import PublicationError
from judging.errors import PermissionDenied
from judging.store import publication as pub
from judging.store.audit_log import verify_audit_chain
from judging.store.db import read_session, write_session
from judging.store.editions import entries_of, get_round, update_round
from judging.store.models import AuditEvent, Score
from judging.store.people import get_user
from judging.store.sheets import save_score


@pytest.fixture
def published(engine):
    ids = seed_round(engine)
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=ids["round"], settings=SETTINGS, start_date=MONDAY, objection_days=5, close_round=True,
                                  contact="010-12345678", actor=SYSTEM)
    return ids | {"publication": publication.id}


def _list(engine, publication_id):
    with read_session(engine) as s:
        return pub.current_list(s, publication_id, actor=SYSTEM).set_index("entry_id")


def test_publish_snapshots_the_engine_list_with_entry_names(engine, published):
    table = _list(engine, published["publication"])

    assert len(table) == 10
    assert sorted(table.groupby("track")["tier"].apply(lambda s: sorted(t for t in s if t)).tolist()) == [
        ["first", "second", "third", "third"]] * 2
    assert table.loc["L-001", "title"] == "智慧养老项目1"
    assert table.loc["L-001", "organisation"] == "第1科技有限公司"
    assert not table["changed"].any()


def test_publish_twice_is_refused(engine, published):
    with write_session(engine) as s, pytest.raises(PublicationError, match="already been published"):
        pub.publish(s, round_id=published["round"], settings=SETTINGS, start_date=MONDAY, close_round=True, actor=SYSTEM)


def test_upheld_objection_changes_the_list_and_frozen_list_refuses_changes(engine, published):
    pid = published["publication"]
    before = _list(engine, pid)
    winner = before[before["tier"] == "first"].index[0]
    runner = before[(before["track"] == before.loc[winner, "track"]) & (before["tier"] == "")].index[0]

    with write_session(engine) as s:
        upheld = pub.add_objection(s, publication_id=pid, entry_id=winner, name="王五", contact="13800000000",
                                   text="该作品存在知识产权纠纷", received_on=date(2026, 11, 25),
                                   attachments="https://example.cn/a.pdf\n\nhttps://example.cn/b.pdf", actor=SYSTEM)
        rejected = pub.add_objection(s, publication_id=pid, entry_id=runner, name="赵六", contact="zl@example.cn",
                                     text="评分过低", received_on=date(2026, 11, 27), actor=SYSTEM)
    with write_session(engine) as s, pytest.raises(PublicationError, match="still open"):
        freeze_on(date(2026, 12, 1), s, publication_id=pid, actor=SYSTEM)
    with write_session(engine) as s:
        pub.resolve_objection(s, objection_id=upheld.id, upheld=True, reason="经核实存在知识产权纠纷，取消奖项",
                              new_tier="", actor=SYSTEM)
        pub.resolve_objection(s, objection_id=rejected.id, upheld=False, reason="评分程序合规", actor=SYSTEM)
    with write_session(engine) as s, pytest.raises(PublicationError, match="runs until 2026-11-27"):
        freeze_on(date(2026, 11, 27), s, publication_id=pid, actor=SYSTEM)
    with write_session(engine) as s:
        freeze_on(date(2026, 11, 30), s, publication_id=pid, actor=SYSTEM)

    after = _list(engine, pid)
    assert after.loc[winner, "tier"] == "" and after.loc[winner, "tier_label"] == ""
    assert bool(after.loc[winner, "changed"]) is True
    assert after.loc[winner, "change_reason"] == "经核实存在知识产权纠纷，取消奖项"
    assert (after.drop(index=winner)["tier"] == before.drop(index=winner)["tier"]).all()
    with read_session(engine) as s:
        objections = pub.objections_of(s, pid, actor=SYSTEM)
        assert [(o.status, o.attachments) for o in objections] == [
            ("upheld", "https://example.cn/a.pdf\nhttps://example.cn/b.pdf"), ("rejected", "")]
        assert [(c.entry_code, c.tier_before, c.tier_after, c.source) for c in pub.changes_of(s, pid, actor=SYSTEM)] == [
            (winner, "first", "", f"objection:{upheld.id}")]
        assert pub.get_publication(s, pid, actor=SYSTEM).status == "frozen"

    with write_session(engine) as s, pytest.raises(PermissionDenied, match="frozen"):
        pub.change_tier(s, publication_id=pid, entry_id=runner, tier="first", reason="补录", actor=SYSTEM)
    with write_session(engine) as s, pytest.raises(PermissionDenied, match="frozen"):
        pub.add_objection(s, publication_id=pid, entry_id=runner, name="钱七", contact="1", text="x",
                          received_on=date(2026, 11, 26), actor=SYSTEM)
    assert _list(engine, pid).equals(after)


def test_reopening_is_logged_and_allows_a_change_then_freezes_again(engine, published):
    pid = published["publication"]
    with write_session(engine) as s:
        freeze_on(date(2026, 11, 30), s, publication_id=pid, actor=SYSTEM)
    runner = _list(engine, pid).query("tier == ''").index[0]

    with write_session(engine) as s, pytest.raises(PublicationError, match="needs a reason"):
        pub.reopen(s, publication_id=pid, reason="  ", actor=SYSTEM)
    with write_session(engine) as s:
        reopening = pub.reopen(s, publication_id=pid, reason="上级主管部门要求复核", actor=SYSTEM)
        pub.change_tier(s, publication_id=pid, entry_id=runner, tier="third", reason="复核后增补", actor=SYSTEM)
        freeze_on(date(2026, 12, 2), s, publication_id=pid, actor=SYSTEM)

    with read_session(engine) as s:
        assert [r.reason for r in pub.reopenings_of(s, pid, actor=SYSTEM)] == ["上级主管部门要求复核"]
        assert [c.source for c in pub.changes_of(s, pid, actor=SYSTEM)] == [f"reopening:{reopening.id}"]
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))
                   if e.action.startswith("publication.")]
        assert verify_audit_chain(s, actor=SYSTEM) == []
    assert actions == ["publication.publish", "publication.freeze", "publication.reopen", "publication.change_tier",
                       "publication.freeze"]
    assert _list(engine, pid).loc[runner, "tier"] == "third"


def test_manual_change_needs_a_reason_and_a_known_tier(engine, published):
    pid = published["publication"]
    with write_session(engine) as s, pytest.raises(PublicationError, match="reason is required"):
        pub.change_tier(s, publication_id=pid, entry_id="L-001", tier="first", reason="", actor=SYSTEM)
    with write_session(engine) as s, pytest.raises(PublicationError, match="unknown award tier"):
        pub.change_tier(s, publication_id=pid, entry_id="L-001", tier="gold", reason="x", actor=SYSTEM)
    with write_session(engine) as s, pytest.raises(PublicationError, match="no entry"):
        pub.change_tier(s, publication_id=pid, entry_id="X-999", tier="first", reason="x", actor=SYSTEM)


@pytest.mark.parametrize(("received", "accepted"), [
    (date(2026, 11, 22), False), (MONDAY, True), (date(2026, 11, 27), True), (date(2026, 11, 28), False)])
def test_objection_is_accepted_only_within_the_window(engine, published, received, accepted):
    with write_session(engine) as s:
        if accepted:
            pub.add_objection(s, publication_id=published["publication"], entry_id="L-001", name="王五",
                              contact="1", text="异议", received_on=received, actor=SYSTEM)
        else:
            with pytest.raises(PublicationError, match="outside the publication window"):
                pub.add_objection(s, publication_id=published["publication"], entry_id="L-001", name="王五",
                                  contact="1", text="异议", received_on=received, actor=SYSTEM)


def test_objection_needs_a_real_name_and_contact(engine, published):
    with write_session(engine) as s, pytest.raises(PublicationError, match="real name"):
        pub.add_objection(s, publication_id=published["publication"], entry_id="L-001", name="", contact="1",
                          text="异议", received_on=MONDAY, actor=SYSTEM)


def test_publication_bundle_verifies_with_its_changes_and_exports_render(engine, published, tmp_path):
    from judging.core import exports
    from judging.core.bundle import verify_bundle

    pid = published["publication"]
    with write_session(engine) as s:
        pub.change_tier(s, publication_id=pid, entry_id="L-001", tier="first", reason="评审组复议", actor=SYSTEM)
        freeze_on(date(2026, 11, 30), s, publication_id=pid, actor=SYSTEM)
    with read_session(engine) as s:
        data = pub.publication_bundle(s, pid, actor=SYSTEM)
        info = pub.edition_info(s, pub.get_publication(s, pid, actor=SYSTEM), organiser="某市经信局")
        table = pub.current_list(s, pid, actor=SYSTEM)

    report = verify_bundle(data)
    assert report.ok, [p.render("en") for p in report.problems]
    assert report.entries == 10
    with read_session(engine) as s:
        assert pub.publication_bundle(s, pid, actor=SYSTEM) == data  # same list, same bytes, same digest
    assert (info.final, info.track_names, info.publication_end) == (True, {"life": "生活类", "public": "公共服务类"},
                                                                   date(2026, 11, 27))
    assert exports.export_filename(info, "pdf") == "2026年信息消费创新大赛_获奖名单.pdf"
    assert table.set_index("entry_id").loc["L-001", "tier"] == "first"
    assert exports.render("csv", table, info).decode("utf-8-sig").count("一等奖") == int((table["tier"] == "first").sum())


def test_bundle_of_a_publication_fails_once_a_score_changes_after_publishing(engine, published):
    from judging.core.bundle import verify_bundle

    with write_session(engine) as s:
        judge = get_user(s, "j1", actor=SYSTEM)
        entry = next(e for e in entries_of(s, published["edition"]) if e.code == "L-001")
    with pytest.raises(PermissionDenied), write_session(engine) as s:  # the store refuses it ...
        save_score(s, round_id=published["round"], judge_id=judge.id, entry_id=entry.id,
                   criterion="core_technology", value=0.0, actor=SYSTEM, enforce_assignment=False)
    with engine.begin() as conn:  # ... so change the row behind the store's back, as a tamperer would
        conn.execute(update(Score).where(Score.judge_id == judge.id, Score.entry_id == entry.id,
                                         Score.criterion == "core_technology").values(value=0.0))
    with read_session(engine) as s:
        report = verify_bundle(pub.publication_bundle(s, published["publication"], actor=SYSTEM))

    assert [p.code for p in report.problems][:1] == ["bundle.result_differs"]


def test_freezing_goes_by_the_servers_clock_and_its_event_records_the_window(engine, published):
    pid = published["publication"]
    with pytest.raises(PublicationError, match="2026-11-27"), write_session(engine) as s:
        freeze_on(date(2026, 11, 27), s, publication_id=pid, actor=SYSTEM)  # the window's last day
    with write_session(engine) as s:
        freeze_on(date(2026, 11, 30), s, publication_id=pid, actor=SYSTEM)

    with read_session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "publication.freeze")).one()
    payload = json.loads(event.payload)
    assert (payload["window"], payload["today"]) == ({"start": "2026-11-23", "days": 5, "end": "2026-11-27"}, "2026-11-30")
    assert "today" not in inspect.signature(pub.freeze).parameters


def test_publishing_an_open_round_is_refused_unless_it_closes_it_and_a_published_round_stays_closed(engine):
    ids = seed_round(engine)
    with pytest.raises(PublicationError, match="still open"), write_session(engine) as s:
        pub.publish(s, round_id=ids["round"], settings=SETTINGS, start_date=MONDAY, actor=SYSTEM)
    with write_session(engine) as s:
        pub.publish(s, round_id=ids["round"], settings=SETTINGS, start_date=MONDAY, close_round=True, actor=SYSTEM)

    with pytest.raises(PermissionDenied, match="published"), write_session(engine) as s:
        update_round(s, round_id=ids["round"], status="open", actor=SYSTEM)
    with pytest.raises(PermissionDenied, match="is published"), write_session(engine) as s:
        judge = get_user(s, "j1", actor=SYSTEM)
        save_score(s, round_id=ids["round"], judge_id=judge.id, entry_id=entries_of(s, ids["edition"])[0].id,
                   criterion="core_technology", value=10.0, actor=as_user(s, "j1"))
    with read_session(engine) as s:
        assert get_round(s, ids["round"]).status == "closed"


def test_publishing_counts_the_official_calendar_and_stores_it_with_the_list(engine):
    ids = seed_round(engine)
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=ids["round"], settings=SETTINGS, start_date=date(2026, 9, 28),
                                  holidays=[date(2026, 10, 8)], close_round=True, actor=SYSTEM)

    with read_session(engine) as s:
        stored = pub.get_publication(s, publication.id, actor=SYSTEM)
        # National Day 1–7 October and the local day off on the 8th; Saturday 10 October is worked (调休)
        assert pub.objection_deadline(stored) == date(2026, 10, 10)
        assert "2026-10-01" in json.loads(stored.holidays) and "2026-10-10" in json.loads(stored.workdays)
