"""The judge diagnostics as people read them: display names (not user names), translated headers,
two decimals; the chart of severity against scale use with titles on every axis and tooltip."""

from __future__ import annotations

import altair as alt
import pandas as pd

from judging.ui.common import tr

# the diagnostics' columns, in the order shown, and their headers
COLUMNS = {"judge": "jt.col.judge", "n_sheets": "results.sheets", "severity": "results.severity",
           "scale": "results.scale_use", "noise": "jt.col.noise", "consistency": "jt.col.consistency",
           "flags": "jt.col.flags"}
DECIMALS = 2


def with_names(judges: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """``judges`` with a ``judge`` column: each judge's display name (the user name only if it has none)."""
    data = judges.copy()
    data["judge"] = [names.get(str(j)) or str(j) for j in data["judge_id"]]
    if "flags" in data:
        data["flags"] = data["flags"].fillna("").astype(str)
    return data


def judge_frame(judges: pd.DataFrame, names: dict[str, str], flag_words) -> pd.DataFrame:
    """The table under the chart: display names, translated headers and flags, rounded figures."""
    data = with_names(judges, names)
    if "flags" in data:
        data["flags"] = data["flags"].map(flag_words)
    shown = [c for c in COLUMNS if c in data.columns]
    data = data[shown].round({c: DECIMALS for c in ("severity", "scale", "noise", "consistency") if c in shown})
    return data.rename(columns={c: tr(COLUMNS[c]) for c in shown})


def judge_chart(judges: pd.DataFrame, names: dict[str, str]) -> alt.Chart:
    """Severity (offset in points) against scale use; a flagged judge is drawn in red."""
    data = with_names(judges, names).assign(flagged=lambda d: d.get("flags", pd.Series("", index=d.index)) != "")
    return alt.Chart(data, title=tr("jt.chart_title")).mark_circle().encode(
        x=alt.X("severity:Q", title=tr("results.severity")),
        y=alt.Y("scale:Q", title=tr("results.scale_use")),
        size=alt.Size("n_sheets:Q", title=tr("results.sheets")),
        color=alt.condition("datum.flagged", alt.value("#d62728"), alt.value("#1f77b4")),
        tooltip=[alt.Tooltip("judge:N", title=tr("jt.col.judge")),
                 alt.Tooltip("n_sheets:Q", title=tr("results.sheets")),
                 alt.Tooltip("severity:Q", format=".2f", title=tr("results.severity")),
                 alt.Tooltip("scale:Q", format=".2f", title=tr("results.scale_use")),
                 alt.Tooltip("noise:Q", format=".2f", title=tr("jt.col.noise")),
                 alt.Tooltip("consistency:Q", format=".2f", title=tr("jt.col.consistency"))],
    ).properties(height=320)
