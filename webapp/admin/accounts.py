"""Business actions of administrators on accounts: find, create, correct the login, lock.

A created account has no usable password: its owner sets one through a one-time link
(`webapp.recovery`). Locking ("khóa") ends every session and every open link at once, because
the account's session secret changes and the user loader refuses inactive accounts. The last
active administrator can be neither locked nor stripped of the role, nor delete their account.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from .. import audit
from ..contacts import MAX_LENGTH, normalise_email, normalise_phone
from ..errors import DomainError
from ..models import AuditEvent, Membership, Role, RoleGrant, User
from ..models.people import new_session_secret
from ..recovery.operations import UNSET, end_open_links
from ..roster import claims

PER_PAGE = 50
_PHONE_NOISE = re.compile(r"[\s.\-()+]")
_DIGITS = re.compile(r"[0-9]+")
LAST_ADMIN = ("Đây là quản trị viên cuối cùng còn hoạt động. Hãy cấp quyền quản trị cho người "
              "khác trước.")
PHONE_TAKEN = "Số điện thoại này đã là tên đăng nhập của một tài khoản khác."
EMAIL_TAKEN = "Email này đã là tên đăng nhập của một tài khoản khác."
# What the account's page calls each audited step (sessions end for several reasons).
EVENT_LABELS = {
    "account_created": "Tạo tài khoản", "login_changed": "Sửa tên đăng nhập",
    "deactivated": "Khóa tài khoản", "reactivated": "Mở khóa tài khoản",
    "password_link_issued": "Tạo đường dẫn đặt mật khẩu", "password_link_used": "Đặt mật khẩu qua đường dẫn",
    "grant": "Cấp quyền", "revoke": "Thu hồi quyền",
    "sessions_ended:logout": "Đăng xuất", "sessions_ended:logout_everywhere": "Đăng xuất trên mọi thiết bị",
    "sessions_ended:password_changed": "Đổi mật khẩu",
    "sessions_ended:password_link": "Các thiết bị khác được đăng xuất (mật khẩu mới)",
}


def event_label(event: AuditEvent) -> str:
    return (EVENT_LABELS.get(f"{event.action}:{event.reason}") or EVENT_LABELS.get(event.action)
            or event.action)


@dataclass(frozen=True)
class Page:
    """One page of the account list."""

    users: list[User]
    total: int
    number: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def _matching(query: str) -> ColumnElement[bool] | None:
    """Name, e-mail or phone containing what was typed ("0901 234" finds 0901234567)."""
    text = " ".join(query.split())[:MAX_LENGTH]
    if not text:
        return None
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    conditions: list[ColumnElement[bool]] = [User.full_name.ilike(f"%{escaped}%", escape="\\"),
                  User.email.ilike(f"%{escaped}%", escape="\\")]
    compact = _PHONE_NOISE.sub("", text)
    if _DIGITS.fullmatch(compact):
        if compact.startswith("84") and text.startswith("+"):
            compact = "0" + compact[2:]
        conditions.append(User.phone.contains(compact, autoescape=True))
    return or_(*conditions)


def search(session: Session, query: str, page: int) -> Page:
    """Accounts matching `query` (all when empty), by name, `PER_PAGE` at a time."""
    condition = _matching(query)
    statement = select(User)
    count = select(func.count(User.id))
    if condition is not None:
        statement, count = statement.where(condition), count.where(condition)
    total = session.scalar(count) or 0
    number = min(max(1, page), max(1, -(-total // PER_PAGE)))
    users = session.scalars(statement.options(selectinload(User.role_grants))
                            .order_by(User.full_name, User.id)
                            .offset((number - 1) * PER_PAGE).limit(PER_PAGE))
    return Page(list(users), total, number)


def memberships_of(session: Session, user: User) -> list[Membership]:
    return list(session.scalars(select(Membership).where(Membership.user_id == user.id)
                                .order_by(Membership.id.desc()).limit(20)))


def history_of(session: Session, user: User) -> list[AuditEvent]:
    """The latest audited steps about this account, newest first."""
    return list(session.scalars(
        select(AuditEvent).options(selectinload(AuditEvent.actor))
        .where(AuditEvent.subject_type == User.__tablename__, AuditEvent.subject_id == user.id)
        .order_by(AuditEvent.id.desc()).limit(30)))


def _clean_login(phone: str | None, email: str | None) -> tuple[str | None, str | None]:
    """Normalised phone and e-mail; a DomainError naming the field that is not one."""
    clean_phone = normalise_phone(phone) if phone else None
    if phone and clean_phone is None:
        raise DomainError("Số điện thoại chưa đúng. Số điện thoại có 10 chữ số, ví dụ 0901234567.", "phone")
    clean_email = normalise_email(email) if email else None
    if email and clean_email is None:
        raise DomainError("Địa chỉ email chưa đúng. Ví dụ đúng: ten@gmail.com.", "email")
    if clean_phone is None and clean_email is None:
        raise DomainError("Cần ít nhất số điện thoại hoặc email để đăng nhập.", "phone")
    return clean_phone, clean_email


def _require_free(session: Session, user: User | None, phone: str | None, email: str | None,
                  field: str | None = None) -> None:
    others = select(User.id) if user is None else select(User.id).where(User.id != user.id)
    if phone and session.scalar(others.where(User.phone == phone)) is not None:
        raise DomainError(PHONE_TAKEN, field or "phone")
    if email and session.scalar(others.where(User.email == email)) is not None:
        raise DomainError(EMAIL_TAKEN, field or "email")


def _save(session: Session, user: User, taken: str, field: str) -> None:
    """Flush; two administrators taking the same login at once: the unique index decides."""
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        raise DomainError(taken, field) from None


def create(session: Session, actor: User, full_name: str, login: str) -> User:
    """A new account for someone who has none; they set the password through a one-time link."""
    is_email = "@" in login
    try:
        phone, email = _clean_login(None if is_email else login, login if is_email else None)
    except DomainError as error:
        raise DomainError(error.message, "contact") from None
    _require_free(session, None, phone, email, "contact")
    # No password works until the owner sets one: this hash matches nothing.
    user = User(full_name=" ".join(full_name.split()), phone=phone, email=email,
                password_hash=f"{UNSET}{secrets.token_hex(16)}")
    _save(session, user, EMAIL_TAKEN if is_email else PHONE_TAKEN, "contact")
    audit.record(session, actor, user, "account_created")
    session.flush()
    return user


def change_login(session: Session, actor: User, user: User, phone: str | None, email: str | None) -> None:
    """Correct the phone and e-mail the account logs in with (each unique)."""
    clean_phone, clean_email = _clean_login(phone, email)
    _require_free(session, user, clean_phone, clean_email)
    changed = [name for name, old, new in (("phone", user.phone, clean_phone), ("email", user.email, clean_email))
               if old != new]
    if not changed:
        return
    user.phone, user.email = clean_phone, clean_email
    _save(session, user, PHONE_TAKEN if changed[0] == "phone" else EMAIL_TAKEN, changed[0])
    # Which fields changed, not their values: the audit keeps no more personal data than needed.
    audit.record(session, actor, user, "login_changed", reason=", ".join(changed))
    claims.withdraw_for(session, actor, user, "login_changed", stale_only=True)
    session.flush()


def _other_active_admins(session: Session, user: User, lock: bool) -> int:
    active_admin = (RoleGrant.role == Role.ADMIN, User.active.is_(True))
    if lock:
        # Two administrators locking each other at the same moment would each still count the
        # other (PostgreSQL's READ COMMITTED; SQLite already runs one writer at a time). Locking
        # every active administrator's row first, in id order so two checks never deadlock, makes
        # the second wait for the first and count after it.
        session.execute(select(User.id).join(User.role_grants).where(*active_admin)
                        .order_by(User.id).with_for_update(of=User)).all()
    return session.scalar(
        select(func.count(func.distinct(RoleGrant.user_id))).join(RoleGrant.user)
        .where(*active_admin, User.id != user.id)) or 0


def refuse_if_last_admin(session: Session, user: User, lock: bool = True) -> None:
    """The system must keep one active administrator (locking, revoking, deleting).

    `lock=False` only to say so on a page; an action that goes on to change the account locks.
    """
    if user.active and user.is_admin and _other_active_admins(session, user, lock) == 0:
        raise DomainError(LAST_ADMIN, status=409)


def deactivate(session: Session, actor: User, user: User) -> None:
    """Lock the account: no login, and every session, remember cookie and open link ends now."""
    if user.id == actor.id:
        raise DomainError("Bạn không thể tự khóa tài khoản của mình.", status=409)
    if not user.active:
        return
    refuse_if_last_admin(session, user)
    user.active = False
    user.session_secret = new_session_secret()
    end_open_links(session, user)
    claims.withdraw_for(session, actor, user, "deactivated")  # nobody confirms a locked account
    audit.record(session, actor, user, "deactivated", from_status="active", to_status="inactive")
    session.flush()


def reactivate(session: Session, actor: User, user: User) -> None:
    if user.active:
        return
    user.active = True
    audit.record(session, actor, user, "reactivated", from_status="inactive", to_status="active")
    session.flush()
