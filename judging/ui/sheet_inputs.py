"""The score sheet's inputs: a component in the page that owns what the judge types, and the operations it sends.

The browser owns the inputs, the server owns the truth:
- every edit is an operation ``{id, round, entry, field, value, base}``; ``base`` is what the judge's
  screen showed for that field (its stored version and value). The store changes the field only while
  it still holds ``base`` (one row-locked check); otherwise the answer is "conflict", with what is
  stored, and the judge chooses. A stale screen can never clear or overwrite a score silently;
- operations wait in the browser (localStorage) until the server has answered them: they survive a
  reload, a closed tab, a lost connection and a server restart, and are sent again, in order;
- the answer to each operation is kept per id for the tab's session, so an operation sent twice is
  stored once; one sent again from a new session finds its value already stored and is answered
  "stored";
- a failure that says nothing about the operation (a busy or unreachable database) is answered
  "retry": the operation stays in the browser and is sent again.

Nothing here renders entry or judge text as HTML: the component's script sets ``textContent`` only.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from judging.core.permissions import Actor
from judging.core.rubric import Rubric
from judging.errors import JudgingError, StaleWriteError
from judging.i18n import t
from judging.store.db import write_session
from judging.store.sheets import (
    SheetState,
    clear_score,
    clear_veto,
    same_value,
    save_comment,
    save_score,
    save_veto,
)

log = logging.getLogger(__name__)

ASSETS = Path(__file__).parent / "assets"
MAX_OPERATIONS = 500  # in one message; more waits for the next one
MAX_TEXT = 20_000  # characters of one comment or veto reason
MAX_ID = 64


class FieldName:
    """A field's name on the wire: ``score:<criterion>``, ``comment:<criterion>`` (``comment:`` is the
    sheet's overall comment) or ``veto:<veto key>``."""

    SCORE, COMMENT, VETO = "score", "comment", "veto"
    KINDS = (SCORE, COMMENT, VETO)

    @staticmethod
    def of(kind: str, key: str) -> str:
        return f"{kind}:{key}"

    @staticmethod
    def split(name: str) -> tuple[str, str]:
        kind, sep, key = name.partition(":")
        if not sep or kind not in FieldName.KINDS:
            raise ValueError(name)
        return kind, key


@dataclass(frozen=True)
class Operation:
    """One edit of one field, as the browser sent it."""

    id: str
    round_id: int
    entry_id: int
    kind: str
    key: str
    value: float | str | None
    base_version: int
    base_value: float | str | None


def parse_operation(raw: object) -> Operation:
    """An operation from the browser's message; ``ValueError`` for anything not exactly of its shape."""
    if not isinstance(raw, dict):
        raise ValueError("not an object")
    op_id, base = raw.get("id"), raw.get("base")
    if not isinstance(op_id, str) or not 0 < len(op_id) <= MAX_ID or not isinstance(base, dict):
        raise ValueError("id or base")
    round_id, entry_id, version = raw.get("round"), raw.get("entry"), base.get("version")
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (round_id, entry_id, version)):
        raise ValueError("round, entry or version")
    field = raw.get("field")
    if not isinstance(field, str) or len(field) > 200:
        raise ValueError("field")
    kind, key = FieldName.split(field)
    value, base_value = raw.get("value"), base.get("value")
    for v in (value, base_value):
        if isinstance(v, str) and len(v) > MAX_TEXT or not (v is None or isinstance(v, str | int | float)) \
                or isinstance(v, bool) or isinstance(v, float) and not math.isfinite(v):
            raise ValueError("value")
    return Operation(op_id, round_id, entry_id, kind, key, value, version, base_value)


def _score_value(value: float | str | None) -> float | str | None:
    """A typed score as a number when it reads as one (full-width digits too); else as typed, for the
    store to refuse with its message."""
    if value is None or isinstance(value, int | float):
        return value
    text = value.strip().translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def apply_operation(engine, op: Operation, *, judge: Actor, code: str, zone) -> dict:
    """Store one operation for the signed-in judge; the answer the browser gets.

    ``{"status": "stored", "version", "value", "at"}``, ``{"status": "conflict", "theirs", "version"}``,
    ``{"status": "refused", "message"}`` or ``{"status": "retry"}``.
    """
    where = dict(round_id=op.round_id, judge_id=judge.id, entry_id=op.entry_id, actor=judge)
    value = _score_value(op.value) if op.kind == FieldName.SCORE else op.value
    try:
        with write_session(engine) as s:
            version = _write(s, op, value, where)
    except StaleWriteError as exc:
        if same_value(exc.current_value, value):
            return _stored(exc.current_version or 0, exc.current_value, zone)
        return {"status": "conflict", "theirs": exc.current_value, "version": exc.current_version or 0}
    except JudgingError as exc:
        if exc.problems and exc.problems[0].code == "store.busy":
            return {"status": "retry"}
        return {"status": "refused", "message": exc.render(code)}
    except Exception:  # the database is down or failing: the operation stays in the browser
        log.exception("a sheet operation could not be stored; the browser will send it again")
        return {"status": "retry"}
    return _stored(version, value, zone)


def _write(s, op: Operation, value, where: dict) -> int:
    if op.kind == FieldName.SCORE:
        if value is None:
            clear_score(s, criterion=op.key, expected_version=op.base_version, expected_value=op.base_value, **where)
            return 0
        # a value that is not a number goes to the store as typed: its check says so in the judge's words
        return save_score(s, criterion=op.key, value=value, expected_version=op.base_version,
                          expected_value=op.base_value, **where).version
    if op.kind == FieldName.COMMENT:
        if not isinstance(value, str | None):
            raise ValueError("a comment is text")
        return save_comment(s, criterion=op.key, text_value=value or "", expected_version=op.base_version,
                            expected_value=op.base_value, **where).version
    reason = (value or "").strip() if isinstance(value, str | None) else ""
    seen = op.base_value or None
    if reason:
        save_veto(s, veto_key=op.key, reason=reason, expected_reason=seen, **where)
    else:
        clear_veto(s, veto_key=op.key, expected_reason=seen, **where)
    return 0


def _stored(version: int, value, zone) -> dict:
    return {"status": "stored", "version": version, "value": value,
            "at": datetime.now(UTC).astimezone(zone).strftime("%H:%M:%S")}


def apply_outbox(engine, message: object, acks: dict, *, judge: Actor, code: str, zone) -> None:
    """Answer every operation of the browser's outbox not answered yet, in order.

    ``acks`` (the tab's session state: operation id -> answer) gets the answers; answers to
    operations the browser no longer sends are dropped from it.
    """
    raw_ops = message.get("ops") if isinstance(message, dict) else None
    if not isinstance(raw_ops, list):
        return
    seen = set()
    for raw in raw_ops[:MAX_OPERATIONS]:
        try:
            op = parse_operation(raw)
        except ValueError:
            op_id = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(op_id, str) and 0 < len(op_id) <= MAX_ID:
                acks[op_id] = {"status": "refused", "message": t("sheet.op_malformed", code)}
                seen.add(op_id)
            continue
        seen.add(op.id)
        if op.id not in acks or acks[op.id]["status"] == "retry":
            acks[op.id] = apply_operation(engine, op, judge=judge, code=code, zone=zone)
    for op_id in [i for i in acks if i not in seen]:
        del acks[op_id]


def acks_for(message: object, acks: dict) -> dict:
    """The answers to the operations of the browser's last message."""
    ops = message.get("ops") if isinstance(message, dict) else None
    ids = {o.get("id") for o in ops if isinstance(o, dict)} if isinstance(ops, list) else set()
    return {i: a for i, a in acks.items() if i in ids}


def stored_fields(state: SheetState, rubric: Rubric) -> dict[str, dict]:
    """What is stored, field by field, as the component compares it with what it shows."""
    fields: dict[str, dict[str, object]] = {FieldName.of(FieldName.SCORE, c.key): {"value": None, "version": 0}
                                           for c in rubric.criteria}
    for key in (*rubric.criterion_keys, ""):
        fields[FieldName.of(FieldName.COMMENT, key)] = {"value": "", "version": 0}
    for key, stored in state.scores.items():
        fields[FieldName.of(FieldName.SCORE, key)] = {"value": float(stored.value), "version": stored.version}
    for key, stored in state.comments.items():
        fields[FieldName.of(FieldName.COMMENT, key)] = {"value": str(stored.value), "version": stored.version}
    for veto in rubric.veto_items:
        fields[FieldName.of(FieldName.VETO, veto.key)] = {"value": state.vetoes.get(veto.key), "version": 0}
    return fields


@st.cache_resource
def _component():
    return st.components.v2.component(
        "judging_score_sheet",
        html='<div class="sheet"></div>',
        css=(ASSETS / "score_sheet.css").read_text(encoding="utf-8"),
        js=(ASSETS / "score_sheet.js").read_text(encoding="utf-8"),
    )


def mount(*, key: str, data: dict, on_outbox, on_submit, on_next):
    """Mount the sheet component; its state and triggers (``outbox``, ``submit``, ``next``)."""
    return _component()(key=key, data=data, on_outbox_change=on_outbox, on_submit_change=on_submit,
                        on_next_change=on_next)
