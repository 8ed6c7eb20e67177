"""Hostile files through the storing importers: all or nothing (never a partial import), size-limited."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from judging.core.imports import ENTRY_COLUMNS, JUDGE_COLUMNS
from judging.core.permissions import CLI, SYSTEM
from judging.core.rubric import load_rubric
from judging.core.uploads import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB
from judging.errors import ImportValidationError
from judging.store.db import open_database, read_session, write_session
from judging.store.editions import create_edition
from judging.store.imports import import_entries, import_judges
from judging.store.models import AuditEvent, Entry, User

ROOT = Path(__file__).parents[2]
RUBRIC = load_rubric(ROOT / "rubrics" / "innovation_contest.toml")
EXAMPLES = max(10, int(os.environ.get("JUDGING_FUZZ_EXAMPLES", "1000")) // 8)



def _strategies():
    import importlib.util

    spec = importlib.util.spec_from_file_location("hostile", ROOT / "tests" / "core" / "test_hostile_input.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOSTILE = _strategies()


@pytest.fixture(scope="module")
def edition_db(tmp_path_factory):
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'h.db'}")
    with write_session(engine) as s:
        edition = create_edition(s, name="测试大赛", year=2026,
                                      tracks=[("life", "生活类", "Life"), ("public", "公共服务类", "Public")], actor=SYSTEM)
    yield engine, edition.id
    engine.dispose()


def _counts(engine):
    with read_session(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one() for t in (Entry, User, AuditEvent))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize="JUDGING_FUZZ_EXAMPLES" not in os.environ)
@given(data=st.one_of(HOSTILE.hostile_file(HOSTILE._aliases(ENTRY_COLUMNS)),
                      HOSTILE.hostile_file(HOSTILE._aliases(JUDGE_COLUMNS))),
       kind=st.sampled_from(["entries", "judges"]))
def test_a_hostile_file_imports_whole_or_not_at_all(edition_db, data, kind):
    engine, edition_id = edition_db
    before = _counts(engine)
    try:
        with write_session(engine) as s:
            if kind == "entries":
                outcome = import_entries(s, edition_id=edition_id, data=data, actor=CLI)
            else:
                outcome = import_judges(s, edition_id=edition_id, data=data, actor=CLI)
    except ImportValidationError:
        assert _counts(engine) == before  # nothing written
        return
    after = _counts(engine)
    grown = after[0] - before[0] if kind == "entries" else after[1] - before[1]
    assert grown == outcome.imported


def test_a_file_above_the_limit_is_refused_before_it_is_read(edition_db):
    engine, edition_id = edition_db
    before = _counts(engine)

    with pytest.raises(ImportValidationError) as caught, write_session(engine) as s:
        import_entries(s, edition_id=edition_id, data=b"a" * (MAX_UPLOAD_BYTES + 1), actor=CLI)

    assert [p.code for p in caught.value.problems] == ["trust.upload_too_big"]
    assert _counts(engine) == before


def test_streamlit_upload_limit_is_the_importers_limit():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))

    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
