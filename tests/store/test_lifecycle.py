"""The edition's timeline from the store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from clock import freeze_on
from store_publication_seed import MONDAY, SETTINGS, seed_round

from judging.core.permissions import SYSTEM
from judging.store import publication as pub
from judging.store.db import read_session, write_session
from judging.store.editions import update_round
from judging.store.lifecycle import round_timeline


def test_the_timeline_lists_every_transition_of_the_round_in_order(engine):
    ids = seed_round(engine)
    with write_session(engine) as s:
        update_round(s, round_id=ids["round"], status="closed", actor=SYSTEM)
    with write_session(engine) as s:
        update_round(s, round_id=ids["round"], status="open", actor=SYSTEM)  # a logged reopening
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=ids["round"], settings=SETTINGS, start_date=MONDAY, close_round=True,
                                  actor=SYSTEM)
    with write_session(engine) as s:
        freeze_on(date(2026, 12, 1), s, publication_id=publication.id, actor=SYSTEM)
    with write_session(engine) as s:
        pub.reopen(s, publication_id=publication.id, reason="异议复核", actor=SYSTEM)

    with read_session(engine) as s:
        steps = round_timeline(s, edition_id=ids["edition"], actor=SYSTEM)

    assert [(t.round_id, t.old, t.new, t.actor) for t in steps] == [
        (ids["round"], "", "open", "system"), (ids["round"], "open", "closed", "system"),
        (ids["round"], "closed", "open", "system"), (ids["round"], "open", "closed", "system"),
        (ids["round"], "closed", "published", "system"), (ids["round"], "published", "frozen", "system"),
        (ids["round"], "frozen", "reopened", "system")]
    assert steps[5].note == "2026-11-23 – 2026-11-27" and steps[6].note == "异议复核"
