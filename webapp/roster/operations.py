"""Business actions on rosters ("danh sách thành viên"): add, edit, remove, import from CSV.

Each action takes the session and the acting head, changes state, writes audit events and
flushes; the request commits. Who may act is `webapp.access.can_manage_unit`; these functions
check the data and raise `DomainError` (with the form field it concerns).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from .. import audit
from ..contacts import normalise_contact, normalise_email, normalise_phone
from ..errors import DomainError
from ..groups import GROUPS, parse_group
from ..models import Assessment, AssessmentStatus, AssessmentYear, Membership, Unit, User
from ..text import clean_text
from . import claims
from .csvfile import read_roster_csv

NAME_LIMIT = 120
SECTION_LIMIT = 80

CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"
# A row that would rename a person who has an account: written only if the head ticks it.
CONFLICT = "conflict"


def match_memberships(session: Session, user: User) -> list[Membership]:
    """On registration and login: claim the lines listing this user's phone or email. A claim
    waits for the head's confirmation (`claims`); nothing is linked by the typed contact alone."""
    return claims.claim_listed_lines(session, user)


# Single lines -----------------------------------------------------------------------------

def add_member(
    session: Session, head: User, unit: Unit, year: AssessmentYear,
    full_name: str, contact: str, appendix: str, section: str | None = None,
) -> Membership:
    """Put one person on the unit's roster for the year; an account with that contact is invited."""
    _require_open_year(year)
    name = _clean_name(full_name)
    login = normalise_contact(contact or "")
    if login is None:
        raise DomainError(_contact_problem(contact), "contact")
    group = _clean_group(appendix)
    existing = _line_for_contact(session, unit, year, login)
    if existing is not None:
        raise DomainError(
            f"{'Email' if '@' in login else 'Số điện thoại'} {login} đã có trong danh sách năm "
            f"{year.label} (người: {existing.full_name}). Hãy sửa dòng đó thay vì thêm mới.",
            "contact",
        )
    membership = Membership(unit=unit, year=year, full_name=name, contact=login,
                            appendix=group, section=_clean_section(section))
    session.add(membership)
    _flush_or_conflict(session)
    audit.record(session, head, membership, "roster_add", reason=_describe(membership))
    account = session.scalar(select(User).where(_login_is(login)))
    if account is not None:
        # Its owner accepts first: a head's typing does not put an account in a unit.
        claims.invite(session, head, membership, account)
    session.flush()
    return membership


def update_member(
    session: Session, head: User, membership: Membership,
    full_name: str, appendix: str, section: str | None,
) -> Membership:
    """Correct a line's name, group or class/department."""
    _require_open_year(membership.year)
    name, group, cleaned_section = _clean_name(full_name), _clean_group(appendix), _clean_section(section)
    if group != membership.appendix and membership.assessment is not None:
        raise DomainError(
            f"Người này đã có phiếu tự đánh giá theo Phụ lục {membership.appendix}; "
            "không thể đổi nhóm nữa.", "appendix",
        )
    changes = _changes(membership, name, group, cleaned_section)
    if changes:
        membership.full_name, membership.appendix, membership.section = name, group, cleaned_section
        audit.record(session, head, membership, "roster_update", reason="; ".join(changes))
        session.flush()
    return membership


def remove_member(session: Session, head: User, membership: Membership) -> None:
    """Take a line off the roster, unless its assessment went further than a draft."""
    _require_open_year(membership.year)
    assessment = membership.assessment
    if assessment is not None and assessment.status is not AssessmentStatus.DRAFT:
        raise DomainError(
            f"Không thể xóa {membership.full_name}: phiếu tự đánh giá đang ở trạng thái "
            f"“{assessment.status.label}”. Phiếu đã gửi là một phần kết quả của đơn vị; nếu "
            "người này không còn thuộc đơn vị, hãy từ chối hoặc thu hồi phiếu ở trang xác nhận."
        )
    audit.record(session, head, membership, "roster_remove", reason=_describe(membership))
    if assessment is not None:
        session.delete(assessment)
    session.delete(membership)
    session.flush()


# CSV import -------------------------------------------------------------------------------

@dataclass
class ImportRow:
    """One data row of the file and what importing it would do."""

    line: int
    full_name: str
    contact: str | None
    appendix: str | None
    section: str | None
    outcome: str = CREATE
    problems: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    membership: Membership | None = None

    @property
    def reason(self) -> str | None:
        """'Dòng 7: số điện thoại “12345” không hợp lệ.' for rejected rows."""
        if not self.problems:
            return None
        return f"Dòng {self.line}: " + "; ".join(self.problems) + "."


@dataclass
class ImportPreview:
    """Every row of a roster file with its outcome; nothing is written by making one."""

    rows: list[ImportRow]
    blank_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)
    example_rows: int = 0

    def of(self, outcome: str) -> list[ImportRow]:
        return [row for row in self.rows if row.outcome == outcome]

    @property
    def counts(self) -> dict[str, int]:
        return {o: len(self.of(o)) for o in (CREATE, UPDATE, UNCHANGED, REJECTED, CONFLICT)}

    @property
    def writes(self) -> int:
        return self.counts[CREATE] + self.counts[UPDATE]


def preview_import(session: Session, unit: Unit, year: AssessmentYear, text: str,
                   default_group: str | None = None) -> ImportPreview:
    """Read the file and say, for every row, whether it creates, updates, is unchanged or is refused.

    `default_group` ("III", "IV", "V") is used for rows that name no group.
    Raises `csvfile.ImportFileError` when the file as a whole is unusable.
    """
    parsed = read_roster_csv(text, group_given=default_group is not None)
    existing = _existing_lines(session, unit, year)
    seen: dict[str, int] = {}
    claimed: dict[int, int] = {}
    rows = []
    for csv_row in parsed.rows:
        row = _check_row(csv_row.line, csv_row.cells, default_group)
        if row.contact is not None:
            if row.contact in seen:
                row.problems.append(f"trùng số điện thoại/email với dòng {seen[row.contact]}")
            else:
                seen[row.contact] = row.line
        if not row.problems:
            line = existing.get(row.contact)  # type: ignore[arg-type]
            if line is not None and line.id in claimed:
                row.problems.append(f"cùng một người với dòng {claimed[line.id]}")
            else:
                _compare(row, line)
                if line is not None:
                    claimed[line.id] = row.line
        if row.problems:
            row.outcome = REJECTED
        rows.append(row)
    return ImportPreview(rows, parsed.blank_rows, parsed.ignored_headers, parsed.example_rows)


def apply_import(
    session: Session, head: User, unit: Unit, year: AssessmentYear, text: str,
    default_group: str | None = None, renames: Collection[int] = (),
) -> ImportPreview:
    """Check the file again against the roster as it is now, then create and update its lines.

    A conflict (a new name for a person with an account) is written only when its file line
    is in `renames`, the rows the head ticked; the others stay as they are.
    """
    _require_open_year(year)
    preview = preview_import(session, unit, year, text, default_group)
    for row in preview.of(CONFLICT):
        if row.line in renames:
            row.outcome = UPDATE
            row.changes.append("người quản lý đã chọn đổi tên")
    creating = preview.of(CREATE)
    accounts = _accounts_by_contact(session, [row.contact for row in creating])  # type: ignore[misc]
    for row in creating:
        membership = Membership(unit=unit, year=year, full_name=row.full_name,
                                contact=row.contact, appendix=row.appendix, section=row.section)
        session.add(membership)
        row.membership = membership
    for row in preview.of(UPDATE):
        line = row.membership
        assert line is not None and row.appendix is not None
        line.full_name, line.appendix = row.full_name, row.appendix
        if row.section is not None:
            line.section = row.section
    _flush_or_conflict(session)
    for row in creating:
        audit.record(session, head, row.membership, "roster_import_add", reason=_describe(row.membership))
        account = accounts.get(row.contact)  # type: ignore[arg-type]
        if account is not None:  # its owner accepts first, as for a line added by hand
            claims.invite(session, head, row.membership, account)  # type: ignore[arg-type]
    for row in preview.of(UPDATE):
        audit.record(session, head, row.membership, "roster_import_update", reason="; ".join(row.changes))
    session.flush()
    return preview


def _check_row(line: int, cells: dict[str, str], default_group: str | None = None) -> ImportRow:
    name = cells.get("full_name", "")
    section = cells.get("section") or None
    row = ImportRow(line, name, None, None, section)
    if not name:
        row.problems.append("thiếu họ và tên")
    elif len(name) > NAME_LIMIT:
        row.problems.append(f"họ và tên dài quá {NAME_LIMIT} ký tự")
    row.contact = _row_contact(cells, row.problems, row.notes)
    raw_group = cells.get("appendix", "")
    row.appendix = parse_group(raw_group) if raw_group else default_group
    if row.appendix is None and not raw_group:
        row.problems.append("thiếu nhóm (III, IV hoặc V)")
    elif row.appendix is None:
        row.problems.append(f"nhóm “{raw_group}” không rõ, hãy ghi III, IV hoặc V")
    if section and len(section) > SECTION_LIMIT:
        row.problems.append(f"lớp / tổ, phòng dài quá {SECTION_LIMIT} ký tự")
    return row


def _row_contact(cells: dict[str, str], problems: list[str], notes: list[str]) -> str | None:
    """The contact column, else the phone column, else the email column."""
    combined, phone, email = cells.get("contact", ""), cells.get("phone", ""), cells.get("email", "")
    if combined and "@" in combined:
        return _checked(normalise_email(combined), "email", combined, problems)
    if combined or phone:
        value = combined or phone
        restored = _restored_phone(value)
        if restored is not None:
            notes.append(f"số điện thoại {value} được hiểu là {restored} (Excel đã bỏ số 0 "
                         "ở đầu hoặc dấu + của mã nước 84)")
            return restored
        return _checked(normalise_phone(value), "số điện thoại", value, problems)
    if email:
        return _checked(normalise_email(email), "email", email, problems)
    problems.append("thiếu số điện thoại hoặc email")
    return None


def _checked(contact: str | None, what: str, value: str, problems: list[str]) -> str | None:
    if contact is None:
        problems.append(f"{what} “{value}” không hợp lệ")
    return contact


def _restored_phone(value: str) -> str | None:
    """A 9-digit mobile number (912345678, or 84912345678) whose leading 0 Excel dropped
    because it stored the column as a number; None for anything else."""
    digits = "".join(value.split())
    if not (digits.isascii() and digits.isdigit()):
        return None
    if len(digits) == 11 and digits.startswith("84"):
        digits = digits[2:]  # "+84 912 345 678" that Excel read as a number
    if len(digits) == 9 and digits[0] in "35789":
        return "0" + digits
    return None


def _compare(row: ImportRow, membership: Membership | None) -> None:
    if membership is None:
        row.outcome = CREATE
        return
    row.membership = membership
    if row.appendix != membership.appendix and membership.assessment is not None:
        row.problems.append(
            f"người này đã có phiếu theo Phụ lục {membership.appendix}, không thể đổi sang "
            f"Phụ lục {row.appendix}"
        )
        return
    section = row.section if row.section is not None else membership.section
    row.changes = _changes(membership, row.full_name, row.appendix, section)  # type: ignore[arg-type]
    row.outcome = UPDATE if row.changes else UNCHANGED
    if membership.user_id is not None and row.full_name != membership.full_name:
        row.outcome = CONFLICT


def _existing_lines(session: Session, unit: Unit, year: AssessmentYear) -> dict[str, Membership]:
    """The roster's lines keyed by contact and by their account's phone and email (one query)."""
    lines = session.scalars(
        select(Membership)
        .where(Membership.unit_id == unit.id, Membership.year_id == year.id)
        # Whether a line has a form is asked, never its answers (ten a form, loaded with it by default).
        .options(selectinload(Membership.user), selectinload(Membership.assessment).lazyload(Assessment.answers))
    ).all()
    index: dict[str, Membership] = {}
    for line in lines:
        if line.user is not None:
            for login in (line.user.phone, line.user.email):
                if login:
                    index.setdefault(login, line)
    for line in lines:
        index[line.contact] = line
    return index


def _accounts_by_contact(session: Session, contacts: list[str]) -> dict[str, User]:
    if not contacts:
        return {}
    users = session.scalars(select(User).where(or_(User.phone.in_(contacts), User.email.in_(contacts))))
    found: dict[str, User] = {}
    for user in users:
        for login in (user.phone, user.email):
            if login:
                found[login] = user
    return found


# Helpers ----------------------------------------------------------------------------------

def _changes(membership: Membership, name: str, group: str, section: str | None) -> list[str]:
    changes = []
    if name != membership.full_name:
        changes.append(f"họ và tên: {membership.full_name} → {name}")
    if group != membership.appendix:
        changes.append(f"nhóm: {membership.appendix} → {group}")
    if (section or None) != (membership.section or None):
        changes.append(f"lớp / tổ, phòng: {membership.section or '(trống)'} → {section or '(trống)'}")
    return changes


def _describe(membership: Membership | None) -> str:
    assert membership is not None
    parts = [membership.full_name, f"Phụ lục {membership.appendix}"]
    if membership.section:
        parts.append(membership.section)
    return ", ".join(parts)


def _clean_name(full_name: str | None) -> str:
    name = clean_text(full_name)
    if not name:
        raise DomainError("Vui lòng nhập họ và tên.", "full_name")
    if len(name) > NAME_LIMIT:
        raise DomainError(f"Họ và tên dài quá {NAME_LIMIT} ký tự.", "full_name")
    return name


def _clean_group(appendix: str | None) -> str:
    if appendix is None or appendix not in GROUPS:
        raise DomainError("Vui lòng chọn nhóm: Phụ lục III, IV hoặc V.", "appendix")
    return appendix


def _clean_section(section: str | None) -> str | None:
    text = clean_text(section)
    if len(text) > SECTION_LIMIT:
        raise DomainError(f"Lớp / Tổ, phòng dài quá {SECTION_LIMIT} ký tự.", "section")
    return text or None


def _contact_problem(value: str | None) -> str:
    if not (value or "").strip():
        return "Vui lòng nhập số điện thoại hoặc email."
    if "@" in (value or ""):
        return "Email không hợp lệ."
    return "Số điện thoại không hợp lệ."


def _login_is(login: str) -> ColumnElement[bool]:
    return User.email == login if "@" in login else User.phone == login


def _line_for_contact(session: Session, unit: Unit, year: AssessmentYear, login: str) -> Membership | None:
    """The line listing this contact, directly or through the account it belongs to."""
    return session.scalar(
        select(Membership)
        .outerjoin(User, Membership.user_id == User.id)
        .where(Membership.unit_id == unit.id, Membership.year_id == year.id,
               or_(Membership.contact == login, User.phone == login, User.email == login))
        .limit(1)
    )


def _require_open_year(year: AssessmentYear) -> None:
    if not year.is_open:
        raise DomainError(f"Năm đánh giá {year.label} đã khóa; không thể thay đổi danh sách.")


def _flush_or_conflict(session: Session) -> None:
    """Another head changing the same roster at the same moment gets a clear message."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise DomainError(
            "Danh sách vừa được người khác thay đổi cùng lúc. Vui lòng tải lại trang và thử lại.", status=409
        ) from None
