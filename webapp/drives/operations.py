"""Business actions on drives ("đợt vận động"): create, close, and a member joining through one."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit
from ..assessments import operations as assessment_operations
from ..contacts import normalise_contact
from ..errors import DomainError
from ..groups import GROUPS
from ..models import Assessment, AssessmentYear, Drive, Membership, PendingLink, Unit, User, utcnow
from ..models.base import as_utc
from ..roster import claims
from ..roster.operations import SECTION_LIMIT
from ..templating import VIETNAM
from ..text import clean_text
from ..tokens import DRIVE, make_token, read_token

# The drive's own expiry decides; the signature only has to outlive the longest drive.
TOKEN_MAX_AGE = 400 * 24 * 3600
LONGEST_DRIVE = timedelta(days=366)
TOKEN_LIFETIME = timedelta(seconds=TOKEN_MAX_AGE) - timedelta(days=1)

OPEN, CLOSED, EXPIRED, YEAR_CLOSED = "open", "closed", "expired", "year_closed"


def token_of(drive: Drive) -> str:
    return make_token(DRIVE, drive.id)


def drive_of_token(session: Session, token: str) -> Drive | None:
    """The drive a poster's link points to; None when the link is tampered with or unknown."""
    payload = read_token(DRIVE, token, TOKEN_MAX_AGE)
    if not isinstance(payload, int) or isinstance(payload, bool):
        return None
    return session.get(Drive, payload)


def drives_of(session: Session, unit: Unit) -> list[Drive]:
    """The unit's drives, newest first."""
    return list(session.scalars(
        select(Drive).where(Drive.unit_id == unit.id)
        .order_by(Drive.created_at.desc(), Drive.id.desc())
    ))


def open_class_drives(session: Session, unit: Unit) -> list[Drive]:
    """The unit's open drives for a class or department, by section: one poster each."""
    now = utcnow()
    drives = session.scalars(
        select(Drive).join(Drive.year)
        .where(Drive.unit_id == unit.id, Drive.section.is_not(None), Drive.closed_at.is_(None),
               Drive.expires_at > now, AssessmentYear.is_open)
    )
    return sorted(drives, key=lambda d: (_section_key(d.section or ""), d.id))


_DIGIT_RUNS = re.compile(r"(\d+)")


def _section_key(section: str) -> tuple[object, ...]:
    """"9A2" before "10A1": numbers compared as numbers, the rest case-insensitively."""
    return tuple(int(part) if part.isdigit() else part.casefold()
                 for part in _DIGIT_RUNS.split(section))


def joined_counts(session: Session, drives: Sequence[Drive]) -> dict[int, int]:
    """How many roster lines joined through each drive, in one grouped query."""
    ids = [drive.id for drive in drives]
    if not ids:
        return {}
    rows = session.execute(
        select(Membership.drive_id, func.count(Membership.id))
        .where(Membership.drive_id.in_(ids)).group_by(Membership.drive_id)
    )
    return {drive_id: count for drive_id, count in rows if drive_id is not None}


def year_end_local(year: AssessmentYear) -> datetime:
    """The last minute of the year's end date, Vietnam time: a drive's default expiry."""
    return datetime.combine(year.ends_on, time(23, 59))


def state_of(drive: Drive, now: datetime | None = None) -> str:
    """open, closed (by a head), expired, or year_closed (the assessment year was locked)."""
    if drive.closed_at is not None:
        return CLOSED
    if not drive.is_open(now):
        return EXPIRED
    if not drive.year.is_open:
        return YEAR_CLOSED
    return OPEN


def create_drive(
    session: Session, head: User, unit: Unit, year: AssessmentYear, appendix: str,
    section: str | None, expires_local: datetime | None = None,
) -> Drive:
    """Open a drive for a group (and optionally a class/department) until `expires_local`
    (Vietnam time), by default the end of its assessment year, so a printed poster lasts."""
    if not year.is_open:
        raise DomainError(f"Năm đánh giá {year.label} đã khóa.", "year_id")
    if appendix not in GROUPS:
        raise DomainError("Vui lòng chọn nhóm: Phụ lục III, IV hoặc V.", "appendix")
    label = clean_text(section) or None
    if label and len(label) > SECTION_LIMIT:
        raise DomainError(f"Tối đa {SECTION_LIMIT} ký tự.", "section")
    expires_at = _expiry(year, expires_local)
    drive = Drive(unit=unit, year=year, appendix=appendix, section=label, expires_at=expires_at,
                  created_by=head)
    session.add(drive)
    session.flush()
    audit.record(session, head, drive, "drive_create",
                 reason=f"Phụ lục {appendix}" + (f", {label}" if label else ""))
    session.flush()
    return drive


def year_end(year: AssessmentYear) -> datetime:
    """`year_end_local` as an aware UTC time, as drives store it."""
    return year_end_local(year).replace(tzinfo=VIETNAM).astimezone(UTC)


def _expiry(year: AssessmentYear, expires_local: datetime | None) -> datetime:
    now = utcnow()
    if expires_local is None:
        if year_end(year) <= now:
            raise DomainError(f"Năm đánh giá {year.label} đã kết thúc ngày "
                              f"{year.ends_on:%d/%m/%Y}. Vui lòng chọn ngày giờ hết hạn.",
                              "expires_at")
        expires_local = year_end_local(year)
    expires_at = expires_local.replace(tzinfo=VIETNAM).astimezone(UTC)
    if expires_at <= now:
        raise DomainError("Thời hạn phải ở sau thời điểm hiện tại.", "expires_at")
    # Up to the year's end even when it is more than a year away (a year made in advance),
    # but never beyond what the poster's signed link can carry.
    latest = min(max(now + LONGEST_DRIVE, year_end(year)), now + TOKEN_LIFETIME)
    if expires_at > latest:
        if latest > now + LONGEST_DRIVE:
            raise DomainError(f"Đợt vận động kéo dài tối đa đến hết năm đánh giá {year.label} "
                              f"({year.ends_on:%d/%m/%Y}).", "expires_at")
        raise DomainError("Một đợt vận động kéo dài tối đa một năm.", "expires_at")
    return expires_at


def close_drive(session: Session, head: User, drive: Drive) -> Drive:
    """Stop the drive's link now; closing a closed drive changes nothing."""
    if drive.closed_at is None:
        drive.closed_at = utcnow()
        audit.record(session, head, drive, "drive_close")
        session.flush()
    return drive


@dataclass
class JoinResult:
    membership: Membership
    assessment: Assessment | None  # None while the claim waits for the head
    created: bool            # a new roster line was made for this person
    kept_group: str | None   # already listed under another group, which was kept

    @property
    def waiting(self) -> bool:
        return self.assessment is None


def line_of(session: Session, user: User, drive: Drive) -> Membership | None:
    """This person's roster line in the drive's unit and year: by account, else by phone/email
    (a listed line is theirs only once claimed and confirmed, see `join`)."""
    by_account = session.scalar(select(Membership).where(
        Membership.unit_id == drive.unit_id, Membership.year_id == drive.year_id,
        Membership.user_id == user.id))
    if by_account is not None:
        return by_account
    logins = [login for login in (user.phone, user.email) if login]
    return session.scalar(
        select(Membership).where(Membership.unit_id == drive.unit_id,
                                 Membership.year_id == drive.year_id,
                                 Membership.contact.in_(logins))
        .order_by(Membership.id).limit(1)
    ) if logins else None


def join(session: Session, user: User, drive: Drive) -> JoinResult:
    """Put the person on the drive's roster (or reuse their line) and start their assessment."""
    if state_of(drive) != OPEN:
        raise DomainError("Đợt vận động đã kết thúc; không thể tham gia nữa.", status=410)
    membership, created = line_of(session, user, drive), False
    if membership is not None and membership.user_id is None:
        # The head listed this phone/email: the poster proves the class, not the person.
        if membership.pending_user_id == user.id and membership.pending_kind is PendingLink.INVITE:
            claims.accept_invitation(session, user, membership)  # the head asked, the person agrees
        else:
            claims.claim(session, user, membership)
            return JoinResult(membership, None, False, None)
    elif membership is not None and membership.user_id != user.id:
        raise DomainError(
            "Số điện thoại hoặc email của bạn đã có trong danh sách đơn vị dưới một tài khoản "
            "khác. Vui lòng liên hệ người phụ trách ở đơn vị (giáo viên chủ nhiệm, cán bộ được giao)."
        )
    elif membership is None:
        membership, created = _new_line(session, user, drive)
    if membership.drive_id is None:  # counted for the first drive the person joined through
        membership.drive_id = drive.id
        session.flush()
    kept = membership.appendix if membership.appendix != drive.appendix else None
    assessment = assessment_operations.start(session, user, membership)
    return JoinResult(membership, assessment, created, kept)


def _new_line(session: Session, user: User, drive: Drive) -> tuple[Membership, bool]:
    contact = normalise_contact(user.login_name) or user.login_name
    membership = Membership(unit_id=drive.unit_id, year_id=drive.year_id, user=user,
                            full_name=user.full_name, contact=contact, appendix=drive.appendix,
                            section=drive.section, drive_id=drive.id)
    try:
        with session.begin_nested():
            session.add(membership)
            session.flush()
    except IntegrityError:  # a second press got there first: use its line
        existing = line_of(session, user, drive)
        if existing is None or existing.user_id != user.id:
            raise DomainError("Không thể thêm bạn vào danh sách lúc này. Vui lòng thử lại.") from None
        return existing, False
    audit.record(session, user, membership, "drive_join", reason=f"drive {drive.id}")
    session.flush()
    return membership, True


def expires_local(drive: Drive) -> datetime:
    return as_utc(drive.expires_at).astimezone(VIETNAM)
