"""``judging demo [--db URL] [--seed N]``: build the demo contest into an empty database."""

from __future__ import annotations

from judging.demo import DEMO_PASSWORD, DEMO_SEED, build_demo, demo_summary
from judging.i18n import t
from judging.store.db import database_url, open_database, read_session


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="build the demo contest / 建立演示大赛")
    parser.add_argument("--db", metavar="URL", default=None,
                        help="database URL (default: JUDGING_DATABASE_URL or sqlite:///data/judging.db)")
    parser.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed of the simulated scores")
    parser.set_defaults(func=run_demo)


def run_demo(args) -> int:
    url = args.db or database_url()
    engine = open_database(url)
    try:
        edition_id = build_demo(engine, seed=args.seed)
        with read_session(engine) as session:
            summary = demo_summary(session, edition_id)
    finally:
        engine.dispose()
    print(t("demo.created", **summary))
    print(t("demo.accounts", password=DEMO_PASSWORD, last=summary["judges"]))
    print(t("demo.database", url=engine.url.render_as_string(hide_password=True)))
    return 0
