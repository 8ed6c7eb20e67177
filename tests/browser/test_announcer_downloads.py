"""An announcer in a real browser: open the final award list of the demo contest and download
every export; each file is opened by a reader library and checked."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import openpyxl
import pypdfium2 as pdfium
import pytest
from actors import as_user
from browser.support import settle, sign_in
from clock import freeze_on
from docx import Document

from judging.core.bundle import BundleSettings, verify_bundle
from judging.core.documents import DocumentSettings
from judging.core.permissions import SYSTEM
from judging.store import publication as pub
from judging.store.db import open_database, read_session, write_session
from judging.store.documents import save_document_settings
from judging.store.editions import list_editions, rounds_of

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1366, "height": 900}
EXPECTED_FILES = {
    "ann_dl_xlsx": "获奖名单.xlsx", "ann_dl_csv": "获奖名单.csv", "ann_dl_pdf": "获奖名单.pdf",
    "ann_dl_docx": "公告.docx", "ann_dl_certificates": "获奖证书.pdf",
}
BUNDLE = ("ann_dl_bundle", "复核数据包.zip")  # every judge's scores: offered to organisers, not to announcers




@pytest.fixture(scope="module")
def final_list(served_app):
    """The demo's preliminary round published from 2 November 2026 and frozen on the 20th."""
    engine = open_database(served_app["url"])
    try:
        with write_session(engine) as s:
            edition = list_editions(s)[0]
            rnd = rounds_of(s, edition.id)[0]
            publication = pub.publish(s, round_id=rnd.id, settings=BundleSettings(seed=1), close_round=True,
                                      start_date=date(2026, 11, 2), contact="010-12345678", actor=as_user(s, "organiser"))
            freeze_on(date(2026, 11, 20), s, publication_id=publication.id, actor=as_user(s, "organiser"))
            # the organiser's document settings sign the announcement and the certificates
            save_document_settings(s, edition_id=edition.id, settings=DocumentSettings(
                issuer="某市经济和信息化局", certificate_scheme="{year}信创赛证字第{seq:03d}号"), based_on=0,
                actor=as_user(s, "organiser"))
        with read_session(engine) as s:
            table = pub.current_list(s, publication.id, actor=SYSTEM)
        return {"edition": edition.name, "year": edition.year, "table": table}
    finally:
        engine.dispose()


def test_announcer_downloads_every_export_of_the_final_list(chromium, served_app, final_list):
    from playwright.sync_api import expect

    winners = final_list["table"][final_list["table"]["tier"] != ""]
    first = winners.iloc[0]
    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai",
                                   accept_downloads=True)
    page = context.new_page()
    page.goto(served_app["base"])
    settle(page)
    page.get_by_label("用户名").fill("announcer")
    page.get_by_label("密码").fill(served_app["password"])
    page.get_by_role("button", name="登录").click()
    settle(page)
    expect(page.get_by_role("heading", name="获奖名单")).to_be_visible()
    expect(page.get_by_text(f"定稿名单：{len(winners)} 个获奖作品")).to_be_visible()
    expect(page.get_by_text("落款：某市经济和信息化局")).to_be_visible()

    files = {}
    for key, suffix in EXPECTED_FILES.items():
        with page.expect_download(timeout=60_000) as info:
            page.locator(f".st-key-{key} button").click()
        download = info.value
        assert download.suggested_filename == f"{final_list['edition']}_{suffix}"
        files[key] = download.path().read_bytes()
    expect(page.locator(f".st-key-{BUNDLE[0]}")).to_have_count(0)
    context.close()

    # the organiser, on the same page, also gets the reproducible bundle
    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai",
                                   accept_downloads=True)
    page = context.new_page()
    page.goto(f"{served_app['base']}/awards")
    settle(page)
    sign_in(page, "organiser", served_app["password"])
    with page.expect_download(timeout=60_000) as info:
        page.locator(f".st-key-{BUNDLE[0]} button").click()
    assert info.value.suggested_filename == f"{final_list['edition']}_{BUNDLE[1]}"
    files[BUNDLE[0]] = info.value.path().read_bytes()
    context.close()

    book = openpyxl.load_workbook(io.BytesIO(files["ann_dl_xlsx"]))
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == 6
    rows = list(csv.reader(io.StringIO(files["ann_dl_csv"].decode("utf-8-sig"))))
    assert rows[0][:3] == ["排名", "作品编号", "作品名称"] and len(rows) == len(final_list["table"]) + 1
    pdf_text = "".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(files["ann_dl_pdf"]))
    assert "".join(str(first["title"]).split()) in "".join(pdf_text.split())
    document = Document(io.BytesIO(files["ann_dl_docx"]))
    assert document.paragraphs[0].text == f"{final_list['edition']}获奖名单"
    assert "某市经济和信息化局" in [p.text for p in document.paragraphs]
    certificates = pdfium.PdfDocument(files["ann_dl_certificates"])
    assert len(certificates) == len(winners)
    first_page = "".join(certificates[0].get_textpage().get_text_range().split())
    assert f"证书编号：{final_list['year']}信创赛证字第001号" in first_page and "某市经济和信息化局" in first_page
    with zipfile.ZipFile(io.BytesIO(files["ann_dl_bundle"])) as archive:
        assert "SHA256SUMS" in archive.namelist()
    report = verify_bundle(files["ann_dl_bundle"])
    assert report.ok, [p.render("en") for p in report.problems]
