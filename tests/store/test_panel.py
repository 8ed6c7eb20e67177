"""The panel's decisions in the store (SQLite and PostgreSQL): recorded and audited, carried out on the
公示 list as tier changes, part of the bundle, noted in the PDF and Word documents, refused once frozen."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pypdfium2 as pdfium
import pytest
from clock import freeze_on
from docx import Document
from sqlmodel import select
from store_publication_seed import MONDAY, SETTINGS, seed_round

from judging.core.award_settings import round_settings
from judging.core.bundle import verify_bundle
from judging.core.exports import render
from judging.core.panel import PanelError
from judging.core.permissions import SYSTEM
from judging.core.round_data import rank_round, ranked_list
from judging.errors import PermissionDenied
from judging.store import panel
from judging.store import publication as pub
from judging.store.award_settings import award_settings_of
from judging.store.db import read_session, write_session
from judging.store.models import AuditEvent, PanelDecision
from judging.store.scores import round_data

REASON = "边界附近，核心技术水平较弱"


def _publish(engine, ids):
    with write_session(engine) as s:
        return pub.publish(s, round_id=ids["round"], settings=SETTINGS, start_date=MONDAY, close_round=True,
                           contact="010-12345678", actor=SYSTEM).id


def _decide(engine, ids, entry, decision, tier="", reason=REASON, present="张三、李四"):
    with write_session(engine) as s:
        return panel.record_decision(s, round_id=ids["round"], entry_id=entry, decision=decision, tier=tier,
                                     reason=reason, present=present, actor=SYSTEM)


def _list(engine, pid):
    with read_session(engine) as s:
        return pub.current_list(s, pid, actor=SYSTEM).set_index("entry_id")


def _first_of_life(engine, ids) -> str:
    """The entry the engine gives 一等奖 in 生活类 (before any decision)."""
    with read_session(engine) as s:
        data = round_data(s, round_id=ids["round"], actor=SYSTEM)
        awards = award_settings_of(s, round_id=ids["round"], actor=SYSTEM).awards
    table = ranked_list(data, rank_round(data, round_settings(data, awards, method=SETTINGS.method,
                                                             seed=SETTINGS.seed, n_draws=SETTINGS.n_draws)))
    return table[(table["track"] == "life") & (table["tier"] == "first")]["entry_id"].iloc[0]


def _changes(engine, pid):
    with read_session(engine) as s:
        return [(c.entry_code, c.tier_after, c.source, c.reason) for c in pub.changes_of(s, pid, actor=SYSTEM)]


def test_a_move_decided_before_publication_is_carried_out_on_the_list(engine):
    ids = seed_round(engine)
    entry = _first_of_life(engine, ids)

    decision = _decide(engine, ids, entry, "move", tier="second")
    pid = _publish(engine, ids)

    listed = _list(engine, pid)
    assert listed.loc[entry, ["tier", "changed", "panel_decision", "panel_tier"]].tolist() == [
        "second", True, "move", "second"]
    assert _changes(engine, pid) == [(entry, "second", f"panel:{decision.id}",
                                      f"评审组决定：{REASON}（在场：张三、李四）")]


def test_a_move_on_a_published_list_changes_the_tier_at_once_and_keep_changes_nothing(engine):
    ids = seed_round(engine)
    pid = _publish(engine, ids)
    entry = _list(engine, pid).query("track == 'life' and tier == 'first'").index[0]

    _decide(engine, ids, entry, "keep")
    kept = _list(engine, pid).loc[entry, "tier"]
    moved = _decide(engine, ids, entry, "move", tier="")

    assert kept == "first"
    assert _list(engine, pid).loc[entry, ["tier", "panel_decision"]].tolist() == ["", "move"]
    assert [c[:3] for c in _changes(engine, pid)] == [(entry, "", f"panel:{moved.id}")]


def test_every_decision_is_an_audit_event_with_who_was_present(engine):
    ids = seed_round(engine)

    recorded = _decide(engine, ids, "L-002", "review", present="张三, 李四，王五\n张三")

    with read_session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "panel.decision")).one()
        decisions = pub.panel_decisions(s, round_id=ids["round"], actor=SYSTEM)
    assert recorded.present == ("张三", "李四", "王五")
    assert json.loads(event.payload) == {"decision": recorded.id, "entry": "L-002", "kind": "review", "tier": "",
                                         "reason": REASON, "present": ["张三", "李四", "王五"]}
    assert decisions == [recorded]


@pytest.mark.parametrize(("entry", "decision", "tier", "reason", "present", "codes"), [
    ("X-999", "keep", "", REASON, "张三", ["panel.unknown_entry"]),
    ("L-001", "move", "gold", REASON, "张三", ["panel.unknown_tier"]),
    ("L-001", "extra_judges", "", "", "", ["panel.reason_required", "panel.present_required"]),
])
def test_a_bad_decision_is_refused_and_nothing_recorded(engine, entry, decision, tier, reason, present, codes):
    ids = seed_round(engine)

    with pytest.raises(PanelError) as exc:
        _decide(engine, ids, entry, decision, tier=tier, reason=reason, present=present)

    with read_session(engine) as s:
        assert s.exec(select(PanelDecision)).all() == []
    assert [p.code for p in exc.value.problems] == codes


def test_decisions_are_refused_once_the_list_is_frozen(engine):
    ids = seed_round(engine)
    pid = _publish(engine, ids)
    with write_session(engine) as s:
        freeze_on(date(2026, 12, 1), s, publication_id=pid, actor=SYSTEM)

    with pytest.raises(PermissionDenied) as exc:
        _decide(engine, ids, "L-001", "keep")

    with read_session(engine) as s:
        assert s.exec(select(PanelDecision)).all() == []
    assert exc.value.problems[0].code == "panel.frozen"


def test_the_bundle_holds_the_decisions_and_verifies_with_the_moves(engine):
    ids = seed_round(engine)
    entry = _first_of_life(engine, ids)
    _decide(engine, ids, entry, "move", tier="third")
    _decide(engine, ids, "P-003", "review")
    pid = _publish(engine, ids)

    with read_session(engine) as s:
        bundle = pub.publication_bundle(s, pid, actor=SYSTEM)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(bundle)).read("manifest.json"))
    changes = json.loads(zipfile.ZipFile(io.BytesIO(bundle)).read("changes.json"))

    assert verify_bundle(bundle).ok
    assert [(d["entry_id"], d["decision"], d["present"]) for d in manifest["edition"]["panel_decisions"]] == [
        (entry, "move", ["张三", "李四"]), ("P-003", "review", ["张三", "李四"])]
    assert [(c["entry_id"], c["tier"]) for c in changes] == [(entry, "third")]


def test_the_pdf_and_word_documents_note_the_panels_moves_and_reviews(engine):
    ids = seed_round(engine)
    entry = _first_of_life(engine, ids)
    _decide(engine, ids, entry, "move", tier="third")
    _decide(engine, ids, "P-001", "keep")
    pid = _publish(engine, ids)
    with read_session(engine) as s:
        listed = pub.current_list(s, pid, actor=SYSTEM)
        info = pub.edition_info(s, pub.get_publication(s, pid, actor=SYSTEM), organiser="某市经信局")
    title = listed.set_index("entry_id").loc[entry, "title"]

    pdf = "".join("".join(p.get_textpage().get_text_range().split())
                  for p in pdfium.PdfDocument(render("pdf", listed, info)))
    docx = "\n".join(p.text for p in Document(io.BytesIO(render("docx", listed, info))).paragraphs)

    note = f"“{title}”（"
    assert "说明" in pdf and f"{note}" in pdf and f"调整为三等奖：{REASON}".replace("，", "，") in pdf
    assert f"1. {note}" in docx and f"经评审组集体讨论调整为三等奖：{REASON}" in docx
    assert "P-001" not in docx and docx.count("经评审组") == 1  # keeping a tier needs no note
