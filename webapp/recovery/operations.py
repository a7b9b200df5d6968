"""Issuing and using one-time password links ("đường dẫn đặt lại mật khẩu").

A head gives a member of the unit a reset link (shown as a QR on the head's phone, or
printed); an administrator can give one to anyone and a set-password link to an account they
create. The token is random; only its SHA-256 is stored. A link works once, within
`PASSWORD_LINK_HOURS`, and only while it is the account's newest. Every issue and use is
audited: who issued it, for whom, when it was used.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from .. import audit
from ..auth import throttle
from ..auth.operations import end_all_sessions
from ..errors import DomainError
from ..models import LinkPurpose, PasswordLink, User, utcnow
from ..models.base import as_utc

# Bounds on issuing, counted over the last hour in the database (several servers share it).
PER_ACCOUNT = 5
PER_HEAD = 30
PER_ADMIN = 300
WINDOW = timedelta(hours=1)

INACTIVE = "Tài khoản này đang bị khóa. Người quản trị hệ thống cần mở khóa trước."
TOO_MANY_FOR_ACCOUNT = ("Đã tạo quá nhiều đường dẫn cho tài khoản này trong một giờ qua. "
                        "Hãy dùng đường dẫn mới nhất, hoặc thử lại sau.")
USED = "Đường dẫn này đã được dùng."
TOO_MANY_BY_ISSUER = "Bạn đã tạo quá nhiều đường dẫn đặt lại mật khẩu trong một giờ qua. Vui lòng thử lại sau."


UNSET = "!unset$"  # the start of a hash that matches no password: none was ever set


def has_no_password(user: User) -> bool:
    """Created by an administrator and never given a password by its owner."""
    return user.password_hash.startswith(UNSET)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def lifetime() -> timedelta:
    return timedelta(hours=current_app.config.get("PASSWORD_LINK_HOURS", 4))


def _issued_since(session: Session, column: InstrumentedAttribute[Any], value: int) -> int:
    return session.scalar(select(func.count(PasswordLink.id)).where(
        column == value, PasswordLink.created_at > utcnow() - WINDOW)) or 0


def _check_bounds(session: Session, actor: User, user: User) -> None:
    if _issued_since(session, PasswordLink.user_id, user.id) >= PER_ACCOUNT:
        raise DomainError(TOO_MANY_FOR_ACCOUNT, status=429)
    limit = PER_ADMIN if actor.is_admin else PER_HEAD
    if _issued_since(session, PasswordLink.issued_by_id, actor.id) >= limit:
        raise DomainError(TOO_MANY_BY_ISSUER, status=429)


def end_open_links(session: Session, user: User) -> None:
    """Every unused link of this account stops working (a newer one, a deactivation)."""
    session.execute(update(PasswordLink).where(
        PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None),
        PasswordLink.ended_at.is_(None)).values(ended_at=utcnow()))


def issue(session: Session, actor: User, user: User,
          purpose: LinkPurpose = LinkPurpose.RESET) -> tuple[str, PasswordLink]:
    """A new link for `user`, ending the older ones; returns the token, shown once and never stored."""
    if not user.active:
        raise DomainError(INACTIVE, status=409)
    if has_no_password(user):
        purpose = LinkPurpose.SETUP  # whoever issues it, the owner's first password (and consent)
    _check_bounds(session, actor, user)
    end_open_links(session, user)
    token, now = secrets.token_urlsafe(32), utcnow()
    link = PasswordLink(user_id=user.id, token_hash=_hash(token), purpose=purpose,
                        issued_by_id=actor.id, created_at=now, expires_at=now + lifetime())
    session.add(link)
    session.flush()
    audit.record(session, actor, user, "password_link_issued", to_status=purpose.value,
                 reason=f"link {link.id}")
    session.flush()
    return token, link


def issue_by_email(session: Session, email: str) -> tuple[str, PasswordLink] | None:
    """A reset link the owner of this e-mail login asked for, or None (no such active account,
    or too many already): the page answers the same either way, so nobody learns which."""
    user = session.scalar(select(User).where(User.email == email))
    if user is None or not user.active:
        return None
    try:
        return issue(session, user, user)
    except DomainError:
        return None


def find(session: Session, token: str) -> PasswordLink | None:
    """The link this token opens, if it is unused, not ended, not expired and its account active."""
    if not token or len(token) > 100:
        return None
    link = session.scalar(select(PasswordLink).where(PasswordLink.token_hash == _hash(token)))
    if link is None or link.used_at is not None or link.ended_at is not None:
        return None
    if as_utc(link.expires_at) <= utcnow() or not link.user.active:
        return None
    # Two issued at once both survive `end_open_links`: only the newest works (ids only grow).
    newest = session.scalar(select(func.max(PasswordLink.id)).where(PasswordLink.user_id == link.user_id))
    return link if newest == link.id else None


def use(session: Session, link: PasswordLink, password: str, consent: bool) -> User:
    """Set the new password; the link is spent, every other session ends, the throttle forgets."""
    user = link.user
    if link.purpose is LinkPurpose.SETUP and user.consent_at is None:
        if not consent:
            raise DomainError("Bạn cần đánh dấu đồng ý với thông báo về dữ liệu cá nhân.", "consent")
        user.consent_at = utcnow()
    # Two taps on the button, or two phones at once: only one use wins.
    spent = session.execute(update(PasswordLink).where(
        PasswordLink.id == link.id, PasswordLink.used_at.is_(None), PasswordLink.ended_at.is_(None),
    ).values(used_at=utcnow()))
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(USED, status=404)
    user.set_password(password)
    for login in (user.phone, user.email):
        if login:
            throttle.clear(session, throttle.account_key(login))
    audit.record(session, user, user, "password_link_used", to_status=link.purpose.value,
                 reason=f"link {link.id}")
    end_all_sessions(session, user, "password_link")
    return user
