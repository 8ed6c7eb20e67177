"""Entry materials as files: what a file really is (by its bytes, not its name), the checks that refuse
hostile or unusable files, which entry a bulk file name belongs to, and the manifest the bundle carries.

Accepted kinds: PDF, PNG, JPEG and DOCX. Nothing here opens a file for display or runs anything in it:

- the kind comes from the file's signature (magic bytes); the extension must agree with it;
- a PDF with active content (JavaScript, launch actions, embedded files, rich media, XFA forms) is
  refused, not flagged: a judge's browser shows PDFs with pdf.js, which does not run them, but a judge
  who downloads the file may open it in a reader that does, and the organiser can always export the
  application form again without them ("print to PDF");
- a DOCX is a ZIP: member count, declared unpacked size and per-member compression ratio are capped
  before anything is read (a zip bomb is refused by its directory), it must be a WordprocessingML
  package by its ``[Content_Types].xml``, and macro-enabled documents are refused. DOCX files are
  offered for download only, never rendered;
- an image's pixel count is read from its header (Pillow, without decoding) and capped.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from judging.core.tabular import normalise_code
from judging.errors import Problem

# Application forms (申报书) run to 50-100 pages with scanned seals: 5-15 MB. 20 MB per file as the
# other uploads; an organiser can raise it (JUDGING_MATERIAL_MAX_MB) for scanned books.
DEFAULT_MAX_MB = 20
MAX_MB_ENV = "JUDGING_MATERIAL_MAX_MB"
MAX_NAME_CHARS = 200  # Windows keeps names below 255; a longer one is not a name a person typed
MAX_DOCX_MEMBERS = 2_000  # a 100-page Word file with images has a few hundred parts
MAX_DOCX_UNPACKED = 200 * 1024 * 1024  # declared unpacked size of all parts together
MAX_DOCX_RATIO = 200  # XML compresses 10-30x; a part that claims more than 200x is a bomb
DOCX_RATIO_FLOOR = 1024 * 1024  # small parts may compress better than that (runs of spaces)
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
MAX_IMAGE_PIXELS = 80_000_000  # a 600 dpi A3 scan is about 70 megapixels
MAX_INFLATED_STREAM = 20 * 1024 * 1024  # a PDF stream inflated to look for active content, at most this much
MAX_INFLATED_TOTAL = 200 * 1024 * 1024

PDF, PNG, JPEG, DOCX = "pdf", "png", "jpeg", "docx"
KINDS = (PDF, PNG, JPEG, DOCX)
CONTENT_TYPES = {
    PDF: "application/pdf", PNG: "image/png", JPEG: "image/jpeg",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".docx": DOCX}
IMAGES = (PNG, JPEG)

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_TYPES = ("macroEnabled", "vbaProject", "activeX")
# PDF names that make a reader act by itself; names may hide letters as #xx (/J#61vaScript)
_PDF_ACTIVE = {b"/JavaScript": "JavaScript", b"/JS": "JavaScript", b"/Launch": "Launch",
               b"/EmbeddedFile": "EmbeddedFile", b"/EmbeddedFiles": "EmbeddedFile", b"/RichMedia": "RichMedia",
               b"/XFA": "XFA", b"/SubmitForm": "SubmitForm", b"/ImportData": "ImportData"}
_PDF_NAME = re.compile(rb"/[A-Za-z0-9#]+")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PDF_HEADER_SCAN = 4096  # a stream's dictionary is looked for this far before its data
_NAME_BOUNDARY = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check: its kind, content type, digest and size."""

    name: str
    kind: str
    content_type: str
    sha256: str
    size: int


def max_material_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The per-file limit: ``JUDGING_MATERIAL_MAX_MB`` (a positive number of MB), else 20 MB."""
    raw = (os.environ if environ is None else environ).get(MAX_MB_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int((mb if mb > 0 else DEFAULT_MAX_MB) * 1024 * 1024)


def sniff_kind(data: bytes) -> str | None:
    """The kind the bytes say (PDF, PNG, JPEG, or a ZIP that might be a DOCX), or None."""
    head = data[:1024]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if b"%PDF-" in head:  # the header may follow a few bytes of junk (readers accept up to 1 KB)
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return DOCX
    return None


def clean_file_name(name: str) -> str:
    """The file's own name (no folders), Unicode-normalised (NFC: a Mac's decomposed 申报书 matches the
    Windows one), without control characters."""
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    return "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()


def check_material(*, name: str, data: bytes, max_bytes: int) -> CheckedFile | Problem:
    """The checked file, or the problem that refuses it (located by the file's name)."""
    shown = clean_file_name(name) or "—"
    if not clean_file_name(name) or len(shown) > MAX_NAME_CHARS:
        return Problem("mat.bad_name", {"limit": MAX_NAME_CHARS}, where=shown[:MAX_NAME_CHARS])
    if len(data) > max_bytes:
        return Problem("mat.too_big", {"size": f"{len(data) / 1024 / 1024:.1f}",
                                       "limit": f"{max_bytes / 1024 / 1024:g}"}, where=shown)
    if not data:
        return Problem("mat.empty", where=shown)
    extension = os.path.splitext(shown)[1].lower()
    claimed = EXTENSIONS.get(extension)
    if claimed is None:
        return Problem("mat.bad_extension", {"extension": extension or "—"}, where=shown)
    kind = sniff_kind(data)
    if kind is None:
        return Problem("mat.unknown_content", {"claimed": claimed.upper()}, where=shown)
    if kind != claimed:
        return Problem("mat.wrong_extension", {"claimed": claimed.upper(), "actual": kind.upper()}, where=shown)
    problem = {PDF: _pdf_problem, PNG: _image_problem, JPEG: _image_problem, DOCX: _docx_problem}[kind](data)
    if problem is not None:
        return Problem(problem.code, problem.params, where=shown)
    return CheckedFile(shown, kind, CONTENT_TYPES[kind], hashlib.sha256(data).hexdigest(), len(data))


# --- PDF -----------------------------------------------------------------------------------------

def _plain_names(chunk: bytes) -> set[bytes]:
    return {_PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name) for name in _PDF_NAME.findall(chunk)}


def pdf_active_content(data: bytes) -> list[str]:
    """The kinds of active content a PDF declares (JavaScript, Launch, ...), sorted; [] if none.

    Names are looked for in the file's objects outside stream data (a scanned page or a photo is
    binary that may hold "/JS" by chance), and inside compressed object streams (``/Type /ObjStm``,
    where whole dictionaries hide), each inflated up to a cap."""
    found: set[str] = set()
    outside, position, inflated_total = [], 0, 0
    for match in _PDF_STREAM.finditer(data):
        if match.start() < position:  # "stream" inside the data of a stream already skipped
            continue
        header = data[max(position, match.start() - _PDF_HEADER_SCAN):match.start()]
        outside.append(data[position:match.start()])
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end + len(b"endstream")
        if b"/ObjStm" in header and inflated_total < MAX_INFLATED_TOTAL:
            try:
                inflated = zlib.decompressobj().decompress(data[match.end():end - len(b"endstream")],
                                                           MAX_INFLATED_STREAM)
            except zlib.error:
                inflated = b""  # not Flate: nothing readable to look into
            inflated_total += len(inflated)
            found |= {_PDF_ACTIVE[n] for n in _plain_names(inflated) if n in _PDF_ACTIVE}
        position = end
    outside.append(data[position:])
    found |= {_PDF_ACTIVE[n] for n in _plain_names(b"\n".join(outside)) if n in _PDF_ACTIVE}
    return sorted(found)


def _pdf_problem(data: bytes) -> Problem | None:
    if b"%%EOF" not in data:  # a file cut off in the upload or the copy
        return Problem("mat.pdf_truncated")
    active = pdf_active_content(data)
    if active:
        return Problem("mat.pdf_active", {"what": ", ".join(active)})
    return None


# --- images --------------------------------------------------------------------------------------

def _image_problem(data: bytes) -> Problem | None:
    from PIL import Image  # Pillow comes with Streamlit; only the header is read, no pixel is decoded

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        return Problem("mat.image_too_large", {"limit": MAX_IMAGE_PIXELS // 1_000_000})
    except (OSError, ValueError, SyntaxError):
        return Problem("mat.image_broken")
    if width * height > MAX_IMAGE_PIXELS:
        return Problem("mat.image_too_large", {"limit": MAX_IMAGE_PIXELS // 1_000_000})
    return None


# --- DOCX ----------------------------------------------------------------------------------------

def _docx_problem(data: bytes) -> Problem | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_DOCX_MEMBERS:
                return Problem("mat.docx_bomb", {"detail": f"{len(infos)} > {MAX_DOCX_MEMBERS} parts"})
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_DOCX_UNPACKED:
                return Problem("mat.docx_bomb", {"detail": f"{unpacked // 1024 // 1024} MB unpacked"})
            for info in infos:
                if info.file_size > DOCX_RATIO_FLOOR and info.file_size > MAX_DOCX_RATIO * max(info.compress_size, 1):
                    return Problem("mat.docx_bomb", {"detail": f"{info.filename}: "
                                                     f"{info.file_size // max(info.compress_size, 1)}x"})
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names:
                return Problem("mat.docx_not_word")
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return Problem("mat.docx_macros")
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return Problem("mat.docx_bomb", {"detail": "[Content_Types].xml"})
            # read() stops at the declared size, so a member that lies about it cannot unpack more
            types = archive.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, zlib.error, EOFError, KeyError):
        return Problem("mat.docx_not_word")
    if any(marker in types for marker in _MACRO_TYPES):
        return Problem("mat.docx_macros")
    if _DOCX_MAIN not in types:
        return Problem("mat.docx_not_word")
    return None


# --- bulk file names -----------------------------------------------------------------------------

def entry_code_of(file_name: str, codes: Iterable[str]) -> str | None:
    """The entry a file belongs to: the longest entry id the name starts with, followed by anything but
    a Latin letter or digit (``2026-IN-014_申报书.pdf`` is 2026-IN-014's, not 2026-IN-01's). Ids compare
    without case and with full-width characters made half-width."""
    name = normalise_code(clean_file_name(file_name)).casefold()
    best: str | None = None
    for code in codes:
        key = normalise_code(code).casefold()
        if key and name.startswith(key) and not _NAME_BOUNDARY.match(name[len(key):len(key) + 1]):
            if best is None or len(key) > len(normalise_code(best)):
                best = code
    return best


def manifest_rows(materials: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    """The bundle's materials manifest: entry id, file name, SHA-256 and size, in a stable order."""
    rows = [{"entry_id": str(m["entry_id"]), "file_name": str(m["file_name"]), "sha256": str(m["sha256"]),
             "bytes": int(str(m["size"]))} for m in materials]
    return sorted(rows, key=lambda r: (r["entry_id"], r["file_name"], r["sha256"]))
