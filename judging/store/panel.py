"""Recording the panel's decisions: one row and one audit event each, refused once the round's list is
frozen, and carried out on a published list at once as a tier change (source ``panel:<id>``).

Reading them (``publication.panel_decisions``) and carrying out the moves at publication live with
the 公示, which this module builds on."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from judging.core.panel import (
    MOVE,
    PANEL_SOURCE,
    Decision,
    PanelError,
    change_reason,
    check_decision,
    present_names,
)
from judging.core.permissions import Actor
from judging.errors import PermissionDenied, Problem
from judging.store.audit_log import record_event
from judging.store.award_settings import award_settings_of
from judging.store.editions import entries_of_round, get_round
from judging.store.guard import guarded
from judging.store.models import PanelDecision, Publication
from judging.store.publication import change_tier, current_list, decision_of_row, settings_of


@guarded("publication.manage")
def record_decision(session: Session, *, round_id: int, entry_id: str, decision: str, reason: str,
                    present: str | list[str], tier: str = "", actor: Actor) -> Decision:
    """Record the panel's decision on one of the round's entries, with the reason and who was present.

    Refused once the round's list is frozen. The entry must be one of the round's (the results page
    offers only the entries it flagged for the panel). On a published list a move changes the tier
    there at once (a tier change with source ``panel:<id>``); before publication, ``publish`` carries
    out the moves in force.
    """
    rnd = get_round(session, round_id)
    publication = session.exec(select(Publication).where(Publication.round_id == round_id)).first()
    if publication is not None and publication.status == "frozen":
        raise PermissionDenied(Problem("panel.frozen", {"round": rnd.name}))
    names = present_names(present)
    if publication is not None:
        tiers = [t.key for t in settings_of(publication).awards.tiers]
    else:
        tiers = [t.key for t in award_settings_of(session, round_id=round_id, actor=actor).awards.config.tiers]
    check_decision(decision=decision, tier=tier, reason=reason, present=names, tiers=tiers)
    if entry_id not in {e.code for e in entries_of_round(session, round_id=round_id)}:
        raise PanelError(Problem("panel.unknown_entry", {"entry": entry_id, "round": rnd.name}))
    row = PanelDecision(round_id=round_id, entry_code=entry_id, decision=decision, tier=tier if decision == MOVE else "",
                        reason=reason.strip(), present=json.dumps(list(names), ensure_ascii=False), actor=actor.username)
    session.add(row)
    session.flush()
    record_event(session, actor=actor, action="panel.decision", subject=f"round:{round_id}",
                 payload={"decision": row.id, "entry": entry_id, "kind": decision, "tier": row.tier,
                          "reason": row.reason, "present": list(names)})
    recorded = decision_of_row(row)
    if publication is not None and decision == MOVE:
        carry_out(session, publication=publication, decision=recorded, actor=actor)
    return recorded


def carry_out(session: Session, *, publication: Publication, decision: Decision, actor: Actor) -> None:
    """A move on the published list: the entry's tier changes, with the panel's reason and who was present."""
    listed = current_list(session, publication.id, actor=actor).set_index("entry_id")
    if decision.entry_id not in listed.index:
        raise PanelError(Problem("panel.not_on_list", {"entry": decision.entry_id}))
    if str(listed.loc[decision.entry_id, "tier"] or "") == decision.tier:
        return  # the list already says so
    change_tier(session, publication_id=publication.id, entry_id=decision.entry_id, tier=decision.tier,
                reason=change_reason(decision), source=f"{PANEL_SOURCE}{decision.id}", actor=actor)
