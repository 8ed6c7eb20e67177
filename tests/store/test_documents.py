"""An edition's document settings (issuer, certificate numbering) in the database, on SQLite and
PostgreSQL: versions, the audit event, refusals that save nothing, and what a publication's documents
are made from (the list with notes on its changes, signed by the stored issuer)."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pypdfium2 as pdfium
import pytest
from actors import as_user
from sqlalchemy import text
from sqlmodel import select
from store_publication_seed import MONDAY, SETTINGS, seed_round

from judging.core import exports
from judging.core.documents import DEFAULT_CERTIFICATE_SCHEME, DocumentSettings, DocumentSettingsError
from judging.core.permissions import SYSTEM
from judging.errors import StaleWriteError
from judging.store import publication as pub
from judging.store.db import read_session, write_session
from judging.store.documents import (
    document_settings_history,
    document_settings_of,
    publication_documents,
    save_document_settings,
)
from judging.store.models import AuditEvent
from judging.store.models_documents import EditionDocumentSettings
from judging.store.people import create_user
from judging.store.seals import seal_problems

SCHEME = "{year}信创赛证字第{seq:03d}号"


@pytest.fixture
def edition(engine):
    ids = seed_round(engine, entries_per_track=4, judges=3)
    with write_session(engine) as s:
        create_user(s, username="org", display_name="组织者", role="organiser", actor=SYSTEM)
    return ids


def _save(engine, edition_id, settings, *, based_on, actor_name="org"):
    with write_session(engine) as s:
        return save_document_settings(s, edition_id=edition_id, settings=settings, based_on=based_on,
                                      actor=as_user(s, actor_name))


def test_an_edition_without_settings_has_no_issuer_and_the_default_scheme(engine, edition):
    with read_session(engine) as s:
        stored = document_settings_of(s, edition_id=edition["edition"], actor=SYSTEM)

    assert (stored.version, stored.settings) == (0, DocumentSettings(certificate_scheme=DEFAULT_CERTIFICATE_SCHEME))


def test_saving_adds_a_version_and_an_audit_event_with_the_whole_settings(engine, edition):
    first = _save(engine, edition["edition"], DocumentSettings(issuer=" 某市经济和信息化局 "), based_on=0)
    second = _save(engine, edition["edition"], DocumentSettings(
        issuer="某市经济和信息化局", certificate_scheme=SCHEME, track_prefixes={"life": "生活", "public": ""}),
        based_on=1)

    with read_session(engine) as s:
        stored = document_settings_of(s, edition_id=edition["edition"], actor=SYSTEM)
        history = document_settings_history(s, edition_id=edition["edition"], actor=SYSTEM)
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "edition.document_settings")
                        .order_by(AuditEvent.id)).all()
    assert (first.version, second.version, stored.version, stored.created_by) == (1, 2, 2, "org")
    assert stored.settings == DocumentSettings(issuer="某市经济和信息化局", certificate_scheme=SCHEME,
                                               track_prefixes={"life": "生活"})
    assert [h.version for h in history] == [2, 1]
    assert [(e.actor, e.subject, json.loads(e.payload)) for e in events] == [
        ("org", f"edition:{edition['edition']}", {"version": 1, "issuer": "某市经济和信息化局",
                                                  "certificate_scheme": DEFAULT_CERTIFICATE_SCHEME,
                                                  "track_prefixes": {}}),
        ("org", f"edition:{edition['edition']}", {"version": 2, "issuer": "某市经济和信息化局",
                                                  "certificate_scheme": SCHEME, "track_prefixes": {"life": "生活"}})]


def test_a_save_over_a_newer_version_is_refused(engine, edition):
    _save(engine, edition["edition"], DocumentSettings(issuer="某局"), based_on=0)

    with pytest.raises(StaleWriteError) as caught:
        _save(engine, edition["edition"], DocumentSettings(issuer="另一局"), based_on=0)

    assert "第 1 版" in caught.value.render("zh")
    with read_session(engine) as s:
        assert document_settings_of(s, edition_id=edition["edition"], actor=SYSTEM).settings.issuer == "某局"


def test_invalid_settings_are_refused_with_every_problem_and_nothing_is_saved(engine, edition):
    with pytest.raises(DocumentSettingsError) as caught:
        _save(engine, edition["edition"], DocumentSettings(issuer="", certificate_scheme="{year}{track_key}",
                                                           track_prefixes={"industry": "工业"}), based_on=0)

    assert [p.code for p in caught.value.problems] == ["doc.issuer_required", "doc.scheme_unknown",
                                                       "doc.prefix_unknown_track"]
    with read_session(engine) as s:
        assert s.exec(select(EditionDocumentSettings)).all() == []
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "edition.document_settings")).all() == []


def test_publication_documents_carry_the_stored_issuer_and_notes_on_upheld_objections(engine, edition):
    _save(engine, edition["edition"], DocumentSettings(issuer="某市经济和信息化局", certificate_scheme=SCHEME),
          based_on=0)
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=edition["round"], settings=SETTINGS, start_date=MONDAY,
                                  close_round=True, actor=SYSTEM)
    with read_session(engine) as s:
        table = pub.current_list(s, publication.id, actor=SYSTEM).set_index("entry_id")
    second = table[(table["tier"] == "second") & (table["track"] == "life")].index[0]
    with write_session(engine) as s:
        objection = pub.add_objection(s, publication_id=publication.id, entry_id=second, name="王五",
                                      contact="13800000000", text="评分有误", received_on=date(2026, 11, 24),
                                      actor=SYSTEM)
        pub.resolve_objection(s, objection_id=objection.id, upheld=True, reason="复核后分数更正", new_tier="first",
                              actor=SYSTEM)

    with read_session(engine) as s:
        listed, info = publication_documents(s, publication.id, actor=SYSTEM)
    notes = dict(zip(listed["entry_id"], listed["change_note"], strict=True))

    assert (info.organiser, info.certificate_scheme) == ("某市经济和信息化局", SCHEME)
    assert notes[second] == "经异议复核，由二等奖调整为一等奖（复核后分数更正）"
    assert sum(1 for n in notes.values() if n) == 1
    sheet = openpyxl.load_workbook(io.BytesIO(exports.render("xlsx", listed, info)))["生活类"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[second][5:] == ("一等奖", rows[second][6], "经异议复核，由二等奖调整为一等奖（复核后分数更正）")
    text = "".join("".join(p.get_textpage().get_text_range().split())
                   for p in pdfium.PdfDocument(exports.render("certificates", listed, info)))
    assert "证书编号：2026信创赛证字第001号" in text and "某市经济和信息化局" in text
    assert "life" not in text and "public" not in text


def test_an_issuer_given_to_the_export_signs_instead_of_the_stored_one(engine, edition):
    _save(engine, edition["edition"], DocumentSettings(issuer="某市经济和信息化局"), based_on=0)
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=edition["round"], settings=SETTINGS, start_date=MONDAY,
                                  close_round=True, actor=SYSTEM)

    with read_session(engine) as s:
        _, stored = publication_documents(s, publication.id, actor=SYSTEM)
        _, given = publication_documents(s, publication.id, issuer="某省工业和信息化厅", actor=SYSTEM)

    assert (stored.organiser, given.organiser) == ("某市经济和信息化局", "某省工业和信息化厅")


def test_an_issuer_changed_directly_in_the_database_is_caught_by_its_seal(engine, edition):
    _save(engine, edition["edition"], DocumentSettings(issuer="某市经济和信息化局"), based_on=0)
    with engine.begin() as conn:  # what the certificates would be signed with, changed past the app
        conn.execute(text("UPDATE edition_document_settings SET issuer = '冒名单位'"))

    with read_session(engine) as s:
        problems = [p.render("en") for p in seal_problems(s, actor=SYSTEM)]

    assert len(problems) == 1
    assert "issuer is 冒名单位 but was written as 某市经济和信息化局" in problems[0]
