"""Signed checkpoints of the audit trail: what is signed, how it is signed (Ed25519), and its short form.

A checkpoint names a point of the trail (the id and keyed digest of an event) and the state of the
row seals then (their per-table summary); its digest is signed with an Ed25519 key derived from the
audit key, so that anyone holding the public key (printed with it) can check the signature without
the audit key. Pure functions; the store writes and reads checkpoints (``judging.store.checkpoints``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from judging.core.audit_digest import derived_key

SHORT_GROUPS = 4  # groups of four hex digits in the short form: 64 bits, read aloud in about ten seconds


def signing_key(audit_key: bytes) -> Ed25519PrivateKey:
    """The checkpoint signing key: an Ed25519 key whose seed is derived from the audit key (no second secret)."""
    return Ed25519PrivateKey.from_private_bytes(derived_key(audit_key, "checkpoint-signing"))


def public_key_hex(audit_key: bytes) -> str:
    raw = signing_key(audit_key).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def seals_summary_digest(tables: Mapping[str, Iterable[object]]) -> str:
    """SHA-256 of the per-table seal summary (count and XOR of digests of every sealed table)."""
    canonical = json.dumps({name: list(value) for name, value in sorted(tables.items())}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def checkpoint_digest(*, upto: int, chain_hash: str, seals: str, bundle: str = "") -> str:
    """What a checkpoint signs: the event it reaches, that event's keyed digest, the seals' summary and,
    at a publish or freeze, the bundle's digest."""
    canonical = json.dumps({"upto": upto, "chain_hash": chain_hash, "seals": seals, "bundle": bundle}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sign(audit_key: bytes, digest: str) -> str:
    return signing_key(audit_key).sign(bytes.fromhex(digest)).hex()


def signature_valid(public_key: str, digest: str, signature: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(bytes.fromhex(signature),
                                                                            bytes.fromhex(digest))
        return True
    except (InvalidSignature, ValueError):
        return False


def short_form(digest: str) -> str:
    """The first 16 hex digits in groups of four (``3F2A-9C01-77B4-E0D5``), for reading aloud and typing."""
    head = digest[:4 * SHORT_GROUPS].upper()
    return "-".join(head[i:i + 4] for i in range(0, len(head), 4))


def matches(expected: str, digest: str) -> bool:
    """Whether ``expected`` (the full digest, or its short form as printed, any case, with or without
    dashes) names ``digest``."""
    given = expected.replace("-", "").replace(" ", "").strip().lower()
    return len(given) >= 4 * SHORT_GROUPS and digest.lower().startswith(given)
