"""Writing the audit log. Every status change goes through `record`."""
from __future__ import annotations

from sqlalchemy.orm import Session

from .models import AuditEvent, User


def record(
    session: Session,
    actor: User | None,
    subject: object,
    action: str,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Add an audit event for `subject` (any model with an `id`); the caller's flush saves it."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        subject_type=type(subject).__tablename__,  # type: ignore[attr-defined]
        subject_id=subject.id,  # type: ignore[attr-defined]
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    session.add(event)
    return event
