"""Invitations and reminders to judges: the SMTP settings read from the environment, and each
message composed from its template (no network, no database: the sending is ``judging.mailing``'s).

Settings (see docs/mail.md):

- ``JUDGING_SMTP_URL``: ``smtp://user:password@host:port`` (plain SMTP, port 25 by default; add
  ``?starttls=1`` to upgrade with STARTTLS, port 587 by default then), or ``smtps://...`` for
  SSL/TLS from the first byte (port 465 by default). User and password are percent-encoded in the
  URL (``@`` as ``%40``); both may be left out for a relay that needs no login. ``?timeout=30``
  sets the seconds to wait for the server.
- ``JUDGING_MAIL_FROM``: the sender, ``评审办公室 <review@example.org>`` or a bare address.
- ``JUDGING_PUBLIC_URL``: the address judges open the app at (``https://review.example.org``): the
  sign-in link in every message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from judging.errors import ConfigError, Problem
from judging.i18n import t

INVITE = "invite"
REMIND = "remind"
KINDS = (INVITE, REMIND)
PLAIN, STARTTLS, SSL = "plain", "starttls", "ssl"
DEFAULT_PORTS = {PLAIN: 25, STARTTLS: 587, SSL: 465}  # RFC 5321, RFC 6409 (submission), RFC 8314 (implicit TLS)
DEFAULT_TIMEOUT_S = 30.0  # a server that has not answered in 30 s will not; the rest of the batch goes on
_TRUE = {"1", "true", "yes", "on"}
# kind → its texts: (subject, greeting, body), and its name in reports
TEMPLATES = {INVITE: ("mail.invite.subject", "mail.invite.greeting", "mail.invite.body"),
             REMIND: ("mail.remind.subject", "mail.remind.greeting", "mail.remind.body")}
KIND_NAMES = {INVITE: "mail.kind.invite", REMIND: "mail.kind.remind"}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # plain | starttls | ssl
    username: str
    password: str
    sender: str
    timeout: float = DEFAULT_TIMEOUT_S

    def __repr__(self) -> str:  # never the password in a log line or a traceback
        return (f"SmtpSettings(host={self.host!r}, port={self.port}, security={self.security!r}, "
                f"username={self.username!r}, sender={self.sender!r})")


def smtp_settings(environ: Mapping[str, str] | None = None) -> SmtpSettings:
    """The SMTP settings from ``JUDGING_SMTP_URL`` and ``JUDGING_MAIL_FROM``; ``ConfigError`` says what to fix."""
    environ = os.environ if environ is None else environ
    url = environ.get("JUDGING_SMTP_URL", "").strip()
    sender = environ.get("JUDGING_MAIL_FROM", "").strip()
    problems = []
    if not url:
        problems.append(Problem("mail.no_smtp_url", {}))
    if not sender:
        problems.append(Problem("mail.no_sender", {}))
    elif "@" not in parseaddr(sender)[1]:
        problems.append(Problem("mail.bad_sender", {"value": sender}))
    if problems:
        raise ConfigError(problems)
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(Problem("mail.bad_smtp_url", {"value": _without_password(url)}))
    security = SSL if parts.scheme == "smtps" else STARTTLS if query.get("starttls", "").lower() in _TRUE else PLAIN
    try:
        port = parts.port or DEFAULT_PORTS[security]
        timeout = float(query.get("timeout", DEFAULT_TIMEOUT_S))
    except ValueError as exc:
        raise ConfigError(Problem("mail.bad_smtp_url", {"value": _without_password(url)})) from exc
    return SmtpSettings(host=parts.hostname, port=port, security=security, username=unquote(parts.username or ""),
                        password=unquote(parts.password or ""), sender=sender, timeout=timeout)


def public_url(environ: Mapping[str, str] | None = None) -> str:
    """``JUDGING_PUBLIC_URL`` without a trailing slash; ``ConfigError`` when it is missing or not http(s)."""
    environ = os.environ if environ is None else environ
    value = environ.get("JUDGING_PUBLIC_URL", "").strip().rstrip("/")
    parts = urlsplit(value)
    if not value:
        raise ConfigError(Problem("mail.no_public_url", {}))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(Problem("mail.bad_public_url", {"value": value}))
    return value


def sign_in_link(base_url: str) -> str:
    """The judge's sign-in link: their entry list, which asks for the password first."""
    return f"{base_url.rstrip('/')}/entries"


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


@dataclass(frozen=True)
class MailFacts:
    """What one message says to one judge."""

    kind: str  # invite | remind
    username: str
    display_name: str
    email: str
    edition: str
    round_name: str
    entries: int  # assigned entries (conflicts left out)
    submitted: int
    deadline: str  # the round's end date, "" when none is set
    link: str
    password: str | None = None  # a one-time password, only in the invitation of a judge who never signed in


def compose(facts: MailFacts, *, sender: str, lang: str = "zh") -> EmailMessage:
    """The message for ``facts`` from the template of its kind, in ``lang`` (UTF-8: Chinese names and
    texts are encoded in the headers as RFC 2047 words and in the body as quoted-printable/base64)."""
    if facts.kind not in KINDS:
        raise ValueError(f"unknown kind of mail: {facts.kind}")
    params = {
        "name": facts.display_name or facts.username, "username": facts.username, "edition": facts.edition,
        "round": facts.round_name, "entries": facts.entries, "submitted": facts.submitted,
        "remaining": max(facts.entries - facts.submitted, 0), "link": facts.link,
        "deadline": facts.deadline or t("mail.no_deadline", lang),
    }
    subject, greeting, body = TEMPLATES[facts.kind]
    lines = [t(greeting, lang, **params), "", t(body, lang, **params), ""]
    lines.append(t("mail.link_line", lang, **params))
    lines.append(t("mail.username_line", lang, **params))
    if facts.kind == INVITE:
        if facts.password:
            lines += [t("mail.password_line", lang, password=facts.password), t("mail.password_once", lang)]
        else:
            lines.append(t("mail.own_password", lang))
    lines += ["", t("mail.signature", lang, **params)]
    message = EmailMessage()
    message["Subject"] = t(subject, lang, **params)
    message["From"] = sender
    message["To"] = Address(display_name=facts.display_name, addr_spec=facts.email.strip())
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    message.set_content("\n".join(lines), charset="utf-8")
    return message
