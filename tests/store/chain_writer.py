"""Run by test_write_path: one app replica (its own process and engine) saving a judge's scores, printing
how many the store acknowledged."""

import sys

from judging.store.db import make_engine, read_session, write_session
from judging.store.people import resolve_actor
from judging.store.sheets import save_score


def main(url: str, round_id: int, judge_id: int, entries: list[int], criterion: str, rounds: int) -> None:
    engine = make_engine(url)
    with read_session(engine) as s:
        actor = resolve_actor(s, user_id=judge_id)
    done = 0
    for k in range(rounds):
        with write_session(engine) as s:
            save_score(s, round_id=round_id, judge_id=judge_id, entry_id=entries[k % len(entries)],
                       criterion=criterion, value=float(k % 50) + 0.5, actor=actor)
        done += 1
    print(f"DONE {done}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), [int(x) for x in sys.argv[4].split(",")], sys.argv[5],
         int(sys.argv[6]))
