"""Time to parse+check and to store 10,000 entries from CSV and XLSX, on SQLite and PostgreSQL.

Usage: ``python benchmarks/imports.py [--entries 10000] [--postgres URL]``. Prints figures, asserts
nothing; on a busy machine compare the CPU seconds, which other processes do not inflate. Target: a few seconds for 10,000 entries. PostgreSQL is skipped with a note when
no server answers at the URL (default: the test server of RECIPES.md).
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
import uuid
from pathlib import Path

import openpyxl
import xlsxwriter
from sqlalchemy import create_engine, text

from judging.core.imports import parse_entries
from judging.core.permissions import SYSTEM
from judging.store.db import open_database, write_session
from judging.store.editions import create_edition  # noqa: E402
from judging.store.imports import import_entries

TRACKS = [
    ("life", "生活类信息消费", "Life services"),
    ("public", "公共服务类信息消费", "Public services"),
    ("industry", "行业类信息消费", "Industry"),
    ("product", "新型信息产品", "New information products"),
    ("platform", "信息消费支撑平台", "Support platforms"),
]
HEADER = ["作品编号", "作品名称", "申报单位", "推荐单位", "赛道", "简介", "联系人", "邮箱", "联系电话", "材料链接"]
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def rows(n: int) -> list[list[str]]:
    """``n`` realistic entries: Chinese titles and organisations, full-width digits in some phones."""
    out = [HEADER]
    for i in range(n):
        key, name_zh, _ = TRACKS[i % len(TRACKS)]
        phone = f"138{i:08d}" if i % 2 else f"１３９{''.join(chr(0xFF10 + int(d)) for d in f'{i:08d}')}"
        out.append([
            f"2026-{i:05d}", f"基于人工智能的智慧服务平台第{i}号", f"某某信息科技有限公司{i % 997}",
            f"某市工业和信息化局{i % 31}", name_zh if i % 3 else key,
            "面向社区居民提供线上线下一体化服务，覆盖养老、托育、家政等场景。" * 3,
            f"联系人{i}", f"contact{i}@example.com", phone, f"https://example.com/materials/{i}.pdf",
        ])
    return out


def csv_bytes(table: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(table: list[list[str]], *, writer: str = "xlsxwriter") -> bytes:
    """An XLSX file. XlsxWriter writes as Excel does (shared strings, a <dimension>); openpyxl writes
    inline strings, which openpyxl reads about twice as slowly, so both are measured."""
    buffer = io.BytesIO()
    if writer == "xlsxwriter":
        workbook = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_numbers": False})
        sheet = workbook.add_worksheet()
        for r, row in enumerate(table):
            sheet.write_row(r, 0, row)
        workbook.close()
    else:
        workbook = openpyxl.Workbook()
        for row in table:
            workbook.active.append(row)
        workbook.save(buffer)
    return buffer.getvalue()


def timed(function):
    """Wall-clock seconds (what a user waits) and the result; CPU seconds go to ``LAST_CPU``."""
    global LAST_CPU
    start, cpu = time.perf_counter(), time.process_time()
    result = function()
    LAST_CPU = time.process_time() - cpu
    return time.perf_counter() - start, result


LAST_CPU = 0.0  # this process's CPU time of the last ``timed`` call: comparable on a busy machine


def store(url: str, data: bytes) -> tuple[float, float]:
    engine = open_database(url)
    with write_session(engine) as s:
        edition = create_edition(s, name="基准测试", year=2026, tracks=TRACKS, actor=SYSTEM)
    seconds, _ = timed(lambda: _import(engine, edition.id, data))
    engine.dispose()
    return seconds, LAST_CPU


def _import(engine, edition_id: int, data: bytes) -> None:
    with write_session(engine) as s:
        import_entries(s, edition_id=edition_id, data=data, actor=SYSTEM)


def postgres_database(admin_url: str) -> tuple[str, callable] | None:
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            name = f"judging_bench_{uuid.uuid4().hex[:8]}"
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: say so and go on with SQLite
        print(f"PostgreSQL skipped: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return admin_url.rsplit("/", 1)[0] + f"/{name}", drop


def _figure(times: tuple[float, float]) -> str:
    return f"{times[0]:.2f}s ({times[1]:.2f}s CPU)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()

    table = rows(args.entries)
    files = {"CSV (GBK)": csv_bytes(table, "gbk"), "CSV (UTF-8 BOM)": csv_bytes(table, "utf-8-sig"),
             "XLSX (Excel-like)": xlsx_bytes(table), "XLSX (openpyxl)": xlsx_bytes(table, writer="openpyxl")}
    print(f"{args.entries:,} entries; seconds as wall clock (CPU of this process; the server's work is not in it)")
    print(f"{'file':<18} {'size':>9} {'parse+check':>18}")
    for name, data in files.items():
        seconds, records = timed(lambda data=data: parse_entries(data, tracks=TRACKS))
        assert len(records) == args.entries
        print(f"{name:<18} {len(data) / 1e6:>7.1f}MB {seconds:>8.2f}s ({LAST_CPU:.2f}s CPU)")

    print(f"\n{'store (parse+check+insert, one transaction)':<44} {'SQLite':>18} {'PostgreSQL':>20}")
    postgres = postgres_database(args.postgres)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, data in files.items():
                if name in ("CSV (UTF-8 BOM)", "XLSX (openpyxl)"):
                    continue
                sqlite = _figure(store(f"sqlite:///{Path(tmp) / f'{uuid.uuid4().hex}.db'}", data))
                pg = _figure(store(postgres[0], data)) if postgres else "—"
                print(f"{name:<44} {sqlite:>18} {pg:>20}")
    finally:
        if postgres:
            postgres[1]()


if __name__ == "__main__":
    main()
