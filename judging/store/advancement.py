"""Advancement between rounds: who would go on under the round's rule, and confirming it."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from judging.core.editions import AdvanceRule, parse_advance_rule, select_advancing
from judging.core.permissions import Actor
from judging.core.round_data import order_round
from judging.core.states import RoundStatus
from judging.errors import PermissionDenied, Problem
from judging.store.audit_log import record_event
from judging.store.editions import (
    entries_of,
    entries_of_round,
    get_round,
    next_round,
    round_entry_rows,
    tracks_of,
)
from judging.store.guard import guarded
from judging.store.models import (
    Round,
    RoundEntry,
)
from judging.store.scores import round_data

ADVANCEMENT_DRAWS = 50  # only the point scores decide who advances; the draws are not shown


@guarded("scores.read")
def advancement_preview(session: Session, *, round_id: int, actor: Actor):
    """Who would advance from the round per track under its rule (``select_advancing`` on the round's
    scores with its method), with entry titles; entries without scores never advance."""
    rnd = get_round(session, round_id)
    rule = parse_advance_rule(rnd.advance_rule) or AdvanceRule("share", 1.0)
    entries = entries_of_round(session, round_id=round_id)
    tracks = {t.id: t.key for t in tracks_of(session, rnd.edition_id)}
    data = round_data(session, round_id=round_id, actor=actor)
    table = pd.DataFrame({"entry_id": [e.code for e in entries], "track": [tracks[e.track_id] for e in entries]})
    if not data.empty:
        ranked = order_round(data, n_draws=ADVANCEMENT_DRAWS).table.set_index("entry_id")["score"]
        table["score"] = table["entry_id"].map(ranked)
    else:
        table["score"] = float("nan")
    out = select_advancing(table, rule)
    out["title"] = out["entry_id"].map({e.code: e.title for e in entries})
    return out


@guarded("edition.manage")
def confirm_advancement(session: Session, *, round_id: int, codes: list[str], actor: Actor) -> Round:
    """The entries ``codes`` go on to the next round (in this order); this round closes, the next opens."""
    rnd = get_round(session, round_id)
    target = next_round(session, round_id=round_id)
    if target is None:
        raise PermissionDenied(Problem("oc.adv.no_next_round", {"round": rnd.name}))
    if round_entry_rows(session, round_id=target.id):
        raise PermissionDenied(Problem("oc.adv.already", {"round": target.name}))
    ids = {e.code: e.id for e in entries_of(session, rnd.edition_id)}
    session.add_all(RoundEntry(round_id=target.id, entry_id=ids[code], position=i) for i, code in enumerate(codes))
    rnd.status, target.status = RoundStatus.CLOSED, RoundStatus.OPEN
    session.add_all([rnd, target])
    session.flush()
    record_event(session, actor=actor, action="round.advance", subject=f"round:{rnd.id}",
                      payload={"to_round": target.id, "entries": list(codes)})
    return target
