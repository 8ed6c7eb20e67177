"""Real sample files for the materials tests: a PDF (fpdf2, with Chinese text), a PNG and a JPEG
(Pillow), a DOCX (python-docx), and hostile ones built by hand (a PDF with JavaScript, a zip bomb)."""

from __future__ import annotations

import io
import zipfile
import zlib

from docx import Document
from fpdf import FPDF
from PIL import Image

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def pdf_bytes(text: str = "申报书 Application form", pages: int = 1) -> bytes:
    pdf = FPDF()
    try:
        pdf.add_font("noto", fname=CJK_FONT, collection_font_number=2)
        pdf.set_font("noto", size=16)
    except (OSError, RuntimeError, FileNotFoundError):  # no CJK font on this machine: Latin text only
        pdf.set_font("helvetica", size=16)
        text = text.encode("ascii", "ignore").decode() or "Application form"
    for page in range(pages):
        pdf.add_page()
        pdf.cell(text=f"{text} {page + 1}")
    return bytes(pdf.output())


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def docx_bytes(text: str = "项目简介") -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_with_javascript(*, hidden: str = "") -> bytes:
    """A small valid PDF whose catalogue runs JavaScript on opening. ``hidden``: ``"escaped"`` spells
    the name /J#61vaScript, ``"compressed"`` puts the action in a Flate-compressed object stream."""
    action = b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>"
    if hidden == "escaped":
        action = action.replace(b"/JavaScript", b"/J#61vaScript")
    objects = [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    offsets.append(out.tell())
    if hidden == "compressed":
        packed = zlib.compress(b"4 0 " + action)
        out.write(b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
                  % len(packed) + packed + b"\nendstream\nendobj\n")
    else:
        out.write(b"4 0 obj\n" + action + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return out.getvalue()


def pdf_with_binary_stream(payload: bytes) -> bytes:
    """A small valid PDF with an image stream whose (binary) data is ``payload``: a photo's bytes may
    hold "/JS" by chance without being any action."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /Im1 4 0 R >> >> >>",
               b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8 /ColorSpace /DeviceGray "
               b"/Filter /DCTDecode /Length %d >>\nstream\n" % len(payload) + payload + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return out.getvalue()


def zip_bomb_docx(unpacked_mb: int = 300) -> bytes:
    """A DOCX-looking ZIP with one part of zeros that unpacks to ``unpacked_mb`` MB (about 300 KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<Types><Override ContentType="application/vnd.openxmlformats-'
                         'officedocument.wordprocessingml.document.main+xml" PartName="/word/document.xml"/></Types>')
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                part.write(chunk)
    return buffer.getvalue()


def macro_docx() -> bytes:
    """A real DOCX with a vbaProject.bin part added (what a .docm renamed to .docx holds)."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return buffer.getvalue()
