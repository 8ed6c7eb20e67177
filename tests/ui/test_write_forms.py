"""Write forms count a press once (``judging.ui.forms``); the browser test of the race is
tests/browser/test_double_submit.py."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from streamlit.testing.v1 import AppTest

from judging.ui import forms

SCRIPT = '''
import streamlit as st
from judging.ui import forms

with forms.write_form("f") as form:
    name = st.text_input("name", key=form.key + "_name")
    if form.submit("go"):
        if name == "stop":
            st.stop()  # a run stopped after it took the press, before its write was stored
        if name:
            st.session_state.setdefault("writes", []).append(name)
            forms.stored()
            st.rerun()
        else:
            st.error("empty")
'''


def _submit(at: AppTest, name: str | None = None) -> AppTest:
    if name is not None:
        at.text_input[0].input(name)
    return at.button[0].click().run()


def test_a_stored_write_gives_the_form_a_new_id_and_empties_its_keyed_fields():
    at = AppTest.from_string(SCRIPT).run()
    assert at.form[0].key == "f~0"
    _submit(at, "王五")
    assert at.session_state["writes"] == ["王五"]
    assert at.form[0].key == "f~1" and at.text_input[0].value == ""



def test_a_press_on_the_new_form_within_the_double_click_time_does_nothing(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(forms, "_now", lambda: clock[0])
    at = AppTest.from_string(SCRIPT).run()
    _submit(at, "王五")
    clock[0] += forms.DOUBLE_CLICK_S / 2
    _submit(at)  # the second half of the double click: no "empty" refusal for the emptied field
    assert not at.error and at.session_state["writes"] == ["王五"]
    clock[0] += forms.DOUBLE_CLICK_S
    _submit(at, "李四")
    assert at.session_state["writes"] == ["王五", "李四"]


def test_a_refused_write_keeps_the_form_and_the_next_press_counts():
    at = AppTest.from_string(SCRIPT).run()
    _submit(at, "")
    assert at.error and at.form[0].key == "f~0"
    _submit(at, "王五")
    assert at.session_state["writes"] == ["王五"]


def test_a_run_stopped_before_its_write_leaves_the_press_to_the_next_run():
    at = AppTest.from_string(SCRIPT).run()
    _submit(at, "stop")  # the run stopped after taking the press, before its write: nothing stored
    assert "writes" not in at.session_state and at.form[0].key == "f~0"
    _submit(at, "王五")
    assert at.session_state["writes"] == ["王五"]


def test_every_form_of_the_app_is_a_write_form():
    ui = Path(forms.__file__).parent
    raw = [f"{p.name}:{n}" for p in sorted(ui.rglob("*.py")) if p.name != "forms.py"
           for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
           if re.search(r"\bst\.(form|form_submit_button)\(", line)]
    assert raw == []


def test_a_kept_message_shows_for_its_time_on_its_page_and_goes_when_the_organiser_moves_on(monkeypatch):
    clock, page = [1000.0], ["awards"]
    monkeypatch.setattr(forms, "_now", lambda: clock[0])
    monkeypatch.setattr(forms, "_page", lambda: page[0])
    monkeypatch.setattr(forms, "_TABS", {})
    forms.keep_message("奖项设置已保存")
    assert forms.kept_message(5.0) == "奖项设置已保存"
    clock[0] += 4.0
    assert forms.kept_message(5.0) == "奖项设置已保存"  # the run a second click asks for still shows it
    clock[0] += 2.0
    assert forms.kept_message(5.0) is None
    forms.keep_message("奖项设置已保存")
    page[0] = "mail"
    assert forms.kept_message(5.0) is None  # another page: the words are about the awards' write
    page[0] = "awards"
    assert forms.kept_message(5.0) is None  # and it is gone, not waiting for the way back


def test_a_tab_forgotten_after_a_day_without_a_run_gets_new_press_keys(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(forms, "_now", lambda: clock[0])
    monkeypatch.setattr(forms, "_TABS", {"old-tab": forms._TabForms(seen=1000.0)})
    monkeypatch.setattr(forms, "_PRUNED_AT", [0.0])
    token = forms._TABS["old-tab"].token
    clock[0] += forms.TAB_FORGET_S / 2
    forms._tab()
    assert "old-tab" in forms._TABS  # half a day idle: remembered
    clock[0] += forms.TAB_FORGET_S
    forms._tab()
    assert "old-tab" not in forms._TABS
    forms._TABS["old-tab"] = forms._TabForms()
    assert forms._TABS["old-tab"].token != token  # so its "f~0" press cannot meet the old tab's stored one


BUTTON_SCRIPT = '''
import streamlit as st
from judging.store import db
from judging.ui import forms

if forms.write_button("确认增派", key="go"):
    key, used = db._PRESS.get()
    st.session_state.setdefault("claims", []).append(key.rsplit("/", 1)[1])
    outcome = st.session_state.get("outcome")
    if outcome != "stopped before commit":
        used()  # what write_session does once the transaction that stored the press commits
    if outcome == "stored":
        forms.stored()  # the handler, at once after its commit
'''


def test_a_write_button_claims_a_new_press_key_only_once_a_write_committed_the_last(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(forms, "_now", lambda: clock[0])
    at = AppTest.from_string(BUTTON_SCRIPT)
    at.session_state["outcome"] = "stopped before commit"
    at.run()
    at.button(key="go").click().run()  # a run that took the press and had not committed when ...
    at.button(key="go").click().run()  # ... the second click's run took it: the same key, refused by the store
    at.session_state["outcome"] = "stored"
    at.button(key="go").click().run()
    clock[0] += forms.DOUBLE_CLICK_S / 2
    at.button(key="go").click().run()  # the second half of a double click after a stored write: ignored
    clock[0] += forms.DOUBLE_CLICK_S
    at.session_state["outcome"] = "committed, shown as a refusal"  # a failed sign-in counts the failure
    at.button(key="go").click().run()
    at.button(key="go").click().run()  # the corrected press at once: a new key, not "already stored"
    assert at.session_state["claims"] == ["go#0", "go#0", "go#0", "go#1", "go#2"]


def test_every_button_that_writes_is_a_write_button():
    """A button whose handler writes goes through ``write_button`` (its press is stored once); a plain
    button is listed here with what it does instead (reads, moves, or writes what a second press makes
    again the same)."""
    plain_buttons = {  # (file, a word of the line, or "" for every button of the file): why
        ("judge_sheet.py", ""): "declaring a conflict: a callback; the store refuses a second declaration",
        ("judge_entries.py", ""): "refresh and open: no write",
        ("organiser_screen.py", ""): "leave the projector view: no write",
        ("sign_in.py", ""): "build the demo (shown only on an empty database) and single sign-on",
        ("auditor.py", ""): "check the trail: a read",
        ("extra_judges.py", "extra_propose_"): "propose: a read",
        ("organiser_paper.py", "oc_paper_make"): "print: sheet ids are kept, a second print makes the same PDF",
        ("organiser_mail.py", "mail."): "send: a callback; a batch is sent once (its own idempotency, docs/mail.md)",
    }
    ui = Path(forms.__file__).parent
    found = [(p.name, n, line) for p in sorted(ui.rglob("*.py")) if p.name != "forms.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\.button\(", line) and "write_button(" not in line]
    unlisted = [f"{name}:{n}" for name, n, line in found
                if not any(name == f and word in line for f, word in plain_buttons)]
    assert unlisted == []


def test_a_press_the_page_took_but_did_not_write_is_dropped_when_the_page_run_ends():
    from judging.store import db
    from judging.ui import incidents

    incidents.guard_page(lambda: db.claim_press("tab/token/f#0"), page="p", username="org")
    assert db._PRESS.get() is None  # a callback's write in the next run (same thread) must not store it


def test_a_second_run_of_the_tab_does_not_take_the_first_runs_press_away(monkeypatch):
    """Fast reruns: the second click's run starts (``new_run``) on another thread while the first is
    writing. The first run's ``stored`` must still give its form a new id and arm the double-click time."""
    monkeypatch.setattr(forms, "_session_id", lambda: "one-tab")
    monkeypatch.setattr(forms, "_now", lambda: 1000.0)  # all within the double-click time
    first_took, second_started, events = threading.Event(), threading.Event(), []

    def first_run():
        forms._take_press("objection")
        first_took.set()
        second_started.wait(5)  # the second run began meanwhile
        forms.stored()
        events.append(forms.form_key("objection"))

    def second_run():
        first_took.wait(5)
        forms.new_run()
        second_started.set()

    threads = [threading.Thread(target=first_run), threading.Thread(target=second_run)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)

    assert events == ["objection~1"]
    assert not forms._take_press("objection")  # the second half of the double click is ignored


def test_signing_out_forgets_what_the_tab_was_given_to_show(monkeypatch):
    monkeypatch.setattr(forms, "_session_id", lambda: "one-tab")
    forms.keep("oc_issued_accounts", ["w01 / one-time password"])
    forms.keep_message("已导入 2 位评委")
    forms.forget_tab()
    assert forms.kept("oc_issued_accounts") is None and forms.kept_message(5.0) is None
