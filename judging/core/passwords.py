"""Password hashing for accounts: argon2id through argon2-cffi, with its recommended parameters."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()  # RFC 9106 "low memory" profile: argon2id, t=3, m=64 MiB, p=4


def hash_password(password: str) -> str:
    """An argon2id hash (with its own salt and parameters) to store in ``User.password_hash``."""
    return _HASHER.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """True when ``password`` matches; False for a wrong password, an empty or a malformed hash."""
    if not password_hash:
        return False  # accounts without a password cannot sign in with one
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones (rehash on sign-in)."""
    return _HASHER.check_needs_rehash(password_hash)
