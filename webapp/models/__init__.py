"""The data model. Import models from here: `from webapp.models import Assessment`."""
from .areas import Area, Unit, UnitKind
from .assessments import (
    SHOWN_STATUSES,
    Answer,
    Assessment,
    AssessmentStatus,
    ShownStatus,
    shown_status,
    shown_status_condition,
)
from .audit import AuditEvent
from .base import Base, utcnow
from .criteria_versions import CriteriaVersion
from .drives import Drive
from .people import Role, RoleGrant, User
from .recovery import LinkPurpose, PasswordLink
from .roster import Membership, PendingLink, RosterTally
from .throttle import LoginThrottle
from .years import AssessmentYear, Target, YearKind

__all__ = [
    "SHOWN_STATUSES", "Answer", "Area", "Assessment", "AssessmentStatus", "AssessmentYear", "AuditEvent", "Base",
    "CriteriaVersion", "Drive", "LinkPurpose", "LoginThrottle", "Membership", "PasswordLink", "PendingLink", "Role",
    "RoleGrant", "RosterTally", "ShownStatus", "Target", "Unit", "UnitKind", "User", "YearKind", "shown_status",
    "shown_status_condition", "utcnow",
]
