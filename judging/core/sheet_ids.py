"""Paper score sheet ids: a serial with an ISO 7064 MOD 11-2 check character, written and read back.

MOD 11-2 (the check character of the Chinese citizen id number, GB 11643, and of ORCID iDs) detects
every single wrong digit and every swap of two adjacent characters, the two commonest errors in
copying numbers by hand (Verhoeff 1969). Its check character is a digit or ``X``.
"""

from __future__ import annotations

import re
import unicodedata

from judging.errors import Problem

PREFIX = "PS"  # paper sheet: a typed id that lacks it is still read
SERIAL_DIGITS = 8  # 100 million sheets: a national contest prints a few tens of thousands
_TYPED = re.compile(rf"^(?:{PREFIX})?(\d{{{SERIAL_DIGITS}}})([0-9X])$")


def mod11_2(digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a string of decimal digits ("0"-"9" or "X")."""
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"not a string of digits: {digits!r}")
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2 % 11
    check = (12 - total) % 11
    return "X" if check == 10 else str(check)


def is_valid_mod11_2(text: str) -> bool:
    """Whether the last character of ``text`` is the MOD 11-2 check character of the digits before it."""
    return len(text) >= 2 and text[:-1].isascii() and text[:-1].isdigit() and mod11_2(text[:-1]) == text[-1]


def sheet_code(serial: int) -> str:
    """The printed id of sheet ``serial``: ``PS-00001234-7``."""
    if not 0 < serial < 10 ** SERIAL_DIGITS:
        raise ValueError(f"serial out of range: {serial}")
    digits = f"{serial:0{SERIAL_DIGITS}d}"
    return f"{PREFIX}-{digits}-{mod11_2(digits)}"


def normalised_code(text: str) -> str:
    """What a person typed, without spaces and hyphens, half-width and upper case (``ps 0000-1234 7``
    and ``ＰＳ０００…`` read as ``PS000012347``)."""
    text = unicodedata.normalize("NFKC", str(text)).upper()
    return re.sub(r"[\s\-_－—.]", "", text)


def parse_sheet_code(text: str) -> tuple[int | None, Problem | None]:
    """The serial of a typed sheet id, or None and the problem (a wrong form, or a check character
    that does not match: a typo somewhere in the id)."""
    typed = normalised_code(text)
    match = _TYPED.match(typed)
    if match is None:
        return None, Problem("paper.bad_code", {"value": str(text).strip()[:40], "example": sheet_code(1234)})
    digits, check = match.groups()
    if mod11_2(digits) != check:
        return None, Problem("paper.bad_check", {"value": str(text).strip()[:40]})
    serial = int(digits)
    if serial == 0:
        return None, Problem("paper.bad_code", {"value": str(text).strip()[:40], "example": sheet_code(1234)})
    return serial, None
