"""Entry materials in the database: attaching files to entries (one or a folder, all or nothing), marking
them identifying, withdrawing them, what a judge's sheet shows, the bundle's manifest, and the check
of the stored bytes against their digests.

Files are checked by ``judging.core.materials`` before anything is written. Their bytes are stored once
per SHA-256 (``material_blob``); every attachment is a ``material`` row with an audit event. A judge
reads the materials of an entry only through their own sheet: assigned to them in the round, no
conflict (回避) declared or recorded, and in a blind round without the files marked identifying.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from judging.core.materials import (
    CheckedFile,
    check_material,
    entry_code_of,
    manifest_rows,
    max_material_bytes,
)
from judging.core.permissions import Actor
from judging.errors import ImportValidationError, NotFound, PermissionDenied, Problem
from judging.store.audit_log import record_event
from judging.store.guard import guarded
from judging.store.models import AuditEvent, Entry, Publication, stored_id, utcnow
from judging.store.models_materials import Material, MaterialBlob
from judging.store.sheets import sheet_facts

MAX_FILES_PER_IMPORT = 20_000  # a national contest: a few thousand entries with a handful of files each


class MaterialError(ImportValidationError):
    """A material file was refused (its kind, size or content); nothing of the upload was stored."""


@dataclass(frozen=True)
class MaterialInfo:
    """A material as lists show it: never its bytes."""

    id: int
    entry_id: int
    file_name: str
    kind: str
    content_type: str
    sha256: str
    size: int
    identifying: bool
    attached_by: str


@dataclass(frozen=True)
class MaterialFile:
    """A material with its bytes, for the viewer and the download."""

    info: MaterialInfo
    content: bytes


@dataclass(frozen=True)
class MaterialsOutcome:
    """What an upload stored: new attachments, files already attached to that entry, files no entry claims."""

    attached: list[MaterialInfo] = field(default_factory=list)
    already_attached: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    new_blobs: int = 0


def _info(row: Material) -> MaterialInfo:
    return MaterialInfo(row.id, row.entry_id, row.file_name, row.kind, row.content_type, row.sha256, row.size,
                        row.identifying, row.attached_by)


def _entry(session: Session, entry_id: int) -> Entry:
    entry = session.get(Entry, entry_id)
    if entry is None:
        raise NotFound(Problem("store.not_found", {"what": "entry", "id": entry_id}))
    return entry


def _current(entry_ids: Iterable[int]):
    return select(Material).where(Material.entry_id.in_(list(entry_ids)), Material.withdrawn_at.is_(None))


def _store(session: Session, plan: Sequence[tuple[Entry, CheckedFile, bytes, bool]], *, actor: Actor,
           source: str) -> MaterialsOutcome:
    """Write checked files: each blob once, a material row and an event per new attachment."""
    held = set(session.exec(select(MaterialBlob.sha256).where(
        MaterialBlob.sha256.in_(sorted({c.sha256 for _, c, _, _ in plan}))))) if plan else set()
    attached_now = {(m.entry_id, m.sha256) for m in session.exec(_current({stored_id(e) for e, _, _, _ in plan}))}
    blobs, outcome = {}, MaterialsOutcome()
    for entry, checked, data, identifying in plan:
        if (entry.id, checked.sha256) in attached_now:
            outcome.already_attached.append(checked.name)
            continue
        attached_now.add((entry.id, checked.sha256))
        if checked.sha256 not in held and checked.sha256 not in blobs:
            blobs[checked.sha256] = {"sha256": checked.sha256, "size": checked.size, "content": data,
                                     "created_at": utcnow()}
        row = Material(entry_id=entry.id, file_name=checked.name, kind=checked.kind, content_type=checked.content_type,
                       sha256=checked.sha256, size=checked.size, identifying=identifying, attached_by=actor.username)
        session.add(row)
        session.flush()
        event = record_event(session, actor=actor, action="material.attach", subject=f"entry:{entry.code}",
                             payload={"material_id": row.id, "file_name": checked.name, "sha256": checked.sha256,
                                      "bytes": checked.size, "kind": checked.kind, "identifying": identifying,
                                      "source": source})
        row.attached_event_id = event.id
        outcome.attached.append(_info(row))
    make = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # a few blobs per statement (each up to the size limit); the same bytes stored meanwhile by another
    # upload (another organiser, another replica) are kept as they are: same digest, same bytes
    statement = make(MaterialBlob).on_conflict_do_nothing(index_elements=["sha256"])
    for start in range(0, len(blobs), 50):
        session.execute(statement, list(blobs.values())[start:start + 50])
    session.flush()
    return MaterialsOutcome(outcome.attached, outcome.already_attached, [], len(blobs))


def _checked(name: str, data: bytes, max_bytes: int) -> CheckedFile:
    result = check_material(name=name, data=data, max_bytes=max_bytes)
    if isinstance(result, Problem):
        raise MaterialError(result)
    return result


@guarded("materials.manage")
def attach_material(session: Session, *, entry_id: int, file_name: str, data: bytes, identifying: bool = False,
                    actor: Actor) -> MaterialsOutcome:
    """Check one file and attach it to the entry (a file the entry already has is reported, not repeated)."""
    entry = _entry(session, entry_id)
    checked = _checked(file_name, data, max_material_bytes())
    return _store(session, [(entry, checked, data, identifying)], actor=actor, source="upload")


@guarded("materials.manage")
def import_materials(session: Session, *, edition_id: int, files: Sequence[tuple[str, bytes]],
                     identifying: Sequence[str] = (), require_all: bool = False, actor: Actor) -> MaterialsOutcome:
    """Attach a folder's files to the edition's entries by the entry id each name starts with.

    Every file is checked first; if any is refused, ``MaterialError`` lists each refused file and
    nothing is stored. Files whose name starts with no entry id are reported as unmatched (with
    ``require_all`` they stop the import too). ``identifying``: glob patterns of names to mark so
    (``*营业执照*``).
    """
    if len(files) > MAX_FILES_PER_IMPORT:
        raise MaterialError(Problem("mat.too_many", {"n": len(files), "limit": MAX_FILES_PER_IMPORT}))
    entries = {e.code: e for e in session.exec(select(Entry).where(Entry.edition_id == edition_id))}
    max_bytes = max_material_bytes()
    problems, plan, unmatched = [], [], []
    for name, data in files:
        result = check_material(name=name, data=data, max_bytes=max_bytes)
        if isinstance(result, Problem):
            problems.append(result)
            continue
        code = entry_code_of(result.name, entries)
        if code is None:
            unmatched.append(result.name)
            continue
        marked = any(fnmatch.fnmatch(result.name, pattern) for pattern in identifying)
        plan.append((entries[code], result, data, marked))
    if require_all:
        problems.extend(Problem("mat.unmatched", where=name) for name in unmatched)
    if problems:
        raise MaterialError(problems)
    outcome = _store(session, plan, actor=actor, source="import")
    return MaterialsOutcome(outcome.attached, outcome.already_attached, unmatched, outcome.new_blobs)


def _material(session: Session, material_id: int) -> Material:
    row = session.get(Material, material_id)
    if row is None or row.withdrawn_at is not None:
        raise NotFound(Problem("store.not_found", {"what": "material", "id": material_id}))
    return row


@guarded("materials.manage")
def set_identifying(session: Session, *, material_id: int, identifying: bool, actor: Actor) -> MaterialInfo:
    """Mark a material as naming the applicant (hidden in blind rounds) or not."""
    row = _material(session, material_id)
    if row.identifying != identifying:
        row.identifying = identifying
        session.add(row)
        record_event(session, actor=actor, action="material.identifying", subject=f"material:{row.id}",
                     payload={"entry_id": row.entry_id, "identifying": identifying})
    return _info(row)


@guarded("materials.manage")
def withdraw_material(session: Session, *, material_id: int, actor: Actor) -> MaterialInfo:
    """Take a material off its entry; the row (and the bytes) stay for the bundles that list it."""
    row = _material(session, material_id)
    row.withdrawn_at, row.withdrawn_by = utcnow(), actor.username
    session.add(row)
    session.flush()
    event = record_event(session, actor=actor, action="material.withdraw", subject=f"material:{row.id}",
                         payload={"entry_id": row.entry_id, "file_name": row.file_name, "sha256": row.sha256})
    row.withdrawn_event_id = event.id
    return _info(row)


# --- reading -------------------------------------------------------------------------------------

@guarded("materials.read")
def entry_materials(session: Session, *, entry_ids: Sequence[int], actor: Actor) -> dict[int, list[MaterialInfo]]:
    """The organiser's view: every current material of the entries, identifying ones included."""
    found: dict[int, list[MaterialInfo]] = {i: [] for i in entry_ids}
    for row in session.exec(_current(entry_ids).order_by(Material.entry_id, Material.id)):
        found[row.entry_id].append(_info(row))
    return found


@guarded("materials.read")
def material_file(session: Session, *, material_id: int, actor: Actor) -> MaterialFile:
    """A material with its bytes (the organiser's view and download)."""
    row = _material(session, material_id)
    return MaterialFile(_info(row), _blob(session, row.sha256))


def _blob(session: Session, sha256: str) -> bytes:
    content = session.exec(select(MaterialBlob.content).where(MaterialBlob.sha256 == sha256)).first()
    if content is None:
        raise NotFound(Problem("store.not_found", {"what": "material_blob", "id": sha256[:12]}))
    return bytes(content)


def _sheet_rows(session: Session, *, round_id: int, judge_id: int, entry_id: int) -> list[Material]:
    rnd, facts, _ = sheet_facts(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)
    if not facts.assigned:
        raise PermissionDenied(Problem("mat.not_assigned"))
    if facts.in_conflict:
        raise PermissionDenied(Problem("mat.in_conflict"))
    query = _current([entry_id]).order_by(Material.id)
    if rnd.blind:
        query = query.where(Material.identifying.is_(False))
    return list(session.exec(query))


@guarded("materials.read")
def sheet_materials(session: Session, *, round_id: int, judge_id: int, entry_id: int,
                    actor: Actor) -> list[MaterialInfo]:
    """The materials a judge's sheet shows: the judge is assigned the entry in the round and has no
    conflict on it; a blind round leaves out the files marked identifying."""
    return [_info(row) for row in _sheet_rows(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)]


@guarded("materials.read")
def sheet_material_file(session: Session, *, round_id: int, judge_id: int, entry_id: int, material_id: int,
                        actor: Actor) -> MaterialFile:
    """One material of a judge's sheet with its bytes, under the same rules as ``sheet_materials``."""
    rows = {row.id: row for row in _sheet_rows(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)}
    if material_id not in rows:
        raise PermissionDenied(Problem("mat.not_on_sheet"))
    return MaterialFile(_info(rows[material_id]), _blob(session, rows[material_id].sha256))


@guarded("scores.read")
def publication_materials(session: Session, *, publication_id: int, entry_codes: Sequence[str],
                          actor: Actor) -> list[dict[str, object]]:
    """The bundle's materials manifest of a publication: the listed entries' materials as they were
    when the list was published (attached before its publish event and not withdrawn by then)."""
    publication = session.get(Publication, publication_id)
    if publication is None:
        raise NotFound(Problem("store.not_found", {"what": "publication", "id": publication_id}))
    published_at = session.exec(select(AuditEvent.id).where(
        AuditEvent.action == "publication.publish", AuditEvent.subject == f"publication:{publication_id}")
        .order_by(AuditEvent.id).limit(1)).first()
    codes = {c: i for i, c in session.exec(select(Entry.id, Entry.code).where(
        Entry.edition_id == publication.edition_id, Entry.code.in_(list(entry_codes))))}
    names = {i: c for c, i in codes.items()}
    rows = []
    for row in session.exec(select(Material).where(Material.entry_id.in_(list(names)))):
        attached_before = published_at is None or (row.attached_event_id or 0) <= published_at
        withdrawn_before = row.withdrawn_event_id is not None and (
            published_at is None or row.withdrawn_event_id <= published_at)
        if attached_before and not withdrawn_before:
            rows.append({"entry_id": names[row.entry_id], "file_name": row.file_name, "sha256": row.sha256,
                         "size": row.size})
    return manifest_rows(rows)


@guarded("audit.read")
def blob_problems(session: Session, *, actor: Actor) -> list[Problem]:
    """Every material whose bytes are missing or no longer hash to the digest its sealed row holds."""
    problems = []
    named: dict[str, list[Material]] = {}
    for row in session.exec(select(Material).order_by(Material.id)):
        named.setdefault(row.sha256, []).append(row)
    for sha256, rows in sorted(named.items()):
        blob = session.exec(select(MaterialBlob.content, MaterialBlob.size).where(MaterialBlob.sha256 == sha256)).first()
        actual = None if blob is None else hashlib.sha256(bytes(blob[0])).hexdigest()
        if actual != sha256:
            code = "mat.blob_missing" if blob is None else "mat.blob_changed"
            for row in rows:
                problems.append(Problem(code, {"id": row.id, "name": row.file_name, "sha256": sha256[:12]}))
    return problems
