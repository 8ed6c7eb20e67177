"""The 公示 workflow in the database: publish a provisional list, record and resolve objections,
change tiers with a reason, freeze the final list, and reopen it only with a logged reason.

Every step records an audit event in the same transaction. The rules that need no database
(working days, applying changes) live in ``judging.core.publication``.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import asdict, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from sqlmodel import Session, select

from judging.core.award_settings import resolved_awards, track_sizes
from judging.core.bundle import SUMS_NAME, BundleSettings, build_bundle, bundle_digest, table_records
from judging.core.calendar import window_calendar
from judging.core.exports import EditionInfo
from judging.core.panel import MOVE, PANEL_SOURCE, Decision, change_reason, in_force, with_decisions
from judging.core.permissions import Actor
from judging.core.publication import (
    PublicationError,
    TierChange,
    apply_changes,
    check_change,
    window_closed,
    window_end,
)
from judging.core.round_data import rank_round, ranked_list
from judging.core.scores_io import write_scores_csv
from judging.core.states import RoundStatus
from judging.errors import NotFound, PermissionDenied, Problem
from judging.store.audit_log import record_event
from judging.store.award_settings import award_settings_of
from judging.store.checkpoints import write_checkpoint
from judging.store.editions import get_round, tracks_of, update_round
from judging.store.guard import guarded
from judging.store.materials import publication_materials
from judging.store.models import (
    Edition,
    Objection,
    PanelDecision,
    Publication,
    PublicationAnchor,
    PublicationChange,
    PublicationReopening,
    utcnow,
)
from judging.store.scores import round_data
from judging.store.seals import committed_seal_tables

LIST_COLUMNS = ("entry_id", "track", "title", "organisation", "recommending_unit", "score", "score_low",
                "score_high", "rank", "rank_low", "rank_high", "tier", "tier_label", "flags", "veto")
OBJECTION_STATUSES = ("open", "upheld", "rejected")
CONTEST_TIMEZONE = ZoneInfo("Asia/Shanghai")  # 公示 windows are counted in Beijing working days


# --- reading ---------------------------------------------------------------------------------





@guarded("publication.read")
def get_publication(session: Session, publication_id: int, *, actor: Actor) -> Publication:
    publication = session.get(Publication, publication_id)
    if publication is None:
        raise NotFound(Problem("store.not_found", {"what": "publication", "id": publication_id}))
    return publication


@guarded("publication.read")
def publication_of_round(session: Session, round_id: int, *, actor: Actor) -> Publication | None:
    return session.exec(select(Publication).where(Publication.round_id == round_id)).first()


@guarded("publication.read")
def publications_of(session: Session, edition_id: int | None = None, *, actor: Actor) -> list[Publication]:
    """The edition's publications (every edition's when ``edition_id`` is None), oldest first."""
    stmt = select(Publication).order_by(Publication.id)
    if edition_id is not None:
        stmt = stmt.where(Publication.edition_id == edition_id)
    return list(session.exec(stmt))


def settings_of(publication: Publication) -> BundleSettings:
    return BundleSettings.from_mapping(json.loads(publication.settings_json))


def provisional_list(publication: Publication) -> pd.DataFrame:
    """The list exactly as it was published."""
    return pd.DataFrame(json.loads(publication.list_json))


@guarded("publication.read")
def changes_of(session: Session, publication_id: int, *, actor: Actor) -> list[PublicationChange]:
    return list(session.exec(select(PublicationChange).where(PublicationChange.publication_id == publication_id)
                             .order_by(PublicationChange.id)))


@guarded("publication.read")
def tier_changes(session: Session, publication_id: int, *, actor: Actor) -> list[TierChange]:
    return [TierChange(entry_id=c.entry_code, tier=c.tier_after, reason=c.reason, source=c.source)
            for c in changes_of(session, publication_id, actor=actor)]


@guarded("publication.read")
def current_list(session: Session, publication_id: int, *, actor: Actor) -> pd.DataFrame:
    """The published list with every recorded change applied (the final list once frozen)."""
    publication = get_publication(session, publication_id, actor=actor)
    labels = {t.key: t.label.zh for t in settings_of(publication).awards.tiers}
    listed = apply_changes(provisional_list(publication), tier_changes(session, publication_id, actor=actor),
                           labels=labels)
    return with_decisions(listed, panel_decisions(session, round_id=publication.round_id, actor=actor))


@guarded("publication.read")
def objections_of(session: Session, publication_id: int, *, actor: Actor) -> list[Objection]:
    return list(session.exec(select(Objection).where(Objection.publication_id == publication_id)
                             .order_by(Objection.id)))


@guarded("publication.read")
def reopenings_of(session: Session, publication_id: int, *, actor: Actor) -> list[PublicationReopening]:
    return list(session.exec(select(PublicationReopening)
                             .where(PublicationReopening.publication_id == publication_id)
                             .order_by(PublicationReopening.id)))


def decision_of_row(row: PanelDecision) -> Decision:
    return Decision(id=row.id, entry_id=row.entry_code, decision=row.decision, tier=row.tier, reason=row.reason,
                    present=tuple(json.loads(row.present or "[]")), actor=row.actor,
                    at=row.at.isoformat(timespec="seconds") if row.at else "")


@guarded("scores.read")
def panel_decisions(session: Session, *, round_id: int, actor: Actor) -> list[Decision]:
    """Every decision of the round's panel, oldest first (the latest per entry is in force)."""
    rows = session.exec(select(PanelDecision).where(PanelDecision.round_id == round_id).order_by(PanelDecision.id))
    return [decision_of_row(r) for r in rows]


def _dates(text: str) -> list[date]:
    return [date.fromisoformat(d) for d in json.loads(text or "[]")]


def objection_deadline(publication: Publication) -> date:
    return window_end(publication.start_date, publication.objection_days, holidays=_dates(publication.holidays),
                      workdays=_dates(publication.workdays))


def edition_of(session: Session, publication: Publication) -> Edition:
    edition = session.get(Edition, publication.edition_id)
    assert edition is not None  # a foreign key: the publication's edition exists
    return edition


# --- writing ---------------------------------------------------------------------------------

@guarded("publication.manage")
def publish(
    session: Session,
    *,
    round_id: int,
    settings: BundleSettings,
    start_date: date,
    objection_days: int = 5,
    holidays: list[date] | tuple[date, ...] = (),
    workdays: list[date] | tuple[date, ...] = (),
    contact: str = "",
    close_round: bool = False,
    awards_version: int | None = None,
    actor: Actor,
) -> Publication:
    """Rank the round with ``settings`` and its stored award settings; publish the list as provisional (公示)
    from ``start_date``.

    The round must be closed, so that no score can change under a published list; ``close_round``
    closes an open round first, in the same transaction (the organiser confirmed what is missing).
    The window counts PRC working days (public holidays and 调休 from the official calendar), with
    ``holidays`` as the organiser's local days off and ``workdays`` as extra weekend days worked; the
    calendar used is stored with the publication, so its deadline never moves afterwards.

    The awards are always the round's stored settings (``settings.awards`` is replaced by them,
    resolved for the round's track sizes), so the list, its bundle and the results page split the
    tiers alike; ``awards_version``, when given, is the version the organiser saw, and a list is not
    published under settings saved since.
    """
    if publication_of_round(session, round_id, actor=actor) is not None:
        raise PublicationError(Problem("pub.already_published", {"round": round_id}))
    days_off, weekend_workdays = window_calendar(start_date, local_days_off=holidays)
    weekend_workdays = weekend_workdays | set(workdays)
    window_end(start_date, objection_days, holidays=days_off, workdays=weekend_workdays)  # validates the window
    rnd = get_round(session, round_id)
    if rnd.status == RoundStatus.OPEN and close_round:
        rnd = update_round(session, round_id=round_id, status=RoundStatus.CLOSED, actor=actor)
    if rnd.status != RoundStatus.CLOSED:
        raise PublicationError(Problem("pub.round_not_closed", {"round": rnd.name}))
    data = round_data(session, round_id=round_id, actor=actor)
    stored = award_settings_of(session, round_id=round_id, actor=actor)
    if awards_version is not None and awards_version != stored.version:
        raise PublicationError(Problem("aws.changed_before_publish", {"version": stored.version,
                                                                      "seen": awards_version}))
    settings = replace(settings, awards=resolved_awards(stored.awards, track_sizes(data)))
    table = ranked_list(data, rank_round(data, settings))
    publication = Publication(
        edition_id=rnd.edition_id, round_id=round_id, start_date=start_date, objection_days=objection_days,
        holidays=json.dumps(sorted(d.isoformat() for d in days_off)),
        workdays=json.dumps(sorted(d.isoformat() for d in weekend_workdays)),
        settings_json=json.dumps(settings.to_mapping(), ensure_ascii=False, sort_keys=True),
        list_json=json.dumps(table_records(table, LIST_COLUMNS), ensure_ascii=False),
        scores_sha256=hashlib.sha256(write_scores_csv(data.canonical_scores)).hexdigest(),
        contact=contact, created_by=actor.username,
    )
    session.add(publication)
    session.flush()
    moves = _panel_moves(session, round_id=round_id, listed=dict(zip(table["entry_id"], table["tier"].fillna(""),
                                                                     strict=True)), actor=actor)
    record_event(session, actor=actor, action="publication.publish", subject=f"publication:{publication.id}",
                 payload={"round_id": round_id, "start": start_date.isoformat(), "days": objection_days,
                          "end": objection_deadline(publication).isoformat(),
                          "method": settings.method, "seed": settings.seed, "entries": len(table),
                          "awards_version": stored.version,
                          "scores_sha256": publication.scores_sha256,
                          "list_sha256": hashlib.sha256(publication.list_json.encode("utf-8")).hexdigest(),
                          "panel_moves": [d.id for d in moves]})
    for decision in moves:  # the panel's moves, as tier changes on the list (the list itself is the engine's)
        change_tier(session, publication_id=publication.id, entry_id=decision.entry_id, tier=decision.tier,
                    reason=change_reason(decision), source=f"{PANEL_SOURCE}{decision.id}", actor=actor)
    _anchor(session, publication, kind="publish", actor=actor)
    return publication


def _anchor(session: Session, publication: Publication, *, kind: str, actor: Actor) -> PublicationAnchor:
    """Record the bundle's digest and a signed checkpoint of the trail with the publication (publish, freeze)."""
    session.flush()
    bundle = publication_bundle(session, publication.id, actor=actor)
    digest = bundle_digest(bundle)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        sums = archive.read(SUMS_NAME).decode("utf-8")
    checkpoint = write_checkpoint(session, reason=f"publication:{publication.id}:{kind}",
                                  seal_tables=committed_seal_tables(session), bundle=digest)
    anchor = PublicationAnchor(publication_id=publication.id, kind=kind, bundle_digest=digest, bundle_sums=sums,
                               checkpoint_event_id=checkpoint.event_id, checkpoint_digest=checkpoint.digest,
                               public_key=checkpoint.public_key)
    session.add(anchor)
    session.flush()
    return anchor


@guarded("publication.read")
def anchors_of(session: Session, publication_id: int, *, actor: Actor) -> list[PublicationAnchor]:
    """The digests recorded with a publication (publish, then each freeze), oldest first."""
    return list(session.exec(select(PublicationAnchor).where(PublicationAnchor.publication_id == publication_id)
                             .order_by(PublicationAnchor.id)))


def _panel_moves(session: Session, *, round_id: int, listed: dict[str, str], actor: Actor) -> list[Decision]:
    """The panel's moves in force on entries of the list (entry → tier) that change their tier, in the
    order they were decided."""
    latest = in_force(panel_decisions(session, round_id=round_id, actor=actor)).values()
    return sorted((d for d in latest if d.decision == MOVE and d.entry_id in listed and listed[d.entry_id] != d.tier),
                  key=lambda d: d.id)


def today() -> date:
    """The day by the server's clock in the contest's time zone: the one clock freezing goes by."""
    return datetime.now(CONTEST_TIMEZONE).date()


def _check_not_frozen(publication: Publication) -> None:
    if publication.status == "frozen":
        raise PermissionDenied(Problem("pub.frozen", {}))


@guarded("publication.manage")
def change_tier(session: Session, *, publication_id: int, entry_id: str, tier: str, reason: str, actor: Actor,
                source: str = "manual") -> PublicationChange:
    """Change one entry's tier on the list; needs a reason; refused on a frozen list."""
    publication = get_publication(session, publication_id, actor=actor)
    _check_not_frozen(publication)
    if publication.status == "reopened" and source == "manual":
        source = f"reopening:{reopenings_of(session, publication_id, actor=actor)[-1].id}"
    listed = current_list(session, publication_id, actor=actor)
    tiers = [t.key for t in settings_of(publication).awards.tiers]
    check_change(TierChange(entry_id, tier, reason, source), entries=set(listed["entry_id"]), tiers=tiers)
    before = str(listed.loc[listed["entry_id"] == entry_id, "tier"].iloc[0] or "")
    change = PublicationChange(publication_id=publication_id, entry_code=entry_id, tier_before=before,
                               tier_after=tier, reason=reason.strip(), source=source, actor=actor.username)
    session.add(change)
    session.flush()
    record_event(session, actor=actor, action="publication.change_tier", subject=f"publication:{publication_id}",
                 payload={"entry": entry_id, "from": before, "to": tier, "reason": reason.strip(), "source": source})
    return change


@guarded("publication.manage")
def add_objection(session: Session, *, publication_id: int, entry_id: str, name: str, contact: str, text: str,
                  received_on: date, attachments: str = "", actor: Actor) -> Objection:
    """Record a real-name objection received within the window (name and contact are required)."""
    publication = get_publication(session, publication_id, actor=actor)
    _check_not_frozen(publication)
    if not name.strip() or not contact.strip():
        raise PublicationError(Problem("pub.objection_real_name", {}))
    if not text.strip():
        raise PublicationError(Problem("pub.objection_text", {}))
    deadline = objection_deadline(publication)
    if not publication.start_date <= received_on <= deadline:
        raise PublicationError(Problem("pub.objection_outside_window", {
            "day": received_on.isoformat(), "start": publication.start_date.isoformat(), "end": deadline.isoformat()}))
    listed = provisional_list(publication)
    if entry_id not in set(listed["entry_id"]):
        raise PublicationError(Problem("pub.unknown_entry", {"entry": entry_id}))
    links = "\n".join(line.strip() for line in attachments.splitlines() if line.strip())
    objection = Objection(publication_id=publication_id, entry_code=entry_id, name=name.strip(),
                          contact=contact.strip(), text=text.strip(), attachments=links, received_on=received_on)
    session.add(objection)
    session.flush()
    record_event(session, actor=actor, action="publication.objection", subject=f"publication:{publication_id}",
                 payload={"objection": objection.id, "entry": entry_id, "name": objection.name,
                          "received_on": received_on.isoformat()})
    return objection


@guarded("publication.manage")
def resolve_objection(session: Session, *, objection_id: int, upheld: bool, reason: str, actor: Actor,
                      new_tier: str | None = None) -> Objection:
    """Uphold or reject an objection with a reason; an upheld one may change the entry's tier."""
    objection = session.get(Objection, objection_id)
    if objection is None:
        raise NotFound(Problem("store.not_found", {"what": "objection", "id": objection_id}))
    publication = get_publication(session, objection.publication_id, actor=actor)
    _check_not_frozen(publication)
    if objection.status != "open":
        raise PublicationError(Problem("pub.objection_resolved", {"id": objection_id}))
    if not reason.strip():
        raise PublicationError(Problem("pub.resolution_reason", {}))
    if new_tier is not None and not upheld:
        raise PublicationError(Problem("pub.rejected_no_change", {}))
    objection.status = "upheld" if upheld else "rejected"
    objection.resolution = reason.strip()
    objection.resolved_by = actor.username
    objection.resolved_at = utcnow()
    session.add(objection)
    session.flush()
    record_event(session, actor=actor, action="publication.resolve", subject=f"publication:{publication.id}",
                 payload={"objection": objection_id, "entry": objection.entry_code, "status": objection.status,
                          "reason": objection.resolution, "new_tier": new_tier})
    if new_tier is not None:
        change_tier(session, publication_id=publication.id, entry_id=objection.entry_code, tier=new_tier,
                    reason=reason, actor=actor, source=f"objection:{objection_id}")
    return objection


@guarded("publication.manage")
def freeze(session: Session, *, publication_id: int, actor: Actor) -> Publication:
    """Freeze the list as final: the objection window must have closed by the server's clock (nobody
    types the date) and every objection be resolved. The event records the window and the day."""
    publication = get_publication(session, publication_id, actor=actor)
    _check_not_frozen(publication)
    day = today()
    if not window_closed(publication.start_date, publication.objection_days, day,
                         holidays=_dates(publication.holidays), workdays=_dates(publication.workdays)):
        raise PublicationError(Problem("pub.window_open", {"end": objection_deadline(publication).isoformat()}))
    open_ones = [o.id for o in objections_of(session, publication_id, actor=actor) if o.status == "open"]
    if open_ones:
        raise PublicationError(Problem("pub.objections_open", {"n": len(open_ones),
                                                               "ids": ", ".join(map(str, open_ones))}))
    final = current_list(session, publication_id, actor=actor)
    publication.status = "frozen"
    publication.frozen_by = actor.username
    publication.frozen_at = utcnow()
    session.add(publication)
    session.flush()
    final_json = json.dumps(table_records(final, LIST_COLUMNS + ("changed", "change_reason")), ensure_ascii=False)
    record_event(session, actor=actor, action="publication.freeze", subject=f"publication:{publication_id}",
                 payload={"entries": len(final), "awarded": int((final["tier"].fillna("") != "").sum()),
                          "changes": len(changes_of(session, publication_id, actor=actor)),
                          "final_sha256": hashlib.sha256(final_json.encode("utf-8")).hexdigest(),
                          "window": {"start": publication.start_date.isoformat(), "days": publication.objection_days,
                                     "end": objection_deadline(publication).isoformat()},
                          "today": day.isoformat()})
    _anchor(session, publication, kind="freeze", actor=actor)
    return publication


@guarded("publication.manage")
def reopen(session: Session, *, publication_id: int, reason: str, actor: Actor) -> PublicationReopening:
    """Reopen a frozen list, with the reason logged; it must be frozen again before it is final."""
    publication = get_publication(session, publication_id, actor=actor)
    if publication.status != "frozen":
        raise PublicationError(Problem("pub.not_frozen", {}))
    if not reason.strip():
        raise PublicationError(Problem("pub.reopen_reason", {}))
    reopening = PublicationReopening(publication_id=publication_id, reason=reason.strip(), actor=actor.username)
    publication.status = "reopened"
    session.add_all([reopening, publication])
    session.flush()
    record_event(session, actor=actor, action="publication.reopen", subject=f"publication:{publication_id}",
                 payload={"reopening": reopening.id, "reason": reopening.reason})
    return reopening


# --- exports and bundle of a publication -------------------------------------------------------

def edition_info(session: Session, publication: Publication, *, organiser: str = "", issued_on: date | None = None):
    """What the documents say about the publication's edition (track names, dates, final or not)."""
    edition = edition_of(session, publication)
    tracks = tracks_of(session, edition.id)
    return EditionInfo(
        name=edition.name, year=edition.year, organiser=organiser,
        track_names={t.key: t.name_zh for t in tracks}, track_order=tuple(t.key for t in tracks),
        publication_start=publication.start_date, publication_end=objection_deadline(publication),
        contact=publication.contact, issued_on=issued_on or publication.start_date,
        final=publication.status == "frozen", **_printed_digests(session, publication),
    )


def _printed_digests(session: Session, publication: Publication) -> dict[str, str]:
    # the latest anchor (publish, or the last freeze): what the printed list can be checked against
    anchor = session.exec(select(PublicationAnchor).where(PublicationAnchor.publication_id == publication.id)
                          .order_by(PublicationAnchor.id.desc()).limit(1)).first()
    if anchor is None:
        return {}
    return {"bundle_digest": anchor.bundle_digest, "checkpoint_digest": anchor.checkpoint_digest,
            "public_key": anchor.public_key}


@guarded("scores.read")  # every judge's scores and veto reasons: not for announcers
def publication_bundle(session: Session, publication_id: int, *, created_at: str = "", actor: Actor) -> bytes:
    """The reproducible bundle of a publication: the round's rubric and raw scores, the settings,
    the list as published and every change since (see ``judging.core.bundle``)."""
    publication = get_publication(session, publication_id, actor=actor)
    rnd = get_round(session, publication.round_id)
    data = round_data(session, round_id=rnd.id, actor=actor)
    published = provisional_list(publication)
    edition = edition_of(session, publication)
    return build_bundle(
        rubric=data.rubric, scores=data.canonical_scores, settings=settings_of(publication), vetoes=data.veto_frame,
        result=published, changes=tier_changes(session, publication_id, actor=actor),
        entries=published[["entry_id", "track", "title", "organisation", "recommending_unit"]],
        edition={"name": edition.name, "year": edition.year, "round": rnd.key, "publication": publication.id,
                 "status": publication.status, "start_date": publication.start_date.isoformat(),
                 # every decision of the panel, with its reason and who was present (the moves are also in
                 # changes.json, where verify applies them)
                 "panel_decisions": [asdict(d) for d in panel_decisions(session, round_id=rnd.id, actor=actor)]},
        # the moment of the publication's last state, not of the download: the same list gives the same
        # bytes and so the same digest, which can be recorded and compared later
        created_at=created_at or (publication.frozen_at or publication.created_at).isoformat(timespec="seconds"),
        materials=publication_materials(session, publication_id=publication_id,
                                        entry_codes=list(published["entry_id"]), actor=actor),
    )
