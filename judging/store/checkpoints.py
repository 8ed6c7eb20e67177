"""Signed checkpoints in the audit trail (``audit.checkpoint`` events): written every
``CHECKPOINT_EVERY`` events and at every publish and freeze, and checked by ``audit verify``.

A checkpoint signs (Ed25519, ``judging.core.checkpoint``) the event it reaches with that event's keyed
digest, the row seals' per-table summary and, at a publish or freeze, the bundle's digest. The digest
and the public key are printed on the 公示 documents, so a printed list anchors the database outside it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, select

from judging.core.checkpoint import (
    checkpoint_digest,
    public_key_hex,
    seals_summary_digest,
    sign,
    signature_valid,
)
from judging.core.permissions import SYSTEM, Actor
from judging.errors import Problem
from judging.store.audit_key import audit_key
from judging.store.audit_log import REKEY_ACTION, append_event
from judging.store.guard import guarded
from judging.store.models import AuditEvent, PublicationAnchor
from judging.store.write_path import fold, fold_digest

CHECKPOINT_ACTION = "audit.checkpoint"
CHECKPOINT_EVERY = 1000  # events between two periodic checkpoints: a national round writes ~100,000 in its weeks


@dataclass(frozen=True)
class Checkpoint:
    event_id: int
    digest: str
    public_key: str


def write_checkpoint(session: Session, *, reason: str, seal_tables: Mapping[str, object],
                     bundle: str = "") -> Checkpoint:
    """Sign the trail as it stands in this transaction with ``seal_tables`` (the row seals' per-table
    summary) and ``bundle`` (a bundle digest or empty), recorded as an event. The trail is folded: every
    chain's newest event (id and keyed digest) as committed, this transaction's own chain as it stands;
    ``upto`` is the newest of them and ``chain_hash`` the SHA-256 of the fold, which the event carries."""
    key = audit_key(session.get_bind())
    session.flush()
    chains, _ = fold(session)
    upto = max((last_id for last_id, _ in chains.values()), default=0)
    chain_hash = fold_digest(chains) if chains else ""
    seals = seals_summary_digest(seal_tables)
    digest = checkpoint_digest(upto=upto, chain_hash=chain_hash, seals=seals, bundle=bundle)
    public_key = public_key_hex(key)
    event = append_event(session, name=SYSTEM.username, action=CHECKPOINT_ACTION, subject=reason, payload={
        "upto": upto, "chain_hash": chain_hash, "chains": chains, "seals": seals, "bundle": bundle,
        "digest": digest, "signature": sign(key, digest), "public_key": public_key})
    return Checkpoint(event_id=event.id, digest=digest, public_key=public_key)


def due(previous_last: int | None, last: int) -> bool:
    """Whether the events up to ``last`` crossed a multiple of ``CHECKPOINT_EVERY`` since ``previous_last``."""
    return last // CHECKPOINT_EVERY > (previous_last or 0) // CHECKPOINT_EVERY


@guarded("audit.read")
def checkpoint_problems(session: Session, *, actor: Actor) -> list[Problem]:
    """Checkpoints whose signature, digest or public key does not hold, whose event is no longer the
    one signed, and publication anchors whose checkpoint is missing or differs. Needs the audit key."""
    key = audit_key(session.get_bind())
    known_keys = {public_key_hex(key)}
    events = session.exec(select(AuditEvent.id, AuditEvent.action, AuditEvent.hash, AuditEvent.payload)
                          .where(AuditEvent.action.in_((CHECKPOINT_ACTION, REKEY_ACTION))).order_by(AuditEvent.id)).all()
    last_rekey = max((event_id or 0 for event_id, action, _, _ in events if action == REKEY_ACTION), default=0)
    for _, action, _, payload in events:
        if action == REKEY_ACTION:
            known_keys.update(k for k in json.loads(payload).get("public_keys", []) if k)
    problems, signed = [], {}
    for event_id, action, _, payload in events:
        if action != CHECKPOINT_ACTION:
            continue
        body = json.loads(payload)
        signed[event_id] = (body.get("digest", ""), body.get("bundle", ""))
        expected = checkpoint_digest(upto=body.get("upto", 0), chain_hash=body.get("chain_hash", ""),
                                     seals=body.get("seals", ""), bundle=body.get("bundle", ""))
        if (body.get("digest") != expected or body.get("public_key") not in known_keys
                or not signature_valid(body.get("public_key", ""), expected, body.get("signature", ""))):
            problems.append(Problem("audit.checkpoint.bad_signature", {"id": event_id}))
            continue
        if body["upto"] > last_rekey:  # before a re-keying, the chain's digests were other ones
            if "chains" in body:  # every chain's newest event then: still there, with the digest signed
                chains = body["chains"]
                moved = fold_digest(chains) != body["chain_hash"] or any(
                    session.exec(select(AuditEvent.hash).where(AuditEvent.id == last_id,
                                                               AuditEvent.chain == name)).first() != last_hash
                    for name, (last_id, last_hash) in sorted(chains.items()))
            else:  # a checkpoint of the single chain before chains existed
                moved = session.exec(select(AuditEvent.hash).where(AuditEvent.id == body["upto"])).first() != \
                    body["chain_hash"]
            if moved:
                problems.append(Problem("audit.checkpoint.chain_moved", {"id": event_id, "upto": body["upto"]}))
    for anchor in session.exec(select(PublicationAnchor).order_by(PublicationAnchor.id)):
        if signed.get(anchor.checkpoint_event_id) != (anchor.checkpoint_digest, anchor.bundle_digest):
            problems.append(Problem("audit.checkpoint.anchor_differs", {
                "publication": anchor.publication_id, "kind": anchor.kind, "id": anchor.checkpoint_event_id}))
    return problems
