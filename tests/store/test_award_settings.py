"""A round's award settings in the store (SQLite and PostgreSQL): versions kept, audit events, stale
saves and published rounds refused, and the 公示 list and its bundle split the tiers as stored."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from clock import freeze_on
from sqlmodel import select
from store_publication_seed import AWARDS, MONDAY, seed_round

from judging.core.award_settings import RoundAwards, default_round_awards, resolved_awards
from judging.core.bundle import BundleSettings, verify_bundle
from judging.core.permissions import SYSTEM
from judging.core.publication import PublicationError
from judging.core.ranking import TierRule
from judging.core.rubric import Label
from judging.errors import PermissionDenied, RankingError, StaleWriteError
from judging.store import publication as pub
from judging.store.award_settings import award_settings_history, award_settings_of, save_award_settings
from judging.store.db import read_session, write_session
from judging.store.models import AuditEvent, RoundAwardSettings

TWO_FIRSTS = RoundAwards(replace(AWARDS, tiers=(TierRule("first", Label("一等奖", "First prize"), count=2),)))


def _save(engine, round_id, awards, based_on, source="form"):
    with write_session(engine) as s:
        return save_award_settings(s, round_id=round_id, awards=awards, based_on=based_on, source=source, actor=SYSTEM)


def test_a_round_without_saved_settings_has_the_default_as_version_0(engine):
    ids = seed_round(engine, save_awards=False)

    with read_session(engine) as s:
        stored = award_settings_of(s, round_id=ids["round"], actor=SYSTEM)

    assert (stored.version, stored.awards) == (0, default_round_awards())


def test_every_save_is_a_new_version_with_an_audit_event_and_the_old_ones_kept(engine):
    ids = seed_round(engine, save_awards=False)

    _save(engine, ids["round"], RoundAwards(AWARDS), 0)
    _save(engine, ids["round"], TWO_FIRSTS, 1, source="toml")

    with read_session(engine) as s:
        stored = award_settings_of(s, round_id=ids["round"], actor=SYSTEM)
        history = award_settings_history(s, round_id=ids["round"], actor=SYSTEM)
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "round.award_settings")
                        .order_by(AuditEvent.id)).all()
    assert (stored.version, stored.awards) == (2, TWO_FIRSTS)
    assert [(h.version, h.source, h.created_by) for h in history] == [(2, "toml", "system"), (1, "form", "system")]
    assert json.loads(history[1].settings_json) == RoundAwards(AWARDS).to_mapping()
    assert [(json.loads(e.payload)["version"], json.loads(e.payload)["source"]) for e in events] == [
        (1, "form"), (2, "toml")]
    assert json.loads(events[1].payload)["settings"] == TWO_FIRSTS.to_mapping()


def test_a_save_over_a_version_saved_meanwhile_is_refused(engine):
    ids = seed_round(engine, save_awards=False)
    _save(engine, ids["round"], RoundAwards(AWARDS), 0)

    with pytest.raises(StaleWriteError) as exc:
        _save(engine, ids["round"], TWO_FIRSTS, 0)  # another tab still showed version 0

    with read_session(engine) as s:
        versions = [h.version for h in award_settings_history(s, round_id=ids["round"], actor=SYSTEM)]
    assert (exc.value.problems[0].code, exc.value.current_version, versions) == ("aws.stale", 1, [1])


def test_a_tie_break_on_a_criterion_the_rubric_lacks_is_refused(engine):
    ids = seed_round(engine, save_awards=False)
    bad = RoundAwards(replace(AWARDS, tie_break=("criterion:novelty",)))

    with pytest.raises(RankingError) as exc:
        _save(engine, ids["round"], bad, 0)

    assert [p.code for p in exc.value.problems] == ["awards.unknown_tie_break"]


def test_changing_settings_is_refused_once_published_and_once_frozen(engine):
    ids = seed_round(engine)
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=ids["round"], settings=BundleSettings(method="raw", n_draws=50),
                                  start_date=MONDAY, close_round=True, actor=SYSTEM)

    with pytest.raises(PermissionDenied) as published:
        _save(engine, ids["round"], TWO_FIRSTS, 1)
    with write_session(engine) as s:
        freeze_on(date(2026, 12, 1), s, publication_id=publication.id, actor=SYSTEM)
    with pytest.raises(PermissionDenied) as frozen:
        _save(engine, ids["round"], TWO_FIRSTS, 1)

    with read_session(engine) as s:
        count = len(s.exec(select(RoundAwardSettings)).all())
    assert (published.value.problems[0].code, frozen.value.problems[0].code, count) == (
        "aws.round_published", "aws.round_published", 1)


def test_publish_takes_the_stored_settings_whatever_the_caller_passes(engine):
    ids = seed_round(engine, save_awards=False)
    _save(engine, ids["round"], TWO_FIRSTS, 0)

    with write_session(engine) as s:  # the caller's awards (the engine's default) are not the round's
        publication = pub.publish(s, round_id=ids["round"], settings=BundleSettings(method="raw", n_draws=50),
                                  start_date=MONDAY, close_round=True, actor=SYSTEM)
        listed = pub.current_list(s, publication.id, actor=SYSTEM)
        settings = pub.settings_of(publication)
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "publication.publish")).one()

    assert settings.awards == resolved_awards(TWO_FIRSTS, {"life": 5, "public": 5})
    assert listed.groupby("track")["tier"].apply(lambda t: sorted(x for x in t if x)).to_dict() == {
        "life": ["first", "first"], "public": ["first", "first"]}
    assert json.loads(event.payload)["awards_version"] == 1


def test_the_default_gives_a_first_prize_in_each_small_track_of_the_published_list(engine):
    ids = seed_round(engine, save_awards=False)  # 5 entries a track: 5% of 5 alone gives none

    with write_session(engine) as s:
        publication = pub.publish(s, round_id=ids["round"], settings=BundleSettings(method="raw", n_draws=50),
                                  start_date=MONDAY, close_round=True, actor=SYSTEM)
        listed = pub.current_list(s, publication.id, actor=SYSTEM)

    assert listed.groupby("track")["tier"].apply(lambda t: int((t == "first").sum())).to_dict() == {
        "life": 1, "public": 1}


def test_publish_is_refused_when_the_settings_changed_since_the_page_showed_them(engine):
    ids = seed_round(engine, save_awards=False)
    _save(engine, ids["round"], TWO_FIRSTS, 0)

    with pytest.raises(PublicationError) as exc, write_session(engine) as s:
        pub.publish(s, round_id=ids["round"], settings=BundleSettings(method="raw", n_draws=50), start_date=MONDAY,
                    close_round=True, awards_version=0, actor=SYSTEM)

    with read_session(engine) as s:
        assert pub.publication_of_round(s, ids["round"], actor=SYSTEM) is None
    assert exc.value.problems[0].code == "aws.changed_before_publish"


def test_the_bundle_of_the_list_verifies_with_the_stored_split(engine):
    ids = seed_round(engine, save_awards=False)
    _save(engine, ids["round"], RoundAwards(replace(AWARDS, tiers=AWARDS.tiers[:1]), frozenset()), 0)
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=ids["round"], settings=BundleSettings(method="raw", n_draws=50),
                                  start_date=MONDAY, close_round=True, actor=SYSTEM)
        bundle = pub.publication_bundle(s, publication.id, actor=SYSTEM)
        listed = pub.current_list(s, publication.id, actor=SYSTEM)

    report = verify_bundle(bundle)

    assert report.ok, report
    assert sorted(listed["tier"].fillna("").tolist()).count("first") == 2  # one per track
