"""Who may manage a unit's roster and drives: its heads, and administrators."""
from __future__ import annotations

from flask_login import current_user

from ..db import db
from ..errors import fail
from ..models import Unit, User
from ..security import ensure


def can_manage(user: User, unit: Unit) -> bool:
    """Heads of the unit ("thủ trưởng") and administrators; aggregators only read reports."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or user.heads(unit)


def managed_unit(unit_id: int) -> Unit:
    """The unit, if the current user may manage it (anonymous → login, others → 403)."""
    ensure(current_user.is_authenticated)
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        fail(404, "Không tìm thấy đơn vị này.")
    ensure(can_manage(current_user, unit))
    return unit
