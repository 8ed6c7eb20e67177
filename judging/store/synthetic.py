"""A synthetic contest in a database (one track, judges each with their own entries) for benchmarks and stress tests."""

from __future__ import annotations

from judging import resources
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.store.assignment import assign
from judging.store.db import write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.people import create_user

RUBRIC_PATH = resources.rubrics_dir() / "innovation_contest.toml"


def build_contest(engine, *, judges: int, entries_per_judge: int) -> dict:
    """Every judge gets their own ``entries_per_judge`` entries; returns ids for the writers."""
    rubric = load_rubric(RUBRIC_PATH)
    with write_session(engine) as s:
        edition = create_edition(s, name="基准测试", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=rubric, actor=SYSTEM)
        n = judges * entries_per_judge
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"E{i:05d}", "track": "life", "title": f"作品{i}"} for i in range(n)
        ], actor=SYSTEM)
        entry_ids = [e.id for e in entries_of(s, edition.id)]
        judge_ids = [create_user(s, username=f"j{i:03d}", display_name=f"评委{i}", actor=SYSTEM).id for i in range(judges)]
        pairs = [(j, entry_ids[i * entries_per_judge + k]) for i, j in enumerate(judge_ids) for k in range(entries_per_judge)]
        assign(s, round_id=rnd.id, pairs=pairs, actor=SYSTEM)
    return {"round_id": rnd.id, "judges": judge_ids, "entries": entry_ids, "pairs": pairs,
            "criteria": list(rubric.criterion_keys)}
