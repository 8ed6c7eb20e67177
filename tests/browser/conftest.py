"""Real-browser fixtures: the app as a subprocess on a free port over a temporary SQLite database
holding the demo contest, and Debian Chromium driven by Playwright (helpers in ``browser.support``).

Browser tests skip with the reason when Chromium or Playwright is missing, unless
``REQUIRE_BROWSER=1`` (then they fail).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser.support import CHROMIUM, LAUNCH_ARGS, build_contest, require_browser, start_app


@pytest.fixture(scope="session")
def chromium():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def served_app(tmp_path_factory):
    """The app on a free port over a fresh demo database: base URL, database URL, a judge and entries."""
    require_browser()
    url = f"sqlite:///{tmp_path_factory.mktemp('app') / 'judging.db'}"
    contest = build_contest(url)
    log = tmp_path_factory.mktemp("log") / "streamlit.log"
    with start_app(url, log) as base:
        yield contest | {"base": base}


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    """Where the journeys save their screenshots: docs/img with JUDGING_UPDATE_SCREENSHOTS=1 (to refresh
    the pictures the docs show), else a temporary folder, so that a test run leaves the tree clean."""
    if os.environ.get("JUDGING_UPDATE_SCREENSHOTS") == "1":
        folder = Path(__file__).parents[2] / "docs" / "img"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path
