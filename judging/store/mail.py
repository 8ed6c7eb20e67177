"""The mail log: who of a round's judges is to get an invitation or a reminder, the claim of each
message (written before it is sent, so that it is sent once), its outcome, and what was sent.

Sending is ``judging.mailing``'s (it opens the SMTP connection between two transactions of this
module). A message is claimed by inserting its row, (kind, round, judge, batch), as ``pending``;
a second claim of the same row, from a double click, another tab or another replica, finds it and
sends nothing. A ``failed`` row is claimed again by the next send of the same batch (a retry); a
new batch (an explicit resend) is a new row for every judge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from judging.core.mail import INVITE, KINDS
from judging.core.passwords import PreparedPassword
from judging.core.permissions import Actor, Role
from judging.core.states import SheetStatus
from judging.errors import JudgingError, NotFound, Problem
from judging.store.audit_log import record_event
from judging.store.editions import get_round
from judging.store.guard import guarded
from judging.store.models import Assignment, Conflict, Edition, ScoreSheet, SessionToken, User, utcnow
from judging.store.models_mail import MailMessage
from judging.store.people import set_passwords

PENDING, SENT, FAILED = "pending", "sent", "failed"


@dataclass(frozen=True)
class Recipient:
    """A judge of the round as a message needs them (never their password hash)."""

    judge_id: int
    username: str
    display_name: str
    email: str
    entries: int  # assigned, conflicts left out
    submitted: int
    never_signed_in: bool  # no session ever, and no password of their own: an invitation may issue one

    @property
    def behind(self) -> bool:
        return self.submitted < self.entries


@dataclass(frozen=True)
class RoundFacts:
    edition: str
    round_name: str
    deadline: str


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise JudgingError(Problem("mail.unknown_kind", {"value": kind, "allowed": "、".join(KINDS)}))


@guarded("mail.send")
def round_recipients(session: Session, *, round_id: int, actor: Actor) -> tuple[RoundFacts, list[Recipient]]:
    """The round's name, edition and deadline, and every active judge with entries assigned in it
    (by user name), with their counts and whether they ever signed in."""
    rnd = get_round(session, round_id)
    edition = session.get(Edition, rnd.edition_id)
    conflicted = select(Conflict.id).where(Conflict.judge_id == Assignment.judge_id,
                                           Conflict.entry_id == Assignment.entry_id).exists()
    counts = dict(session.exec(
        select(Assignment.judge_id, func.count()).where(Assignment.round_id == round_id, ~conflicted)
        .group_by(Assignment.judge_id)).all())
    submitted = dict(session.exec(
        select(ScoreSheet.judge_id, func.count()).join(
            Assignment, (Assignment.round_id == ScoreSheet.round_id) & (Assignment.judge_id == ScoreSheet.judge_id)
            & (Assignment.entry_id == ScoreSheet.entry_id))
        .where(ScoreSheet.round_id == round_id, ScoreSheet.status == SheetStatus.SUBMITTED, ~conflicted)
        .group_by(ScoreSheet.judge_id)).all())
    signed_in = set(session.exec(select(SessionToken.user_id).where(SessionToken.user_id.in_(list(counts)))).all())
    users = session.exec(select(User).where(User.id.in_(list(counts)), User.role == Role.JUDGE, User.active)
                         .order_by(User.username)).all()
    recipients = [
        Recipient(judge_id=int(u.id), username=u.username, display_name=u.display_name, email=u.email.strip(),
                  entries=counts[int(u.id)], submitted=submitted.get(u.id, 0),
                  never_signed_in=u.id not in signed_in and (not u.password_hash or u.password_one_time))
        for u in users
    ]
    return RoundFacts(edition.name if edition else "", rnd.name, rnd.ends_on), recipients


@guarded("mail.send")
def newest_batch(session: Session, *, kind: str, round_id: int, actor: Actor) -> int:
    """The newest batch of ``kind`` in the round (0 when none was sent yet)."""
    _check_kind(kind)
    return session.exec(select(func.coalesce(func.max(MailMessage.batch), 0))
                        .where(MailMessage.kind == kind, MailMessage.round_id == round_id)).one()


@dataclass(frozen=True)
class Claim:
    message_id: int
    judge_id: int
    password_issued: bool


@guarded("mail.send")
def claim_messages(
    session: Session, *, kind: str, round_id: int, batch: int, recipients: Iterable[Recipient],
    passwords: Mapping[str, PreparedPassword] | None = None, actor: Actor,
) -> list[Claim]:
    """Claim the messages of ``batch`` for ``recipients``: the ones this call is to send.

    A judge whose message of this batch is pending or sent is left out (another click or tab has it);
    a failed one is claimed again. ``passwords`` (user name → prepared one-time password; an invitation
    to a judge who never signed in is claimed only with one) are stored
    for the claimed judges only, in this transaction: a password is never changed without the
    message that carries it being claimed, and never for a judge who signed in or set their own.
    """
    _check_kind(kind)
    if batch < 1:
        raise JudgingError(Problem("mail.bad_batch", {"value": batch}))
    get_round(session, round_id)
    passwords = dict(passwords or {})
    claims, issued = [], {}
    for recipient in recipients:
        if kind == INVITE and recipient.never_signed_in and recipient.username not in passwords:
            continue  # an invitation that needs a password and has none is left for a send that brings one
        row = _claim_row(session, kind=kind, round_id=round_id, batch=batch, recipient=recipient, actor=actor)
        if row is None:
            continue
        password = passwords.get(recipient.username) if kind == INVITE and recipient.never_signed_in else None
        row.password_issued = password is not None
        row.recipient = recipient.email
        session.add(row)
        if password is not None:
            issued[recipient.username] = password
        claims.append((row, recipient))
    session.flush()
    if issued:
        set_passwords(session, passwords=issued, actor=actor)
    for row, recipient in claims:
        record_event(session, actor=actor, action="mail.claimed", subject=f"round:{round_id}",
                     payload={"kind": kind, "batch": batch, "judge_id": recipient.judge_id, "to": recipient.email,
                              "attempt": row.attempts, "password_issued": row.password_issued})
    return [Claim(row.id, recipient.judge_id, row.password_issued) for row, recipient in claims]


def _claim_row(session: Session, *, kind: str, round_id: int, batch: int, recipient: Recipient,
               actor: Actor) -> MailMessage | None:
    """The new or failed row of (kind, round, judge, batch), now pending; None when another claim holds it."""
    where = (MailMessage.kind == kind, MailMessage.round_id == round_id, MailMessage.judge_id == recipient.judge_id,
             MailMessage.batch == batch)
    row = session.exec(select(MailMessage).where(*where).with_for_update()).first()
    if row is None:
        try:
            with session.begin_nested():  # a parallel claim of the same row wins: this one then sends nothing
                row = MailMessage(kind=kind, round_id=round_id, judge_id=recipient.judge_id, batch=batch,
                                  created_by=actor.username)
                session.add(row)
                session.flush()
            return row
        except IntegrityError:
            return None
    if row.state != FAILED:
        return None
    row.state, row.error, row.attempts, row.updated_at = PENDING, "", row.attempts + 1, utcnow()
    return row


@guarded("mail.send")
def record_outcome(session: Session, *, message_id: int, subject: str, error: str = "", actor: Actor) -> None:
    """What the SMTP server answered for a claimed message: sent (``error`` empty) or failed."""
    row = session.get(MailMessage, message_id)
    if row is None:
        raise NotFound(Problem("store.not_found", {"what": "mail", "id": message_id}))
    row.state = FAILED if error else SENT
    row.subject, row.error, row.updated_at = subject[:300], error[:2000], utcnow()
    session.add(row)
    session.flush()
    record_event(session, actor=actor, action=f"mail.{row.state}", subject=f"round:{row.round_id}",
                 payload={"kind": row.kind, "batch": row.batch, "judge_id": row.judge_id, "to": row.recipient,
                          "subject": row.subject, "error": row.error})


@dataclass(frozen=True)
class LoggedMessage:
    kind: str
    batch: int
    username: str
    display_name: str
    recipient: str
    state: str
    password_issued: bool
    attempts: int
    error: str
    updated_at: object


@guarded("mail.send")
def mail_log(session: Session, *, round_id: int, kind: str | None = None, actor: Actor) -> list[LoggedMessage]:
    """Every message of the round (one kind, or both), newest batch first, then by user name."""
    stmt = (select(MailMessage, User.username, User.display_name).join(User, User.id == MailMessage.judge_id)
            .where(MailMessage.round_id == round_id)
            .order_by(MailMessage.kind, MailMessage.batch.desc(), User.username))
    if kind is not None:
        _check_kind(kind)
        stmt = stmt.where(MailMessage.kind == kind)
    return [LoggedMessage(m.kind, m.batch, name, display, m.recipient, m.state, m.password_issued, m.attempts,
                          m.error, m.updated_at) for m, name, display in session.exec(stmt)]
