"""AppTest of the document settings: the organiser sets the issuer and certificate numbering on the
setup page (a refused save keeps what was typed), and the announcer's signed documents wait for them."""

from __future__ import annotations

import json

from actors import as_user
from sqlmodel import select
from streamlit.testing.v1 import AppTest
from ui.support import publish_scored_round

from judging.core.documents import DocumentSettings
from judging.store.db import read_session, write_session
from judging.store.documents import document_settings_of, save_document_settings
from judging.store.models import AuditEvent
from judging.ui.common import USER_KEY


def page(contest, module: str, user: str) -> AppTest:
    at = AppTest.from_string(f"import judging.ui.{module} as m\nm.render()", default_timeout=60)
    at.session_state[USER_KEY] = contest["users"][user]
    return at


def _key(contest, version: int, field: str) -> str:
    return f"doc_{contest['ids']['edition']}_{version}_{field}"


def _save_button(at: AppTest):
    return next(b for b in at.button if b.label == "保存文书设置")


def test_setup_page_saves_the_issuer_scheme_and_prefixes_as_an_audited_version(contest):
    at = page(contest, "organiser_setup", "org").run()
    assert "尚未设置" in [w.value for w in at.warning]

    at.text_input(key=_key(contest, 0, "issuer")).input("某市经济和信息化局")
    at.text_input(key=_key(contest, 0, "scheme")).input("{年份}信创赛证字第{序号:03d}号")
    at.text_input(key=_key(contest, 0, "prefix_public")).input("公服")
    _save_button(at).click()
    at.run()

    assert not at.exception
    with read_session(contest["engine"]) as s:
        stored = document_settings_of(s, edition_id=contest["ids"]["edition"], actor=as_user(s, "org"))
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "edition.document_settings")).one()
    assert (stored.version, stored.settings) == (1, DocumentSettings(
        issuer="某市经济和信息化局", certificate_scheme="{年份}信创赛证字第{序号:03d}号", track_prefixes={"public": "公服"}))
    assert (event.actor, json.loads(event.payload)["version"]) == ("org", 1)
    assert at.text_input(key=_key(contest, 1, "issuer")).value == "某市经济和信息化局"
    assert any("2026信创赛证字第001号" in c.value for c in at.caption)


def test_a_refused_save_keeps_what_was_typed_and_says_what_to_fix(contest):
    at = page(contest, "organiser_setup", "org").run()
    at.text_input(key=_key(contest, 0, "issuer")).input("")
    at.text_input(key=_key(contest, 0, "scheme")).input("{年份}证字号")
    _save_button(at).click()
    at.run()

    errors = [e.value for e in at.error]
    assert any("请填写主办单位" in e for e in errors) and any("没有序号" in e for e in errors)
    assert at.text_input(key=_key(contest, 0, "scheme")).value == "{年份}证字号"
    with read_session(contest["engine"]) as s:
        assert document_settings_of(s, edition_id=contest["ids"]["edition"], actor=as_user(s, "org")).version == 0




def _buttons(at: AppTest) -> dict[str, bool]:
    return {b.key: b.proto.disabled for b in at.get("download_button")}


def test_announcer_page_holds_the_signed_documents_until_an_issuer_is_set(contest):
    publish_scored_round(contest)
    at = page(contest, "announcer", "ann").run()
    at.toggle(key="ann_all").set_value(True).run()

    assert any("尚未设置主办单位" in w.value and "公文与证书" in w.value for w in at.warning)
    assert _buttons(at) == {"ann_dl_xlsx": False, "ann_dl_csv": False, "ann_dl_pdf": True, "ann_dl_docx": True,
                            "ann_dl_certificates": True}

    with write_session(contest["engine"]) as s:
        save_document_settings(s, edition_id=contest["ids"]["edition"], settings=DocumentSettings(issuer="某局"),
                               based_on=0, actor=as_user(s, "org"))
    at.run()

    assert "落款：某局" in [c.value for c in at.caption]
    assert not any(_buttons(at).values())
    listed = at.dataframe[0].value
    assert "提示" not in listed.columns  # the engine's flags are not part of the announced list
    assert set(listed["赛道"]) <= {"生活类", "公共服务类"}  # tracks by name, never their keys
