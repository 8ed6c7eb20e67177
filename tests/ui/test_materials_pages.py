"""AppTest of entry materials: the organiser attaches files (refused ones stored not at all), and the
judge's sheet shows the PDF, thumbnails and clickable links, without the identifying files of a blind round."""

from __future__ import annotations

from material_files import image_bytes, pdf_bytes, pdf_with_javascript
from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from judging.core.permissions import SYSTEM
from judging.store.db import read_session, write_session
from judging.store.materials import attach_material
from judging.store.models import Entry
from judging.store.models_materials import Material
from judging.ui.common import USER_KEY


def _organiser(contest) -> AppTest:
    at = AppTest.from_string("import judging.ui.organiser_materials as m\nm.render()", default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["org"]
    return at


def _materials(contest) -> list[tuple[str, bool]]:
    with read_session(contest["engine"]) as s:
        return [tuple(r) for r in s.exec(select(Material.file_name, Material.identifying).order_by(Material.id))]


def test_the_organiser_attaches_files_to_an_entry(contest):
    at = _organiser(contest).run()
    at.file_uploader(key="oc_mat_files_0").upload("申报书.pdf", pdf_bytes(), "application/pdf").run()
    at.checkbox(key="oc_mat_identifying_0").check().run()

    at.button(key="oc_mat_attach").click().run()

    assert not at.exception
    assert at.success[0].value.startswith("已附加 1 个文件")
    assert _materials(contest) == [("申报书.pdf", True)]
    assert [d.value.iloc[0]["文件"] for d in at.dataframe] == ["申报书.pdf"]


def test_a_bulk_upload_with_a_refused_file_stores_nothing_and_lists_it(contest):
    at = _organiser(contest).run()
    at.radio(key="oc_mat_mode").set_value("bulk").run()
    uploader = at.file_uploader(key="oc_mat_bulk_0")
    uploader.upload("L-001_申报书.pdf", pdf_bytes(), "application/pdf")
    uploader.upload("L-002_脚本.pdf", pdf_with_javascript(), "application/pdf").run()

    at.button(key="oc_mat_bulk_go").click().run()

    assert at.error[0].value == "1 个文件未通过核验，全部未保存："
    report = at.dataframe[0].value
    assert report.iloc[0, 0] == "L-002_脚本.pdf" and "JavaScript" in report.iloc[0, -1]
    assert _materials(contest) == []


def _sheet(contest, entry="L-001") -> AppTest:
    at = AppTest.from_string("import judging.ui.judge_sheet as m\nm.render()", default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["j1"]
    at.query_params["round"] = str(contest["ids"]["round"])
    at.query_params["entry"] = str(contest["ids"][entry])
    return at.run()


def test_the_sheet_shows_the_pdf_thumbnails_and_links_but_not_identifying_files_in_a_blind_round(contest):
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        attach_material(s, entry_id=ids["L-001"], file_name="申报书.pdf", data=pdf_bytes(), actor=SYSTEM)
        attach_material(s, entry_id=ids["L-001"], file_name="现场.png", data=image_bytes("PNG"), actor=SYSTEM)
        attach_material(s, entry_id=ids["L-001"], file_name="营业执照.jpg", data=image_bytes("JPEG"), identifying=True,
                        actor=SYSTEM)
        s.get(Entry, ids["L-001"]).materials = "演示视频 https://video.example.cn/l001\n线下展板"  # as an import writes it

    at = _sheet(contest)

    assert not at.exception
    pdfs = [e for e in at.get("bidi_component") if "pdf" in e.proto.component_name]
    images = at.get("image")
    markdown = " ".join(m.value for m in at.markdown)
    assert len(pdfs) == 1
    assert len(images) == 1 and "营业执照" not in str(images[0].proto)
    assert "- [演示视频](https://video.example.cn/l001)" in markdown
    assert [t.value for t in at.text if t.value == "线下展板"] == ["线下展板"]
    assert [b.label for b in at.get("download_button")] == ["下载 / 全屏打开 · 申报书.pdf"]


def test_a_sheet_without_materials_has_no_materials_section(contest):
    at = _sheet(contest, "L-002")

    assert not at.exception and not [e for e in at.expander if "材料" in e.label and e.label != "作品详情"]
    with read_session(contest["engine"]) as s:
        assert s.exec(select(func.count()).select_from(Material)).one() == 0


def test_the_materials_page_refuses_every_role_but_the_organiser(contest):
    refused = {}
    for user in ("j1", "ann", "aud"):
        at = AppTest.from_string("import judging.ui.organiser_materials as m\nm.render()", default_timeout=30)
        at.session_state[USER_KEY] = contest["users"][user]
        refused[user] = [e.value for e in at.run().error]

    assert refused == {user: ["您的角色无权访问此页面。"] for user in ("j1", "ann", "aud")}


def test_the_judge_may_put_the_materials_beside_the_criteria(contest):
    with write_session(contest["engine"]) as s:
        attach_material(s, entry_id=contest["ids"]["L-001"], file_name="申报书.pdf", data=pdf_bytes(), actor=SYSTEM)
    at = _sheet(contest)
    assert not at.columns or not any(_holds_the_sheet(c) for c in at.columns)  # above it: no columns around it

    at.toggle(key="mat_beside").set_value(True).run()

    assert not at.exception
    pdf_column, sheet_column = [c for c in at.columns if _holds_the_pdf(c) or _holds_the_sheet(c)]
    assert _holds_the_pdf(pdf_column) and not _holds_the_pdf(sheet_column)
    assert _holds_the_sheet(sheet_column) and not _holds_the_sheet(pdf_column)


def _components(node) -> list[str]:
    return [e.proto.component_name for e in node.get("bidi_component")]


def _holds_the_pdf(node) -> bool:
    return any("pdf" in name for name in _components(node))


def _holds_the_sheet(node) -> bool:
    return any("sheet" in name for name in _components(node))
