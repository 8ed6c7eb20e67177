"""``judging import materials FOLDER --edition N``: files attached by the entry id their names start
with, unmatched names listed, and nothing stored when any file is refused (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from material_files import docx_bytes, image_bytes, pdf_bytes, zip_bomb_docx
from sqlmodel import func, select

from judging.cli import main
from judging.core.permissions import SYSTEM
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, create_edition
from judging.store.models import AuditEvent
from judging.store.models_materials import Material, MaterialBlob


@pytest.fixture
def edition(engine, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "en")
    with write_session(engine) as s:
        edition = create_edition(s, name="2026年信息消费创新大赛", year=2026, tracks=[("life", "生活类", "Life")],
                                 actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": code, "track": "life", "title": f"作品{code}"} for code in ("2026-IN-01", "2026-IN-014")],
            actor=SYSTEM)
    return {"id": edition.id, "url": engine.url.render_as_string(hide_password=False)}


def _folder(tmp_path, files: dict[str, bytes]):
    folder = tmp_path / "材料"
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def _counts(engine) -> tuple[int, int, int]:
    with read_session(engine) as s:
        return (s.exec(select(func.count()).select_from(Material)).one(),
                s.exec(select(func.count()).select_from(MaterialBlob)).one(),
                s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "material.attach")).one())


def test_a_folder_is_attached_and_unmatched_files_are_listed(engine, edition, tmp_path, capsys):
    form = pdf_bytes("申报书")
    folder = _folder(tmp_path, {"2026-IN-014_申报书.pdf": form, "2026-IN-01_申报书.pdf": form,
                                "照片/2026-IN-014_现场.jpg": image_bytes("JPEG"), "2026-IN-01_简介.docx": docx_bytes(),
                                "目录说明.pdf": pdf_bytes("目录"), ".DS_Store": b"\0\0\0\1Bud1"})

    code = main(["import", "materials", str(folder), "--edition", str(edition["id"]), "--db", edition["url"]])

    out = capsys.readouterr().out
    assert code == 0
    assert "4 files attached (3 new stored contents, 0 already attached)" in out
    assert "1 files start with no entry id and were not imported:\n  目录说明.pdf" in out
    assert _counts(engine) == (4, 3, 4)


def test_one_refused_file_stores_nothing_and_is_named(engine, edition, tmp_path, capsys):
    folder = _folder(tmp_path, {"2026-IN-014_申报书.pdf": pdf_bytes(), "2026-IN-01_简介.docx": zip_bomb_docx(210),
                                "2026-IN-01_照片.pdf": image_bytes("PNG")})

    code = main(["import", "materials", str(folder), "--edition", str(edition["id"]), "--db", edition["url"]])

    err = capsys.readouterr().err
    assert code == 1
    assert "2026-IN-01_简介.docx: the Word file's packing is abnormal" in err
    assert "2026-IN-01_照片.pdf: the name says PDF but the content is PNG" in err
    assert "2 problem(s) found" in err
    assert _counts(engine) == (0, 0, 0)


def test_require_all_refuses_a_folder_with_an_unmatched_name(engine, edition, tmp_path, capsys):
    folder = _folder(tmp_path, {"2026-IN-014_申报书.pdf": pdf_bytes(), "说明.pdf": pdf_bytes()})

    code = main(["import", "materials", str(folder), "--edition", str(edition["id"]), "--require-all",
                 "--db", edition["url"]])

    assert code == 1 and "说明.pdf: the name starts with no entry id" in capsys.readouterr().err
    assert _counts(engine) == (0, 0, 0)


def test_identifying_patterns_mark_files(engine, edition, tmp_path):
    folder = _folder(tmp_path, {"2026-IN-014_营业执照.png": image_bytes("PNG"), "2026-IN-014_申报书.pdf": pdf_bytes()})

    main(["import", "materials", str(folder), "--edition", str(edition["id"]), "--identifying", "*营业执照*",
          "--db", edition["url"]])

    with read_session(engine) as s:
        marked = s.exec(select(Material.file_name, Material.identifying).order_by(Material.file_name)).all()
    assert [tuple(m) for m in marked] == [("2026-IN-014_申报书.pdf", False), ("2026-IN-014_营业执照.png", True)]


def test_a_missing_folder_is_reported(edition, tmp_path, capsys):
    code = main(["import", "materials", str(tmp_path / "没有"), "--edition", str(edition["id"]), "--db", edition["url"]])

    assert code == 1 and "not a folder" in capsys.readouterr().err
