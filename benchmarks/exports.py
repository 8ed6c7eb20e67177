"""Time to produce every export for a large award list (prints figures; no assertions).

Usage: ``python benchmarks/exports.py [--entries 10000] [--tracks 5] [--winners-share 0.5]``.
The list has Chinese titles and organisations of realistic length; half of the entries win an
award by default (one certificate page each), an upper bound for real contests, where 20–50 % do.
The bundle is timed separately on simulated scores (5 judges per entry), because it includes
recomputing the ranking for ``verify``.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import numpy as np
import pandas as pd

from judging.core import exports
from judging.core.exports import EditionInfo

TRACKS = ("life", "public", "industry", "new_product", "platform")
TRACK_NAMES = {"life": "生活类信息消费", "public": "公共服务类信息消费", "industry": "行业类信息消费",
               "new_product": "新型信息产品", "platform": "信息消费支撑平台"}
WORDS = ("智慧", "社区", "养老", "服务", "平台", "城市", "大脑", "数字", "乡村", "医疗", "教育", "云", "工业",
         "互联网", "安全", "监测", "系统", "应用", "终端", "数据")


def make_list(n: int, n_tracks: int, winners_share: float, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tracks = np.array(TRACKS[:n_tracks], dtype=object)[rng.integers(0, n_tracks, n)]
    titles = ["".join(rng.choice(WORDS, rng.integers(4, 9))) + "项目" for _ in range(n)]
    orgs = ["".join(rng.choice(WORDS, 3)) + "科技有限公司" for _ in range(n)]
    score = np.round(rng.normal(75, 8, n), 2)
    frame = pd.DataFrame({"entry_id": [f"2026-{i:05d}" for i in range(n)], "track": tracks, "title": titles,
                          "organisation": orgs, "recommending_unit": "某省经济和信息化厅", "score": score,
                          "score_low": score - 3, "score_high": score + 3, "flags": ""})
    frame["rank"] = frame.groupby("track")["score"].rank(ascending=False, method="min").astype(int)
    size = frame.groupby("track")["entry_id"].transform("size")
    share = frame["rank"] / size
    cuts = np.array([0.05, 0.15, 0.3, winners_share])
    frame["tier"] = np.select([share <= cuts[0], share <= cuts[1], share <= cuts[2], share <= cuts[3]],
                              ["first", "second", "third", "excellence"], default="")
    return frame


def timed(label: str, func) -> float:
    """Wall and CPU seconds (CPU is what counts on a shared machine) and the size of the result."""
    start, cpu = time.perf_counter(), time.process_time()
    data = func()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label:<28} {seconds:8.2f} s wall {cpu:8.2f} s CPU {len(data) / 1e6:8.2f} MB")
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--tracks", type=int, default=5)
    parser.add_argument("--winners-share", type=float, default=0.5)
    parser.add_argument("--skip-bundle", action="store_true")
    args = parser.parse_args()
    frame = make_list(args.entries, args.tracks, args.winners_share)
    info = EditionInfo(name="2026年信息消费创新大赛", year=2026, organiser="某市经济和信息化局",
                       track_names=TRACK_NAMES, publication_start=date(2026, 11, 23),
                       publication_end=date(2026, 11, 27), contact="010-12345678", issued_on=date(2026, 11, 23))
    winners = int((frame["tier"] != "").sum())
    print(f"{args.entries} entries in {args.tracks} tracks, {winners} winners")
    total = 0.0
    for kind in exports.EXPORT_KINDS:
        total += timed(kind, lambda kind=kind: exports.render(kind, frame, info))
    print(f"{'all five exports':<28} {total:8.2f} s CPU")
    if not args.skip_bundle:
        from judging.core.bundle import BundleSettings, build_bundle, canonical_scores, verify_bundle
        from judging.core.rubric import load_rubric
        from judging.core.simulate import simulate_contest

        rubric = load_rubric("rubrics/innovation_contest.toml")
        contest = simulate_contest(rubric=rubric, n_entries=args.entries, n_judges=max(20, args.entries // 10))
        scores = canonical_scores(contest.scores, rubric)
        settings = BundleSettings()
        print(f"bundle input: {len(scores)} score rows")
        data = {}
        timed("bundle (rank + write)", lambda: data.setdefault("b", build_bundle(
            rubric=rubric, scores=scores, settings=settings)))
        start, cpu = time.perf_counter(), time.process_time()
        report = verify_bundle(data["b"])
        print(f"{'verify (recompute)':<28} {time.perf_counter() - start:8.2f} s wall "
              f"{time.process_time() - cpu:8.2f} s CPU ok={report.ok}")


if __name__ == "__main__":
    main()
