"""An edition's document settings in the database (the issuer, 主办单位, and the certificate numbering),
every saved version, and what the documents of a publication are made from.

Each save is a new version with an audit event carrying the whole settings; nothing is overwritten.
An edition without a saved version has no issuer, and its announcement and certificates are refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from judging.core.documents import (
    DocumentSettings,
    ListChange,
    change_notes,
    check_document_settings,
)
from judging.core.exports import EditionInfo
from judging.core.permissions import Actor
from judging.errors import NotFound, Problem, StaleWriteError
from judging.store.audit_log import record_event
from judging.store.editions import tracks_of
from judging.store.guard import guarded
from judging.store.models import Edition, Publication
from judging.store.models_documents import EditionDocumentSettings
from judging.store.publication import (
    changes_of,
    current_list,
    edition_info,
    edition_of,
    get_publication,
    settings_of,
)


@dataclass(frozen=True)
class StoredDocumentSettings:
    """The document settings in force for an edition and their version (0: never saved)."""

    version: int
    settings: DocumentSettings
    created_by: str = ""


def _latest(session: Session, edition_id: int) -> EditionDocumentSettings | None:
    return session.exec(select(EditionDocumentSettings).where(EditionDocumentSettings.edition_id == edition_id)
                        .order_by(EditionDocumentSettings.version.desc()).limit(1)).first()


def _edition(session: Session, edition_id: int) -> Edition:
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound(Problem("doc.unknown_edition", {"edition": edition_id}))
    return edition


def _stored(row: EditionDocumentSettings | None) -> StoredDocumentSettings:
    if row is None:
        return StoredDocumentSettings(0, DocumentSettings())
    return StoredDocumentSettings(row.version, DocumentSettings(
        issuer=row.issuer, certificate_scheme=row.certificate_scheme,
        track_prefixes=json.loads(row.track_prefixes_json or "{}")), row.created_by)


@guarded("publication.read")  # announcers print with them; organisers set them
def document_settings_of(session: Session, *, edition_id: int, actor: Actor) -> StoredDocumentSettings:
    """The edition's document settings in force: its latest saved version, or none set (version 0)."""
    _edition(session, edition_id)
    return _stored(_latest(session, edition_id))


@guarded("edition.manage")
def save_document_settings(session: Session, *, edition_id: int, settings: DocumentSettings, based_on: int,
                           actor: Actor) -> StoredDocumentSettings:
    """Save ``settings`` as the edition's next version, after checking them (issuer set, a scheme that
    numbers every certificate, prefixes of the edition's own tracks).

    ``based_on`` is the version the organiser edited: a save over a version saved meanwhile (another
    tab, another organiser) is refused rather than silently replacing it.
    """
    _edition(session, edition_id)
    names = {t.key: t.name_zh for t in tracks_of(session, edition_id)}
    checked = check_document_settings(settings, track_names=names)
    current = session.exec(select(func.max(EditionDocumentSettings.version))
                           .where(EditionDocumentSettings.edition_id == edition_id)).one() or 0
    if based_on != current:
        raise StaleWriteError(Problem("doc.stale", {"version": current, "based_on": based_on}),
                              current_version=current)
    row = EditionDocumentSettings(edition_id=edition_id, version=current + 1, issuer=checked.issuer,
                                  certificate_scheme=checked.certificate_scheme,
                                  track_prefixes_json=json.dumps(dict(checked.track_prefixes), ensure_ascii=False,
                                                                 sort_keys=True),
                                  created_by=actor.username)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # another save took the same version number at the same moment
        raise StaleWriteError(Problem("doc.stale", {"version": current + 1, "based_on": based_on}),
                              current_version=current + 1) from exc
    record_event(session, actor=actor, action="edition.document_settings", subject=f"edition:{edition_id}",
                 payload={"version": row.version, "issuer": checked.issuer,
                          "certificate_scheme": checked.certificate_scheme,
                          "track_prefixes": dict(checked.track_prefixes)})
    return StoredDocumentSettings(row.version, checked, actor.username)


@guarded("publication.read")
def document_settings_history(session: Session, *, edition_id: int, actor: Actor) -> list[StoredDocumentSettings]:
    """Every saved version of the edition's document settings, newest first."""
    _edition(session, edition_id)
    rows = session.exec(select(EditionDocumentSettings).where(EditionDocumentSettings.edition_id == edition_id)
                        .order_by(EditionDocumentSettings.version.desc()))
    return [_stored(r) for r in rows]


def with_settings(info: EditionInfo, settings: DocumentSettings) -> EditionInfo:
    """``info`` signed and numbered by ``settings`` (an issuer already in ``info`` is kept)."""
    return replace(info, organiser=info.organiser or settings.issuer, certificate_scheme=settings.certificate_scheme,
                   track_prefixes=dict(settings.track_prefixes))


def _change_notes(session: Session, publication: Publication, *, actor: Actor) -> dict[str, str]:
    labels = {t.key: t.label.zh for t in settings_of(publication).awards.tiers}
    changes = [ListChange(entry_id=c.entry_code, tier_before=c.tier_before, tier_after=c.tier_after,
                          source=c.source, reason=c.reason)
               for c in changes_of(session, publication.id, actor=actor)]
    return change_notes(changes, labels=labels)


@guarded("publication.read")
def publication_documents(session: Session, publication_id: int, *, issuer: str = "",
                          actor: Actor) -> tuple[pd.DataFrame, EditionInfo]:
    """What a publication's documents are made from: the list as it stands, with a ``change_note`` per
    entry whose tier was changed on the list (an upheld objection, a review), and the edition's
    information with its issuer and certificate scheme (``issuer``, when given, signs instead)."""
    publication = get_publication(session, publication_id, actor=actor)
    table = current_list(session, publication_id, actor=actor)
    notes = _change_notes(session, publication, actor=actor)
    table = table.assign(change_note=[notes.get(str(e), "") for e in table["entry_id"]])
    edition = edition_of(session, publication)
    stored = document_settings_of(session, edition_id=edition.id, actor=actor)
    info = with_settings(edition_info(session, publication, organiser=issuer.strip()), stored.settings)
    return table, info
