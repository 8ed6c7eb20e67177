"""The domain's states: each member's text is in the translation table, and members equal their stored text."""

from __future__ import annotations

import pytest

from judging.core.permissions import Role
from judging.core.states import LiveState, RoundStatus, SheetProgress
from judging.i18n import TEXTS

TRANSLATED = [member for enum in (Role, RoundStatus, SheetProgress, LiveState) for member in enum]


@pytest.mark.parametrize("member", TRANSLATED, ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_every_state_has_its_text_in_both_languages(member):
    assert set(TEXTS[member.text_key]) == {"zh", "en"}


def test_a_state_read_back_as_text_equals_its_member():
    stored = {"round": "open", "live": "", "progress": "submitted"}

    assert (RoundStatus(stored["round"]), LiveState(stored["live"]), SheetProgress(stored["progress"])) == (
        RoundStatus.OPEN, LiveState.WAITING, SheetProgress.SUBMITTED)
    assert RoundStatus.OPEN == "open" and LiveState.WAITING == ""


def test_an_unknown_stored_state_is_refused():
    with pytest.raises(ValueError):
        RoundStatus("paused")
