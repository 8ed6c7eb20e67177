"""A round to publish: two tracks of scored entries, with award settings saved (shared by the 公示 tests)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from judging.core.award_settings import RoundAwards
from judging.core.bundle import BundleSettings
from judging.core.permissions import SYSTEM
from judging.core.ranking import AwardConfig, TierRule
from judging.core.rubric import Label, load_rubric
from judging.store.award_settings import save_award_settings
from judging.store.db import write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.people import create_user
from judging.store.sheets import save_score

RUBRIC = load_rubric(Path(__file__).parents[1] / "rubrics" / "innovation_contest.toml")
AWARDS = AwardConfig(tiers=(TierRule("first", Label("一等奖", "First prize"), count=1),
                            TierRule("second", Label("二等奖", "Second prize"), count=1),
                            TierRule("third", Label("三等奖", "Third prize"), count=2)))
SETTINGS = BundleSettings(method="raw", seed=7, n_draws=50, awards=AWARDS)
MONDAY = date(2026, 11, 23)


def seed_round(engine, *, entries_per_track: int = 5, judges: int = 4, seed: int = 1, save_awards: bool = True) -> dict:
    """Two tracks, every judge scores every entry (scores drawn around a per-entry quality); the round's
    award settings are ``AWARDS`` unless ``save_awards`` is false (then the default applies)."""
    rng = np.random.default_rng(seed)
    with write_session(engine) as s:
        edition = create_edition(s, name="2026年信息消费创新大赛", year=2026,
                                      tracks=[("life", "生活类", "Life"), ("public", "公共服务类", "Public")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="final", name="终评", rubric=RUBRIC, actor=SYSTEM)
        if save_awards:
            save_award_settings(s, round_id=rnd.id, awards=RoundAwards(AWARDS), based_on=0, actor=SYSTEM)
        records = [{"code": f"{t[0].upper()}-{i:03d}", "track": t, "title": f"{'智慧养老' if t == 'life' else '城市大脑'}项目{i}",
                    "organisation": f"第{i}科技有限公司"} for t in ("life", "public") for i in range(1, entries_per_track + 1)]
        add_entries(s, edition_id=edition.id, records=records, actor=SYSTEM)
        users = [create_user(s, username=f"j{k}", display_name=f"评委{k}", actor=SYSTEM) for k in range(1, judges + 1)]
        for entry in entries_of(s, edition.id):
            quality = rng.uniform(60, 95)
            for user in users:
                for criterion in RUBRIC.criterion_keys:
                    value = float(np.clip(np.round(quality + rng.normal(0, 3)), 0, 100))
                    save_score(s, round_id=rnd.id, judge_id=user.id, entry_id=entry.id, criterion=criterion,
                                    value=value, actor=SYSTEM, enforce_assignment=False)
        return {"edition": edition.id, "round": rnd.id}
