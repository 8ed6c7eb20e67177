"""Every audit event goes to the server's log too, once its transaction is committed.

The audit trail (``audit_log``) is the record of sign-ins, refusals and writes; this module only
copies each event's action, actor and subject into the log (``judging.logs``), never its payload.
Events of a transaction that is rolled back are not logged. Bulk inserts (imports, the demo) log one
line with their count.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from judging import logs
from judging.store.models import AuditEvent

PENDING_KEY = "judging.pending_log"
log = logs.get("events")


@event.listens_for(AuditEvent, "after_insert")
def _remember(_mapper, _connection, target: AuditEvent) -> None:
    session = object_session(target)
    if session is not None:
        session.info.setdefault(PENDING_KEY, []).append(
            {"event_id": target.id, "action": target.action, "actor": target.actor, "subject": target.subject})


@event.listens_for(Session, "do_orm_execute")
def _remember_bulk(state) -> None:
    statement = state.statement
    if state.is_insert and getattr(getattr(statement, "table", None), "name", None) == AuditEvent.__tablename__ \
            and state.parameters:
        rows = state.parameters if isinstance(state.parameters, list) else [state.parameters]
        actions = sorted({str(r.get("action", "")) for r in rows})
        state.session.info.setdefault(PENDING_KEY, []).append(
            {"action": ",".join(actions[:5]), "count": len(rows), "actor": str(rows[0].get("actor", ""))})


@event.listens_for(Session, "after_commit")
def _write(session: Session) -> None:
    for fields in session.info.pop(PENDING_KEY, []):
        log.info("audit event", extra=fields)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous_transaction) -> None:
    session.info.pop(PENDING_KEY, None)

