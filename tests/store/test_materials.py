"""Entry materials in the store (SQLite and PostgreSQL): attached once per content, shown to a judge
only on their own sheet (not after a conflict, identifying files not in a blind round), refused to
others and recorded, a folder imported all or nothing, listed in the bundle as at publication, and a
direct edit of a material or of its bytes caught by ``audit verify``."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from actors import as_user
from material_files import docx_bytes, image_bytes, pdf_bytes, pdf_with_javascript
from sqlalchemy import text
from sqlmodel import func, select
from store_publication_seed import MONDAY, SETTINGS, seed_round

from judging.core.bundle import bundle_digest, verify_bundle
from judging.core.permissions import SYSTEM
from judging.errors import PermissionDenied
from judging.store import publication as pub
from judging.store.assignment import assign
from judging.store.audit_verify import audit_problems
from judging.store.db import read_session, write_session
from judging.store.editions import entries_of, update_round
from judging.store.materials import (
    MaterialError,
    attach_material,
    entry_materials,
    import_materials,
    material_file,
    sheet_material_file,
    sheet_materials,
    withdraw_material,
)
from judging.store.models import AuditEvent
from judging.store.models_materials import Material, MaterialBlob
from judging.store.people import create_user, get_user
from judging.store.sheets import declare_conflict

PDF = pdf_bytes("申报书")


@pytest.fixture
def contest(engine):
    """A scored round of ten entries (L-001 … P-005), judge j1 assigned L-001 and L-002, an auditor."""
    ids = seed_round(engine)
    with write_session(engine) as s:
        j1 = get_user(s, "j1", actor=SYSTEM)
        entries = {e.code: e.id for e in entries_of(s, ids["edition"])}
        assign(s, round_id=ids["round"], pairs=[(j1.id, entries["L-001"]), (j1.id, entries["L-002"])], actor=SYSTEM)
        create_user(s, username="aud", display_name="监督", role="auditor", actor=SYSTEM)
        create_user(s, username="org", display_name="组织方", role="organiser", actor=SYSTEM)
    return ids | {"j1": j1.id, "entries": entries}


def _sheet(contest, code="L-001"):
    return {"round_id": contest["round"], "judge_id": contest["j1"], "entry_id": contest["entries"][code]}


def _blobs(engine) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(MaterialBlob)).one()


def test_the_same_file_is_stored_once_and_attached_to_each_entry_once(engine, contest):
    e = contest["entries"]
    with write_session(engine) as s:
        org = as_user(s, "org")
        first = attach_material(s, entry_id=e["L-001"], file_name="申报书.pdf", data=PDF, actor=org)
        second = attach_material(s, entry_id=e["L-002"], file_name="同一份.pdf", data=PDF, actor=org)
        again = attach_material(s, entry_id=e["L-001"], file_name="再传一次.pdf", data=PDF, actor=org)

    with read_session(engine) as s:
        listed = entry_materials(s, entry_ids=[e["L-001"], e["L-002"]], actor=SYSTEM)
        events = s.exec(select(AuditEvent.action).where(AuditEvent.action == "material.attach")).all()
    assert (first.new_blobs, second.new_blobs, again.attached, again.already_attached) == (1, 0, [], ["再传一次.pdf"])
    assert [[m.file_name for m in listed[k]] for k in (e["L-001"], e["L-002"])] == [["申报书.pdf"], ["同一份.pdf"]]
    assert listed[e["L-001"]][0].sha256 == hashlib.sha256(PDF).hexdigest()
    assert (_blobs(engine), len(events)) == (1, 2)


def test_a_judge_opens_the_materials_of_an_assigned_entry_with_their_bytes(engine, contest):
    with write_session(engine) as s:
        material = attach_material(s, entry_id=contest["entries"]["L-001"], file_name="申报书.pdf", data=PDF,
                                   actor=SYSTEM).attached[0]

    with read_session(engine) as s:
        judge = as_user(s, "j1")
        shown = sheet_materials(s, **_sheet(contest), actor=judge)
        opened = sheet_material_file(s, **_sheet(contest), material_id=material.id, actor=judge)

    assert [m.file_name for m in shown] == ["申报书.pdf"]
    assert (opened.content, opened.info.content_type) == (PDF, "application/pdf")


def test_a_blind_round_hides_identifying_files_and_an_open_round_shows_them(engine, contest):
    e = contest["entries"]
    with write_session(engine) as s:
        attach_material(s, entry_id=e["L-001"], file_name="申报书.pdf", data=PDF, actor=SYSTEM)
        licence = attach_material(s, entry_id=e["L-001"], file_name="营业执照.jpg", data=image_bytes("JPEG"),
                                  identifying=True, actor=SYSTEM).attached[0]
        update_round(s, round_id=contest["round"], blind=True, actor=SYSTEM)

    with read_session(engine) as s:
        blind = [m.file_name for m in sheet_materials(s, **_sheet(contest), actor=as_user(s, "j1"))]
        with pytest.raises(PermissionDenied):
            sheet_material_file(s, **_sheet(contest), material_id=licence.id, actor=as_user(s, "j1"))
    with write_session(engine) as s:
        update_round(s, round_id=contest["round"], blind=False, actor=SYSTEM)
    with read_session(engine) as s:
        named = [m.file_name for m in sheet_materials(s, **_sheet(contest), actor=as_user(s, "j1"))]

    assert (blind, named) == (["申报书.pdf"], ["申报书.pdf", "营业执照.jpg"])


def test_a_judge_not_assigned_sees_nothing_and_the_refusal_is_recorded(engine, contest):
    with write_session(engine) as s:
        material = attach_material(s, entry_id=contest["entries"]["P-001"], file_name="申报书.pdf", data=PDF,
                                   actor=SYSTEM).attached[0]

    with pytest.raises(PermissionDenied) as refused, read_session(engine) as s:
        sheet_material_file(s, **_sheet(contest, "P-001"), material_id=material.id, actor=as_user(s, "j1"))

    with read_session(engine) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert refused.value.problems[0].code == "mat.not_assigned"
    assert (last.action, last.actor, last.subject) == ("permission.refused", "j1", "materials.read")


def test_after_declaring_a_conflict_the_judge_no_longer_sees_the_materials(engine, contest):
    with write_session(engine) as s:
        attach_material(s, entry_id=contest["entries"]["L-002"], file_name="申报书.pdf", data=PDF, actor=SYSTEM)
    with read_session(engine) as s:
        before = len(sheet_materials(s, **_sheet(contest, "L-002"), actor=as_user(s, "j1")))
    with write_session(engine) as s:
        declare_conflict(s, **_sheet(contest, "L-002"), reason="曾为该单位顾问", actor=as_user(s, "j1"))

    with pytest.raises(PermissionDenied) as refused, read_session(engine) as s:
        sheet_materials(s, **_sheet(contest, "L-002"), actor=as_user(s, "j1"))

    assert (before, refused.value.problems[0].code) == (1, "mat.in_conflict")


def test_an_auditor_may_not_open_materials(engine, contest):
    with write_session(engine) as s:
        material = attach_material(s, entry_id=contest["entries"]["L-001"], file_name="申报书.pdf", data=PDF,
                                   actor=SYSTEM).attached[0]

    with pytest.raises(PermissionDenied), read_session(engine) as s:
        material_file(s, material_id=material.id, actor=as_user(s, "aud"))
    with pytest.raises(PermissionDenied), read_session(engine) as s:
        sheet_materials(s, **_sheet(contest), actor=as_user(s, "aud"))

    with read_session(engine) as s:
        refusals = s.exec(select(AuditEvent.payload).where(AuditEvent.action == "permission.refused",
                                                           AuditEvent.actor == "aud")).all()
    assert [json.loads(p)["reason"] for p in refusals] == ["role:auditor", "role:auditor"]


def test_a_withdrawn_material_leaves_the_sheet_but_its_row_and_bytes_stay(engine, contest):
    with write_session(engine) as s:
        material = attach_material(s, entry_id=contest["entries"]["L-001"], file_name="旧版.pdf", data=PDF,
                                   actor=SYSTEM).attached[0]
    with write_session(engine) as s:
        withdraw_material(s, material_id=material.id, actor=as_user(s, "org"))

    with read_session(engine) as s:
        shown = sheet_materials(s, **_sheet(contest), actor=as_user(s, "j1"))
        row = s.get(Material, material.id)
    assert (shown, row.withdrawn_by, _blobs(engine)) == ([], "org", 1)


def test_a_folder_with_one_refused_file_stores_nothing_and_names_it(engine, contest):
    files = [("L-001_申报书.pdf", PDF), ("L-002_照片.png", image_bytes("PNG")),
             ("L-003_申报书.pdf", image_bytes("PNG")), ("P-001_脚本.pdf", pdf_with_javascript())]

    with pytest.raises(MaterialError) as refused, write_session(engine) as s:
        import_materials(s, edition_id=contest["edition"], files=files, actor=SYSTEM)

    with read_session(engine) as s:
        stored = s.exec(select(func.count()).select_from(Material)).one()
    assert [(p.where, p.code) for p in refused.value.problems] == [
        ("L-003_申报书.pdf", "mat.wrong_extension"), ("P-001_脚本.pdf", "mat.pdf_active")]
    assert (stored, _blobs(engine)) == (0, 0)


def test_a_folder_is_attached_by_entry_id_and_unmatched_names_are_reported(engine, contest):
    files = [("L-001_申报书.pdf", PDF), ("L-001_简介.docx", docx_bytes()), ("P-002 现场照片.jpg", image_bytes("JPEG")),
             ("P-002_营业执照.png", image_bytes("PNG")), ("说明.pdf", PDF), ("X-999_申报书.pdf", pdf_bytes("X"))]

    with write_session(engine) as s:
        outcome = import_materials(s, edition_id=contest["edition"], files=files, identifying=["*营业执照*"],
                                   actor=SYSTEM)

    with read_session(engine) as s:
        rows = s.exec(select(Material.entry_id, Material.file_name, Material.identifying).order_by(Material.id)).all()
    e = contest["entries"]
    assert outcome.unmatched == ["说明.pdf", "X-999_申报书.pdf"]
    assert [tuple(r) for r in rows] == [(e["L-001"], "L-001_申报书.pdf", False), (e["L-001"], "L-001_简介.docx", False),
                                        (e["P-002"], "P-002 现场照片.jpg", False),
                                        (e["P-002"], "P-002_营业执照.png", True)]
    assert outcome.new_blobs == 4  # 说明.pdf has the bytes of L-001's form, but was not imported


def test_require_all_refuses_a_folder_with_an_unmatched_name(engine, contest):
    with pytest.raises(MaterialError) as refused, write_session(engine) as s:
        import_materials(s, edition_id=contest["edition"], files=[("L-001.pdf", PDF), ("其他.pdf", PDF)],
                         require_all=True, actor=SYSTEM)

    assert [(p.where, p.code) for p in refused.value.problems] == [("其他.pdf", "mat.unmatched")]
    assert _blobs(engine) == 0


def _bundle_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_bundle_lists_the_materials_as_published_and_keeps_its_digest(engine, contest):
    e, old = contest["entries"], pdf_bytes("旧")  # (fpdf2 writes the time into each file: made once)
    with write_session(engine) as s:
        attach_material(s, entry_id=e["L-001"], file_name="L-001_申报书.pdf", data=PDF, actor=SYSTEM)
        early = attach_material(s, entry_id=e["P-003"], file_name="P-003_旧版.pdf", data=old,
                                actor=SYSTEM).attached[0]
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=contest["round"], settings=SETTINGS, start_date=MONDAY,
                                  objection_days=5, close_round=True, actor=SYSTEM)
    with read_session(engine) as s:
        published = pub.publication_bundle(s, publication.id, actor=SYSTEM)
        anchor = pub.anchors_of(s, publication.id, actor=SYSTEM)[0]
    with write_session(engine) as s:  # after the publication: a new file, and the old one withdrawn
        attach_material(s, entry_id=e["L-002"], file_name="L-002_补充.png", data=image_bytes("PNG"), actor=SYSTEM)
        withdraw_material(s, material_id=early.id, actor=SYSTEM)
    with read_session(engine) as s:
        later = pub.publication_bundle(s, publication.id, actor=SYSTEM)

    manifest = json.loads(_bundle_files(published)["materials.json"])
    assert manifest == [
        {"entry_id": "L-001", "file_name": "L-001_申报书.pdf", "sha256": hashlib.sha256(PDF).hexdigest(),
         "bytes": len(PDF)},
        {"entry_id": "P-003", "file_name": "P-003_旧版.pdf", "sha256": hashlib.sha256(old).hexdigest(),
         "bytes": len(old)}]
    assert later == published and bundle_digest(published) == anchor.bundle_digest
    assert verify_bundle(published).ok


def test_a_bundle_without_materials_has_no_manifest_file(engine, contest):
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=contest["round"], settings=SETTINGS, start_date=MONDAY,
                                  objection_days=5, close_round=True, actor=SYSTEM)
    with read_session(engine) as s:
        files = _bundle_files(pub.publication_bundle(s, publication.id, actor=SYSTEM))

    assert "materials.json" not in files


def test_direct_edits_of_a_material_row_or_its_bytes_are_caught(engine, contest):
    with write_session(engine) as s:
        material = attach_material(s, entry_id=contest["entries"]["L-001"], file_name="申报书.pdf", data=PDF,
                                   actor=SYSTEM).attached[0]
    with read_session(engine) as s:
        clean = audit_problems(s, actor=SYSTEM)
    with engine.begin() as conn:  # someone with database access and no audit key
        conn.execute(text("UPDATE material SET identifying = :t WHERE id = :i"), {"t": True, "i": material.id})
        conn.execute(text("UPDATE material_blob SET content = :c"), {"c": pdf_bytes("伪造的申报书")})

    with read_session(engine) as s:
        found = audit_problems(s, actor=SYSTEM)

    codes = sorted(p.code for p in found)
    assert clean == []
    assert codes == ["audit.seal.changed", "mat.blob_changed"]
    changed = next(p for p in found if p.code == "audit.seal.changed")
    assert changed.params["column"] == "identifying" and "L-001" in changed.params["row"]
