"""What makes an announcement, a list or a certificate a 公文-grade document: the GB/T 9704-2012 page
and fonts (with the fonts Debian ships in their place), certificate numbers in the organiser's Chinese
scheme, table columns as wide as their content, and the notes that say what a change on the list did.

Pure: no document library is imported here; ``judging.core.exports`` draws the files.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from judging.errors import JudgingError, Problem
from judging.i18n import t

# --- the page (GB/T 9704-2012, 5.2 and 7.x) --------------------------------------------------
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0  # A4 (5.2.1)
MARGIN_TOP_MM = 37.0  # 天头 37 mm ± 1 mm (5.2.2)
MARGIN_BOTTOM_MM = 35.0  # 版心 225 mm high: 297 - 37 - 225
MARGIN_LEFT_MM = 28.0  # 订口 28 mm ± 1 mm
MARGIN_RIGHT_MM = 26.0  # 版心 156 mm wide: 210 - 28 - 156
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225
LINES_PER_PAGE = 22  # 一般每面排 22 行，每行排 28 个字 (5.2.4)
LINE_PITCH_PT = round(TEXT_HEIGHT_MM / 25.4 * 72 / LINES_PER_PAGE, 2)  # 28.99 pt: 22 lines fill the 225 mm
FOOTER_DISTANCE_MM = 7.0  # 页码 sits about 7 mm below the text block (7.5)
PT_TO_MM = 25.4 / 72

# --- the type sizes (号 in points) ------------------------------------------------------------
SIZE_2 = 22.0  # 二号: the title (7.3.3 标题)
SIZE_3 = 16.0  # 三号: the body, headings, issuer and date
SIZE_4 = 14.0  # 四号: page numbers (7.5)
SIZE_SMALL_4 = 12.0  # 小四: table text (tables of names are set smaller than the body, as offices do)
SIZE_CERT_TITLE = 42.0  # a certificate's 荣誉证书 (not in the standard: certificates follow its fonts only)
SIZE_CERT_TIER = 30.0

# --- the fonts ---------------------------------------------------------------------------------
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")  # Debian's fonts-noto-cjk
NOTO_SC = 2  # index of the Simplified Chinese face in each Noto CJK collection (JP, KR, SC, TC, HK)


@dataclass(frozen=True)
class DocumentFont:
    """A font of the standard by its Windows name, with the font the PDFs embed in its place.

    The DOCX names the standard's font (Word on Chinese Windows has it) and lists ``alt_names`` in its
    font table; where neither is installed, LibreOffice and WPS substitute through fontconfig (see
    docs/documents.md for an alias file that maps them to Noto). The PDFs must embed a font, and
    Debian ships none of the 方正/中易 fonts, so they embed ``fallback`` (a Noto CJK SC face).
    """

    role: str
    name: str
    alt_names: tuple[str, ...]
    fallback: Path
    fallback_index: int = NOTO_SC
    fallback_family: str = ""
    fallback_style: str = ""  # fpdf2's style under which the face is registered ("" or "B")


TITLE_FONT = DocumentFont("title", "方正小标宋简体", ("小标宋", "方正小标宋_GBK", "华文中宋", "宋体"),
                          NOTO_DIR / "NotoSerifCJK-Bold.ttc", fallback_family="serif", fallback_style="B")
BODY_FONT = DocumentFont("body", "仿宋_GB2312", ("仿宋", "FangSong", "宋体"),
                         NOTO_DIR / "NotoSerifCJK-Regular.ttc", fallback_family="serif")
HEADING_FONT = DocumentFont("heading", "黑体", ("SimHei", "微软雅黑"),
                            NOTO_DIR / "NotoSansCJK-Regular.ttc", fallback_family="sans")
PAGE_NUMBER_FONT = DocumentFont("page_number", "宋体", ("SimSun",),
                                NOTO_DIR / "NotoSerifCJK-Regular.ttc", fallback_family="serif")
DOCUMENT_FONTS = (TITLE_FONT, BODY_FONT, HEADING_FONT, PAGE_NUMBER_FONT)
LATIN_FONT = "Times New Roman"  # Latin letters and digits beside the Chinese text


def page_number_text(page: int) -> str:
    """``— 1 —``: the number between two 一字线 (7.5), with a space on each side."""
    return f"\u2014 {page} \u2014"


def chinese_date(day) -> str:
    """``2026年12月1日``: the 成文日期 in Arabic numerals, no leading zeros (7.3.5.1)."""
    return f"{day.year}年{day.month}月{day.day}日"


# --- columns that fit their content -------------------------------------------------------------
CELL_PADDING_MM = 3.8  # Word's default cell margins, 1.9 mm on each side (the PDFs use the same)
MAX_COLUMN_EMS = 24  # a column never asks for more than 24 characters: longer text wraps


def text_ems(text: str) -> float:
    """The width of ``text`` in ems: 1 per Chinese (full-width) character, ½ per Latin one."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in str(text))


def fit_column_widths(header: Sequence[str], rows: Iterable[Sequence[str]], *, total_mm: float,
                      font_pt: float, padding_mm: float = CELL_PADDING_MM,
                      max_ems: Sequence[float] | None = None) -> list[float]:
    """Column widths in mm that add up to ``total_mm`` and follow the content.

    Each column asks for its widest cell (the header included, at most ``MAX_COLUMN_EMS``, or its own
    limit in ``max_ems``: a column of notes asks for less than its longest note). When all
    fit, the space left goes to the columns that asked for more than the average, in proportion to
    what they asked for (序号 stays narrow). When they do not, columns that ask for less than an
    equal share keep what they asked for (序号 and 奖项等级 stay on one line), and the others share
    the rest in proportion to what they asked for (作品名称 and 申报单位 wrap). A column is never narrower than its header's longest character
    plus padding, unless even that does not fit, when all are scaled down alike.
    """
    em_mm = font_pt * PT_TO_MM
    limits = list(max_ems) if max_ems is not None else [MAX_COLUMN_EMS] * len(header)
    wanted = [min(limits[i], text_ems(h)) for i, h in enumerate(header)]
    for row in rows:
        for i, cell in enumerate(row):
            wanted[i] = max(wanted[i], min(limits[i], text_ems(cell)))
    asked = [max(w, 1.0) * em_mm + padding_mm for w in wanted]
    if sum(asked) <= total_mm:  # the space left goes to the columns of text (wider than the average)
        extra = total_mm - sum(asked)
        mean = sum(asked) / len(asked)
        weights = [a if a > mean else 0.0 for a in asked] if max(asked) > mean else asked
        return [a + extra * w / sum(weights) for a, w in zip(asked, weights, strict=True)]
    fixed: set[int] = set()
    while True:  # water-filling: a column asking for less than an equal share gets it; repeat on the rest
        free = [i for i in range(len(asked)) if i not in fixed]
        left = total_mm - sum(asked[i] for i in fixed)
        newly = {i for i in free if asked[i] <= left / len(free)}
        if not newly or newly == set(free):
            break
        fixed |= newly
    share = {i: left * asked[i] / sum(asked[j] for j in free) for i in free}
    widths = [asked[i] if i in fixed else share[i] for i in range(len(asked))]
    floor = [em_mm + padding_mm] * len(asked)
    if any(w < f for w, f in zip(widths, floor, strict=True)) and sum(floor) <= total_mm:
        short = [i for i, (w, f) in enumerate(zip(widths, floor, strict=True)) if w < f]
        taken = sum(floor[i] - widths[i] for i in short)
        # taken from the wide columns first; from the narrow ones only when the wide cannot give enough
        wide = [i for i in range(len(widths)) if i not in short and i not in fixed]
        if sum(widths[i] - floor[i] for i in wide) < taken:
            wide = [i for i in range(len(widths)) if i not in short]
        spare = sum(widths[i] - floor[i] for i in wide)
        for i in short:
            widths[i] = floor[i]
        for i in wide:
            widths[i] -= taken * (widths[i] - floor[i]) / spare
    scale = total_mm / sum(widths)
    return [w * scale for w in widths]


# --- certificate numbers --------------------------------------------------------------------
DEFAULT_CERTIFICATE_SCHEME = "〔{年份}〕{前缀}证字第{序号:03d}号"
# a scheme's fields by their Chinese names (what the organiser's form shows), with English aliases
SCHEME_FIELDS = {"年份": "year", "序号": "seq", "赛道": "track", "前缀": "prefix"}
SCHEME_ALIASES = {english: chinese for chinese, english in SCHEME_FIELDS.items()}
MAX_SCHEME_LENGTH = 60
MAX_ISSUER_LENGTH = 100
MAX_PREFIX_LENGTH = 20


class DocumentSettingsError(JudgingError):
    """The document settings (issuer, certificate scheme, track prefixes) cannot be used as given."""


@dataclass(frozen=True)
class DocumentSettings:
    """What an edition's documents are signed and numbered with.

    ``issuer``: the 主办单位 (发文机关) that signs the announcement and the certificates; empty means
    not set, and those documents are refused. ``certificate_scheme``: a template with ``{年份}``,
    ``{序号}`` (with a format such as ``{序号:03d}``), ``{赛道}`` (the track's Chinese name) and
    ``{前缀}`` (the organiser's short name per track, the track's name by default); ``{year}``,
    ``{seq}``, ``{track}`` and ``{prefix}`` are the same fields.
    """

    issuer: str = ""
    certificate_scheme: str = DEFAULT_CERTIFICATE_SCHEME
    track_prefixes: Mapping[str, str] = field(default_factory=dict)


def scheme_fields(scheme: str) -> list[str]:
    """The field names the scheme uses, or ``DocumentSettingsError`` saying what is wrong with it."""
    try:
        parsed = list(string.Formatter().parse(scheme))
    except ValueError as exc:
        raise DocumentSettingsError(Problem("doc.scheme_syntax", {"scheme": scheme, "detail": str(exc)})) from None
    names = [name for _, name, _, _ in parsed if name is not None]
    unknown = [n for n in names if n not in SCHEME_FIELDS and n not in SCHEME_ALIASES]
    if unknown:
        raise DocumentSettingsError(Problem("doc.scheme_unknown", {
            "fields": "、".join("{" + (n or "") + "}" for n in unknown), "allowed": "、".join(
                "{" + n + "}" for n in SCHEME_FIELDS)}))
    return [SCHEME_FIELDS.get(n, n) for n in names]


def _format(scheme: str, *, year: int, seq: int, track: str, prefix: str) -> str:
    values = {"year": year, "seq": seq, "track": track, "prefix": prefix}
    return scheme.format(**values, **{chinese: values[english] for chinese, english in SCHEME_FIELDS.items()})


def check_document_settings(settings: DocumentSettings, *, track_names: Mapping[str, str]) -> DocumentSettings:
    """The settings with surrounding spaces dropped, or every problem at once (issuer, scheme, prefixes)."""
    problems: list[Problem] = []
    issuer = " ".join(settings.issuer.split())
    if not issuer:
        problems.append(Problem("doc.issuer_required", {}))
    elif len(issuer) > MAX_ISSUER_LENGTH:
        problems.append(Problem("doc.issuer_too_long", {"n": len(issuer), "max": MAX_ISSUER_LENGTH}))
    scheme = settings.certificate_scheme.strip()
    try:
        names = scheme_fields(scheme)
        if "seq" not in names:
            problems.append(Problem("doc.scheme_no_seq", {"scheme": scheme}))
        elif len(scheme) > MAX_SCHEME_LENGTH:
            problems.append(Problem("doc.scheme_too_long", {"n": len(scheme), "max": MAX_SCHEME_LENGTH}))
        else:
            try:
                _format(scheme, year=2026, seq=1, track="生活类", prefix="生活类")
            except (ValueError, TypeError, IndexError, KeyError) as exc:
                problems.append(Problem("doc.scheme_format", {"scheme": scheme, "detail": str(exc)}))
    except DocumentSettingsError as exc:
        problems.extend(exc.problems)
    prefixes: dict[str, str] = {}
    for key, value in settings.track_prefixes.items():
        text = str(value).strip()
        if key not in track_names:
            problems.append(Problem("doc.prefix_unknown_track", {"track": key}))
        elif len(text) > MAX_PREFIX_LENGTH:
            problems.append(Problem("doc.prefix_too_long", {"track": track_names[key], "max": MAX_PREFIX_LENGTH}))
        elif text:
            prefixes[key] = text
    if problems:
        raise DocumentSettingsError(problems)
    return DocumentSettings(issuer=issuer, certificate_scheme=scheme, track_prefixes=prefixes)


def certificate_numbers(tracks: Sequence[str], *, scheme: str, year: int, track_names: Mapping[str, str],
                        prefixes: Mapping[str, str] | None = None) -> list[str]:
    """One number per certificate, in the order given (the list's: track, tier, rank).

    ``{序号}`` counts within each track when the scheme names the track (``{赛道}`` or ``{前缀}``),
    so that two tracks' 001 differ; otherwise it counts over the whole list. A track without a
    Chinese name is refused: the number would show its internal key.
    """
    names = scheme_fields(scheme)
    per_track = "track" in names or "prefix" in names
    prefixes = prefixes or {}
    counters: dict[str, int] = {}
    numbers = []
    for track in tracks:
        name = track_names.get(track, "")
        if not name:
            raise DocumentSettingsError(Problem("doc.track_unnamed", {"track": track}))
        counter = track if per_track else ""
        counters[counter] = counters.get(counter, 0) + 1
        numbers.append(_format(scheme, year=year, seq=counters[counter], track=name,
                               prefix=prefixes.get(track) or name))
    return numbers


# --- what a change on the list did ---------------------------------------------------------------

@dataclass(frozen=True)
class ListChange:
    """One recorded change of an entry's tier (``""``: no award), with its source (``objection:<id>``,
    ``manual``, ``reopening:<id>``) and the reason the organiser wrote."""

    entry_id: str
    tier_before: str
    tier_after: str
    source: str
    reason: str


def change_notes(changes: Iterable[ListChange], *, labels: Mapping[str, str], lang: str = "zh") -> dict[str, str]:
    """Per entry, what the changes did in words (``经异议复核，由二等奖调整为一等奖（理由）``); the
    changes of one entry in order, joined by ``；``. A change back and forth still says both steps."""
    def label(key: str) -> str:
        return labels.get(key, key) if key else t("doc.no_award", lang)

    notes: dict[str, list[str]] = {}
    for change in changes:
        key = "doc.change.objection" if change.source.startswith("objection") else "doc.change.review"
        text = t(key, lang, before=label(change.tier_before), after=label(change.tier_after))
        reason = " ".join(change.reason.split())
        if reason:
            text += t("doc.change.reason", lang, reason=reason)
        notes.setdefault(change.entry_id, []).append(text)
    return {entry: "；".join(texts) for entry, texts in notes.items()}
