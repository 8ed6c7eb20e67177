"""An attacker with database access and no audit key (SQLite and PostgreSQL): every direct edit of a
fact — a score, a comment, a conflict, a veto, a sheet's status, a role, the rubric weights, the
published list after freezing, the trail itself — is caught by ``judging audit verify``, which names it."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date

import pypdfium2 as pdfium
import pytest
from alembic import command
from clock import freeze_on
from docx import Document
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel, select
from store_publication_seed import MONDAY, SETTINGS, seed_round

from judging.cli import main
from judging.core import exports
from judging.core.bundle import bundle_digest
from judging.core.checkpoint import short_form, signature_valid
from judging.core.permissions import SYSTEM
from judging.store import checkpoints
from judging.store import publication as pub
from judging.store.assignment import add_conflict, assign
from judging.store.audit_verify import audit_problems
from judging.store.checkpoints import checkpoint_problems
from judging.store.db import alembic_config, open_database, read_session, write_session
from judging.store.editions import create_edition, entries_of
from judging.store.models import AuditEvent
from judging.store.panel import record_decision
from judging.store.people import get_user, set_judge_active
from judging.store.seals import NOT_SEALED, sealed_tables
from judging.store.sheets import save_comment, save_veto, submit_sheet


@pytest.fixture
def contest(engine):
    """A frozen 公示 over a scored round with a comment, a veto, a conflict and a submitted sheet."""
    ids = seed_round(engine)
    with write_session(engine) as s:
        j1, j2 = get_user(s, "j1", actor=SYSTEM), get_user(s, "j2", actor=SYSTEM)
        entries = entries_of(s, ids["edition"])
        assign(s, round_id=ids["round"], pairs=[(j1.id, e.id) for e in entries], actor=SYSTEM)
        save_comment(s, round_id=ids["round"], judge_id=j1.id, entry_id=entries[0].id, criterion="",
                     text_value="材料完整，技术扎实", actor=SYSTEM)
        save_veto(s, round_id=ids["round"], judge_id=j1.id, entry_id=entries[-1].id, veto_key="ip_dispute",
                  reason="专利权属存在争议", actor=SYSTEM)
        add_conflict(s, judge_id=j2.id, entry_id=entries[1].id, source="organiser", reason="同一单位", actor=SYSTEM)
        submit_sheet(s, round_id=ids["round"], judge_id=j1.id, entry_id=entries[0].id, actor=SYSTEM)
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=ids["round"], settings=SETTINGS, start_date=MONDAY, objection_days=5,
                                  close_round=True, actor=SYSTEM)
        record_decision(s, round_id=ids["round"], entry_id="L-002", decision="keep", reason="评审组复议维持",
                        present=["j1", "j2"], actor=SYSTEM)
    with write_session(engine) as s:
        freeze_on(date(2026, 12, 1), s, publication_id=publication.id, actor=SYSTEM)
    return ids | {"publication": publication.id, "j1": j1.id, "entries": [e.id for e in entries]}


def _reweigh(conn, ids):
    rubric = json.loads(conn.execute(text("SELECT rubric_json FROM judging_round WHERE id = :r"),
                                     {"r": ids["round"]}).scalar_one())
    rubric["criteria"][0]["weight"], rubric["criteria"][1]["weight"] = 70, 0
    conn.execute(text("UPDATE judging_round SET rubric_json = :j WHERE id = :r"),
                 {"j": json.dumps(rubric, ensure_ascii=False), "r": ids["round"]})


def _promote_in_list(conn, ids):
    snapshot = json.loads(conn.execute(text("SELECT list_json FROM publication WHERE id = :p"),
                                       {"p": ids["publication"]}).scalar_one())
    rows = snapshot if isinstance(snapshot, list) else snapshot["rows"]
    loser = next(r for r in rows if not r.get("tier"))
    loser["tier"] = "first"
    conn.execute(text("UPDATE publication SET list_json = :j WHERE id = :p"),
                 {"j": json.dumps(snapshot, ensure_ascii=False), "p": ids["publication"]})


def _delete_with_seal(table: str):
    def delete(conn, ids):
        conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("DELETE FROM row_seal WHERE table_name = :t"), {"t": table})
    return delete


# (what the attacker does, a statement or a function of (connection, ids); words the report must contain)
EDITS = {
    "a score's value": ("UPDATE score SET value = value + 5 WHERE id = (SELECT min(id) FROM score)", "value"),
    "a score deleted": ("DELETE FROM score WHERE id = (SELECT max(id) FROM score)", "deleted"),
    "a score inserted": ("INSERT INTO score (round_id, judge_id, entry_id, criterion, value, version, updated_at) "
                         "SELECT round_id, judge_id, entry_id, 'extra', 99, 1, updated_at FROM score "
                         "WHERE id = (SELECT min(id) FROM score)", "not written by the app"),
    "a comment": ("UPDATE comment SET text = '材料造假'", "材料造假"),
    "a conflict removed": ("DELETE FROM conflict", "conflict of j2 on entry L-002 #1: this row was deleted"),
    "a veto's reason": ("UPDATE veto SET reason = '无'", "veto of j1 on entry P-005 (ip_dispute) #1: reason is 无"),
    "a veto removed": ("DELETE FROM veto", "veto of j1 on entry P-005 (ip_dispute) #1: this row was deleted"),
    "a sheet's status": ("UPDATE score_sheet SET status = 'draft' WHERE status = 'submitted'",
                         "score sheet of j1 on entry L-001 #1: status is draft but was written as submitted"),
    "a user's role": ("UPDATE app_user SET role = 'organiser' WHERE username = 'j3'", "role is organiser"),
    "the rubric weights": (_reweigh, "rubric_json.criteria[0].weight is 70 but was written as 40"),
    "the round's status": ("UPDATE judging_round SET status = 'open'", "status is open"),
    "an entry's organisation": ("UPDATE entry SET organisation = '冒名公司' WHERE code = 'L-001'", "冒名公司"),
    "an assignment added": ("INSERT INTO assignment (round_id, judge_id, entry_id, created_at) "
                            "SELECT round_id, judge_id + 1, entry_id, created_at FROM assignment "
                            "WHERE id = (SELECT min(id) FROM assignment)", "assignment"),
    "the award settings": ("UPDATE round_award_settings SET settings_json = replace(settings_json, '1', '3')",
                           "settings_json.tiers[0].count is 3 but was written as 1"),
    "a 一等奖 added to the frozen list": (_promote_in_list, "].tier is first but was written as \"\""),
    "a 一等奖 change inserted after freezing": (
        "INSERT INTO publication_change (publication_id, entry_code, tier_before, tier_after, reason, source, actor, at) "
        "SELECT id, 'L-005', '', 'first', '补录', 'manual', 'organiser', created_at FROM publication",
        "not written by the app"),
    "a conflict deleted with its seal": (_delete_with_seal("conflict"), "conflict: 0 seals now, 1 written by the app"),
    "a veto deleted with its seal": (_delete_with_seal("veto"), "veto: 0 seals now, 1 written by the app"),
    "a panel decision": ("UPDATE panel_decision SET decision = 'move', tier = 'first'",
                         "panel decision on entry L-002 #1: decision is move but was written as keep"),
    "the last event deleted": ("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)",
                               "events at its end were deleted"),
    "an event's payload": ("UPDATE audit_event SET payload = '{}' WHERE id = 3", "audit trail was altered"),
}


def _report(engine, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["audit", "verify", "--db", engine.url.render_as_string(hide_password=False)])
    return code, capsys.readouterr().err


def test_untouched_contest_verifies(engine, contest, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "en")

    assert _report(engine, capsys) == (0, "")


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_direct_database_edit_is_caught_and_named(engine, contest, capsys, monkeypatch, edit):
    monkeypatch.setenv("JUDGING_LANG", "en")
    change, words = EDITS[edit]
    with engine.begin() as conn:
        if callable(change):
            change(conn, contest)
        else:
            assert conn.execute(text(change)).rowcount >= 1

    code, report = _report(engine, capsys)

    assert code == 1
    assert words in report


def test_score_change_is_named_by_round_judge_entry_and_criterion(engine, contest):
    with engine.begin() as conn:
        conn.execute(text("UPDATE score SET value = 12 WHERE id = (SELECT min(id) FROM score)"))

    with read_session(engine) as s:
        problems = [p.render("en") for p in audit_problems(s, actor=SYSTEM, lang="en")
                    if p.code == "audit.seal.changed"]

    assert len(problems) == 1
    assert problems[0].startswith("round 终评 (final): score of j1 on entry L-001 (")
    assert ": value is 12.0 but was written as " in problems[0]


def test_every_table_is_sealed_or_says_why_not():
    names = {table.name for table in SQLModel.metadata.sorted_tables}

    assert set(NOT_SEALED) <= names
    assert {t.name for t in sealed_tables()} == names - set(NOT_SEALED)
    assert {"score", "comment", "veto", "score_sheet", "conflict", "assignment", "app_user", "edition", "track",
            "judging_round", "entry", "publication", "publication_change", "objection", "round_award_settings",
            "panel_decision"} <= {t.name for t in sealed_tables()}


def test_a_row_and_its_seal_put_back_from_an_older_copy_are_caught(engine, contest):
    with engine.connect() as conn:
        seal = conn.execute(text("SELECT content, event_id, digest FROM row_seal WHERE table_name = 'app_user' "
                                 "AND row_id = (SELECT id FROM app_user WHERE username = 'j3')")).mappings().one()
    with write_session(engine) as s:  # a later, legitimate change: the organiser switches the judge off
        set_judge_active(s, judge_id=get_user(s, "j3", actor=SYSTEM).id, active=False, actor=SYSTEM)
    with engine.begin() as conn:  # the attacker switches them on again and puts back the older (valid) seal
        conn.execute(text("UPDATE app_user SET active = :a WHERE username = 'j3'"), {"a": True})
        conn.execute(text("UPDATE row_seal SET content = :c, event_id = :e, digest = :d WHERE table_name = 'app_user' "
                          "AND row_id = (SELECT id FROM app_user WHERE username = 'j3')"),
                     {"c": seal["content"], "e": seal["event_id"], "d": seal["digest"]})

    with read_session(engine) as s:
        problems = [p.render("en") for p in audit_problems(s, actor=SYSTEM, lang="en")]

    assert problems == ["account: 4 seals now, 4 written by the app (or a different set): rows were deleted, "
                        "restored or added together with their seals"]


def test_upgrade_seals_the_rows_of_an_existing_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'v8.db'}"
    command.upgrade(alembic_config(url), "0008")
    raw = create_engine(url)
    with raw.begin() as conn:
        conn.execute(text("INSERT INTO app_user (username, display_name, role, password_hash, password_one_time, "
                          "organisation, expertise, email, phone, title, active, created_at) VALUES ('j1', '张三', "
                          "'judge', '', 0, '', '', '', '', '', 1, '2026-01-01')"))
    raw.dispose()

    engine = open_database(url)
    with read_session(engine) as s:
        before = audit_problems(s, actor=SYSTEM)
    with engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET role = 'organiser'"))
    with read_session(engine) as s:
        after = [p.render("en") for p in audit_problems(s, actor=SYSTEM, lang="en")]

    assert before == []
    assert after == ["account (j1) #1: role is organiser but was written as judge (changed directly in the database)"]


# --- anchored: signed checkpoints, and the digests recorded with the publication ----------------------

def test_publish_and_freeze_record_the_bundle_digest_and_a_signed_checkpoint(engine, contest):
    with read_session(engine) as s:
        anchors = pub.anchors_of(s, contest["publication"], actor=SYSTEM)
        frozen_bundle = pub.publication_bundle(s, contest["publication"], actor=SYSTEM)
        checkpoint = json.loads(s.exec(select(AuditEvent.payload).where(
            AuditEvent.id == anchors[-1].checkpoint_event_id)).one())
        problems = checkpoint_problems(s, actor=SYSTEM)

    assert [a.kind for a in anchors] == ["publish", "freeze"]
    assert anchors[-1].bundle_digest == bundle_digest(frozen_bundle)  # a later download is the same bundle
    assert (checkpoint["digest"], checkpoint["bundle"]) == (anchors[-1].checkpoint_digest, anchors[-1].bundle_digest)
    assert signature_valid(anchors[-1].public_key, checkpoint["digest"], checkpoint["signature"])
    assert problems == []


def test_a_forged_checkpoint_is_caught(engine, contest):
    with read_session(engine) as s:
        event_id = pub.anchors_of(s, contest["publication"], actor=SYSTEM)[-1].checkpoint_event_id
    with engine.begin() as conn:
        payload = json.loads(conn.execute(text("SELECT payload FROM audit_event WHERE id = :i"), {"i": event_id}).scalar_one())
        payload["bundle"] = "0" * 64
        conn.execute(text("UPDATE audit_event SET payload = :p WHERE id = :i"),
                     {"p": json.dumps(payload, sort_keys=True), "i": event_id})

    with read_session(engine) as s:
        codes = {p.code for p in audit_problems(s, actor=SYSTEM)}

    assert {"cli.audit_broken", "audit.checkpoint.bad_signature", "audit.checkpoint.anchor_differs"} <= codes


def test_a_checkpoint_is_written_every_n_events_and_verifies(engine, monkeypatch):
    monkeypatch.setattr(checkpoints, "CHECKPOINT_EVERY", 5)
    for n in range(12):
        with write_session(engine) as s:
            create_edition(s, name=f"大赛{n}", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)

    with read_session(engine) as s:
        written = s.exec(select(AuditEvent.subject).where(AuditEvent.action == checkpoints.CHECKPOINT_ACTION)).all()
        problems = audit_problems(s, actor=SYSTEM)

    assert (written, problems) == (["periodic", "periodic"], [])


def _printed(engine, contest) -> tuple[str, str, str]:
    with read_session(engine) as s:
        publication = pub.get_publication(s, contest["publication"], actor=SYSTEM)
        info = pub.edition_info(s, publication, organiser="某市经济和信息化局")  # the documents need an issuer
        table = pub.current_list(s, publication.id, actor=SYSTEM)
        anchor = pub.anchors_of(s, publication.id, actor=SYSTEM)[-1]
    docx = Document(io.BytesIO(exports.render("docx", table, info)))
    pdf = pdfium.PdfDocument(exports.render("pdf", table, info))
    pdf_text = "".join(page.get_textpage().get_text_range() for page in pdf)
    return "\n".join(p.text for p in docx.paragraphs), pdf_text.replace("\r", "").replace("\n", ""), anchor


def test_the_pdf_and_docx_lists_print_both_digests_short_and_full(engine, contest):
    docx_text, pdf_text, anchor = _printed(engine, contest)

    for digest in (anchor.bundle_digest, anchor.checkpoint_digest):
        assert short_form(digest) in docx_text and digest in docx_text
        assert short_form(digest) in pdf_text and digest in pdf_text


def test_verify_without_digest_checks_the_recorded_one_and_names_the_changed_file(engine, contest, tmp_path, capsys,
                                                                                 monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "en")
    db = engine.url.render_as_string(hide_password=False)
    with read_session(engine) as s:
        good = pub.publication_bundle(s, contest["publication"], actor=SYSTEM)
    (tmp_path / "good.zip").write_bytes(good)
    forged = _rewrite(good, "entries.json", lambda text: text.replace("第1科技有限公司", "冒名科技有限公司"))
    (tmp_path / "forged.zip").write_bytes(forged)

    assert main(["verify", str(tmp_path / "good.zip"), "--db", db]) == 0
    assert "checked against the digest recorded with publication" in capsys.readouterr().out
    assert main(["verify", str(tmp_path / "forged.zip"), "--db", db]) == 1
    assert "files that differ from the record: entries.json, manifest.json" in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "good.zip"), "--digest", short_form(bundle_digest(good))]) == 0
    assert main(["verify", str(tmp_path / "forged.zip"), "--digest", short_form(bundle_digest(good))]) == 1


def _rewrite(bundle: bytes, name: str, change) -> bytes:
    """A forged bundle: one file changed and every checksum recomputed, as a forger with the tools would."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files[name] = change(files[name].decode("utf-8")).encode("utf-8")
    manifest = json.loads(files["manifest.json"])
    manifest["files"][name] = {"bytes": len(files[name]), "sha256": hashlib.sha256(files[name]).hexdigest()}
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    files["SHA256SUMS"] = "".join(f"{hashlib.sha256(data).hexdigest()}  {n}\n" for n, data in sorted(files.items())
                                  if n != "SHA256SUMS").encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n, data in files.items():
            archive.writestr(n, data)
    return out.getvalue()
