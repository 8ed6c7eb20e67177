"""Who may do what: one declarative table of role × action, and role × page, that the store and the pages consult.

The menu only hides pages; these tables are what the server enforces. ``system`` is the role of
the trusted shells that hold the database credentials themselves (the CLI, the demo builder,
scripts): an ``actor`` that names no account is such a shell.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("organiser", "judge", "announcer", "auditor")
SYSTEM_ROLE = "system"
# the names the trusted shells act under (the CLI's "cli", scripts' "system"): no account may take them,
# or a shell would act with that account's role
RESERVED_USERNAMES = frozenset({"system", "cli"})

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
    Action("assignment.manage", "assign judges to entries, generate, fill gaps, drop-outs, record conflicts",
           {"organiser": ANY}),
    Action("conflict.declare", "declare a conflict (回避) on an entry", {"judge": OWN, "organiser": ANY}),
    Action("sheet.read", "read one judge's score sheets", {"judge": OWN, "organiser": ANY}),
    Action("sheet.write", "save or clear scores, comments and vetoes; submit a sheet", {"judge": OWN}),
    Action("sheet.reopen", "set a submitted sheet back to draft", {"organiser": ANY}),
    Action("scores.import", "import a round's scores from paper sheets (CSV)", {"organiser": ANY}),
    Action("scores.read", "read every score of a round (progress, ranking, exports)",
           {"organiser": ANY, "auditor": ANY}),
    Action("publication.manage", "publish a list (公示), change tiers, log and resolve objections, freeze, reopen",
           {"organiser": ANY}),
    Action("publication.read", "read published and frozen award lists and export them",
           {"organiser": ANY, "announcer": ANY, "auditor": ANY}),
    Action("audit.read", "read and verify the audit trail and bundles", {"organiser": ANY, "auditor": ANY}),
)
ACTIONS: dict[str, Action] = {a.key: a for a in _ACTIONS}

# role × page (by url_path): the pages each role may open; every page checks this itself.
PAGES: dict[str, frozenset[str]] = {
    "entries": frozenset({"judge"}),
    "sheet": frozenset({"judge"}),
    "setup": frozenset({"organiser"}),
    "imports": frozenset({"organiser"}),
    "assignment": frozenset({"organiser"}),
    "progress": frozenset({"organiser"}),
    "conflicts": frozenset({"organiser"}),
    "rubric": frozenset({"organiser"}),
    "advance": frozenset({"organiser"}),
    "live": frozenset({"organiser"}),
    "screen": frozenset({"organiser"}),
    "results": frozenset({"organiser", "auditor"}),
    "publication": frozenset({"organiser"}),
    "awards": frozenset({"announcer", "organiser"}),
    "verify": frozenset({"auditor", "organiser"}),
}


def scope(role: str, action: str) -> str | None:
    """The scope in which ``role`` may do ``action`` (ANY or OWN), or None when refused."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action: {action}")
    if role == SYSTEM_ROLE:
        return ANY
    return ACTIONS[action].grants.get(role)


def allowed(role: str, action: str, *, own: bool = True) -> bool:
    """Whether ``role`` may do ``action``; ``own`` says whether the object is the actor's own sheet."""
    granted = scope(role, action)
    return granted == ANY or (granted == OWN and own)


def page_allowed(role: str | None, page: str) -> bool:
    return role is not None and role in PAGES[page]
