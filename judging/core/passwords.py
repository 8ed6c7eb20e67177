"""Passwords of accounts: the rules a password must meet, and argon2id hashing through argon2-cffi.

The store only takes a ``PreparedPassword``, which only ``prepare_password`` (and the generated
handout passwords, ``judging.core.handout``) make after checking the rules: no path stores a weak one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from judging.errors import JudgingError, Problem

_HASHER = PasswordHasher()  # RFC 9106 "low memory" profile: argon2id, t=3, m=64 MiB, p=4
# NIST SP 800-63B §5.1.1 asks for at least 8 characters; 10 for accounts that decide national awards
MIN_PASSWORD_LENGTH = 10
# NIST SP 800-63B §5.1.1.2: refuse passwords from lists of commonly used ones. The most used ones
# of 10 characters or more in published leaks (Chinese sites included), lower-cased.
COMMON_PASSWORDS = frozenset({
    "1234567890", "0123456789", "9876543210", "1111111111", "0000000000", "1234512345", "1122334455",
    "123456789a", "a123456789", "a1234567890", "aa123456789", "qq123456789", "abc1234567", "abcd123456",
    "1qaz2wsx3edc", "1q2w3e4r5t", "q1w2e3r4t5", "qwertyuiop", "qwerty1234", "qwerty123456", "asdfghjkl1",
    "zxcvbnm123", "password12", "password123", "password1!", "p@ssw0rd12", "passw0rd123", "iloveyou12",
    "woaini1314", "woaini520", "5201314520", "1314520520", "admin12345", "admin123456", "administrator",
    "welcome123", "letmein123", "changeme123", "123456abcd", "12345qwert", "12345678910", "11223344556",
    "football12", "baseball12", "sunshine12", "princess12", "superman12", "dragon1234", "monkey1234",
})


class PasswordError(JudgingError):
    """A password that does not meet the rules."""


def password_problems(password: str, *, username: str) -> list[Problem]:
    """What is wrong with ``password`` for the account ``username`` (empty when it may be used)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(Problem("password.too_short", {"min": MIN_PASSWORD_LENGTH, "length": len(password)}))
    name = username.strip().casefold()
    if name and name in password.casefold():
        problems.append(Problem("password.contains_username", {}))
    if password.casefold() in COMMON_PASSWORDS or len(set(password)) <= 2:
        problems.append(Problem("password.common", {}))
    return problems


def check_password(password: str, *, username: str) -> None:
    problems = password_problems(password, username=username)
    if problems:
        raise PasswordError(problems)


@dataclass(frozen=True)
class PreparedPassword:
    """A password that met the rules, as its hash; ``one_time`` ones must be changed at the next sign-in."""

    hash: str = field(repr=False)
    one_time: bool = False


def prepare_password(password: str, *, username: str, one_time: bool = False,
                     hasher: Callable[[str], str] | None = None) -> PreparedPassword:
    """Check the rules (``PasswordError`` says what to fix), then hash: what the store takes."""
    check_password(password, username=username)
    return PreparedPassword((hasher or hash_password)(password), one_time)


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
