"""The audit log as a file: CSV (UTF-8 with BOM, for Excel on Chinese Windows) and XLSX, one row per event
with its sentence and the payload as recorded, written as the events stream in."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from judging.core.audit_words import LoggedEvent, Names, describe
from judging.core.tabular import formula_safe
from judging.i18n import t

COLUMNS = ("id", "at", "actor", "kind", "subject", "text", "payload")
XLSX_WIDTHS = (8, 20, 16, 22, 18, 80, 60)


def _header(lang: str) -> list[str]:
    return [t(f"alog.col.{name}", lang) for name in COLUMNS]


def log_rows(events: Iterable[LoggedEvent], names: Names, lang: str = "zh") -> Iterable[list[object]]:
    """One row per event: id, time (UTC), who (display name), kind, subject, the sentence, the payload."""
    for event in events:
        yield [event.id, event.at.strftime("%Y-%m-%d %H:%M:%S"), names.person(event.actor, lang), event.action,
               event.subject, describe(event, names, lang),
               json.dumps(dict(event.payload), ensure_ascii=False, sort_keys=True, default=str)]


def log_csv(events: Iterable[LoggedEvent], names: Names, lang: str = "zh") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header(lang))
    for row in log_rows(events, names, lang):
        writer.writerow([cell if isinstance(cell, int) else formula_safe(str(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def log_xlsx(events: Iterable[LoggedEvent], names: Names, lang: str = "zh") -> bytes:
    import xlsxwriter  # loads when a file is made

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    sheet = book.add_worksheet(t("alog.sheet", lang))
    bold = book.add_format({"bold": True})
    for column, (title, width) in enumerate(zip(_header(lang), XLSX_WIDTHS, strict=True)):
        sheet.write_string(0, column, title, bold)
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(log_rows(events, names, lang), start=1):
        sheet.write_number(number, 0, row[0])
        for column, cell in enumerate(row[1:], start=1):
            sheet.write_string(number, column, formula_safe(str(cell)))
    book.close()
    return buffer.getvalue()
