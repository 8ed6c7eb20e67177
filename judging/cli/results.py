"""``judging verify``, ``judging bundle`` and ``judging export``: the reproducible bundle and the
announcement exports, from files or from a publication (公示) in the database."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from judging.core import exports
from judging.core.bundle import (
    BundleSettings,
    build_bundle,
    bundle_digest,
    canonical_scores,
    verify_bundle,
)
from judging.core.bundle_anchor import bundle_publication, changed_files
from judging.core.checkpoint import matches as digest_matches
from judging.core.checkpoint import short_form
from judging.core.documents import DEFAULT_CERTIFICATE_SCHEME, scheme_fields
from judging.core.permissions import CLI
from judging.core.ranking import default_award_config, load_award_config
from judging.core.rubric import load_rubric
from judging.core.scores_io import read_scores_csv
from judging.errors import JudgingError, Problem
from judging.i18n import t
from judging.store.db import database_url, make_engine, normalise_url, open_database, read_session
from judging.store.documents import publication_documents
from judging.store.publication import (
    anchors_of,
    get_publication,
    publication_bundle,
)

MAX_LISTED_DIFFERENCES = 20  # the first twenty show the pattern; the count says how many there are
ENTRY_COLUMN_NAMES = {"code": "entry_id", "作品编号": "entry_id", "作品名称": "title", "申报单位": "organisation",
                      "推荐单位": "recommending_unit", "赛道": "track"}


def register(subparsers) -> None:
    verify = subparsers.add_parser("verify", help="recompute and check a bundle / 复核数据包")
    verify.add_argument("bundle", type=Path)
    verify.add_argument("--digest", help="the bundle digest printed on the 公示, full or short / 公示上印的摘要；"
                        "without it, the digest recorded in the database with the bundle's publication")
    verify.add_argument("--db", default=None, help="database URL for the recorded digest (default: JUDGING_DATABASE_URL)")
    verify.set_defaults(func=run_verify)

    bundle = subparsers.add_parser("bundle", help="make a reproducible bundle / 生成复核数据包")
    _source_arguments(bundle)
    bundle.add_argument("--scores", type=Path, help="long-format scores CSV / 评分明细")
    bundle.add_argument("--rubric", type=Path, help="rubric TOML / 评分标准")
    bundle.add_argument("--awards", type=Path, help="award configuration TOML / 奖项设置")
    bundle.add_argument("--vetoes", type=Path, help="CSV entry_id,judge_id,veto_key,reason / 一票否决")
    bundle.add_argument("--method", default="calibrated")
    bundle.add_argument("--seed", type=int, default=0)
    bundle.add_argument("--draws", type=int, default=200)
    bundle.add_argument("--out", type=Path, required=True, help="the ZIP to write / 输出文件")
    bundle.set_defaults(func=run_bundle)

    export = subparsers.add_parser("export", help="award list as XLSX/CSV/PDF/DOCX/certificates / 导出名单")
    _source_arguments(export)
    export.add_argument("--ranking", type=Path, help="a ranking CSV (judging rank --out) / 排名结果")
    export.add_argument("--entries", type=Path, help="entries CSV with titles and organisations / 作品信息")
    export.add_argument("--edition", help="edition name for the documents / 大赛名称")
    export.add_argument("--year", type=int, default=date.today().year)
    export.add_argument("--organiser", default="", help="主办单位 on the announcement and certificates (from files; "
                        "with --publication, instead of the edition's, set by judging documents set)")
    export.add_argument("--track-names", default="", help="from files: track=中文名称,... for the documents")
    export.add_argument("--scheme", default=None, help="from files: certificate numbers, e.g. "
                        "\"{年份}信创赛证字第{序号:03d}号\"")
    export.add_argument("--final", action="store_true", help="the final list, not the 公示 list")
    export.add_argument("--formats", default=",".join(exports.EXPORT_KINDS),
                        help=f"comma-separated: {', '.join(exports.EXPORT_KINDS)}, bundle")
    export.add_argument("--out", type=Path, required=True, help="folder for the files / 输出文件夹")
    export.set_defaults(func=run_export)


def _source_arguments(parser) -> None:
    parser.add_argument("--publication", type=int, help="publication id in the database / 公示编号")
    parser.add_argument("--db", default=None, help="database URL (default: JUDGING_DATABASE_URL)")


def _fail(code: str, **params: object) -> JudgingError:
    return JudgingError(Problem(code, params))


def run_verify(args) -> int:
    if not args.bundle.is_file():
        raise _fail("results.cli.no_file", path=str(args.bundle))
    recorded_problems: list[Problem] = []
    if args.digest:
        report = verify_bundle(args.bundle, expected_digest=None)
        if report.digest and not digest_matches(args.digest, report.digest):
            report.problems.append(Problem("bundle.digest_mismatch", {"expected": args.digest, "actual": report.digest}))
        elif report.digest:
            print(t("verify.digest_given_ok", digest=short_form(report.digest)))
    else:
        report = verify_bundle(args.bundle, expected_digest=None)
        recorded_problems = _check_recorded_digest(args, report.digest)
        report.problems.extend(recorded_problems)
    print(t("results.cli.digest", digest=report.digest or "—"))
    if report.ok:
        print(t("results.cli.verify_ok", n=report.entries, gap=f"{report.max_float_difference:.1e}"))
        return 0
    for problem in report.problems:
        print(problem.render(), file=sys.stderr)
    for row in report.differences.head(MAX_LISTED_DIFFERENCES).itertuples(index=False):
        print(t("results.cli.difference", entry=row.entry_id, column=row.column, expected=row.expected,
                actual=row.actual), file=sys.stderr)
    if len(report.differences) > MAX_LISTED_DIFFERENCES:
        print(t("results.cli.more", n=len(report.differences) - MAX_LISTED_DIFFERENCES), file=sys.stderr)
    print(t("results.cli.verify_failed"), file=sys.stderr)
    return 1


def _check_recorded_digest(args, digest: str) -> list[Problem]:
    """Without ``--digest``: compare with the digests recorded with the bundle's publication, and say so."""
    publication_id = bundle_publication(args.bundle.read_bytes())
    if not digest:
        return []  # not a readable bundle: verify_bundle says why
    if publication_id is None:  # made from files (judging bundle --scores ...): nothing was recorded for it
        print(t("verify.no_publication"))
        return []
    url = args.db or database_url()
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return [Problem("verify.no_database", {"publication": publication_id, "url": url})]
    try:  # read only: verifying never creates or upgrades a database
        with read_session(make_engine(url)) as session:
            anchors = anchors_of(session, publication_id, actor=CLI)
    except SQLAlchemyError:
        return [Problem("verify.no_database", {"publication": publication_id, "url": url})]
    if not anchors:
        return [Problem("verify.nothing_recorded", {"publication": publication_id})]
    for anchor in reversed(anchors):
        if anchor.bundle_digest == digest:
            print(t("verify.recorded_ok", publication=publication_id, kind=anchor.kind,
                    at=anchor.at.isoformat(timespec="minutes"), digest=short_form(digest)))
            return []
    latest = anchors[-1]
    return [Problem("verify.recorded_differs", {
        "publication": publication_id, "kind": latest.kind, "expected": short_form(latest.bundle_digest),
        "files": ", ".join(changed_files(latest.bundle_sums, args.bundle.read_bytes())) or "—"})]


def _engine(args):
    return open_database(args.db)


def run_bundle(args) -> int:
    if args.publication is not None:
        engine = _engine(args)
        with read_session(engine) as session:
            data = publication_bundle(session, args.publication, actor=CLI)
    else:
        for name in ("scores", "rubric"):
            if getattr(args, name) is None:
                raise _fail("results.cli.needs", option=f"--{name}")
        for path in (args.scores, args.rubric, args.awards, args.vetoes):
            if path is not None and not path.is_file():
                raise _fail("results.cli.no_file", path=str(path))
        rubric = load_rubric(args.rubric)
        awards = load_award_config(args.awards, criteria=rubric.criterion_keys) if args.awards else default_award_config()
        vetoes = pd.read_csv(args.vetoes, dtype=str, encoding="utf-8-sig", keep_default_na=False) if args.vetoes else None
        settings = BundleSettings(method=args.method, seed=args.seed, n_draws=args.draws, awards=awards)
        scores = canonical_scores(read_scores_csv(args.scores, rubric), rubric)
        data = build_bundle(rubric=rubric, scores=scores, settings=settings, vetoes=vetoes,
                            created_at=pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)

    print(t("results.cli.written", path=str(args.out)))
    print(t("results.cli.digest", digest=bundle_digest(data)))
    return 0


def _read_entries(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    return frame.rename(columns={c: ENTRY_COLUMN_NAMES.get(c.strip(), c.strip()) for c in frame.columns})


def _track_names(text: str) -> dict[str, str]:
    """``life=生活类,public=公共服务类`` as a mapping, or an error naming the part that is not ``key=name``."""
    names = {}
    for part in text.replace("，", ",").split(","):
        if part.strip():
            key, sep, name = part.partition("=")
            if not sep or not key.strip() or not name.strip():
                raise _fail("doc.cli.bad_track_names", value=part.strip())
            names[key.strip()] = name.strip()
    return names


def run_export(args) -> int:
    kinds = [k.strip() for k in args.formats.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in exports.EXPORT_KINDS + ("bundle",)]
    if unknown:
        raise _fail("results.cli.bad_format", value=", ".join(unknown),
                    allowed=", ".join(exports.EXPORT_KINDS + ("bundle",)))
    files: dict[str, bytes] = {}
    if args.publication is not None:
        engine = _engine(args)
        with read_session(engine) as session:
            publication = get_publication(session, args.publication, actor=CLI)
            table, info = publication_documents(session, publication.id, issuer=args.organiser, actor=CLI)
            if "bundle" in kinds:
                files[exports.export_filename(info, "bundle")] = publication_bundle(session, publication.id, actor=CLI)
    else:
        if args.ranking is None or args.edition is None:
            raise _fail("results.cli.needs", option="--publication, or --ranking and --edition")
        if not args.ranking.is_file():
            raise _fail("results.cli.no_file", path=str(args.ranking))
        table = pd.read_csv(args.ranking, dtype={"entry_id": str, "track": str, "tier": str}, encoding="utf-8-sig",
                            keep_default_na=False, na_values=[""])
        if args.entries is not None:
            if not args.entries.is_file():
                raise _fail("results.cli.no_file", path=str(args.entries))
            entries = _read_entries(args.entries).drop(columns=["track"], errors="ignore")
            table = table.drop(columns=[c for c in ("title", "organisation", "recommending_unit") if c in table
                                        and c in entries], errors="ignore").merge(entries, on="entry_id", how="left")
        for column in ("title", "organisation"):
            if column not in table:
                table[column] = ""
        info = exports.EditionInfo(name=args.edition, year=args.year, organiser=args.organiser, final=args.final,
                                   track_names=_track_names(args.track_names),
                                   certificate_scheme=args.scheme or DEFAULT_CERTIFICATE_SCHEME)
        if args.scheme is not None:
            scheme_fields(args.scheme)
        if "bundle" in kinds:
            raise _fail("results.cli.bundle_needs_scores")
    args.out.mkdir(parents=True, exist_ok=True)
    for kind in kinds:
        if kind != "bundle":
            files[exports.export_filename(info, kind)] = exports.render(kind, table, info)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
        print(t("results.cli.written", path=str(args.out / name)))
    return 0
