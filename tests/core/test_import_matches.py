"""Matching an import's rows with the edition's entries: by id when the file gives one, else by title and
organisation as written up to spacing, width and punctuation; each entry matched once."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from judging.core.import_matches import find_entry_matches, fresh_codes

WORDS = st.text(alphabet="智慧养老城市大脑平台服务科技公司甲乙丙ABCxyz123", min_size=1, max_size=8)


def _noisy(text: str, spaces: int) -> str:
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)  # ASCII → full width
    return " " * spaces + wide + " " * spaces


@given(pairs=st.lists(st.tuples(WORDS, WORDS), min_size=1, max_size=20, unique=True), spaces=st.integers(0, 3),
       data=st.data())
def test_the_same_entries_written_differently_all_match_once_by_title(pairs, spaces, data):
    existing = [{"code": f"E{i}", "title": t, "organisation": o} for i, (t, o) in enumerate(pairs)]
    order = data.draw(st.permutations(range(len(pairs))))
    records = [{"code": f"new-{k}", "title": _noisy(pairs[i][0], spaces), "organisation": _noisy(pairs[i][1], spaces),
                "track": "life"} for k, i in enumerate(order)]

    matches = find_entry_matches(records, existing, ids_in_file=())

    assert [(m.position, m.existing_code, m.by) for m in matches] == [
        (k + 1, f"E{i}", "title") for k, i in enumerate(order)]


@given(pairs=st.lists(st.tuples(WORDS, WORDS), min_size=2, max_size=20, unique_by=lambda p: (
    "".join(unicodedata.normalize("NFKC", p[0]).split()).casefold(), p[1])))
def test_different_titles_never_match(pairs):
    half = len(pairs) // 2
    existing = [{"code": f"E{i}", "title": t, "organisation": o} for i, (t, o) in enumerate(pairs[:half])]
    records = [{"code": f"N{i}", "title": t, "organisation": o, "track": "life"} for i, (t, o) in enumerate(pairs[half:])]

    assert find_entry_matches(records, existing, ids_in_file=()) == []


def test_an_id_from_the_file_matches_by_id_and_a_generated_one_does_not():
    existing = [{"code": "life-001", "title": "甲", "organisation": "甲公司"}]
    records = [{"code": "life-001", "title": "乙", "organisation": "乙公司", "track": "life"}]

    assert find_entry_matches(records, existing, ids_in_file=()) == []
    assert [m.by for m in find_entry_matches(records, existing, ids_in_file={"life-001"})] == ["id"]


def test_an_entry_is_matched_by_its_first_row_only():
    existing = [{"code": "E1", "title": "甲", "organisation": "甲公司"}]
    records = [{"code": f"N{i}", "title": "甲", "organisation": "甲公司", "track": "life"} for i in range(2)]

    assert [m.position for m in find_entry_matches(records, existing, ids_in_file=())] == [1]


@given(n=st.integers(1, 30), taken=st.sets(st.integers(1, 40), max_size=20), renew=st.sets(st.integers(1, 30)))
def test_fresh_codes_are_new_and_unique(n, taken, renew):
    taken_codes = {f"life-{k:03d}" for k in taken}
    records = [{"code": f"X{i}", "track": "life"} for i in range(n)]

    out = fresh_codes(records, taken=taken_codes, renew=renew)

    codes = [r["code"] for r in out]
    assert len(set(codes)) == n and not set(codes) & taken_codes
    assert [c for i, c in enumerate(codes, 1) if i not in renew] == [f"X{i - 1}" for i in range(1, n + 1) if i not in renew]
