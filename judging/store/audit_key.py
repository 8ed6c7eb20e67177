"""The audit key: the server secret the audit trail's digests are keyed with, kept out of the database.

Where it comes from, first found wins:

1. ``JUDGING_AUDIT_KEY``: the key itself (at least 32 characters);
2. ``JUDGING_AUDIT_KEY_FILE``: a file holding it (at least 32 bytes, surrounding white space ignored);
3. for a SQLite file (the embedded default) only: ``<database>.audit-key`` beside it, generated at
   random (mode 0600) the first time a database without events is opened, its path printed once;
4. for an in-memory SQLite database: a random key of this process (the database dies with it).

PostgreSQL without 1 or 2 is refused: several replicas must share one key, and a generated one would
differ between them. A database that has events is never given a new key: a lost key is an error
that says which file is missing, not a fresh key under which every event would look forged.
"""

from __future__ import annotations

import os
import secrets
import sys
import weakref
from pathlib import Path

from sqlalchemy.engine import Connection, Engine, make_url

from judging.core.audit_digest import MIN_KEY_BYTES
from judging.errors import JudgingError, Problem
from judging.i18n import t

AUDIT_KEY_ENV = "JUDGING_AUDIT_KEY"
AUDIT_KEY_FILE_ENV = "JUDGING_AUDIT_KEY_FILE"
KEY_FILE_SUFFIX = ".audit-key"

_PROCESS_KEY = secrets.token_bytes(MIN_KEY_BYTES)  # in-memory SQLite databases only
_KEYS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


class AuditKeyError(JudgingError):
    """No usable audit key: the database cannot be written to or verified."""


def _checked(key: bytes, source: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise AuditKeyError(Problem("audit.key.too_short", {"source": source, "n": len(key), "min": MIN_KEY_BYTES}))
    return key


def key_file_beside(database: str) -> Path:
    path = Path(database)
    return path.with_name(path.name + KEY_FILE_SUFFIX)


def _generate(path: Path) -> bytes:
    key = secrets.token_hex(MIN_KEY_BYTES).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    print(t("audit.key.generated", path=str(path.resolve())), file=sys.stderr)
    return key


def resolve_key(url: str, *, may_create: bool) -> bytes:
    """The audit key for the database at ``url`` (see the module's docstring for the order)."""
    value = os.environ.get(AUDIT_KEY_ENV, "").strip()
    if value:
        return _checked(value.encode("utf-8"), AUDIT_KEY_ENV)
    file_name = os.environ.get(AUDIT_KEY_FILE_ENV, "").strip()
    if file_name:
        path = Path(file_name)
        if not path.is_file():
            raise AuditKeyError(Problem("audit.key.file_missing", {"path": str(path), "env": AUDIT_KEY_FILE_ENV}))
        return _checked(path.read_bytes().strip(), str(path))
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise AuditKeyError(Problem("audit.key.required", {"env": AUDIT_KEY_ENV, "file_env": AUDIT_KEY_FILE_ENV}))
    if not parsed.database or parsed.database == ":memory:":
        return _PROCESS_KEY
    path = key_file_beside(parsed.database)
    if path.is_file():
        return _checked(path.read_bytes().strip(), str(path))
    if not may_create:
        raise AuditKeyError(Problem("audit.key.lost", {"path": str(path), "env": AUDIT_KEY_ENV,
                                                       "file_env": AUDIT_KEY_FILE_ENV}))
    return _generate(path)


def _engine_of(bind: Engine | Connection) -> Engine:
    return bind.engine if isinstance(bind, Connection) else bind


def audit_key(bind: Engine | Connection, *, may_create: bool = False) -> bytes:
    """The audit key of ``bind``'s database, resolved once per engine."""
    engine = _engine_of(bind)
    key = _KEYS.get(engine)
    if key is None:
        key = resolve_key(engine.url.render_as_string(hide_password=False), may_create=may_create)
        _KEYS[engine] = key
    return key


def forget_key(bind: Engine | Connection) -> None:
    """Resolve the key again at the next use (after a rotation, and in tests that change the environment)."""
    _KEYS.pop(_engine_of(bind), None)
