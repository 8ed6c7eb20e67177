"""The panel's decisions on the entries it must discuss (ties, boundaries, disagreement, vetoes): keep
the tier, move the entry to another tier, send it to 复评, or add judges; each with the reason and
who was present. The rules of a decision, the one in force per entry, and the notes the 公示
documents print; the store keeps them (``judging.store.panel``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from judging.errors import JudgingError, Problem
from judging.i18n import t

KEEP, MOVE, REVIEW, EXTRA_JUDGES = "keep", "move", "review", "extra_judges"
DECISIONS = (KEEP, MOVE, REVIEW, EXTRA_JUDGES)
NOTED = (MOVE, REVIEW, EXTRA_JUDGES)  # the decisions a 公示 document explains (keeping a tier needs no note)
NAME_SEPARATORS = re.compile(r"[,，、;；\n]+")
PANEL_SOURCE = "panel:"  # the source of a tier change that carries out a panel's decision


class PanelError(JudgingError):
    """A panel decision that cannot be recorded as given."""


@dataclass(frozen=True)
class Decision:
    """A panel decision as recorded (``tier`` only for ``move``; empty there means no award)."""

    id: int
    entry_id: str
    decision: str
    tier: str
    reason: str
    present: tuple[str, ...]
    actor: str = ""
    at: str = ""


def present_names(text: str | Iterable[str]) -> tuple[str, ...]:
    """The names of those present, from a text separated by commas, 、 or lines (or a list), in order, once each."""
    parts = NAME_SEPARATORS.split(text) if isinstance(text, str) else list(text)
    return tuple(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def check_decision(*, decision: str, tier: str, reason: str, present: Sequence[str], tiers: Sequence[str]) -> None:
    """Raise ``PanelError`` with every problem of a decision (its kind, tier, reason and who was present)."""
    problems = []
    if decision not in DECISIONS:
        problems.append(Problem("panel.bad_decision", {"value": decision, "allowed": ", ".join(DECISIONS)}))
    if decision == MOVE and tier and tier not in tiers:
        problems.append(Problem("panel.unknown_tier", {"value": tier, "allowed": ", ".join(tiers)}))
    if decision != MOVE and tier:
        problems.append(Problem("panel.tier_only_for_move", {}))
    if not reason.strip():
        problems.append(Problem("panel.reason_required", {}))
    if not present:
        problems.append(Problem("panel.present_required", {}))
    if problems:
        raise PanelError(problems)


def in_force(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """The decision in force per entry: the latest one recorded (by id)."""
    latest: dict[str, Decision] = {}
    for d in sorted(decisions, key=lambda d: d.id):
        latest[d.entry_id] = d
    return latest


def with_decisions(table: pd.DataFrame, decisions: Iterable[Decision]) -> pd.DataFrame:
    """The list with the decision in force per entry: ``panel_decision``, ``panel_tier``, ``panel_reason``."""
    latest = in_force(decisions)
    out = table.copy()
    ids = out["entry_id"].astype(str)
    out["panel_decision"] = [latest[e].decision if e in latest else "" for e in ids]
    out["panel_tier"] = [latest[e].tier if e in latest else "" for e in ids]
    out["panel_reason"] = [latest[e].reason if e in latest else "" for e in ids]
    return out


def change_reason(decision: Decision, lang: str | None = None) -> str:
    """The reason a tier change that carries out a move records: the panel's reason and who was present."""
    return t("panel.change_reason", lang, reason=decision.reason, present="、".join(decision.present))


def panel_notes(frame: pd.DataFrame, *, labels: Mapping[str, str], lang: str = "zh") -> list[str]:
    """The notes a 公示 document prints under its tables: one per entry the panel moved, sent to 复评 or
    gave more judges (with the reason; the names present stay in the records)."""
    if "panel_decision" not in frame.columns:
        return []
    notes = []
    for row in frame[frame["panel_decision"].isin(NOTED)].itertuples(index=False):
        tier = labels.get(row.panel_tier, row.panel_tier) or t("panel.no_award", lang)
        notes.append(t(f"panel.note.{row.panel_decision}", lang, title=row.title, organisation=row.organisation,
                       tier=tier, reason=row.panel_reason))
    return notes
