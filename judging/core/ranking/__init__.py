"""The ranking engine: weighted totals, normalisation methods, the calibrated default,
uncertainty, award tiers and rounds. Pure: pandas/numpy in, pandas/numpy out.

Public API (stable; the UI and the CLI call only these)::

    rank(scores, rubric, *, method="calibrated", vetoes=None, awards=None, disagreement=None,
         round_weights=None, n_draws=200, level=0.95, seed=0) -> RankingResult
    compare_methods(scores, rubric, *, methods=METHOD_NAMES, ...) -> MethodComparison
    load_award_config(path) -> AwardConfig;  default_award_config() -> AwardConfig
    sheet_totals(scores=..., rubric=...) -> DataFrame
"""

from judging.core.ranking.api import (
                                      DEFAULT_METHOD,
                                      FLAG_ORDER,
                                      METHOD_NAMES,
                                      METHODS,
                                      TABLE_COLUMNS,
                                      MethodComparison,
                                      RankingResult,
                                      compare_methods,
                                      rank,
)
from judging.core.ranking.awards import (
                                      AwardConfig,
                                      Disagreement,
                                      TierRule,
                                      award_config_from_mapping,
                                      default_award_config,
                                      load_award_config,
)
from judging.core.ranking.totals import sheet_totals

__all__ = [
    "DEFAULT_METHOD", "FLAG_ORDER", "METHOD_NAMES", "METHODS", "TABLE_COLUMNS", "AwardConfig", "Disagreement",
    "MethodComparison", "RankingResult", "TierRule", "award_config_from_mapping", "compare_methods",
    "default_award_config", "load_award_config", "rank", "sheet_totals",
]
