"""Business actions on rosters ("danh sách thành viên")."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Membership, User


def match_memberships(session: Session, user: User) -> list[Membership]:
    """Attach roster lines that list this user's phone or email and have no user yet.

    Called on registration and login, so a person a head listed finds their unit waiting.
    A unit that already has this user for that year keeps its existing line.
    """
    contacts = [c for c in (user.phone, user.email) if c]
    if not contacts:
        return []
    taken = set(
        session.execute(
            select(Membership.unit_id, Membership.year_id).where(Membership.user_id == user.id)
        ).tuples()
    )
    matched = []
    for membership in session.scalars(
        select(Membership).where(Membership.contact.in_(contacts), Membership.user_id.is_(None))
    ):
        if (membership.unit_id, membership.year_id) in taken:
            continue
        membership.user = user
        taken.add((membership.unit_id, membership.year_id))
        matched.append(membership)
    session.flush()
    return matched
