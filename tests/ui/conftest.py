"""A small contest in a temporary SQLite database for page tests, and an AppTest of the whole app."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from judging.core.passwords import PreparedPassword, hash_password
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.store.assignment import assign
from judging.store.db import open_database, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.people import create_user
from judging.ui import forms
from judging.ui.common import USER_KEY, SignedIn

ROOT = Path(__file__).parents[2]
RUBRIC = load_rubric(ROOT / "rubrics" / "innovation_contest.toml")
PASSWORD = "correct horse 2026"


@pytest.fixture(scope="session")
def password():
    return PASSWORD


@pytest.fixture(scope="session")
def password_hash():
    return PreparedPassword(hash_password(PASSWORD))  # argon2 is slow on purpose: hash once


@pytest.fixture
def contest(tmp_path, monkeypatch, password_hash):
    """Two tracks, a blind open round, four entries, judges j1 and j2 on every entry, one of each other role."""
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("JUDGING_DATABASE_URL", url)
    engine = open_database(url)
    with write_session(engine) as s:
        edition = create_edition(s, name="测试大赛", year=2026,
                                      tracks=[("life", "生活类", "Life"), ("public", "公共服务类", "Public")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, blind=True, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": "L-001", "track": "life", "title": "智慧养老平台", "organisation": "甲公司"},
            {"code": "L-002", "track": "life", "title": "社区团购", "organisation": "乙公司"},
            {"code": "P-001", "track": "public", "title": "政务服务一网通办", "organisation": "丙公司"},
            {"code": "P-002", "track": "public", "title": "[链接](http://evil.example) **粗体**", "organisation": "丁公司"},
        ], actor=SYSTEM)
        users = {
            name: create_user(s, username=name, display_name=display, role=role, password=password_hash, actor=SYSTEM)
            for name, display, role in [("j1", "张三", "judge"), ("j2", "李四", "judge"),
                                        ("org", "王组织", "organiser"), ("ann", "赵发布", "announcer"),
                                        ("aud", "钱监督", "auditor")]
        }
        entries = entries_of(s, edition.id)
        assign(s, round_id=rnd.id, pairs=[(users[j].id, e.id) for j in ("j1", "j2") for e in entries], actor=SYSTEM)
        ids = {"round": rnd.id, "edition": edition.id} | {k: u.id for k, u in users.items()} | {e.code: e.id for e in entries}
        signed = {k: SignedIn(u.id, u.username, u.display_name, u.role) for k, u in users.items()}
    yield {"engine": engine, "ids": ids, "users": signed, "url": url}
    engine.dispose()


@pytest.fixture
def app(contest):
    """An AppTest of streamlit_app.py; ``app(user)`` signs the tab in as that user (or nobody)."""
    def make(user: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=30)
        if user is not None:
            at.session_state[USER_KEY] = contest["users"][user]
        for key, value in query.items():
            at.query_params[key] = value
        return at
    return make


@pytest.fixture(autouse=True)
def fresh_write_forms(monkeypatch):
    """Each test's tabs start with no write form pressed or stored: AppTest gives every test the same
    session id, and ``judging.ui.forms`` keeps its state per session id in this process. AppTest's runs
    follow each other within milliseconds, where a person's presses are seconds apart: each reading of
    the forms' clock is a minute later than the last (tests/ui/test_write_forms.py sets its own)."""
    clock = iter(range(0, 10**9, 60))
    monkeypatch.setattr(forms, "_now", lambda: float(next(clock)))
    forms._TABS.clear()
    yield
    forms._TABS.clear()
