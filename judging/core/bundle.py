"""The reproducible bundle: a ZIP from which anyone can recompute a published result, and its check.

Contents (all UTF-8)::

    SHA256SUMS      ``<sha256>  <file>`` for every other file (``sha256sum -c SHA256SUMS`` works)
    manifest.json   format, edition, round, creation time, engine version, file sizes
    rubric.json     the round's rubric snapshot
    scores.csv      the raw long-format scores (``judging.core.scores_io``; exact floats); judges'
                    comments are not in it: they play no part in the result
    vetoes.json     一票否决 records: entry_id, judge_id, veto_key, reason
    settings.json   method, seed, draws, level, round weights and the award configuration
    result.json     the engine's table as computed when the bundle was made
    changes.json    manual and objection-driven tier changes, in order, each with its reason
    final_list.json the published list: the result with the changes applied
    entries.json    optional: titles and organisations of the entries
    comments.json   optional: every comment the judges wrote (judge_id, entry_id, criterion, text;
                    criterion "" is the sheet's overall comment); only in bundles with comments
    materials.json  optional: the entries' materials when the list was published (entry id, file name,
                    SHA-256, bytes); only in bundles of lists whose entries have materials

``verify_bundle`` checks every checksum, that no file was added or removed, recomputes the result
from the raw scores with the ranking engine and compares it with ``result.json``, and applies the
changes to check ``final_list.json``. The bundle's digest (the SHA-256 of ``SHA256SUMS``) names the
whole bundle: record it with the publication so that a bundle rebuilt with new checksums is caught.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from judging import __version__ as engine_version
from judging.core.publication import TierChange, apply_changes
from judging.core.ranking import (
    AwardConfig,
    RankingResult,
    award_config_from_mapping,
    default_award_config,
    rank,
)
from judging.core.rubric import Rubric, rubric_from_json
from judging.core.scores_io import (
    BUNDLE_SCORE_COLUMNS,
    COMMENT_COLUMNS,
    MAX_SCORE_BYTES,
    read_scores_csv,
    write_scores_csv,
)
from judging.errors import JudgingError, Problem

BUNDLE_FORMAT = 1
SUMS_NAME = "SHA256SUMS"
REQUIRED_FILES = ("manifest.json", "rubric.json", "scores.csv", "vetoes.json", "settings.json", "result.json",
                  "changes.json", "final_list.json")
OPTIONAL_FILES = ("entries.json", "materials.json", "comments.json")
COMMENT_FIELDS = ("judge_id", "entry_id", "criterion", "text")
RESULT_COLUMNS = ("entry_id", "track", "score", "score_low", "score_high", "rank", "rank_low", "rank_high",
                  "tier", "tier_label", "flags", "veto")
FLOAT_COLUMNS = ("score", "score_low", "score_high")
FLOAT_TOLERANCE = 1e-9  # same seed, same numbers; this only absorbs last-bit BLAS differences across machines
MAX_BUNDLE_FILES = 100  # a bundle has ten; a few more are reported as unlisted, thousands are refused
MAX_BUNDLE_UNPACKED = MAX_SCORE_BYTES + 50 * 1024 * 1024  # the largest score file, with the results beside it
ZIP_DATE = (2000, 1, 1, 0, 0, 0)  # fixed member dates: the same content gives the same ZIP bytes


class BundleError(JudgingError):
    """The file is not a readable bundle."""


@dataclass(frozen=True)
class BundleSettings:
    """The ranking settings that, with the rubric and the scores, determine the result."""

    method: str = "calibrated"
    seed: int = 0
    n_draws: int = 200
    level: float = 0.95
    round_weights: Mapping[str, float] | None = None
    awards: AwardConfig = field(default_factory=default_award_config)

    def to_mapping(self) -> dict:
        return {"method": self.method, "seed": self.seed, "n_draws": self.n_draws, "level": self.level,
                "round_weights": dict(self.round_weights) if self.round_weights else None,
                "awards": award_config_to_mapping(self.awards)}

    @classmethod
    def from_mapping(cls, data: Mapping) -> BundleSettings:
        return cls(method=data["method"], seed=int(data["seed"]), n_draws=int(data["n_draws"]),
                   level=float(data["level"]), round_weights=data.get("round_weights") or None,
                   awards=award_config_from_mapping(data["awards"], source="settings.json"))

    def rank(self, scores: pd.DataFrame, rubric: Rubric, vetoes: pd.DataFrame | None) -> RankingResult:
        return rank(scores, rubric, method=self.method, vetoes=vetoes, awards=self.awards,
                    round_weights=self.round_weights, n_draws=self.n_draws, level=self.level, seed=self.seed)


def award_config_to_mapping(config: AwardConfig) -> dict:
    """The mapping ``award_config_from_mapping`` reads back to an equal configuration."""
    tiers = []
    for tier in config.tiers:
        item = {"key": tier.key, "label": {"zh": tier.label.zh, "en": tier.label.en}}
        for name in ("count", "share", "min_score"):
            if getattr(tier, name) is not None:
                item[name] = getattr(tier, name)
        tiers.append(item)
    data = {"tiers": tiers, "tie_break": list(config.tie_break), "tie_policy": config.tie_policy,
            "share_rounding": config.share_rounding, "score_decimals": config.score_decimals,
            "tracks": {k: dict(v) for k, v in config.tracks.items()},
            "disagreement": {k: v for k, v in asdict(config.disagreement).items() if v is not None}}
    if config.min_score is not None:
        data["min_score"] = config.min_score
    return data


def _json_value(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def table_records(table: pd.DataFrame, columns: Sequence[str]) -> list[dict]:
    present = [c for c in columns if c in table.columns]
    return [{c: _json_value(v) for c, v in zip(present, row, strict=True)}
            for row in table[present].itertuples(index=False)]


def _dumps(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_scores(scores: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """The scores as the bundle stores and reads them (sorted by round, entry, judge, criterion).

    The engine's intervals come from random draws assigned in the order entries first appear, so
    a result is reproducible from the bundle only when it was ranked from the scores in this order.
    ``load_scores_frame`` already returns a single round in it.
    """
    return read_scores_csv(write_scores_csv(scores), rubric)


def build_bundle(*, rubric: Rubric, scores: pd.DataFrame, settings: BundleSettings,
                 vetoes: pd.DataFrame | None = None, result: RankingResult | pd.DataFrame | None = None,
                 changes: Sequence[TierChange] = (), entries: pd.DataFrame | None = None,
                 edition: Mapping[str, object] | None = None, created_at: str = "",
                 materials: Sequence[Mapping[str, object]] = ()) -> bytes:
    """The bundle as ZIP bytes.

    ``result`` is what was published (a ``RankingResult`` or its table); when not given it is
    computed from the canonical scores. ``changes`` are applied to it to give the final list.
    ``materials``: the manifest rows of the entries' files (``materials.manifest_rows``); without any,
    no ``materials.json`` (a bundle of a list without materials is the same bytes as before they existed).
    """
    if result is None:
        result = settings.rank(canonical_scores(scores, rubric), rubric, vetoes)
    table = result.table if isinstance(result, RankingResult) else result
    labels = {t.key: t.label.zh for t in settings.awards.tiers}
    final = apply_changes(table, changes, labels=labels)
    veto_records = [] if vetoes is None else table_records(vetoes, ("entry_id", "judge_id", "veto_key", "reason"))
    files: dict[str, bytes] = {
        "rubric.json": _dumps(rubric.to_mapping()),
        "scores.csv": scores_file(scores),
        "vetoes.json": _dumps(veto_records),
        "settings.json": _dumps(settings.to_mapping()),
        "result.json": _dumps(table_records(table, RESULT_COLUMNS)),
        "changes.json": _dumps([asdict(c) for c in changes]),
        "final_list.json": _dumps(table_records(final, RESULT_COLUMNS + ("changed", "change_reason"))),
    }
    if entries is not None:
        files["entries.json"] = _dumps(table_records(entries, ("entry_id", "track", "title", "organisation",
                                                               "recommending_unit")))
    if materials:
        files["materials.json"] = _dumps(list(materials))
    comments = comment_records(scores)
    if comments:
        files["comments.json"] = _dumps(comments)
    files["manifest.json"] = _dumps({
        "format": BUNDLE_FORMAT, "created_at": created_at, "edition": dict(edition or {}),
        "engine": f"judging {engine_version}", "method": settings.method, "seed": settings.seed,
        "files": {name: {"bytes": len(data), "sha256": sha256(data)} for name, data in sorted(files.items())},
    })
    sums = "".join(f"{sha256(data)}  {name}\n" for name, data in sorted(files.items())).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(SUMS_NAME, sums), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def scores_file(scores: pd.DataFrame) -> bytes:
    """The bundle's ``scores.csv``: the scores without what judges wrote (their digest is the one the
    results page shows)."""
    return write_scores_csv(scores.drop(columns=list(COMMENT_COLUMNS), errors="ignore"), columns=BUNDLE_SCORE_COLUMNS)


def comment_records(scores: pd.DataFrame) -> list[dict]:
    """Every comment of a long-format score frame, once each: a criterion's from its row, a sheet's overall
    comment (criterion "") from any of its rows; sorted by entry, judge and criterion."""
    found: dict[tuple[str, str, str], str] = {}
    for column, per_row in (("comment", True), ("overall_comment", False)):
        if column not in scores.columns:
            continue
        for judge, entry, criterion, text in zip(scores["judge_id"], scores["entry_id"], scores["criterion"],
                                                 scores[column], strict=True):
            if isinstance(text, str) and text:
                found[(str(entry), str(judge), str(criterion) if per_row else "")] = text
    return [dict(zip(COMMENT_FIELDS, (judge, entry, criterion, text), strict=True))
            for (entry, judge, criterion), text in sorted(found.items())]


def _check_comments(records: object) -> None:
    if not isinstance(records, list) or any(not isinstance(r, dict) or set(r) != set(COMMENT_FIELDS)
                                            for r in records):
        raise ValueError(f"comments.json: a list of {{{', '.join(COMMENT_FIELDS)}}} records is expected")


def bundle_digest(data: bytes) -> str:
    """The digest naming a bundle: SHA-256 of its ``SHA256SUMS``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sha256(archive.read(SUMS_NAME))


@dataclass
class VerifyReport:
    """What ``verify_bundle`` found; ``ok`` only when there is nothing in ``problems``."""

    digest: str = ""
    problems: list[Problem] = field(default_factory=list)
    differences: pd.DataFrame = field(default_factory=pd.DataFrame)
    entries: int = 0
    max_float_difference: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_archive(source: bytes | str | Path) -> dict[str, bytes]:
    """The bundle's files, once their number and unpacked sizes (as the ZIP declares them) are within limits."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            if len(infos) > MAX_BUNDLE_FILES:
                raise BundleError(Problem("bundle.too_big", {"detail": f"{len(infos)} > {MAX_BUNDLE_FILES} files"}))
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_BUNDLE_UNPACKED:
                raise BundleError(Problem("bundle.too_big", {
                    "detail": f"{unpacked // 1024 // 1024} MB > {MAX_BUNDLE_UNPACKED // 1024 // 1024} MB"}))
            # read() stops at the declared size, so a member that lies about its size cannot unpack more
            return {info.filename: archive.read(info) for info in infos}
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, zlib.error, EOFError) as exc:
        raise BundleError(Problem("bundle.not_zip", {"detail": str(exc)})) from exc


def _check_sums(files: dict[str, bytes], report: VerifyReport) -> bool:
    """Checksums, and no file added or missing; False when the contents cannot be trusted at all."""
    if SUMS_NAME not in files:
        report.problems.append(Problem("bundle.no_sums", {"name": SUMS_NAME}))
        return False
    report.digest = sha256(files[SUMS_NAME])
    listed: dict[str, str] = {}
    for line in files[SUMS_NAME].decode("utf-8", errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        if name:
            listed[name] = digest
    for name, digest in listed.items():
        if name not in files:
            report.problems.append(Problem("bundle.file_missing", {"name": name}))
        elif sha256(files[name]) != digest:
            report.problems.append(Problem("bundle.checksum", {"name": name}))
    for name in files:
        if name != SUMS_NAME and name not in listed:
            report.problems.append(Problem("bundle.file_unlisted", {"name": name}))
    for name in REQUIRED_FILES:
        if name not in listed:
            report.problems.append(Problem("bundle.file_missing", {"name": name}))
    if "manifest.json" in files:
        try:
            manifest = json.loads(files["manifest.json"])
            for name, meta in manifest.get("files", {}).items():
                if name in files and sha256(files[name]) != meta.get("sha256"):
                    report.problems.append(Problem("bundle.manifest_mismatch", {"name": name}))
        except (ValueError, AttributeError, RecursionError):
            report.problems.append(Problem("bundle.unreadable", {"name": "manifest.json", "detail": "JSON"}))
    return all(name in files for name in REQUIRED_FILES)


def compare_tables(expected: pd.DataFrame, actual: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """Rows where a column differs: ``entry_id, column, expected, actual``; and the largest float gap.

    Floats agree within ``FLOAT_TOLERANCE`` (relative, at least absolute); missing equals missing;
    other values are compared after ``_normal`` (so 3 and 3.0 agree, as JSON may write either).
    """
    merged = expected.merge(actual, on="entry_id", how="outer", suffixes=("_e", "_a"), indicator=True)
    rows = [{"entry_id": e, "column": "entry_id", "expected": side != "right_only", "actual": side != "left_only"}
            for e, side in zip(merged["entry_id"], merged["_merge"], strict=True) if side != "both"]
    both = merged[merged["_merge"] == "both"]
    worst = 0.0
    for column in [c for c in expected.columns if c != "entry_id"]:
        a = both[f"{column}_e"] if f"{column}_e" in both else both[column]
        b = both[f"{column}_a"] if f"{column}_a" in both else pd.Series(None, index=both.index, dtype=object)
        if column in FLOAT_COLUMNS:
            x = pd.to_numeric(a, errors="coerce").to_numpy(dtype=float)
            y = pd.to_numeric(b, errors="coerce").to_numpy(dtype=float)
            gap = np.abs(x - y)
            finite = np.isfinite(gap)
            if finite.any():
                worst = max(worst, float(gap[finite].max()))
            bad = (np.isnan(x) != np.isnan(y)) | (finite & (gap > FLOAT_TOLERANCE * np.maximum(1.0, np.abs(x))))
        else:
            bad = np.array([_normal(u) != _normal(v) for u, v in zip(a, b, strict=True)], dtype=bool)
        for entry, u, v in zip(both["entry_id"][bad], a[bad], b[bad], strict=True):
            rows.append({"entry_id": entry, "column": column, "expected": u, "actual": v})
    return pd.DataFrame(rows, columns=["entry_id", "column", "expected", "actual"]), worst


def _normal(value: object) -> object:
    value = _json_value(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def verify_bundle(source: bytes | str | Path, *, expected_digest: str | None = None) -> VerifyReport:
    """Check a bundle's checksums and recompute its result from the raw scores (see the module doc)."""
    files = _read_archive(source)
    report = VerifyReport()
    complete = _check_sums(files, report)
    if expected_digest and report.digest and expected_digest.lower() != report.digest:
        report.problems.append(Problem("bundle.digest_mismatch", {"expected": expected_digest, "actual": report.digest}))
    if not complete:
        return report
    try:
        rubric = rubric_from_json(files["rubric.json"].decode("utf-8"), source="rubric.json")
        scores = read_scores_csv(files["scores.csv"], rubric)
        vetoes = pd.DataFrame(json.loads(files["vetoes.json"]), columns=["entry_id", "judge_id", "veto_key", "reason"])
        settings = BundleSettings.from_mapping(json.loads(files["settings.json"]))
        stored = pd.DataFrame(json.loads(files["result.json"]))
        changes = [TierChange(**c) for c in json.loads(files["changes.json"])]
        final = pd.DataFrame(json.loads(files["final_list.json"]))
        if "comments.json" in files:
            _check_comments(json.loads(files["comments.json"]))
    except JudgingError as exc:
        report.problems.extend(exc.problems)
        return report
    except RecursionError:
        report.problems.append(Problem("file.too_deep", {"name": "bundle JSON"}))
        return report
    except (ValueError, KeyError, TypeError) as exc:
        report.problems.append(Problem("bundle.unreadable", {"name": "bundle", "detail": f"{type(exc).__name__}: {exc}"}))
        return report
    try:
        result = settings.rank(scores, rubric, vetoes if len(vetoes) else None)
    except JudgingError as exc:
        report.problems.extend(exc.problems)
        return report
    recomputed = pd.DataFrame(table_records(result.table, RESULT_COLUMNS))
    report.entries = len(recomputed)
    differences, worst = compare_tables(stored, recomputed)
    labels = {t.key: t.label.zh for t in settings.awards.tiers}
    try:
        expected_final = pd.DataFrame(table_records(apply_changes(recomputed, changes, labels=labels),
                                                    RESULT_COLUMNS + ("changed", "change_reason")))
    except JudgingError as exc:
        report.problems.extend(exc.problems)
        return report
    final_differences, final_worst = compare_tables(final, expected_final)
    final_differences["column"] = "final_list." + final_differences["column"].astype(str)
    report.differences = pd.concat([differences, final_differences], ignore_index=True)
    report.max_float_difference = max(worst, final_worst)
    if len(differences):
        report.problems.append(Problem("bundle.result_differs", {"n": differences["entry_id"].nunique()}))
    if len(final_differences):
        report.problems.append(Problem("bundle.final_differs", {"n": final_differences["entry_id"].nunique()}))
    return report
