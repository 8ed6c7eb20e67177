"""Checking material files by their bytes: signatures, fake extensions, PDFs with active content, zip
bombs and macros in DOCX, image sizes; which entry a bulk file name belongs to; the bundle manifest."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from material_files import (
    docx_bytes,
    image_bytes,
    macro_docx,
    pdf_bytes,
    pdf_with_binary_stream,
    pdf_with_javascript,
    zip_bomb_docx,
)

from judging.core.materials import (
    CheckedFile,
    check_material,
    clean_file_name,
    entry_code_of,
    manifest_rows,
    max_material_bytes,
    pdf_active_content,
    sniff_kind,
)
from judging.errors import Problem

LIMIT = 20 * 1024 * 1024


def _code(name: str, data: bytes, limit: int = LIMIT) -> str:
    result = check_material(name=name, data=data, max_bytes=limit)
    return "ok" if isinstance(result, CheckedFile) else result.code


@pytest.mark.parametrize(("name", "make", "kind", "content_type"), [
    ("2026-IN-014_申报书.pdf", pdf_bytes, "pdf", "application/pdf"),
    ("照片.PNG", lambda: image_bytes("PNG"), "png", "image/png"),
    ("现场.jpg", lambda: image_bytes("JPEG"), "jpeg", "image/jpeg"),
    ("现场.jpeg", lambda: image_bytes("JPEG"), "jpeg", "image/jpeg"),
    ("简介.docx", docx_bytes, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_real_files_pass_with_their_kind_digest_and_size(name, make, kind, content_type):
    data = make()

    result = check_material(name=name, data=data, max_bytes=LIMIT)

    assert result == CheckedFile(name, kind, content_type, hashlib.sha256(data).hexdigest(), len(data))


@pytest.mark.parametrize(("name", "make", "code"), [
    ("申报书.pdf", lambda: image_bytes("PNG"), "mat.wrong_extension"),  # a PNG renamed .pdf
    ("照片.png", pdf_bytes, "mat.wrong_extension"),
    ("照片.jpg", lambda: image_bytes("PNG"), "mat.wrong_extension"),
    ("简介.docx", pdf_bytes, "mat.wrong_extension"),
    ("setup.pdf", lambda: b"MZ\x90\x00" + b"\0" * 200, "mat.unknown_content"),  # a Windows program renamed .pdf
    ("page.pdf", lambda: b"<html><script>alert(1)</script></html>", "mat.unknown_content"),
    ("page.html", lambda: b"<html></html>", "mat.bad_extension"),
    ("tool.exe", lambda: b"MZ", "mat.bad_extension"),
    ("noextension", pdf_bytes, "mat.bad_extension"),
    ("empty.pdf", lambda: b"", "mat.empty"),
    ("cut.pdf", lambda: pdf_bytes()[:-40], "mat.pdf_truncated"),
    ("script.pdf", pdf_with_javascript, "mat.pdf_active"),
    ("escaped.pdf", lambda: pdf_with_javascript(hidden="escaped"), "mat.pdf_active"),
    ("packed.pdf", lambda: pdf_with_javascript(hidden="compressed"), "mat.pdf_active"),
    ("bomb.docx", zip_bomb_docx, "mat.docx_bomb"),
    ("macro.docx", macro_docx, "mat.docx_macros"),
    ("zip.docx", lambda: _plain_zip(), "mat.docx_not_word"),
    ("broken.png", lambda: image_bytes("PNG")[:30], "mat.image_broken"),
    ("/tmp/../" + "长" * 201 + ".pdf", pdf_bytes, "mat.bad_name"),
])
def test_hostile_or_mislabelled_files_are_refused_with_the_reason(name, make, code):
    assert _code(name, make()) == code


def _plain_zip() -> bytes:
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a word file")
    return buffer.getvalue()


def test_a_file_above_the_limit_is_refused_before_it_is_read():
    data = pdf_bytes()

    problem = check_material(name="大.pdf", data=data, max_bytes=len(data) - 1)

    assert isinstance(problem, Problem) and (problem.code, problem.where) == ("mat.too_big", "大.pdf")


def test_an_image_with_too_many_pixels_is_refused_from_its_header():
    # 9,500 × 9,000 pixels of one colour pack into a few hundred KB of PNG
    assert _code("scan.png", image_bytes("PNG", size=(9_500, 9_000))) == "mat.image_too_large"


def test_the_zip_bomb_is_refused_from_its_directory_without_unpacking():
    bomb = zip_bomb_docx(300)

    assert len(bomb) < 2 * 1024 * 1024 and _code("bomb.docx", bomb) == "mat.docx_bomb"


def test_binary_stream_data_that_happens_to_spell_an_action_is_not_active_content():
    # a scanned page or a photo inside a PDF is binary: "/JS" in its bytes is no action (found in a
    # benchmark of 1,000 forms with random-noise images: 8 were refused before streams were skipped)
    data = pdf_with_binary_stream(b"\xff\xd8/JS /JavaScript /Launch stream\n\x00\x01")

    assert pdf_active_content(data) == [] and _code("scan.pdf", data) == "ok"


def test_an_action_beside_a_binary_stream_is_still_found():
    data = pdf_with_binary_stream(b"\xff\xd8\x00").replace(b"<< /Type /Catalog /Pages 2 0 R >>",
                                                           b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch >> >>")

    assert pdf_active_content(data) == ["Launch"]


def test_active_content_names_are_listed():
    assert pdf_active_content(pdf_with_javascript()) == ["JavaScript"]
    assert pdf_active_content(pdf_bytes()) == []


@given(st.binary(max_size=2048))
@settings(max_examples=300, deadline=None)
def test_arbitrary_bytes_never_crash_the_checks(data):
    for name in ("x.pdf", "x.png", "x.jpg", "x.docx"):
        result = check_material(name=name, data=data, max_bytes=LIMIT)
        assert isinstance(result, (CheckedFile, Problem))


@given(st.binary(min_size=1, max_size=512))
@settings(max_examples=200, deadline=None)
def test_a_pdf_signature_is_not_enough_for_a_png(data):
    # whatever follows, bytes that start like a PDF are never taken for an image
    assert sniff_kind(b"%PDF-1.7\n" + data) == "pdf"
    assert _code("x.png", b"%PDF-1.7\n" + data) == "mat.wrong_extension"


CODES = ["2026-IN-01", "2026-IN-014", "2026-IN-0140", "L-001", "life-004"]


@pytest.mark.parametrize(("name", "code"), [
    ("2026-IN-014_申报书.pdf", "2026-IN-014"),
    ("2026-IN-01_申报书.pdf", "2026-IN-01"),
    ("2026-IN-0140.pdf", "2026-IN-0140"),
    ("2026-IN-014申报书.pdf", "2026-IN-014"),  # Chinese right after the id is a boundary
    ("2026-in-014 照片.jpg", "2026-IN-014"),  # case
    ("２０２６-IN-014_申报书.pdf", "2026-IN-014"),  # full-width digits typed in a Chinese IME
    ("folder/L-001-附件.docx", "L-001"),
    ("L-0011.pdf", None),  # another id that merely starts the same
    ("申报书_2026-IN-014.pdf", None),  # the id must come first
    ("life-004x.png", None),
])
def test_a_file_name_belongs_to_the_longest_entry_id_it_starts_with(name, code):
    assert entry_code_of(name, CODES) == code


@given(st.sampled_from(CODES), st.text(alphabet="_- .申报书照片（）", max_size=10))
def test_an_id_followed_by_a_separator_always_finds_its_entry(code, rest):
    assert entry_code_of(code + rest + ".pdf", CODES) == code


def test_file_names_lose_folders_and_control_characters_and_are_nfc():
    decomposed = "e\u0301.pdf"  # é as a Mac writes it

    assert clean_file_name("C:\\材料\\sub/申报\x00书.pdf") == "申报书.pdf"
    assert clean_file_name(decomposed) == "\u00e9.pdf"


@pytest.mark.parametrize(("value", "expected"), [("", 20), ("5", 5), ("0.5", 0.5), ("abc", 20), ("-3", 20)])
def test_the_size_limit_comes_from_the_environment_with_a_default(value, expected):
    assert max_material_bytes({"JUDGING_MATERIAL_MAX_MB": value}) == int(expected * 1024 * 1024)


def test_the_manifest_is_sorted_and_has_the_four_fields():
    rows = manifest_rows([
        {"entry_id": "L-002", "file_name": "b.pdf", "sha256": "bb", "size": 2, "other": 1},
        {"entry_id": "L-001", "file_name": "a.pdf", "sha256": "aa", "size": 1}])

    assert rows == [{"entry_id": "L-001", "file_name": "a.pdf", "sha256": "aa", "bytes": 1},
                    {"entry_id": "L-002", "file_name": "b.pdf", "sha256": "bb", "bytes": 2}]
