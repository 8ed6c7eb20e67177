"""Paper sheet ids: ISO 7064 MOD 11-2 against published check characters, and as properties: every
single wrong digit and every swap of two adjacent different characters is caught; typed forms are read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from judging.core.sheet_ids import SERIAL_DIGITS, mod11_2, normalised_code, parse_sheet_code, sheet_code

serials = st.integers(min_value=1, max_value=10 ** SERIAL_DIGITS - 1)


@pytest.mark.parametrize(("digits", "check"), [
    ("000000021825009", "7"),  # ORCID iD 0000-0002-1825-0097 (ORCID uses MOD 11-2)
    ("000000021694233", "X"),  # ORCID iD 0000-0002-1694-233X
    ("11010519491231002", "X"),  # the example citizen id number of GB 11643-1999
])
def test_check_character_matches_published_examples(digits, check):
    assert mod11_2(digits) == check


@given(serials)
def test_a_printed_id_reads_back_as_its_serial(serial):
    assert parse_sheet_code(sheet_code(serial)) == (serial, None)


@given(serials, st.data())
def test_every_single_wrong_character_is_caught(serial, data):
    code = normalised_code(sheet_code(serial))  # PS + 8 digits + check
    position = data.draw(st.integers(min_value=2, max_value=len(code) - 1))
    alphabet = "0123456789X" if position == len(code) - 1 else "0123456789"
    wrong = data.draw(st.sampled_from([c for c in alphabet if c != code[position]]))
    typo = code[:position] + wrong + code[position + 1:]

    serial_read, problem = parse_sheet_code(typo)

    assert serial_read is None and problem is not None and problem.code in ("paper.bad_check", "paper.bad_code")


@given(serials, st.data())
def test_every_swap_of_two_adjacent_characters_is_caught(serial, data):
    code = normalised_code(sheet_code(serial))
    position = data.draw(st.integers(min_value=2, max_value=len(code) - 2))
    if code[position] == code[position + 1]:
        return  # swapping equal characters changes nothing
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]

    assert parse_sheet_code(swapped)[0] is None


@pytest.mark.parametrize("typed", ["PS-00001234-4", "ps 0000 1234 4", "000012344", "ＰＳ－００００１２３４－４", " PS0000-1234-4 "])
def test_typed_forms_of_one_id_read_the_same(typed):
    assert parse_sheet_code(typed) == (1234, None)


@pytest.mark.parametrize(("typed", "code"), [("PS-00001234-5", "paper.bad_check"), ("PS-1234-4", "paper.bad_code"),
                                             ("", "paper.bad_code"), ("PS-0000123A-4", "paper.bad_code")])
def test_wrong_ids_say_what_is_wrong(typed, code):
    assert parse_sheet_code(typed)[1].code == code
