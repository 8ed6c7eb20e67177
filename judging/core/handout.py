"""Sign-in handouts: generated passwords for judge accounts, and the CSV the organiser hands out.

Passwords are generated and hashed here, before any database transaction, because argon2 is
slow on purpose (about 0.1 s per hash): hashing hundreds inside a write transaction would hold
SQLite's write lock long enough for judges' autosaves to time out.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from judging.core.exports import formula_safe
from judging.core.passwords import PreparedPassword, password_problems, prepare_password
from judging.i18n import t

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/l/I to misread
PASSWORD_LENGTH = 12  # 12 symbols of 55 ≈ 69 bits: far beyond online guessing, still short enough to type


@dataclass(frozen=True)
class Account:
    """A judge account with the password to hand to the judge (shown once; only its hash is stored)."""

    username: str
    display_name: str
    organisation: str
    password: str


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def generated_password(username: str) -> str:
    """A generated password that meets the password rules for ``username`` (drawn again in the rare
    case it does not, e.g. when it happens to contain a one-letter user name)."""
    while True:
        password = generate_password()
        if not password_problems(password, username=username):
            return password


def prepare_passwords(
    usernames: Sequence[str], *, hash_password: Callable[[str], str] | None = None,
    progress: Callable[[float], None] | None = None,
) -> dict[str, tuple[str, PreparedPassword]]:
    """Username → (generated one-time password, what the store takes), calling ``progress`` with the
    share done. The account must choose its own password at its first sign-in."""
    prepared = {}
    for i, username in enumerate(usernames):
        password = generated_password(username)
        prepared[username] = (password, prepare_password(password, username=username, one_time=True,
                                                         hasher=hash_password))
        if progress is not None:
            progress((i + 1) / len(usernames))
    return prepared


def accounts_csv(accounts: Iterable[Account], *, sign_in_url: str = "", lang: str = "zh") -> bytes:
    """UTF-8 with BOM, one row per account: username, name, organisation, password, address.

    Every text cell is made formula-safe (a name starting with ``=`` stays text in Excel).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([t(f"oc.handout.{c}", lang) for c in ("username", "name", "organisation", "password", "url")])
    for a in accounts:
        writer.writerow([formula_safe(v) for v in (a.username, a.display_name, a.organisation, a.password, sign_in_url)])
    return out.getvalue().encode("utf-8-sig")
