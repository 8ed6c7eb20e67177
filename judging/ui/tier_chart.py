"""The must-discuss list's picture: each listed entry's probability of every tier, and why it is listed."""

from __future__ import annotations

import altair as alt
import pandas as pd

from judging.core.results_view import discuss_words, tier_probability_long
from judging.ui.common import lang, tr

CHART_MAX_ROWS = 60  # as the interval chart: taller stops being readable
ROW_HEIGHT_PX = 18
TIER_COLOURS = ("#b8860b", "#c0392b", "#2e86c1", "#27ae60", "#8e44ad", "#16a085")  # the results page's, gold first
NO_AWARD_COLOUR = "#b0b0b0"


def with_reasons(items: pd.DataFrame) -> pd.DataFrame:
    """``items`` with ``discuss_text``: the must-discuss reasons in the tab's language."""
    reasons = items["discuss"] if "discuss" in items else pd.Series("", index=items.index)
    return items.assign(discuss_text=reasons.map(lambda v: discuss_words(v, lang())))


def tier_probability_chart(table: pd.DataFrame, tiers: list[tuple[str, str]]) -> alt.Chart:
    """One stacked bar per entry (in the table's order): its probability of each tier, best first.
    ``tiers``: key and label of each award tier."""
    data = tier_probability_long(table.head(CHART_MAX_ROWS), tiers, no_award=tr("results.no_award"))
    domain = [label for _, label in tiers] + [tr("results.no_award")]
    colours = [*TIER_COLOURS[: len(tiers)], NO_AWARD_COLOUR]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("label:N", sort=list(dict.fromkeys(data["label"])), title=None, axis=alt.Axis(labelLimit=280)),
        x=alt.X("sum(p):Q", title=tr("results.tier_probability"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("tier:N", title=tr("export.col.tier"), scale=alt.Scale(domain=domain, range=colours)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("label:N", title=tr("export.col.entry_id")),
                 alt.Tooltip("tier:N", title=tr("export.col.tier")),
                 alt.Tooltip("p:Q", format=".0%", title=tr("results.tier_probability"))],
    ).properties(height=max(120, ROW_HEIGHT_PX * min(len(table), CHART_MAX_ROWS)))
