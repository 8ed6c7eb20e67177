"""The server's log: JSON lines or text on standard error; audit events logged once committed; incidents."""

from __future__ import annotations

import io
import json
import logging

import pytest
from streamlit.testing.v1 import AppTest

from judging import logs
from judging.core.permissions import SYSTEM
from judging.store.audit_log import record_event, record_events
from judging.store.db import write_session


@pytest.fixture
def captured():
    stream = io.StringIO()
    logs.configure(log_format="json", level="INFO", stream=stream)
    yield stream
    logging.getLogger(logs.LOGGER_NAME).handlers.clear()


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_json_line_holds_the_fields_and_the_traceback(captured):
    try:
        raise ValueError("boom")
    except ValueError:
        logs.get("x").exception("failed", extra={"incident": "ab12cd34"})

    (line,) = _lines(captured)
    assert (line["level"], line["logger"], line["message"], line["incident"]) == ("error", "judging.x", "failed", "ab12cd34")
    assert "ValueError: boom" in line["traceback"]


def test_text_lines_name_the_fields():
    stream = io.StringIO()
    logs.configure(log_format="text", stream=stream)

    logs.get("x").info("started", extra={"port": 8501})

    assert stream.getvalue().strip().endswith("INFO judging.x: started port=8501")


def test_an_audit_event_is_logged_when_its_transaction_commits(sqlite_engine, captured):
    with write_session(sqlite_engine) as session:
        record_event(session, actor=SYSTEM, action="test.done", subject="edition:1")
        assert _lines(captured) == []  # not before the commit

    events = [line for line in _lines(captured) if line["logger"] == "judging.events"]
    assert [(e["action"], e["actor"], e["subject"]) for e in events] == [("test.done", "system", "edition:1")]


def test_a_bulk_insert_of_events_is_one_line_with_its_count(sqlite_engine, captured):
    with write_session(sqlite_engine) as session:
        record_events(session, [(SYSTEM, "test.bulk", f"entry:{i}", {}) for i in range(3)])

    events = [line for line in _lines(captured) if line["logger"] == "judging.events"]
    assert [(e["action"], e["count"], e["actor"]) for e in events] == [("test.bulk", 3, "system")]


def test_an_event_of_a_rolled_back_transaction_is_not_logged(sqlite_engine, captured):
    with pytest.raises(RuntimeError), write_session(sqlite_engine) as session:
        record_event(session, actor=SYSTEM, action="test.undone", subject="")
        raise RuntimeError("rolled back")
    with write_session(sqlite_engine) as session:
        record_event(session, actor=SYSTEM, action="test.after", subject="")

    assert [line["action"] for line in _lines(captured) if line["logger"] == "judging.events"] == ["test.after"]


@pytest.fixture(autouse=True)
def _error_details_restored():
    """The pages below set client.showErrorDetails, a process-wide option: put it back for the other tests."""
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    yield
    config.set_option("client.showErrorDetails", before)


def _failing_page(hidden: str):
    import streamlit as st

    from judging.ui import incidents

    st.set_option("client.showErrorDetails", hidden)
    incidents.guard_page(lambda: 1 / 0, page="p", username="j1")


def test_with_details_hidden_a_failure_shows_an_incident_id_that_the_log_has(captured):
    at = AppTest.from_function(_failing_page, args=("none",)).run()

    (line,) = [line for line in _lines(captured) if line["logger"] == "judging.incidents"]
    assert not at.exception
    assert [e.value for e in at.error] == [f"页面出错了，您的修改在出错前均已保存。请刷新页面重试；如果仍然出错，请把事件编号 {line['incident']} 告诉组织方或管理员"]
    assert "ZeroDivisionError" in line["traceback"] and (line["page"], line["user"]) == ("p", "j1")


def test_with_details_shown_the_exception_is_raised_as_it_is(captured):
    at = AppTest.from_function(_failing_page, args=("full",)).run()

    assert [e.message for e in at.exception] == ["division by zero"]
    assert _lines(captured) == []


def test_the_apps_own_config_hides_error_details_so_plain_streamlit_run_shows_incident_ids_too():
    import tomllib

    from judging.resources import streamlit_config

    settings = tomllib.loads(streamlit_config().read_text(encoding="utf-8"))

    assert settings["client"]["showErrorDetails"] == "none"
