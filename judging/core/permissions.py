"""Who may do what: the actor of a request, and one declarative table of role × action, and role × page,
that the store and the pages consult.

The menu only hides pages; these tables are what the server enforces. Every store call names its
``Actor``: an account the shell resolved for this request (its id, name, role and whether it is
active), or one of the trusted shells that hold the database credentials themselves (the CLI, the
demo builder, migrations), which act as ``SYSTEM`` or ``CLI``. Anything else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The role of an account; its text is ``role.<value>`` in the translation table."""

    ORGANISER = "organiser"
    JUDGE = "judge"
    ANNOUNCER = "announcer"
    AUDITOR = "auditor"

    @property
    def text_key(self) -> str:
        return f"role.{self.value}"


ROLES: tuple[str, ...] = tuple(Role)
SYSTEM_ROLE = "system"
# the names the trusted shells act under (the CLI's "cli", scripts' "system"): no account may take them,
# so that an event's actor always says whether a person or a shell acted
RESERVED_USERNAMES = frozenset({"system", "cli", "demo"})


@dataclass(frozen=True)
class Actor:
    """Who acts in a request: an account (``id``) as the shell found it at the request's start, or a
    trusted shell (``id`` None, role ``system``). The store checks the account again on every
    guarded call (deleted, switched off, role changed) and refuses anything it cannot match."""

    id: int | None
    username: str
    role: str
    active: bool = True

    @property
    def is_trusted_shell(self) -> bool:
        return self.id is None and self.role == SYSTEM_ROLE and self.username in RESERVED_USERNAMES


@dataclass(frozen=True)
class Person:
    """Who an account is, for lists and messages: never its password hash or e-mail."""

    id: int
    username: str
    display_name: str


def trusted_shell(name: str) -> Actor:
    """The actor of a trusted shell (``system``: scripts and migrations; ``cli``: the CLI; ``demo``: the demo builder)."""
    if name not in RESERVED_USERNAMES:
        raise ValueError(f"not a trusted shell: {name!r}")
    return Actor(id=None, username=name, role=SYSTEM_ROLE)


SYSTEM = trusted_shell("system")
CLI = trusted_shell("cli")
DEMO = trusted_shell("demo")


def actor_name(actor: object) -> str:
    """The name an audit event records for ``actor``, whatever it is (a refused call may pass anything)."""
    if isinstance(actor, Actor):
        return actor.username
    return repr(actor)[:100]

# Scope of a grant: ANY = every object of that kind; OWN = only the judge's own score sheets
# (judge_id is the actor's account), on entries assigned to them, without a conflict, in an open round.
ANY = "any"
OWN = "own"


@dataclass(frozen=True)
class Action:
    key: str
    help: str
    grants: dict[str, str]  # role -> scope; a role not listed is refused


_ACTIONS = (
    Action("edition.manage", "create editions, tracks and rounds; change round settings and rubrics",
           {"organiser": ANY}),
    Action("people.manage", "import entries and judges, create accounts, issue passwords, (de)activate judges",
           {"organiser": ANY}),
    Action("people.read", "read accounts (judges, the panel, one account by name)", {"organiser": ANY}),
    Action("entries.contacts", "read an entry's contact person, e-mail and phone (others see the entry without "
           "them)", {"organiser": ANY}),
    Action("assignment.manage", "assign judges to entries, generate, fill gaps, drop-outs, record conflicts",
           {"organiser": ANY}),
    Action("conflict.declare", "declare a conflict (回避) on an entry", {"judge": OWN, "organiser": ANY}),
    Action("sheet.read", "read one judge's score sheets", {"judge": OWN, "organiser": ANY}),
    Action("sheet.write", "save or clear scores, comments and vetoes; submit a sheet", {"judge": OWN}),
    Action("sheet.reopen", "set a submitted sheet back to draft", {"organiser": ANY}),
    Action("scores.import", "import a round's scores from paper sheets (CSV)", {"organiser": ANY}),
    Action("mail.send", "send judges their invitations and reminders (an invitation issues a one-time password "
           "to a judge who never signed in) and read what was sent", {"organiser": ANY}),
    Action("scores.read", "read every score of a round (progress, ranking, exports)",
           {"organiser": ANY, "auditor": ANY}),
    Action("publication.manage", "publish a list (公示), change tiers, log and resolve objections, freeze, reopen",
           {"organiser": ANY}),
    Action("publication.read", "read published and frozen award lists and export them",
           {"organiser": ANY, "announcer": ANY, "auditor": ANY}),
    Action("audit.read", "read and verify the audit trail and bundles", {"organiser": ANY, "auditor": ANY}),
    Action("audit.verify", "verify the audit trail and record the outcome (the audit log's chain state)",
           {"organiser": ANY, "auditor": ANY}),
    Action("materials.manage", "attach entry materials (files), mark them identifying, withdraw them",
           {"organiser": ANY}),
    Action("materials.read", "see and open an entry's materials (a judge: on their own sheets only)",
           {"judge": OWN, "organiser": ANY}),
)
ACTIONS: dict[str, Action] = {a.key: a for a in _ACTIONS}

# role × page (by url_path): the pages each role may open; every page checks this itself.
PAGES: dict[str, frozenset[str]] = {
    "entries": frozenset({"judge"}),
    "sheet": frozenset({"judge"}),
    "setup": frozenset({"organiser"}),
    "imports": frozenset({"organiser"}),
    "materials": frozenset({"organiser"}),
    "staff": frozenset({"organiser"}),
    "assignment": frozenset({"organiser"}),
    "progress": frozenset({"organiser"}),
    "conflicts": frozenset({"organiser"}),
    "paper": frozenset({"organiser"}),
    "rubric": frozenset({"organiser"}),
    "advance": frozenset({"organiser"}),
    "live": frozenset({"organiser"}),
    "screen": frozenset({"organiser"}),
    "award_settings": frozenset({"organiser"}),
    "results": frozenset({"organiser", "auditor"}),
    "publication": frozenset({"organiser"}),
    "awards": frozenset({"announcer", "organiser"}),
    "verify": frozenset({"auditor", "organiser"}),
    "audit_log": frozenset({"auditor", "organiser"}),
}


def scope(role: str | None, action: str) -> str | None:
    """The scope in which ``role`` may do ``action`` (ANY or OWN), or None when refused (an unknown
    role, or none, is refused everything)."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action: {action}")
    if role == SYSTEM_ROLE:
        return ANY
    return ACTIONS[action].grants.get(role) if role in ROLES else None


def allowed(role: str, action: str, *, own: bool = True) -> bool:
    """Whether ``role`` may do ``action``; ``own`` says whether the object is the actor's own sheet."""
    granted = scope(role, action)
    return granted == ANY or (granted == OWN and own)


def page_allowed(role: str | None, page: str) -> bool:
    return role is not None and role in PAGES[page]
