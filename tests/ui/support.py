"""What the AppTest page tests share: running one timer fragment as the browser's auto-rerun does.

Imported as ``ui.support`` (``pythonpath = ["tests"]`` in pyproject.toml).
"""

from __future__ import annotations

import functools
import re
from unittest import mock

from streamlit.runtime.scriptrunner import RerunData
from streamlit.testing.v1 import AppTest, local_script_runner


def fragment_ids(at: AppTest, key: str | None = None) -> list[str]:
    """The ids of the fragment with ``key`` (none when the page has no such fragment), or of every fragment."""
    if key is None:
        return list(at._fragment_storage._fragments)
    try:
        return at._fragment_storage.resolve_target(key)
    except Exception:  # StreamlitAPIException: no fragment has that key
        return []


def tick(at: AppTest, ids: list[str]) -> AppTest:
    """One timer run of the fragments ``ids``, as the browser asks for it: the fragments alone, not the page.

    AppTest (Streamlit 1.67) has no public way to run one fragment, so the run request it builds is
    given the fragments' ids, as the browser's auto-rerun sends them.
    """
    assert ids, "the page has no such timer"
    fragment_run = functools.partial(RerunData, fragment_id_queue=ids, is_auto_rerun=True)
    with mock.patch.object(local_script_runner, "RerunData", fragment_run):
        return at.run()


def score_sheets(at: AppTest) -> list[dict]:
    """The data the page gave each score sheet component it drew (``judging/ui/sheet_inputs.py``)."""
    import json

    return [json.loads(e.proto.json) for e in at.get("bidi_component")
            if e.proto.component_name == "judging_score_sheet"]


# every sheet of the page tests' contest (tests/ui/conftest.py): two judges' totals per entry
SCORES = {"L-001": (90, 88), "L-002": (70, 74), "P-001": (85, 80), "P-002": (60, 66)}


def score_every_sheet(contest: dict) -> dict:
    """Judges j1 and j2 score every entry of ``contest`` (``SCORES``, the same value for every criterion)."""
    from actors import as_user

    from judging.store.db import write_session
    from judging.store.sheets import save_score

    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        for entry, values in SCORES.items():
            for judge, value in zip(("j1", "j2"), values, strict=True):
                for criterion in ("core_technology", "application_effect", "promotion_value"):
                    save_score(s, round_id=ids["round"], judge_id=ids[judge], entry_id=ids[entry],
                               criterion=criterion, value=float(value), actor=as_user(s, judge))
    return contest


def shown(markdown: str) -> str:
    """The text a Markdown element shows: its source without the escapes that keep user text plain."""
    return re.sub(r"\\(.)", r"\1", markdown)


def publish_scored_round(contest: dict) -> dict:
    """``score_every_sheet``, then one 一等奖 saved as the round's awards and its list published (公示)."""
    from datetime import date

    from actors import as_user

    from judging.core.award_settings import RoundAwards
    from judging.core.bundle import BundleSettings
    from judging.core.ranking import AwardConfig, TierRule
    from judging.core.rubric import Label
    from judging.store import publication as pub
    from judging.store.award_settings import save_award_settings
    from judging.store.db import write_session

    score_every_sheet(contest)
    awards = AwardConfig(tiers=(TierRule("first", Label("一等奖", "First prize"), count=1),))
    with write_session(contest["engine"]) as s:
        save_award_settings(s, round_id=contest["ids"]["round"], awards=RoundAwards(awards), based_on=0,
                            actor=as_user(s, "org"))
        pub.publish(s, round_id=contest["ids"]["round"], settings=BundleSettings(method="raw"),
                    start_date=date(2026, 11, 23), close_round=True, actor=as_user(s, "org"))
    return contest


def form_named(at: AppTest, name: str):
    """The write form ``name`` as the page shows it now (its id ends with the count of its stored writes)."""
    shown = [f for f in at.form if (f.key or "").rsplit("~", 1)[0] == name]
    assert len(shown) == 1, f"form {name}: {len(shown)} shown, among {[f.key for f in at.form]}"
    return shown[0]
