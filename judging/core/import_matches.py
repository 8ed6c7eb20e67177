"""Entries in an import file that are already in the edition: matched by id, or by title and
applicant organisation (written the same way up to spacing, punctuation and width), so that the same
entries imported twice (an XLSX after a CSV, without ids) never pass as new ones.

What to do with the matches is the organiser's choice (``MATCH_CHOICES``); without one nothing is
imported. The store applies the choice (``judging.store.imports.import_entries``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from judging.core.imports import GENERATED_ID_DIGITS, organisation_key
from judging.errors import ImportValidationError, Problem

REFUSE, UPDATE, ADD = "refuse", "update", "add"
MATCH_CHOICES = (REFUSE, UPDATE, ADD)  # nothing is imported / update the entries found / add the rows as new ones
UPDATED_FIELDS = ("track", "title", "organisation", "recommending_unit", "summary", "contact", "email", "phone",
                  "materials")


@dataclass(frozen=True)
class EntryMatch:
    """One row of the file that is already an entry of the edition."""

    position: int  # the row's place among the file's entries (1 = the first under the header)
    code: str  # its id in the file (or the one it would be given)
    title: str
    organisation: str
    existing_code: str  # the entry of the edition it matches
    by: str  # "id" or "title" (title and organisation)


class DuplicateEntries(ImportValidationError):
    """The file holds entries the edition already has; nothing was imported (choose update or add)."""

    def __init__(self, matches: Sequence[EntryMatch]):
        self.matches = list(matches)
        super().__init__([match_problem(m) for m in self.matches])


def title_key(title: str) -> str:
    """A title as compared for matching: width, case and spacing do not count."""
    return "".join(unicodedata.normalize("NFKC", title or "").split()).casefold()


def _key(title: str, organisation: str) -> tuple[str, str]:
    return title_key(title), organisation_key(organisation)


def find_entry_matches(records: Sequence[Mapping[str, str]], existing: Iterable[Mapping[str, str]], *,
                       ids_in_file: Collection[str]) -> list[EntryMatch]:
    """The records that are entries of ``existing`` (dicts with ``code, title, organisation``).

    A record whose id is in ``ids_in_file`` (given by the file, not generated) and names an existing
    entry matches by id; any other record matches an existing entry with the same title and
    organisation. Each existing entry is matched once (the first row that names it).
    """
    existing = list(existing)
    codes = {e["code"] for e in existing}
    by_key: dict[tuple[str, str], str] = {}
    for entry in existing:
        by_key.setdefault(_key(entry["title"], entry["organisation"]), entry["code"])
    matches, taken = [], set()
    for position, record in enumerate(records, start=1):
        code = record["code"]
        found: str | None
        if code in ids_in_file and code in codes:
            found, by = code, "id"
        else:
            found, by = by_key.get(_key(record["title"], record["organisation"])), "title"
        if found is None or found in taken:
            continue
        taken.add(found)
        matches.append(EntryMatch(position, code, record["title"], record["organisation"], found, by))
    return matches


def match_problem(match: EntryMatch) -> Problem:
    """How a match is reported (the CLI prints these; the imports page shows them as a table)."""
    code = "import.match_id" if match.by == "id" else "import.match_title"
    return Problem(code, {"position": match.position, "code": match.code, "title": match.title,
                          "organisation": match.organisation, "existing": match.existing_code})


def fresh_codes(records: Sequence[dict], *, taken: Collection[str], renew: Collection[int]) -> list[dict]:
    """The records with a new ``<track>-NNN`` id for each position in ``renew`` (1-based), none in ``taken``."""
    used = set(taken) | {r["code"] for i, r in enumerate(records, start=1) if i not in renew}
    counters: dict[str, int] = {}
    out = []
    for position, record in enumerate(records, start=1):
        if position in renew:
            track = record["track"]
            while True:
                counters[track] = counters.get(track, 0) + 1
                code = f"{track}-{counters[track]:0{GENERATED_ID_DIGITS}d}"
                if code not in used:
                    break
            used.add(code)
            record = dict(record) | {"code": code}
        out.append(record)
    return out
