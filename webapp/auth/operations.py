"""Business actions on accounts: sign-up, login check, a member's data export and deletion.

We keep only what the assessment needs, record when the member consented, and let them take
away or erase what we hold about them.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..assessments.queries import roster_lines
from ..contacts import normalise_contact
from ..errors import DomainError
from ..groups import group_label
from ..models import Assessment, AuditEvent, Membership, User, utcnow
from ..models.base import as_utc
from ..models.people import new_session_secret
from ..roster import claims
from . import throttle

DUPLICATE_MESSAGE = (
    "Số điện thoại hoặc email này đã có tài khoản. Hãy đăng nhập, hoặc dùng số/email khác."
)
INVALID_CONTACT_MESSAGE = "Vui lòng nhập số điện thoại hoặc địa chỉ email hợp lệ."

# Checked when no account matches, so a wrong login takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _login_filter(contact: str) -> ColumnElement[bool]:
    return User.email == contact if "@" in contact else User.phone == contact


def register_user(session: Session, full_name: str, contact: str, password: str) -> User:
    """Create an account from a phone number or email; the member consents by signing up."""
    login = normalise_contact(contact)
    if login is None:
        raise DomainError(INVALID_CONTACT_MESSAGE, "contact")
    if session.scalar(select(User.id).where(_login_filter(login))) is not None:
        raise DomainError(DUPLICATE_MESSAGE, "contact")
    user = User(full_name=full_name.strip(), consent_at=utcnow(), password_hash="")
    if "@" in login:
        user.email = login
    else:
        user.phone = login
    user.set_password(password)
    try:
        # Two sign-ups with the same contact at once: the unique index decides.
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        raise DomainError(DUPLICATE_MESSAGE, "contact") from None
    return user


def login_keys(session: Session, contact: str, address: str | None) -> list[str]:
    """The throttle keys a login counts against: the login as typed, the other login of the
    account it names (a phone and an e-mail of one account share its limit), the address.

    One indexed look-up and no password hash, so a blocked attempt still costs nothing."""
    logins = [contact]
    login = normalise_contact(contact[:254])
    if login is not None:
        row = session.execute(select(User.phone, User.email).where(_login_filter(login))).first()
        logins += [value for value in row or () if value]
    account_keys = dict.fromkeys(throttle.account_key(value) for value in logins)
    return [*account_keys, throttle.address_key(address)]


DEACTIVATED_MESSAGE = ("Tài khoản này đã bị khóa nên không đăng nhập được. Nếu bạn cần dùng lại, "
                       "hãy liên hệ người quản trị hệ thống.")


def authenticate(session: Session, contact: str, password: str) -> User | None:
    """The active user with this phone or email and password, or None.

    A locked account with the right password is told so (`DomainError`, 403): only the owner,
    who knows the password, learns that the account exists and is locked.
    """
    login = normalise_contact(contact)
    user = session.scalar(select(User).where(_login_filter(login))) if login else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password):
        return None
    if not user.active:
        raise DomainError(DEACTIVATED_MESSAGE, status=403)
    return user


# What each audited step of an assessment is called on the member's data page.
HISTORY_LABELS = {
    "create": "Bắt đầu phiếu", "submit": "Gửi phiếu", "withdraw": "Rút phiếu về để sửa",
    "confirm": "Đơn vị xác nhận", "return": "Được trả lại để sửa", "reject": "Đơn vị không xác nhận đạt",
    "revoke": "Thu hồi danh hiệu",
}


def assessment_history(session: Session, memberships: list[Membership]) -> dict[int, list[AuditEvent]]:
    """The audit events of the member's assessments, oldest first, by assessment id (one query)."""
    assessment_ids = [m.assessment.id for m in memberships if m.assessment is not None]
    events: dict[int, list[AuditEvent]] = {}
    if assessment_ids:
        for event in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == Assessment.__tablename__,
                   AuditEvent.subject_id.in_(assessment_ids))
            .order_by(AuditEvent.at, AuditEvent.id)
        ):
            events.setdefault(event.subject_id, []).append(event)
    return events


def export_member_data(session: Session, user: User) -> dict[str, Any]:
    """Everything we hold about the member, as JSON-ready data (no password hash).

    Audit events about their assessments say what happened and when, and whether the member
    did it, never who else did.
    """
    memberships = roster_lines(session, user)
    events = assessment_history(session, memberships)
    return {
        "exported_at": _when(utcnow()),
        "about": "Dữ liệu cá nhân của bạn trong ứng dụng Công dân học tập "
                 "(Luật Bảo vệ dữ liệu cá nhân, Luật số 91/2025/QH15).",
        "profile": {
            "full_name": user.full_name,
            "phone": user.phone,
            "email": user.email,
            "consent_at": _when(user.consent_at),
            "created_at": _when(user.created_at),
        },
        "roles": [
            {
                "role": grant.role.value,
                "role_label": grant.role.label,
                "unit": grant.unit.name if grant.unit else None,
                "area": grant.area.name if grant.area else None,
            }
            for grant in user.role_grants
        ],
        "memberships": [
            _membership_data(m, user, events.get(m.assessment.id, []) if m.assessment else [])
            for m in memberships
        ],
        # A claim waiting for the head, or a head's invitation waiting for the member: the unit
        # and year only, as the start page shows them (a claimed line's name may be another's).
        "pending_links": [
            {"unit": {"code": line.unit.code, "name": line.unit.name}, "year": line.year.label,
             "kind": line.pending_kind.value, "kind_label": line.pending_kind.label}
            for line in claims.proposals_for(session, user) if line.pending_kind is not None
        ],
    }


def _membership_data(membership: Membership, user: User, events: list[AuditEvent]) -> dict[str, Any]:
    return {
        "unit": {"code": membership.unit.code, "name": membership.unit.name},
        "year": membership.year.label,
        "full_name_on_roster": membership.full_name,
        "contact_on_roster": membership.contact,
        "appendix": membership.appendix,
        "group": group_label(membership.appendix),
        "section": membership.section,
        "listed_at": _when(membership.created_at),
        "assessment": _assessment_data(membership.assessment, user, events)
        if membership.assessment else None,
    }


def _assessment_data(assessment: Assessment, user: User, events: list[AuditEvent]) -> dict[str, Any]:
    return {
        "criteria_version": assessment.criteria_version.key,
        "status": assessment.status.value,
        "status_label": assessment.status_label,  # "Xác nhận đạt" or "Xác nhận chưa đạt", as shown
        "self_total": assessment.self_total,
        "self_achieved": assessment.self_achieved,
        "self_result": assessment.self_result,
        "head_total": assessment.head_total,
        "confirmed_achieved": assessment.confirmed_achieved,
        "head_result": assessment.head_result,
        "decision_reason": assessment.decision_reason,
        "created_at": _when(assessment.created_at),
        "submitted_at": _when(assessment.submitted_at),
        "decided_at": _when(assessment.decided_at),
        "answers": [
            {
                "index": answer.index_code,
                "self_value": answer.self_value,
                "evidence_note": answer.evidence_note,
                "head_value": answer.head_value,
                "head_comment": answer.head_comment,
            }
            for answer in assessment.answers
        ],
        "history": [
            {
                "action": event.action,
                "at": _when(event.at),
                "from_status": event.from_status,
                "to_status": event.to_status,
                "by_you": event.actor_id == user.id,
            }
            for event in events
        ],
    }


def _when(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return as_utc(moment).isoformat()
    return moment.isoformat()


def end_all_sessions(session: Session, user: User, reason: str) -> None:
    """Every session and remember cookie of this account stops working (a new random secret)."""
    user.session_secret = new_session_secret()
    audit.record(session, user, user, "sessions_ended", reason=reason)
    session.flush()


class WrongPassword(DomainError):
    """A wrong password, already counted by the throttle (the request must keep the count)."""


def verify_own_password(session: Session, user: User, password: str, address: str | None,
                        wrong_message: str) -> None:
    """The account's own password, asked again on the account page (change, deletion).

    Counted like a login: someone holding a borrowed or stolen phone cannot guess it, and while
    the account or address is blocked it is refused before any hash is computed.
    """
    keys = throttle.own_keys([user.phone, user.email], address)
    until = throttle.blocked_until(session, keys)
    if until is not None:
        raise DomainError(throttle.blocked_message(until)[0], status=429)
    if not user.check_password(password):
        throttle.record_failure(session, keys)
        raise WrongPassword(wrong_message)
    for key in keys[:-1]:
        throttle.clear(session, key)


def change_password(session: Session, user: User, current: str, new: str, address: str | None) -> None:
    """Set a new password when the current one is right; every other device is logged out."""
    verify_own_password(session, user, current, address, "Mật khẩu hiện tại không đúng.")
    from ..recovery.operations import end_open_links  # recovery builds on this module

    user.set_password(new)
    end_open_links(session, user)  # a printed reset QR must not outlive the change
    end_all_sessions(session, user, "password_changed")


def delete_account(session: Session, user: User) -> None:
    """Erase the account, its assessments and the roster lines the member created themselves.

    A line the member's own drive join created holds only what they typed: it goes, so
    nobody who later registers with the same phone can inherit it. A line the head entered is
    the unit's denominator: it stays, detached, with the name and contact the head entered.
    Audit events stay without a link to the person: the database sets their actor to NULL when
    the account goes.
    """
    from ..admin.accounts import refuse_if_last_admin  # admin imports auth: import at use

    refuse_if_last_admin(session, user)
    lines = roster_lines(session, user)
    own = _lines_joined_by(session, user, [m.id for m in lines])
    for membership in lines:
        if membership.assessment is not None:
            session.delete(membership.assessment)  # answers go with it
        membership.user = None
        if membership.id in own:
            audit.record(session, None, membership, "roster_remove", reason="account_deleted")
            session.delete(membership)
    audit.record(session, None, user, "account_deleted")
    session.flush()
    session.delete(user)
    session.flush()


def _lines_joined_by(session: Session, user: User, membership_ids: list[int]) -> set[int]:
    """Of these roster lines, those the member's own drive join created (the audit says so)."""
    if not membership_ids:
        return set()
    return set(session.scalars(
        select(AuditEvent.subject_id).where(
            AuditEvent.subject_type == Membership.__tablename__,
            AuditEvent.subject_id.in_(membership_ids),
            AuditEvent.action == "drive_join", AuditEvent.actor_id == user.id)))
