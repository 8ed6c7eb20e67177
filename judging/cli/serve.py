"""``judging serve`` starts the app with the settings shipped in the package; ``judging health`` checks the database.

``serve`` runs ``streamlit run`` on the packaged ``streamlit_app.py`` with every setting of the
packaged ``.streamlit/config.toml`` given on the command line, so an installed copy keeps the upload
limit wherever it is started from. The process is replaced by
Streamlit's (``exec``), so a service manager's signals reach the server itself.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from judging import resources
from judging.i18n import t
from judging.store.db import make_engine, schema_revisions

DEFAULT_PORT = 8501  # Streamlit's own default
DEFAULT_ADDRESS = "127.0.0.1"  # behind a reverse proxy; --address 0.0.0.0 listens on every interface
# settings a server always wants, whatever the config file says; users see an incident id instead of a
# traceback (the traceback goes to the log under that id: judging/ui/incidents.py)
SERVER_FLAGS = ("--server.headless=true", "--server.fileWatcherType=none", "--browser.gatherUsageStats=false",
                "--client.showErrorDetails=none", "--client.toolbarMode=minimal")


def register(subparsers) -> None:
    serve = subparsers.add_parser("serve", help="start the app with its packaged settings / 启动应用")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    serve.add_argument("--address", default=DEFAULT_ADDRESS, help=f"address to listen on (default {DEFAULT_ADDRESS})")
    serve.add_argument("--print-command", action="store_true", help="print the Streamlit command instead of running it")
    serve.set_defaults(func=run_serve)

    health = subparsers.add_parser("health", help="check the database and its schema / 检查数据库与结构版本")
    health.add_argument("--db", default=None, help="database URL (default: JUDGING_DATABASE_URL)")
    health.set_defaults(func=run_health)


def config_flags(config: Path) -> list[str]:
    """``--section.key=value`` for every setting in a Streamlit config file (TOML)."""
    flags: list[str] = []

    def walk(prefix: str, table: dict) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                text = str(value).lower() if isinstance(value, bool) else str(value)
                flags.append(f"--{prefix}{key}={text}")

    walk("", tomllib.loads(config.read_text(encoding="utf-8")))
    return flags


def serve_command(*, port: int, address: str) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(resources.app_file()), *config_flags(resources.streamlit_config()),
            *SERVER_FLAGS, f"--server.port={port}", f"--server.address={address}"]


def run_serve(args) -> int:
    command = serve_command(port=args.port, address=args.address)
    if args.print_command:
        print(" ".join(command))
        return 0
    sys.stdout.flush()
    os.execv(command[0], command)
    return 0  # not reached: the process is Streamlit's now


def run_health(args) -> int:
    engine = make_engine(args.db)
    url = engine.url.render_as_string(hide_password=True)
    try:
        current, head = schema_revisions(engine)
    except Exception as exc:  # any failure to reach the database is what this command reports
        print(t("cli.health_unreachable", url=url, detail=(str(exc).strip().splitlines() or [type(exc).__name__])[0]), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if current != head:
        print(t("cli.health_schema_behind", url=url, current=current or "-", head=head or "-"), file=sys.stderr)
        return 1
    print(t("cli.health_ok", url=url, revision=current))
    return 0
