"""A round's timeline from its audit events."""

from __future__ import annotations

from datetime import UTC, datetime

from judging.core.lifecycle import transitions

AT = datetime(2026, 11, 1, tzinfo=UTC)


def test_transitions_follow_the_round_and_its_list_and_skip_other_events():
    events = [
        (AT, "org", "round.create", "round:1", {"key": "prelim", "status": "draft"}),
        (AT, "org", "round.update", "round:1", {"status": {"old": "draft", "new": "open"}}),
        (AT, "org", "round.update", "round:1", {"name": {"old": "初评", "new": "网评"}}),  # not a transition
        (AT, "org", "round.update", "round:1", {"status": {"old": "open", "new": "closed"}}),
        (AT, "org", "round.update", "round:1", {"status": {"old": "closed", "new": "open"}}),  # reopened
        (AT, "org", "round.update", "round:1", {"status": {"old": "open", "new": "closed"}}),
        (AT, "org", "publication.publish", "publication:7", {"round_id": 1, "start": "2026-11-23", "end": "2026-11-27"}),
        (AT, "org", "publication.freeze", "publication:7", {"window": {"start": "2026-11-23", "end": "2026-11-27"}}),
        (AT, "org", "publication.reopen", "publication:7", {"reason": "异议复核"}),
        (AT, "j1", "score.save", "round:1", {}),
    ]

    steps = transitions(events, publication_rounds={7: 1})

    assert [(t.old, t.new, t.reopening, t.note) for t in steps] == [
        ("", "draft", False, ""), ("draft", "open", False, ""), ("open", "closed", False, ""),
        ("closed", "open", True, ""), ("open", "closed", False, ""),
        ("closed", "published", False, "2026-11-23 – 2026-11-27"),
        ("published", "frozen", False, "2026-11-23 – 2026-11-27"), ("frozen", "reopened", True, "异议复核")]


def test_a_round_created_before_its_status_was_recorded_starts_open():
    steps = transitions([(AT, "cli", "round.create", "round:3", {"key": "final"})], publication_rounds={})

    assert [(t.round_id, t.old, t.new) for t in steps] == [(3, "", "open")]
