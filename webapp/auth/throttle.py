"""Login throttling kept in the database: the app runs as several servers with no shared memory.

Each account and each client address counts its wrong passwords. After `limit` of them the key
is blocked, first for a minute, then twice as long after each further failure (at most an hour).
While blocked, a login is refused before the password hash is computed, so guessing costs the
server nothing. A school's pupils share one address, hence its much higher limit.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..contacts import normalise_contact
from ..models import LoginThrottle, utcnow
from ..models.base import as_utc
from ..templating import VIETNAM

ACCOUNT_LIMIT = 10
ADDRESS_LIMIT = 100
# Self-service reset e-mails asked for from one client address (only with SMTP configured).
MAIL_LIMIT = 10
FIRST_BLOCK = timedelta(minutes=1)
LONGEST_BLOCK = timedelta(hours=1)
# Failures older than this, with no block running, are forgotten.
WINDOW = timedelta(hours=1)


def account_key(login: str) -> str:
    """One key per account however the login is typed ("0901 234 567" is "0901234567")."""
    return f"account:{normalise_contact(login[:254]) or login.strip().lower()[:254]}"


def own_keys(logins: list[str | None], address: str | None) -> list[str]:
    """A logged-in account's keys (each of its logins) and the client's address: its password
    asked again on the account page counts like a login, so a borrowed phone cannot guess it."""
    return [account_key(login) for login in logins if login] + [address_key(address)]


def blocked_message(until: datetime) -> tuple[str, int]:
    """What a blocked person reads (when to come back, Vietnam time) and the seconds to wait."""
    wait = max(1, -(-int((until - utcnow()).total_seconds()) // 60))
    return (f"Bạn đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau "
            f"{until.astimezone(VIETNAM):%H:%M} (khoảng {wait} phút nữa).", wait * 60)


def address_key(address: str | None) -> str:
    return f"address:{(address or 'unknown')[:64]}"


def mail_key(address: str | None) -> str:
    return f"mail:{(address or 'unknown')[:64]}"


def _limit(key: str) -> int:
    if key.startswith("mail:"):
        return MAIL_LIMIT
    return ACCOUNT_LIMIT if key.startswith("account:") else ADDRESS_LIMIT


def blocked_until(session: Session, keys: list[str]) -> datetime | None:
    """The latest moment any of `keys` stays blocked, or None when a login may be tried."""
    now = utcnow()
    ends = [as_utc(row.blocked_until) for row in session.scalars(
        select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
        if row.blocked_until is not None and as_utc(row.blocked_until) > now]
    return max(ends, default=None)


def record_failure(session: Session, keys: list[str]) -> None:
    """Count one wrong password against every key; block a key that reaches its limit."""
    now = utcnow()
    for key in keys:
        row = _row(session, key)
        blocked = row.blocked_until is not None and as_utc(row.blocked_until) > now
        if not blocked and now - as_utc(row.window_start) > WINDOW:
            row.failures, row.window_start, row.blocked_until = 0, now, None
        row.failures += 1
        over = row.failures - _limit(key)
        if over >= 0:
            row.blocked_until = now + min(FIRST_BLOCK * 2 ** min(over, 12), LONGEST_BLOCK)
    session.flush()


def clear(session: Session, key: str) -> None:
    """The right password: the account starts afresh (its address keeps its count)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def _row(session: Session, key: str) -> LoginThrottle:
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key))
    if row is not None:
        return row
    try:
        # Two servers counting the first failure at once: the unique key decides.
        with session.begin_nested():
            row = LoginThrottle(key=key, failures=0, window_start=utcnow())
            session.add(row)
            session.flush()
    except IntegrityError:
        row = session.scalars(select(LoginThrottle).where(LoginThrottle.key == key)).one()
    return row
