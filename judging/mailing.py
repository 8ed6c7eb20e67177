"""Sending a round's invitations or reminders: claim every message in the mail log, send the claimed
ones over one SMTP connection, record each outcome. The CLI (``judging mail``) and the organiser's
monitoring page both call ``send_round_mail``.

Three short transactions, none held open while the SMTP server answers: (1) the claim, which also
stores the one-time passwords of the invitations it claims; (2) the sending, outside any
transaction; (3) the outcomes. A process that stops between (1) and (3) leaves its messages
``pending``: they are listed as such and never sent again without an explicit resend.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage

from sqlalchemy.engine import Engine

from judging.core.handout import prepare_passwords
from judging.core.mail import (
    INVITE,
    KINDS,
    REMIND,
    SSL,
    STARTTLS,
    MailFacts,
    SmtpSettings,
    compose,
    sign_in_link,
)
from judging.core.permissions import Actor
from judging.errors import JudgingError, Problem
from judging.store.db import read_session, write_session
from judging.store.mail import (
    FAILED,
    Claim,
    Recipient,
    claim_messages,
    mail_log,
    newest_batch,
    record_outcome,
    round_recipients,
)


@dataclass
class MailReport:
    """What one send did, judge by judge (user names)."""

    kind: str
    batch: int
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # user name → why (the server's answer, or no address)
    skipped: list[str] = field(default_factory=list)  # already pending or sent in this batch
    passwords_issued: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


class Transport:
    """One SMTP connection for a batch (``smtplib``); ``send`` raises ``smtplib.SMTPException`` or ``OSError``."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> Transport:
        s = self.settings
        context = ssl.create_default_context()
        if s.security == SSL:
            self.client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            self.client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == STARTTLS:
                self.client.starttls(context=context)
        if s.username:
            self.client.login(s.username, s.password)
        return self

    def send(self, message: EmailMessage) -> None:
        assert self.client is not None, "send inside the with block"
        refused = self.client.send_message(message)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                self.client.close()


def _address_problem(email: str) -> str | None:
    """The text key of what is wrong with a judge's address, or None."""
    if not email:
        return "mail.no_email"
    try:
        Address(addr_spec=email)
    except (ValueError, IndexError, TypeError):
        return "mail.bad_email"
    return None if "@" in email else "mail.bad_email"


def send_round_mail(
    engine: Engine, *, kind: str, round_id: int, settings: SmtpSettings, base_url: str, actor: Actor,
    resend_after: int | None = None, behind_only: bool = False, lang: str = "zh",
    transport: Callable[[SmtpSettings], Transport] = Transport,
    hash_password: Callable[[str], str] | None = None,
) -> MailReport:
    """Send ``kind`` (invite or remind) to the round's judges; returns who got it, who did not and why.

    Without ``resend_after`` the batch is the newest one (1 when none was sent): judges not yet in it
    get their message, failed ones are tried again, the others are skipped. ``resend_after=N`` (the
    newest batch the caller saw) starts batch N+1 for everybody: two clicks or tabs that saw the same
    N make one batch, not two. ``behind_only`` (reminders) leaves out judges who submitted every sheet.
    An invitation carries a new one-time password only for a judge who never signed in.
    """
    if kind not in KINDS:
        raise JudgingError(Problem("mail.unknown_kind", {"value": kind, "allowed": "、".join(KINDS)}))
    with read_session(engine) as s:
        facts, recipients = round_recipients(s, round_id=round_id, actor=actor)
        newest = newest_batch(s, kind=kind, round_id=round_id, actor=actor)
        batch = max(newest, 1) if resend_after is None else resend_after + 1
        # judges whose message of this batch is out or on its way: no password is hashed for them
        taken = {m.username for m in mail_log(s, round_id=round_id, kind=kind, actor=actor)
                 if m.batch == batch and m.state != FAILED}
    report = MailReport(kind, batch)
    if kind == REMIND and behind_only:
        recipients = [r for r in recipients if r.behind]
    sendable = []
    for r in recipients:
        problem = _address_problem(r.email)
        if problem is None:
            sendable.append(r)
        else:
            report.failed[r.username] = Problem(problem, {}).message(lang)
    # argon2 is slow on purpose: hash before the claim's transaction (see judging.core.handout)
    fresh = [r.username for r in sendable if kind == INVITE and r.never_signed_in and r.username not in taken]
    prepared = prepare_passwords(fresh, hash_password=hash_password) if fresh else {}
    with write_session(engine) as s:
        claims = claim_messages(s, kind=kind, round_id=round_id, batch=batch, recipients=sendable,
                                passwords={name: p for name, (_, p) in prepared.items()}, actor=actor)
    by_id = {r.judge_id: r for r in sendable}
    claimed = {c.judge_id for c in claims}
    report.skipped = [r.username for r in sendable if r.judge_id not in claimed]
    outcomes = _send(claims, by_id, facts=facts, kind=kind, settings=settings, base_url=base_url, lang=lang,
                     prepared=prepared, transport=transport)
    with write_session(engine) as s:
        for claim, subject, error in outcomes:
            record_outcome(s, message_id=claim.message_id, subject=subject, error=error, actor=actor)
    for claim, _, error in outcomes:
        name = by_id[claim.judge_id].username
        if error:
            report.failed[name] = error
        else:
            report.sent.append(name)
            if claim.password_issued:
                report.passwords_issued.append(name)
    return report


def _send(claims, by_id: dict[int, Recipient], *, facts, kind: str, settings: SmtpSettings, base_url: str,
          lang: str, prepared: dict, transport) -> list[tuple[Claim, str, str]]:
    """(claim, subject, error) per claimed message; every message fails with the reason when the
    connection cannot be made, and each one on its own when the server refuses it."""
    messages = []
    for claim in claims:
        r = by_id[claim.judge_id]
        password = prepared[r.username][0] if claim.password_issued else None
        message = compose(MailFacts(kind=kind, username=r.username, display_name=r.display_name, email=r.email,
                                    edition=facts.edition, round_name=facts.round_name, entries=r.entries,
                                    submitted=r.submitted, deadline=facts.deadline, link=sign_in_link(base_url),
                                    password=password), sender=settings.sender, lang=lang)
        messages.append((claim, message))
    if not messages:
        return []
    outcomes: list[tuple[Claim, str, str]] = []
    try:
        with transport(settings) as connection:
            for claim, message in messages:
                try:
                    connection.send(message)
                    outcomes.append((claim, str(message["Subject"]), ""))
                except smtplib.SMTPServerDisconnected as exc:
                    raise _Broken(exc) from exc
                except (smtplib.SMTPException, OSError) as exc:
                    outcomes.append((claim, str(message["Subject"]), _why(exc)))
    except (_Broken, smtplib.SMTPException, OSError) as exc:
        why = _why(exc.cause if isinstance(exc, _Broken) else exc)
        done = {id(c) for c, _, _ in outcomes}
        outcomes += [(c, str(m["Subject"]), why) for c, m in messages if id(c) not in done]
    return outcomes


class _Broken(Exception):
    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause


def _why(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                         for code, text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}"
