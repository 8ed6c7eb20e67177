"""The sheet rules: the first broken rule is the one the judge is told, for scoring and for declaring a conflict."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from judging.core.sheet_rules import DECLARING, SCORING, SheetFacts, check_may_score
from judging.errors import PermissionDenied

facts = st.builds(SheetFacts, round_name=st.just("初评"), round_open=st.booleans(), assigned=st.booleans(),
                  in_conflict=st.booleans(), submitted=st.booleans())


def _expected(f: SheetFacts, codes) -> str | None:
    for rule, broken in (("round", not f.round_open), ("assigned", not f.assigned), ("conflict", f.in_conflict),
                         ("submitted", f.submitted)):
        if broken and codes[rule]:
            return codes[rule]
    return None


@pytest.mark.parametrize("codes", [SCORING, DECLARING], ids=["scoring", "declaring"])
@given(f=facts)
def test_the_first_broken_rule_is_the_refusal(codes, f):
    try:
        check_may_score(f, codes=codes)
        refused = None
    except PermissionDenied as exc:
        refused = exc.problems[0].code

    assert refused == _expected(f, codes)


def test_an_open_assigned_unconflicted_draft_may_be_scored():
    check_may_score(SheetFacts("初评", round_open=True, assigned=True, in_conflict=False, submitted=False))
