"""Run by test_crash: saves score changes forever, printing each one after its commit returned."""

import sys

from judging.core.permissions import SYSTEM
from judging.store.db import make_engine, write_session
from judging.store.sheets import save_score


def main(url: str, round_id: int, judge_id: int, entries: list[int]) -> None:
    engine = make_engine(url)
    i = 0
    while True:
        entry_id = entries[i % len(entries)]
        value = float(i % 201) / 2
        with write_session(engine) as s:
            score = save_score(s, round_id=round_id, judge_id=judge_id, entry_id=entry_id,
                                    criterion="core_technology", value=value, actor=SYSTEM)
            version = score.version
        print(f"ACK {entry_id} {value} {version}", flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), [int(x) for x in sys.argv[4].split(",")])
