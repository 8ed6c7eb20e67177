"""The permissions matrix for pages: every role × every page (AppTest): the page's own check renders
its content or refuses, as ``judging.core.permissions.PAGES`` says, and a refusal is logged."""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from judging.core.permissions import PAGES, ROLES
from judging.store.db import read_session
from judging.store.models import AuditEvent
from judging.ui.common import USER_KEY

USERS = {"judge": "j1", "organiser": "org", "announcer": "ann", "auditor": "aud"}
REFUSED = "您的角色无权访问此页面。"


def _run_page(contest, page: str, role: str | None) -> AppTest:
    script = f"from judging.ui.pages import BY_PATH\nBY_PATH[{page!r}].run()\n"
    at = AppTest.from_string(script, default_timeout=30)
    if role is not None:
        at.session_state[USER_KEY] = contest["users"][USERS[role]]
    return at.run()


@pytest.mark.parametrize("role", [*ROLES, None])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_renders_or_refuses_as_specified(contest, page, role):
    at = _run_page(contest, page, role)

    refused = [e.value for e in at.error] == [REFUSED]
    asked_to_sign_in = [w.value for w in at.warning][:1] == ["请先登录。"]

    assert not at.exception, at.exception
    if role is None:
        assert asked_to_sign_in
    elif role in PAGES[page]:
        assert not refused and not asked_to_sign_in and (at.title or at.header or at.subheader or at.info)
    else:
        assert refused


def test_page_refusal_is_an_audit_event(contest):
    _run_page(contest, "setup", "judge")

    with read_session(contest["engine"]) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()

    assert (last.action, last.actor, last.subject) == ("permission.refused", "j1", "page.open")
