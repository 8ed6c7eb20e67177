"""A round's lifecycle as a timeline: draft → open → closed → published → frozen, with reopenings,
read from the audit events that recorded each transition (no database here: events in, transitions out)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

# the states a timeline names, beyond the round's own statuses (RoundStatus): those of its list
PUBLISHED, FROZEN, REOPENED = "published", "frozen", "reopened"


@dataclass(frozen=True)
class Transition:
    """One step of a round's lifecycle: from one state to the next, when, by whom, and a note
    (the window of a freeze, the reason of a reopening)."""

    round_id: int
    at: datetime
    actor: str
    old: str  # "" when the round was created
    new: str
    note: str = ""

    @property
    def reopening(self) -> bool:
        return self.new == REOPENED or (self.old == "closed" and self.new == "open")


def _id(subject: str) -> int | None:
    _, _, number = subject.partition(":")
    return int(number) if number.isdigit() else None


def transitions(events: Iterable[tuple[datetime, str, str, str, Mapping]], *,
                publication_rounds: Mapping[int, int]) -> list[Transition]:
    """The transitions in ``events`` (``at, actor, action, subject, payload``, oldest first).

    ``round.create`` starts a round (in the status its event records; older events record none:
    "open"), ``round.update`` events that change the status move it, ``publication.publish``,
    ``.freeze`` and ``.reopen`` move its list; ``publication_rounds`` maps publications to rounds.
    """
    state: dict[int, str] = {}
    out = []
    for at, actor, action, subject, payload in events:
        number = _id(subject)
        if number is None:
            continue
        if action == "round.create":
            new, round_id, note = str(payload.get("status") or "open"), number, ""
        elif action == "round.update" and "status" in payload:
            new, round_id, note = str(payload["status"]["new"]), number, ""
        elif action == "publication.publish":
            new, round_id = PUBLISHED, int(payload.get("round_id", publication_rounds.get(number, 0)))
            note = f"{payload.get('start', '')} – {payload.get('end', '')}"
        elif action == "publication.freeze" and number in publication_rounds:
            window = payload.get("window") or {}
            new, round_id = FROZEN, publication_rounds[number]
            note = f"{window.get('start', '')} – {window.get('end', '')}"
        elif action == "publication.reopen" and number in publication_rounds:
            new, round_id, note = REOPENED, publication_rounds[number], str(payload.get("reason", ""))
        else:
            continue
        out.append(Transition(round_id, at, actor, state.get(round_id, ""), new, note))
        state[round_id] = new
    return out
