"""What entry materials cost: 1,000 files (PDF application forms with a scanned page, JPEG photos, Word
files) imported as one folder into 500 entries, all or nothing; the database's growth; the same folder
again (every file already attached: checked, nothing stored); a judge opening a PDF on their sheet
(the permission check and the bytes); and ``audit verify``'s re-hashing of every stored file.

Usage: ``python benchmarks/materials.py [--files 1000] [--kb 300] [--db URL]`` (default: SQLite in a
temporary file; ``--db postgresql://...`` an empty PostgreSQL database). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from docx import Document
from fpdf import FPDF
from PIL import Image
from sqlalchemy import text

from judging.core.materials import check_material, max_material_bytes
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.store.assignment import assign
from judging.store.db import open_database, read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.materials import blob_problems, import_materials, sheet_material_file, sheet_materials
from judging.store.people import create_user

ROOT = Path(__file__).parents[1]


def _noise(rng, kb: int) -> Image.Image:
    side = max(16, int((kb * 1024 / 3) ** 0.5))  # random RGB pixels do not compress: about kb KB
    return Image.fromarray(rng.integers(0, 256, (side, side, 3), dtype=np.uint8))


def pdf_file(rng, i: int, kb: int) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=f"Application form {i}")
    pdf.image(_noise(rng, kb), x=10, y=30, w=120)
    return bytes(pdf.output())


def jpeg_file(rng, kb: int) -> bytes:
    buffer = io.BytesIO()
    _noise(rng, kb // 2).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def docx_file(i: int) -> bytes:
    document = Document()
    for k in range(40):
        document.add_paragraph(f"项目简介第{i}号，第{k}段：基于人工智能的智慧服务平台，面向社区居民提供在线服务。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def folder(n: int, kb: int, entries: list[str]) -> list[tuple[str, bytes]]:
    """n files for the entries, two per entry: 60% PDF, 30% JPEG, 10% DOCX, each distinct."""
    rng = np.random.default_rng(2026)
    files = []
    for i in range(n):
        code = entries[i % len(entries)]
        kind = "pdf" if i % 10 < 6 else "jpg" if i % 10 < 9 else "docx"
        data = pdf_file(rng, i, kb) if kind == "pdf" else jpeg_file(rng, kb) if kind == "jpg" else docx_file(i)
        files.append((f"{code}_{i:04d}_{'申报书' if kind == 'pdf' else '现场照片' if kind == 'jpg' else '简介'}.{kind}",
                      data))
    return files


def database_bytes(engine, path: Path | None) -> int:
    if path is not None:  # the database file once the write-ahead log is folded into it
        raw = engine.raw_connection()  # outside a transaction (the engine's connections begin one)
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        return path.stat().st_size
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()


def timed(label: str, action):
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    print(f"{label:<58} {time.perf_counter() - wall:7.2f} s wall  {time.process_time() - cpu:7.2f} s CPU")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--kb", type=int, default=300, help="about how big each PDF is (JPEGs half, DOCX ~40 KB)")
    parser.add_argument("--db", default=None, help="an empty database (default: SQLite in a temporary file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = None if args.db else Path(tmp) / "bench.db"
        engine = open_database(args.db or f"sqlite:///{path}")
        with write_session(engine) as s:
            edition = create_edition(s, name="基准", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM).id
            rnd = add_round(s, edition_id=edition, key="prelim", name="初评", blind=False,
                            rubric=load_rubric(ROOT / "rubrics" / "innovation_contest.toml"), actor=SYSTEM).id
            add_entries(s, edition_id=edition, records=[{"code": f"2026-IN-{i:03d}", "track": "life",
                                                         "title": f"作品{i}"} for i in range(max(1, args.files // 2))],
                        actor=SYSTEM)
            judge = create_user(s, username="j1", display_name="评委", actor=SYSTEM)
            entries = entries_of(s, edition)
            assign(s, round_id=rnd, pairs=[(judge.id, entries[0].id)], actor=SYSTEM)
        files = timed(f"make {args.files} files", lambda: folder(args.files, args.kb, [e.code for e in entries]))
        total = sum(len(d) for _, d in files)
        print(f"{'files':<58} {len(files)} files, {total / 1024 / 1024:.1f} MB")
        before = database_bytes(engine, path)
        limit = max_material_bytes()
        timed("check every file (signatures, PDF scan, DOCX zip)",
              lambda: [check_material(name=n, data=d, max_bytes=limit) for n, d in files])

        def store():
            with write_session(engine) as s:
                return import_materials(s, edition_id=edition, files=files, actor=SYSTEM)
        outcome = timed("import the folder (check, store, events, seals, commit)", store)
        grown = database_bytes(engine, path) - before
        print(f"{'attached / new stored contents':<58} {len(outcome.attached)} / {outcome.new_blobs}")
        print(f"{'database growth':<58} {grown / 1024 / 1024:.1f} MB "
              f"({grown / max(total, 1):.2f}× the files' {total / 1024 / 1024:.1f} MB)")
        again = timed("the same folder again (all already attached)", store)
        print(f"{'attached the second time':<58} {len(again.attached)} (already: {len(again.already_attached)})")

        where = {"round_id": rnd, "judge_id": judge.id, "entry_id": entries[0].id}
        with read_session(engine) as s:
            pdf = next(m for m in sheet_materials(s, **where, actor=SYSTEM) if m.kind == "pdf")
        opens = []
        for _ in range(50):
            start = time.perf_counter()
            with read_session(engine) as s:
                sheet_material_file(s, **where, material_id=pdf.id, actor=SYSTEM)
            opens.append(time.perf_counter() - start)
        print(f"{'a judge opens a PDF (' + str(pdf.size // 1024) + ' KB), median / max of 50':<58} "
              f"{statistics.median(opens) * 1000:7.1f} ms     {max(opens) * 1000:7.1f} ms")

        def verify():
            with read_session(engine) as s:
                return blob_problems(s, actor=SYSTEM)
        problems = timed("audit verify: re-hash every stored file", verify)
        print(f"{'problems found':<58} {len(problems)}")
        engine.dispose()


if __name__ == "__main__":
    main()
