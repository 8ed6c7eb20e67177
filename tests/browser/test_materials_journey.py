"""Entry materials in a real browser (Playwright + Debian Chromium) over the demo database: the organiser
attaches an application form (PDF) and a photo to an entry on the materials page; the judge the entry is
assigned to opens it and reads the PDF inside the score sheet (the viewer draws its pages), sees the photo
as a thumbnail, and downloads the PDF through the app, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser.support import VIEWPORT, open_entry, settle, sign_in
from material_files import image_bytes, pdf_bytes

from judging.core.permissions import SYSTEM
from judging.demo import DEMO_PASSWORD
from judging.store.db import open_database, read_session
from judging.store.materials import entry_materials
from judging.store.models import Entry

pytestmark = pytest.mark.browser

# how many of a canvas's pixels are dark
DARK_PIXELS = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                        let dark = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++; return dark; }"""


def _entry(url: str, entry_id: int) -> Entry:
    engine = open_database(url)
    try:
        with read_session(engine) as s:
            return s.get(Entry, entry_id)
    finally:
        engine.dispose()


def _attached(url: str, entry_id: int) -> list[str]:
    engine = open_database(url)
    try:
        with read_session(engine) as s:
            return [m.file_name for m in entry_materials(s, entry_ids=[entry_id], actor=SYSTEM)[entry_id]]
    finally:
        engine.dispose()


def test_organiser_uploads_and_the_judge_reads_the_pdf_inside_the_sheet(chromium, served_app, tmp_path,
                                                                        screenshot_dir):
    from playwright.sync_api import expect

    app = served_app
    entry_id = app["entries"][0]
    entry = _entry(app["url"], entry_id)
    form = pdf_bytes("申报书 Application form", pages=2)
    files = {"申报书.pdf": form, "现场照片.png": image_bytes("PNG", size=(640, 480))}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)

    organiser = chromium.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = organiser.new_page()
    page.goto(f"{app['base']}/materials")
    settle(page)
    sign_in(page, "organiser", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="作品材料")).to_be_visible()
    page.locator(".st-key-oc_mat_entry").click()
    page.keyboard.type(entry.code)
    page.get_by_role("option", name=f"{entry.code} · {entry.title}").first.click()
    settle(page)
    page.locator(".st-key-oc_mat_files_0 input[type=file]").set_input_files([str(tmp_path / n) for n in files])
    settle(page)
    page.wait_for_timeout(500)
    settle(page)
    page.locator(".st-key-oc_mat_attach button").click()
    settle(page)
    expect(page.get_by_text("已附加 2 个文件")).to_be_visible()
    assert sorted(_attached(app["url"], entry_id)) == sorted(files)
    organiser.close()

    judge = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    page = judge.new_page()
    page.goto(f"{app['base']}/entries")
    settle(page)
    sign_in(page, app["username"], app["password"])
    open_entry(page, app, entry_id)

    viewer = page.locator("[class*='st-key-mat_view_']")
    viewer.wait_for(timeout=30_000)
    expect(viewer.locator("canvas")).to_have_count(2, timeout=30_000)  # pdf.js draws each of the form's pages
    # pdf.js adds a page's canvas before it draws on it, and drawing takes seconds on a loaded machine:
    # wait (up to 30 s) until the first page carries ink, then count it
    first_page = viewer.locator("canvas").first.element_handle()
    page.wait_for_function(f"c => ({DARK_PIXELS})(c) > 50", arg=first_page, timeout=30_000)
    inked = first_page.evaluate(DARK_PIXELS)
    assert inked > 50  # the page's text is drawn, not a blank canvas
    expect(page.locator("[data-testid='stImage'] img")).to_have_count(1)
    expect(page.get_by_text("现场照片.png")).to_be_visible()
    page.screenshot(path=str(Path(screenshot_dir) / "sheet_materials.png"), full_page=False)

    with page.expect_download() as download:
        page.get_by_role("button", name="下载 / 全屏打开 · 申报书.pdf").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "申报书.pdf"
    assert saved.read_bytes() == form
    judge.close()
