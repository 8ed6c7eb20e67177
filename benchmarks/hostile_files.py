"""Peak memory and time for every hostile file of the import and verify paths, each in its own process.

Usage: ``python benchmarks/hostile_files.py [--only NAME]``. Prints one line per file: its size, what the
reader answered (the first problem's code, or how many rows it read), the peak RSS of the process that
read it (the file is made by another one) and its wall time. Asserts nothing. The baseline (an empty Python with the project imported) is printed first, so
the cost of a file is the difference. Target: every hostile file under 500 MB and a few seconds.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
 Target="worksheets/sheet1.xml"/></Relationships>"""
ROOT_RELS = b"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="xl/workbook.xml"/></Relationships>"""
CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""


def hostile_xlsx(rows: int, *, dimension: bool) -> bytes:
    """A minimal XLSX with ``rows`` one-cell rows, written straight as XML (openpyxl would take minutes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)):
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main">')
            if dimension:
                sheet.write(f'<dimension ref="A1:A{rows}"/>'.encode())
            sheet.write(b"<sheetData>")
            row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
            for _ in range(rows // 10_000):
                sheet.write(row * 10_000)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def mixed_csv(rows: int) -> bytes:
    lines = ["作品编号,作品名称,申报单位,赛道".encode("gbk")]
    lines += [f"E{i},智慧养老平台{i},甲公司,生活类".encode("gbk") for i in range(rows)]
    lines[rows // 2] = f"E{rows // 2},数字乡村,乙公司,生活类".encode()
    return b"\n".join(lines) + b"\n"


def bundle_with_scores(rows: int) -> bytes:
    """A bundle whose checksums all match, so that verify reaches its score file of ``rows`` rows."""
    from judging.core.bundle import REQUIRED_FILES, SUMS_NAME, sha256
    from judging.core.rubric import load_rubric, rubric_to_mapping
    from judging.resources import rubrics_dir

    scores = b"judge_id,entry_id,criterion,score\n" + b"".join(
        f"j{i % 50},E{i // 50},tech,80\n".encode() for i in range(rows))
    rubric = json.dumps(rubric_to_mapping(load_rubric(rubrics_dir() / "innovation_contest.toml"))).encode()
    files = {name: b"[]" for name in REQUIRED_FILES} | {"scores.csv": scores, "rubric.json": rubric,
                                                        "manifest.json": b"{}", "settings.json": b"{}"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        archive.writestr(SUMS_NAME, "".join(f"{sha256(c)}  {n}\n" for n, c in files.items()))
    return out.getvalue()


def deep_bundle() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("SHA256SUMS", b"")
        archive.writestr("manifest.json", b"[" * 1_000_000 + b"]" * 1_000_000)
    return out.getvalue()


CASES = {  # name → (kind, how to make the bytes)
    "xlsx 3,000,000 rows, dimension says so": ("entries", lambda: hostile_xlsx(3_000_000, dimension=True)),
    "xlsx 1,500,000 rows, no dimension": ("entries", lambda: hostile_xlsx(1_500_000, dimension=False)),
    "xlsx 1,000,000 rows, dimension says so": ("entries", lambda: hostile_xlsx(1_000_000, dimension=True)),
    "csv 1,000,000 rows of entries": ("entries", lambda: ("作品名称,申报单位,赛道\n" + "甲,甲公司,生活类\n" * 1_000_000).encode()),
    "csv 1,000,000 short rows (6 MB)": ("entries", lambda: b"a,b,c\n" * 1_000_000),
    "csv GBK with one UTF-8 row (50,000 rows)": ("entries", lambda: mixed_csv(50_000)),
    "csv one 10 MB cell": ("entries", lambda: ("作品名称,申报单位,赛道\n甲,甲公司," + "x" * 10_000_000 + "\n").encode()),
    "scores csv 400,000 rows": ("scores", lambda: b"judge_id,entry_id,criterion,score\n"
                                + b"".join(f"j{i % 50},E{i // 50},tech,80\n".encode() for i in range(400_000))),
    "bundle, scores.csv of 400,000 rows": ("verify", lambda: bundle_with_scores(400_000)),
    "bundle, scores.csv of 3,000,000 rows": ("verify", lambda: bundle_with_scores(3_000_000)),
    "bundle, manifest nested 1,000,000 deep": ("verify", deep_bundle),
    "rubric nested 100,000 deep": ("rubric", lambda: ("x = " + "[" * 100_000 + "]" * 100_000).encode()),
    "rubric scale max 1e308": ("rubric", lambda: b"key = \"x\"\nlabel = { zh = \"x\", en = \"x\" }\n"
                               b"scale = { min = 0, max = 1e308, step = 1 }\n"),
}


def run_child(name: str, path: str) -> None:
    kind, _ = CASES[name]
    data = Path(path).read_bytes()
    from judging.core.imports import check_entries
    from judging.core.rubric import load_rubric, parse_rubric
    from judging.core.scores_io import read_scores_csv
    from judging.errors import JudgingError
    from judging.resources import rubrics_dir

    rubric = load_rubric(rubrics_dir() / "innovation_contest.toml")
    start = time.perf_counter()
    try:
        if kind == "entries":
            report = check_entries(data, tracks=[("life", "生活类信息消费", "Life")])
            answer = report.problems[0].code if report.problems else f"{len(report.records)} rows"
        elif kind == "scores":
            answer = f"{len(read_scores_csv(data, rubric))} rows"
        elif kind == "verify":
            from judging.core.bundle import verify_bundle
            report = verify_bundle(data)
            answer = ",".join(sorted({p.code for p in report.problems})) or "ok"
        else:
            parse_rubric(data.decode(), source="hostile.toml")
            answer = "loaded"
    except JudgingError as exc:
        answer = exc.problems[0].code
    print(json.dumps({"seconds": time.perf_counter() - start, "answer": answer, "size": len(data)}))


def measure(argv: list[str]) -> tuple[dict, float]:
    """Run a child and return its printed result and its peak RSS in MB (wait4 gives that child's own)."""
    child = subprocess.Popen(argv, stdout=subprocess.PIPE)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    result = json.loads(out) if child.returncode == 0 and out.strip() else {"answer": f"exit {child.returncode}"}
    return result, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run the cases whose name contains this text")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:  # the file is made in a process of its own, so that making it does not count
        Path(args.make[1]).write_bytes(CASES[args.make[0]][1]())
        return
    if args.child:
        run_child(*args.child)
        return
    _, baseline = measure([sys.executable, "-c", "import judging.core.imports, judging.core.bundle"])
    print(f"baseline (Python with the core imported): peak RSS {baseline:.0f} MB")
    print(f"{'file':<42} {'size':>9} {'answer':<34} {'peak RSS':>9} {'time':>7}")
    for name in CASES:
        if args.only and args.only not in name:
            continue
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "hostile")
            subprocess.run([sys.executable, __file__, "--make", name, path], check=True)
            result, peak = measure([sys.executable, __file__, "--child", name, path])
        size = f"{result.get('size', 0) / 1024 / 1024:.2f} MB"
        seconds = f"{result['seconds']:.2f} s" if "seconds" in result else "-"
        print(f"{name:<42} {size:>9} {result['answer']:<34} {peak:>6.0f} MB {seconds:>7}")


if __name__ == "__main__":
    main()
