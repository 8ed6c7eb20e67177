"""``audit verify`` in one call: the keyed chain, the score table replayed from its events, every fact
table against its row seals, the signed checkpoints, and the stored material files against their
digests, as one list of problems in words."""

from __future__ import annotations

from sqlmodel import Session

from judging.core.permissions import Actor
from judging.errors import Problem
from judging.store.audit_log import score_mismatches, verify_audit_chain
from judging.store.checkpoints import checkpoint_problems
from judging.store.guard import guarded
from judging.store.materials import blob_problems
from judging.store.seals import seal_problems

MAX_LISTED_IDS = 20  # broken events listed by id; the count says how many there are


@guarded("audit.read")
def audit_problems(session: Session, *, actor: Actor, lang: str | None = None) -> list[Problem]:
    """Everything ``judging audit verify`` reports (empty: the trail and every sealed table agree).
    Needs the audit key."""
    problems = []
    broken = verify_audit_chain(session, actor=actor)
    if broken:
        problems.append(Problem("cli.audit_broken", {"n": len(broken),
                                                    "ids": ", ".join(map(str, broken[:MAX_LISTED_IDS]))}))
    problems.extend(score_mismatches(session, actor=actor))
    problems.extend(seal_problems(session, actor=actor, lang=lang))
    problems.extend(checkpoint_problems(session, actor=actor))
    problems.extend(blob_problems(session, actor=actor))
    return problems
