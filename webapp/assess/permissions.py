"""Who may do what with an assessment: the predicates every view asks."""
from __future__ import annotations

from ..models import Assessment, AssessmentStatus, Membership, User


def is_owner(user: User, assessment: Assessment) -> bool:
    return user.is_authenticated and assessment.membership.user_id == user.id


def can_edit(user: User, assessment: Assessment) -> bool:
    """The member edits their own draft or returned assessment."""
    return is_owner(user, assessment)


def can_review(user: User, assessment: Assessment) -> bool:
    """A head of the member's unit, or an aggregator above it; never one's own assessment.

    (A head who is also a member is confirmed by another head or the next level up.)
    """
    if not user.is_authenticated or is_owner(user, assessment):
        return False
    unit = assessment.membership.unit
    return user.heads(unit) or user.aggregates(unit.area)


def can_view(user: User, assessment: Assessment) -> bool:
    """The member, the reviewers, and those who oversee the unit may read it."""
    if not user.is_authenticated:
        return False
    return is_owner(user, assessment) or user.oversees_unit(assessment.membership.unit)


def holds_title(assessment: Assessment) -> bool:
    return assessment.status is AssessmentStatus.CONFIRMED and bool(assessment.confirmed_achieved)


def is_on_roster_line(user: User, membership: Membership) -> bool:
    """The roster line is this user's own: they may start its assessment."""
    return user.is_authenticated and membership.user_id == user.id
