"""Writing the audit log. Every status change goes through `record`."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from .models import AuditEvent, User, utcnow

# An event's columns besides its subject's id (a statement may take that from a row it wrote).
COLUMNS = ("at", "actor_id", "subject_type", "action", "from_status", "to_status", "reason")


def record(
    session: Session,
    actor: User | None,
    subject: object,
    action: str,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
) -> None:
    """Write an audit event for `subject` (any model with an `id`) at once, in the request's
    transaction (inside the operation's savepoint, if any, so it is undone with it).

    One Core INSERT rather than an object for the unit of work: nothing reads the event back in
    the request, and the flush's bookkeeping cost more than the insert (submit is drive week's
    hot path).
    """
    session.execute(INSERT, event_values(actor, subject, action, from_status, to_status, reason))


def event_values(actor: User | None, subject: object, action: str, from_status: str | None = None,
                 to_status: str | None = None, reason: str | None = None) -> dict[str, Any]:
    """The row `record` writes (`assessments.writes` writes it with the submission)."""
    return {
        "at": utcnow(),
        "actor_id": actor.id if actor is not None else None,
        "subject_type": type(subject).__tablename__,  # type: ignore[attr-defined]
        "subject_id": subject.id,  # type: ignore[attr-defined]
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
    }


def without_subject(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name != "subject_id"}


INSERT = insert(AuditEvent.__table__)  # type: ignore[arg-type]  # a Table at run time
