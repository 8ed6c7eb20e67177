"""What the browser tests share: the app as a subprocess on a free port (one or several replicas over
one database), the demo contest to drive, and waiting for Streamlit the way its own e2e suite does.

The browser tests import it as ``browser.support`` (``pythonpath = ["tests"]`` in pyproject.toml).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from judging.core.permissions import SYSTEM
from judging.core.states import SheetProgress
from judging.store.db import open_database, read_session, write_session
from judging.store.people import list_judges
from judging.store.sheets import (
    SheetState,
    judge_entry_rows,
    load_sheet,
    open_rounds_of_judge,
    save_score,
)

ROOT = Path(__file__).parents[2]
CHROMIUM = os.environ.get("JUDGING_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-dev-shm-usage", "--disable-component-update", "--disable-sync"]
APP_START_TIMEOUT_S = 60
VIEWPORT = {"width": 1366, "height": 768}  # a judge's laptop


def _missing_browser() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install playwright)"
    return None


def require_browser() -> None:
    """Skip with the reason when Chromium or Playwright is missing; fail instead with REQUIRE_BROWSER=1."""
    reason = _missing_browser()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


def settle(page) -> None:
    """Wait like Streamlit's own e2e suite: connected, then the script has finished its run."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=30_000)
    page.wait_for_timeout(250)  # a rerun triggered by the last action may not have started yet
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=60_000)


def sign_in(page, username: str, password: str) -> None:
    """Fill in and send the sign-in form the page shows, then wait for the page behind it."""
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    settle(page)
    page.wait_for_timeout(500)  # signing in reruns the app: wait for that run too, not just the click's
    settle(page)


def choose_own_password(page, one_time: str, new: str) -> None:
    """Signed in with a one-time password: choose one's own on the form the app shows before going on."""
    expect(page.get_by_role("heading", name="请设置您自己的密码")).to_be_visible()
    page.get_by_label("当前密码（初始密码）").fill(one_time)
    page.get_by_label("新密码", exact=True).fill(new)
    page.get_by_label("再次输入新密码").fill(new)
    page.get_by_role("button", name="保存并进入").click()
    settle(page)
    page.wait_for_timeout(500)
    settle(page)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_contest(url: str) -> dict:
    """Build the demo contest in ``url``; the demo judge with the most unscored entries, and two of them."""
    from judging.demo import DEMO_PASSWORD, build_demo

    engine = open_database(url)
    build_demo(engine, seed=2026)
    best = None
    with read_session(engine) as s:
        for judge in list_judges(s, actor=SYSTEM):
            for rnd in open_rounds_of_judge(s, judge_id=judge.id, actor=SYSTEM):
                rows = judge_entry_rows(s, round_id=rnd.id, judge_id=judge.id, actor=SYSTEM)
                fresh = [r.entry.id for r in rows if r.state == SheetProgress.NOT_STARTED]
                if best is None or len(fresh) > len(best["entries"]):
                    best = {"username": judge.username, "judge_id": judge.id, "round_id": rnd.id, "entries": fresh}
    engine.dispose()
    assert best and len(best["entries"]) >= 2, "the demo contest has no judge with two unscored entries"
    return best | {"password": DEMO_PASSWORD, "url": url}


@contextmanager
def start_app(url: str, log: Path, *, port: int | None = None, **env: str):
    """The app as a subprocess on a free port (or ``port``: a restart on the same address) over the
    database ``url``; yields its base URL.

    Several of these over one database are several replicas of one system.
    """
    port = port or free_port()
    environment = os.environ | {"JUDGING_DATABASE_URL": url} | env
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless", "true",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
             "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + APP_START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not start; its log:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# --- the judge's score sheet ---

def field(page, app, entry: int, name: str):
    """An input of the open score sheet: ``score_<criterion>``, ``comment_<criterion>`` (``comment_overall``
    for the sheet's comment) or ``veto_<key>`` (its reason), as the sheet's component names them."""
    kind, _, key = name.partition("_")
    wire = f"{kind}:{'' if key == 'overall' else key}"
    return page.locator(f".sheet[data-entry='{entry}'] [data-field='{wire}']:is(input[type='text'], textarea)").first


def score_box(page, criterion: str):
    return page.locator(f"input[data-field='score:{criterion}']")


def unsaved(page) -> int:
    """How many of the judge's changes the open sheet has not had stored yet (its bar says so)."""
    # (while Streamlit swaps the sheet's element, an old and a new one can both be on the page for a
    # moment; they share one outbox, so either tells)
    return int(page.locator(".sheet .bar").first.get_attribute("data-unsaved") or 0)


def wait_saved(page, timeout_s: float = 15) -> None:
    """Until the open sheet has had every change stored."""
    deadline = time.monotonic() + timeout_s
    while unsaved(page):
        if time.monotonic() > deadline:
            raise AssertionError(f"{unsaved(page)} change(s) still not stored after {timeout_s} s")
        page.wait_for_timeout(50)


def open_entry(page, app, entry: int) -> None:
    page.locator(f".st-key-open_{entry} button").click()
    settle(page)
    if f"entry={entry}" not in page.url:
        # seen 2 in ~40 openings while another agent's page-frame component was being built: the click
        # landed during a rerun of the list and was lost; click once more (a person would too)
        page.wait_for_timeout(500)
        page.locator(f".st-key-open_{entry} button").click()
        settle(page)
    try:
        page.locator(".sheet .bar").first.wait_for(timeout=20_000)
    except PlaywrightTimeoutError:
        # OPEN DEFECT (2026-12-03): under load the sheet page sometimes stays blank after the click (main area
        # empty, sidebar drawn, URL right; 2 in 5 journeys with three CPU burners, once in a CI run); a reload
        # shows it (2 of 2). Reloaded here, as a judge would, and reported as a warning so it stays visible
        warnings.warn(f"score sheet of entry {entry} stayed blank for 20 s after opening it; reloaded", stacklevel=2)
        page.reload()
        page.locator(".sheet .bar").first.wait_for()
    field(page, app, entry, "score_core_technology").wait_for()


def stored(app, entry: int) -> SheetState:
    """The judge's sheet as the database holds it."""
    engine = open_database(app["url"])
    try:
        with read_session(engine) as s:
            return load_sheet(s, round_id=app["round_id"], judge_id=app["judge_id"], entry_id=entry, actor=SYSTEM)
    finally:
        engine.dispose()


class Network:
    """The network between the browser and the app, which a test can cut: a TCP relay on a free port.

    ``cut()`` closes every open connection (the WebSocket too) and refuses new ones, as a lost Wi-Fi
    does; ``mend()`` lets connections through again. (Playwright's ``set_offline`` alone leaves an
    open WebSocket working in Chromium.)
    """

    def __init__(self, target_port: int):
        import threading

        self.target = target_port
        self.open = True
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        import threading

        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.pairs.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        self.open = False
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for s in pair:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass

    def mend(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.server.close()


def elsewhere(app, entry: int, criterion: str, value: float) -> None:
    """A score arrives from elsewhere for the judge (as ``judging scores import`` stores one)."""
    engine = open_database(app["url"])
    try:
        with write_session(engine) as s:
            save_score(s, round_id=app["round_id"], judge_id=app["judge_id"], entry_id=entry, criterion=criterion,
                       value=value, actor=SYSTEM, enforce_assignment=False)
    finally:
        engine.dispose()
