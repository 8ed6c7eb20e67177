"""The audit log in words: one pure renderer per kind of event the store records, people by display
name, entries by their code, criteria by their label ("陈建国 将 life-004 的核心技术水平从 72.5 改为 80")."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from judging.core.scores_io import format_number
from judging.i18n import TEXTS, t

MAX_QUOTED = 80  # a comment or reason longer than this is cut in the sentence; the export's payload column has it all
SHELLS = ("system", "cli", "demo")  # the trusted shells' names (permissions.RESERVED_USERNAMES), shown in words


@dataclass(frozen=True)
class LoggedEvent:
    """One audit event as the log shows it: its payload already parsed."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    payload: Mapping[str, Any]

    @classmethod
    def parse(cls, *, id: int, at: datetime, actor: str, action: str, subject: str, payload: str) -> LoggedEvent:
        try:
            body = json.loads(payload or "{}")
        except ValueError:
            body = {"_unreadable": payload}
        return cls(id=id, at=at, actor=actor, action=action, subject=subject,
                   payload=body if isinstance(body, dict) else {"_value": body})


@dataclass(frozen=True)
class Names:
    """What the log shows instead of ids: every account's display name, entry codes, round, edition and
    criterion names. Anything not found is shown as the id it is (a deleted account, a foreign id)."""

    people: Mapping[str, str] = field(default_factory=dict)  # username -> display name
    people_by_id: Mapping[int, str] = field(default_factory=dict)  # account id -> display name
    entries: Mapping[int, str] = field(default_factory=dict)  # entry id -> code
    rounds: Mapping[int, str] = field(default_factory=dict)  # round id -> name
    editions: Mapping[int, str] = field(default_factory=dict)  # edition id -> name
    criteria: Mapping[int, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)  # round -> key -> lang -> label

    def person(self, username: object, lang: str) -> str:
        name = str(username)
        if name in SHELLS:
            return t(f"alog.shell.{name}", lang)
        return self.people.get(name, name)

    def person_id(self, ident: object, lang: str) -> str:
        number = _int(ident)
        return self.people_by_id.get(number, f"#{ident}") if number is not None else str(ident)

    def entry(self, ident: object) -> str:
        number = _int(ident)
        return self.entries.get(number, f"#{ident}") if number is not None else str(ident)

    def criterion(self, round_id: int | None, key: object, lang: str) -> str:
        if key in ("", None):
            return t("alog.overall_comment", lang)
        labels = self.criteria.get(round_id or -1, {}).get(str(key))
        return (labels.get(lang) or labels.get("zh") or str(key)) if labels else str(key)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def subject_id(subject: str, kind: str) -> int | None:
    """The id in a subject such as ``round:3`` when its kind is ``kind``."""
    head, _, ident = subject.partition(":")
    return int(ident) if head == kind and ident.isdigit() else None


def _quoted(value: object) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED - 1] + "…"


def _items(value: Any) -> list:
    """A payload's list as a list: a single value (an event written by hand, or an older form) is one item."""
    if isinstance(value, (list, tuple)):
        return list(value)
    return [] if value is None or value == "" else [value]


def _number(value: Any) -> str:
    try:
        return format_number(float(value))
    except (TypeError, ValueError):
        return str(value)


Params = dict[str, object]
Renderer = Callable[[LoggedEvent, Names, str], Params]


def _none(e: LoggedEvent, n: Names, lang: str) -> Params:
    return {}


def _round(e: LoggedEvent, n: Names) -> str:
    round_id = subject_id(e.subject, "round")
    return n.rounds.get(round_id, e.subject) if round_id is not None else e.subject


def _edition(e: LoggedEvent, n: Names, lang: str) -> str:
    edition_id = subject_id(e.subject, "edition")
    return n.editions.get(edition_id, e.subject) if edition_id is not None else t("alog.every_edition", lang)


def _sheet(e: LoggedEvent, n: Names, lang: str) -> Params:
    p = e.payload
    return {"round": _round(e, n), "entry": n.entry(p.get("entry_id")), "judge": n.person_id(p.get("judge_id"), lang)}


def _with_criterion(e: LoggedEvent, n: Names, lang: str) -> Params:
    return _sheet(e, n, lang) | {"criterion": n.criterion(subject_id(e.subject, "round"), e.payload.get("criterion"),
                                                         lang)}


def _count(key: str = "count") -> Renderer:
    return lambda e, n, lang: {"n": e.payload.get(key, 0), "round": _round(e, n), "edition": _edition(e, n, lang)}


def _score_save(e, n, lang):
    old = e.payload.get("old")
    return _with_criterion(e, n, lang) | {"old": "—" if old is None else _number(old),
                                          "value": _number(e.payload.get("value")),
                                          "variant": "new" if old is None else "changed"}


def _round_update(e, n, lang):
    def value(name: str, given: object) -> str:
        key = {"status": f"oc.status.{given}", "method": f"results.method.{given}",
               "blind": f"alog.value.{'yes' if given else 'no'}"}.get(name)
        return t(key, lang) if key in TEXTS else _quoted(given)

    def field(name: str) -> str:
        return t(f"alog.field.{name}", lang) if f"alog.field.{name}" in TEXTS else name

    changes = "；".join(f"{field(k)} {value(k, v.get('old') if isinstance(v, dict) else '')} → "
                       f"{value(k, v.get('new') if isinstance(v, dict) else v)}" for k, v in sorted(e.payload.items()))
    return {"round": _round(e, n), "changes": changes or "—"}


def kind_label(kind: str, lang: str = "zh") -> str:
    """The name of a kind of event (保存分数 for score.save); a kind without one is shown as recorded."""
    key = f"alog.kind.{kind}"
    return t(key, lang) if key in TEXTS else kind


def _user(e: LoggedEvent, n: Names, lang: str) -> str:
    return n.person_id(subject_id(e.subject, "user"), lang) if subject_id(e.subject, "user") is not None else e.subject


def _publication(e, n, lang):
    p = e.payload
    return {"entry": p.get("entry", ""), "reason": _quoted(p.get("reason")), "publication": e.subject}


RENDERERS: dict[str, Renderer] = {
    # accounts and sign-in
    "auth.sign_in": lambda e, n, lang: {"address": e.payload.get("address") or "—"},
    "auth.sign_in_sso": _none,
    "auth.session_restored": lambda e, n, lang: {"address": e.payload.get("address") or "—"},
    "auth.sign_out": lambda e, n, lang: {"reason": e.payload.get("reason") or "—"},
    "auth.signed_out_everywhere": lambda e, n, lang: {"user": _user(e, n, lang), "n": e.payload.get("sessions", 0)},
    "auth.failed": lambda e, n, lang: {"address": e.subject.partition(":")[2] or "—"},
    "auth.locked": lambda e, n, lang: {"n": e.payload.get("failures", 0), "until": e.payload.get("until", ""),
                                       "what": e.subject},
    "permission.refused": lambda e, n, lang: {"what": e.subject, "reason": e.payload.get("reason", "")},
    "user.create": lambda e, n, lang: {"username": n.person(str(e.payload.get("username", "")), lang),
                                       "role": _role(e.payload.get("role"), lang)},
    "user.passwords_issued": lambda e, n, lang: {"n": len(_items(e.payload.get("usernames")))},
    "user.password_changed": lambda e, n, lang: {"user": _user(e, n, lang)},
    "user.active": lambda e, n, lang: {"user": _user(e, n, lang),
                                       "variant": "on" if e.payload.get("active") else "off"},
    "demo.passwords": lambda e, n, lang: {"n": e.payload.get("accounts", 0)},
    # editions, rounds, entries
    "edition.create": lambda e, n, lang: {"name": e.payload.get("name", ""), "year": e.payload.get("year", "")},
    "track.add": lambda e, n, lang: {"edition": _edition(e, n, lang), "name": e.payload.get("name_zh", "")},
    "edition.document_settings": lambda e, n, lang: {"edition": _edition(e, n, lang),
                                                     "issuer": _quoted(e.payload.get("issuer")) or "—",
                                                     "scheme": _quoted(e.payload.get("certificate_scheme")) or "—",
                                                     "version": e.payload.get("version", "")},
    "round.create": lambda e, n, lang: {"round": _round(e, n), "rubric": _rubric(e),
                                        "version": e.payload.get("rubric_version", "")},
    "round.update": _round_update,
    "round.rubric": lambda e, n, lang: {"round": _round(e, n), "rubric": _rubric(e),
                                        "version": e.payload.get("version", "")},
    "round.rubric_new_version": lambda e, n, lang: {"round": _round(e, n), "old": e.payload.get("old_version", ""),
                                                    "version": e.payload.get("version", ""),
                                                    "reason": _quoted(e.payload.get("reason"))},
    "round.award_settings": lambda e, n, lang: {"round": _round(e, n), "version": e.payload.get("version", "")},
    "round.advance": lambda e, n, lang: {"round": _round(e, n), "n": len(_items(e.payload.get("entries"))),
                                         "to_round": n.rounds.get(_int(e.payload.get("to_round")) or -1,
                                                                  str(e.payload.get("to_round")))},
    "entries.import": _count(),
    "entries.update": _count(),
    # assignment and conflicts
    "conflict.add": lambda e, n, lang: {"judge": n.person_id(e.payload.get("judge_id"), lang),
                                        "entry": n.entry(subject_id(e.subject, "entry")),
                                        "reason": _quoted(e.payload.get("reason")) or "—"},
    "conflicts.auto": _count(),
    "assignment.add": _count("pairs"),
    "assignment.generate": lambda e, n, lang: {"round": _round(e, n), "n": e.payload.get("pairs", 0),
                                               "seed": e.payload.get("seed", "")},
    "assignment.remove": lambda e, n, lang: _sheet(e, n, lang) | {"reason": _quoted(e.payload.get("reason")) or "—"},
    "assignment.add_one": lambda e, n, lang: _sheet(e, n, lang) | {"reason": _quoted(e.payload.get("reason")) or "—"},
    "assignment.fill": lambda e, n, lang: {"round": _round(e, n), "n": len(_items(e.payload.get("added")))},
    "assignment.extra_judges": lambda e, n, lang: {"round": _round(e, n), "n": len(_items(e.payload.get("added"))),
                                                   "reason": _quoted(e.payload.get("reason")) or "—"},
    "assignment.drop_out": lambda e, n, lang: _sheet(e, n, lang) | {"n": e.payload.get("removed", 0),
                                                                    "reason": _quoted(e.payload.get("reason")) or "—"},
    # score sheets
    "score.save": _score_save,
    "score.clear": lambda e, n, lang: _with_criterion(e, n, lang) | {"old": _number(e.payload.get("old"))},
    "comment.save": lambda e, n, lang: _with_criterion(e, n, lang) | {
        "text": _quoted(e.payload.get("text")), "variant": "set" if e.payload.get("text") else "cleared"},
    "veto.save": lambda e, n, lang: _sheet(e, n, lang) | {"veto": e.payload.get("veto", ""),
                                                          "reason": _quoted(e.payload.get("reason"))},
    "veto.clear": lambda e, n, lang: _sheet(e, n, lang) | {"veto": e.payload.get("veto", "")},
    "sheet.submit": lambda e, n, lang: _sheet(e, n, lang) | {"total": _number(e.payload.get("total"))},
    "sheet.reopen": lambda e, n, lang: _sheet(e, n, lang) | {"reason": _quoted(e.payload.get("reason")) or "—"},
    "paper.printed": lambda e, n, lang: {"round": _round(e, n), "n": e.payload.get("sheets", 0),
                                         "new": e.payload.get("new_ids", 0),
                                         "variant": "judge" if e.payload.get("judge_id") else "round",
                                         "judge": n.person_id(e.payload.get("judge_id"), lang)},
    "paper.typed": lambda e, n, lang: _sheet(e, n, lang) | {"sheet": e.payload.get("sheet", "")},
    # live final and panel
    "panel.set": lambda e, n, lang: {"round": _round(e, n), "n": len(_items(e.payload.get("judges")))},
    "live.open": lambda e, n, lang: {"round": _round(e, n), "entry": n.entry(e.payload.get("entry_id")),
                                     "n": len(_items(e.payload.get("panel")))},
    "live.close": lambda e, n, lang: {"round": _round(e, n), "entry": n.entry(e.payload.get("entry_id"))},
    "panel.decision": lambda e, n, lang: {
        "round": _round(e, n), "entry": e.payload.get("entry", ""), "reason": _quoted(e.payload.get("reason")),
        "decision": _decision(e.payload.get("kind"), lang) + (f" → {e.payload['tier']}" if e.payload.get("tier") else ""),
        "present": "、".join(map(str, _items(e.payload.get("present")))) or "—"},
    # publication (公示)
    "publication.publish": lambda e, n, lang: {
        "round": n.rounds.get(_int(e.payload.get("round_id")) or -1, str(e.payload.get("round_id"))),
        "n": e.payload.get("entries", 0), "start": e.payload.get("start", ""), "end": e.payload.get("end", ""),
        "days": e.payload.get("days", "")},
    "publication.change_tier": lambda e, n, lang: _publication(e, n, lang) | {
        "before": e.payload.get("from") or "—", "after": e.payload.get("to") or "—"},
    "publication.objection": lambda e, n, lang: _publication(e, n, lang) | {
        "name": e.payload.get("name", ""), "received_on": e.payload.get("received_on", "")},
    "publication.resolve": lambda e, n, lang: _publication(e, n, lang) | {"status": e.payload.get("status", "")},
    "publication.freeze": lambda e, n, lang: {"publication": e.subject, "n": e.payload.get("entries", 0),
                                              "awarded": e.payload.get("awarded", 0),
                                              "changes": e.payload.get("changes", 0)},
    "publication.reopen": lambda e, n, lang: _publication(e, n, lang),
    # materials and mail
    "material.attach": lambda e, n, lang: {"entry": e.subject.partition(":")[2], "name": e.payload.get("file_name", ""),
                                           "variant": "identifying" if e.payload.get("identifying") else "plain"},
    "material.identifying": lambda e, n, lang: {"entry": n.entry(e.payload.get("entry_id")), "material": e.subject,
                                                "variant": "on" if e.payload.get("identifying") else "off"},
    "material.withdraw": lambda e, n, lang: {"entry": n.entry(e.payload.get("entry_id")),
                                             "name": e.payload.get("file_name", "")},
    "mail.claimed": lambda e, n, lang: {"round": _round(e, n), "judge": n.person_id(e.payload.get("judge_id"), lang),
                                        "to": e.payload.get("to", ""), "kind": e.payload.get("kind", ""),
                                        "attempt": e.payload.get("attempt", 1)},
    # the trail itself
    "audit.chain_opened": lambda e, n, lang: {"chain": _chain(e.subject, n, lang)},
    "audit.checkpoint": lambda e, n, lang: {"upto": e.payload.get("upto", ""),
                                            "reason": _checkpoint_reason(e.subject, lang)},
    "audit.rekey": lambda e, n, lang: {"n": e.payload.get("events", 0), "to": e.payload.get("to", ""),
                                       "reason": _quoted(e.payload.get("reason"))},
    "audit.verify": lambda e, n, lang: {"upto": e.payload.get("upto", ""), "n": e.payload.get("problems", 0),
                                        "variant": "ok" if not e.payload.get("problems") else "broken"},
}


# the kinds told in more than one way, by the renderer's "variant" (and ".for" when the sheet is someone else's)
VARIANT_TEXTS: dict[str, tuple[str, ...]] = {
    "score.save": ("score.save.new", "score.save.new.for", "score.save.changed", "score.save.changed.for"),
    "score.clear": ("score.clear", "score.clear.for"),
    "comment.save": ("comment.save.set", "comment.save.set.for", "comment.save.cleared", "comment.save.cleared.for"),
    "user.active": ("user.active.on", "user.active.off"),
    "audit.verify": ("audit.verify.ok", "audit.verify.broken"),
    "material.attach": ("material.attach.plain", "material.attach.identifying"),
    "paper.printed": ("paper.printed.judge", "paper.printed.round"),
    "material.identifying": ("material.identifying.on", "material.identifying.off"),
}
ON_SHEETS = ("score.save", "score.clear", "comment.save")  # a judge's own sheet, or written for them


def texts_of(action: str) -> tuple[str, ...]:
    """The translation keys (after ``alog.ev.``) that tell ``action``."""
    return VARIANT_TEXTS.get(action, (action,))


def _rubric(e: LoggedEvent) -> str:
    """A rubric by its name where the event recorded it (events before that hold only its key)."""
    return str(e.payload.get("rubric_name") or e.payload.get("rubric", ""))


def _chain(subject: str, n: Names, lang: str) -> str:
    """A chain by whose it is: an account's chain by the account's name, the main chain as such."""
    kind, _, number = subject.partition(":")
    if kind == "user" and number.isdigit():
        return t("alog.chain.user", lang, person=n.person_id(int(number), lang))
    return t("alog.chain.main", lang) if subject == "main" else subject


def _checkpoint_reason(subject: str, lang: str) -> str:
    """Why a checkpoint was signed: at a publish or freeze of a list (publication:N:publish), or every N events."""
    parts = subject.split(":")
    if len(parts) == 3 and parts[0] == "publication":
        key = f"alog.checkpoint.{parts[2]}"
        return t(key, lang, n=parts[1]) if key in TEXTS else subject
    return t("alog.checkpoint.periodic", lang) if subject in {"", "periodic"} else subject


def _role(role: object, lang: str) -> str:
    key = f"role.{role}"
    return t(key, lang) if key in TEXTS else str(role)


def _decision(kind: object, lang: str) -> str:
    key = f"panel.decision.{kind}"
    return t(key, lang) if key in TEXTS else str(kind)


def describe(event: LoggedEvent, names: Names, lang: str = "zh") -> str:
    """The event in one sentence of ``lang``; a kind this module does not know is shown by its key and subject."""
    actor = names.person(event.actor, lang)
    renderer = RENDERERS.get(event.action)
    if renderer is None:
        return t("alog.ev.unknown", lang, actor=actor, action=event.action, subject=event.subject)
    params = renderer(event, names, lang)
    variant = params.pop("variant", None)
    key = f"{event.action}.{variant}" if variant else event.action
    if event.action in ON_SHEETS and params.get("judge") != actor:
        key += ".for"  # someone else's sheet: paper sheets typed in, a script
    return t(f"alog.ev.{key}", lang, actor=actor, **params)


