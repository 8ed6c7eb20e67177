"""The audit trail's digests: events chained by HMAC-SHA-256 under the server's audit key, and key fingerprints.

Pure functions (bytes and text in, hex out); where the key comes from is the store's business
(``judging.store.audit_key``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64
MIN_KEY_BYTES = 32  # 256 bits: HMAC-SHA-256 gains nothing from a longer key and loses strength with a shorter one

EventDigest = Callable[[str, datetime, str, str, str, str], str]


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat() if at.tzinfo else at.replace(tzinfo=UTC).isoformat()


def _canonical(prev_hash: str, at: datetime, actor: str, action: str, subject: str, payload: str) -> bytes:
    return json.dumps([prev_hash, _stamp(at), actor, action, subject, payload], ensure_ascii=False).encode("utf-8")


def plain_event_digest(prev_hash: str, at: datetime, actor: str, action: str, subject: str, payload: str) -> str:
    """The unkeyed SHA-256 digest of the chains written before the audit key existed (re-keyed on upgrade)."""
    return hashlib.sha256(_canonical(prev_hash, at, actor, action, subject, payload)).hexdigest()


def keyed_event_digest(key: bytes) -> EventDigest:
    """The digest of an event under ``key``: HMAC-SHA-256 of the event's fields and the previous digest."""
    def digest(prev_hash: str, at: datetime, actor: str, action: str, subject: str, payload: str) -> str:
        return hmac.new(key, _canonical(prev_hash, at, actor, action, subject, payload), hashlib.sha256).hexdigest()
    return digest


def derived_key(key: bytes, purpose: str) -> bytes:
    """A key for one purpose (row seals, fingerprints) derived from the audit key, so that no two uses share it."""
    return hmac.new(key, f"judging/{purpose}".encode(), hashlib.sha256).digest()


def key_fingerprint(key: bytes) -> str:
    """16 hex digits that name a key in events and messages without revealing it."""
    return derived_key(key, "fingerprint").hex()[:16]
