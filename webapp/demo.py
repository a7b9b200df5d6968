"""Demo data for `cdht serve --demo`: an area tree, a high school, an office, an enterprise,
one login per role. Loading twice changes nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import click
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from .assessments import operations
from .drives import operations as drive_operations
from .models import (
    Area,
    AssessmentYear,
    Drive,
    Membership,
    Role,
    RoleGrant,
    Target,
    Unit,
    UnitKind,
    User,
    YearKind,
    utcnow,
)

DEMO_PASSWORD = "hoctap2026"
DEMO_DOMAIN = "demo.cdht.vn"
DEMO_PHONES = ("0901000001", "0901000002", "0901000003", "0902000001", "0903000001")
DEMO_EVIDENCE = "Lớp kỹ năng số của Đoàn trường, tháng 10/2026; câu lạc bộ đọc sách thư viện trường, 2 lần mỗi tháng"
CITY_CODE = "79"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    login: str
    name: str


def load_demo(session: Session) -> list[DemoLogin]:
    """Create the demo data unless it is there already; return the logins to print."""
    if session.scalar(select(Area).where(Area.code == CITY_CODE)) is None:
        _create(session)
        session.flush()
    return _logins(session)


def _area(session: Session, code: str, name: str, level: str, parent: Area | None) -> Area:
    area = Area(code=code, name=name, level=level, parent=parent)
    session.add(area)
    session.flush()
    area.set_path()
    return area


def _user(session: Session, name: str, *, phone: str | None = None,
          email: str | None = None) -> User:
    user = User(full_name=name, phone=phone, email=email, password_hash="")
    user.set_password(DEMO_PASSWORD)
    session.add(user)
    return user


def _create(session: Session) -> None:
    city = _area(session, CITY_CODE, "Thành phố Hồ Chí Minh", "Tỉnh/Thành phố", None)
    ward_sg = _area(session, "79-26734", "Phường Sài Gòn", "Xã/Phường", city)
    ward_bt = _area(session, "79-26743", "Phường Bến Thành", "Xã/Phường", city)

    school = Unit(code="THPT-NGUYENDU", name="Trường THPT Nguyễn Du", kind=UnitKind.HIGH_SCHOOL,
                  area=city, recognition_threshold=Decimal("95"))
    office = Unit(code="UBND-PSG", name="Ủy ban nhân dân phường Sài Gòn", kind=UnitKind.OFFICE,
                  area=ward_sg, recognition_threshold=Decimal("90"))
    firm = Unit(code="DN-MAYSGX", name="Công ty TNHH May Sài Gòn Xanh",
                kind=UnitKind.ENTERPRISE, area=ward_bt, recognition_threshold=Decimal("90"))
    session.add_all([school, office, firm])

    staff_year = AssessmentYear(label="2026", kind=YearKind.STAFF,
                                starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    school_year = AssessmentYear(label="2026–2027", kind=YearKind.SCHOOL,
                                 starts_on=date(2026, 9, 5), ends_on=date(2027, 5, 31))
    session.add_all([staff_year, school_year])
    # Ho Chi Minh City's 2024 plan figure, carried as the demo target for both years.
    for year in (staff_year, school_year):
        session.add(Target(year=year, area=city, appendix=None, percentage=Decimal("55")))

    admin = _user(session, "Quản trị hệ thống", email="quantri@demo.cdht.vn")
    aggregator = _user(session, "Trần Thị Thu (Sở GDĐT)", email="tonghop@demo.cdht.vn")
    principal = _user(session, "Lê Văn Minh (Hiệu trưởng)", email="hieutruong@demo.cdht.vn")
    chairman = _user(session, "Phạm Thị Lan (Chủ tịch UBND phường)", email="ubnd@demo.cdht.vn")
    director = _user(session, "Võ Quốc Hùng (Giám đốc)", email="giamdoc@demo.cdht.vn")
    session.add_all([
        RoleGrant(user=admin, role=Role.ADMIN),
        RoleGrant(user=aggregator, role=Role.AGGREGATOR, area=city),
        RoleGrant(user=principal, role=Role.UNIT_HEAD, unit=school),
        RoleGrant(user=chairman, role=Role.UNIT_HEAD, unit=office),
        RoleGrant(user=director, role=Role.UNIT_HEAD, unit=firm),
    ])

    students = [
        _user(session, "Nguyễn Minh Anh", phone="0901000001"),
        _user(session, "Trần Gia Bảo", phone="0901000002"),
        _user(session, "Lê Thảo Chi", phone="0901000003"),
    ]
    lines = [
        Membership(unit=school, year=school_year, user=student, appendix="V", section="10A1",
                   full_name=student.full_name, contact=student.phone or "")
        for student in students
    ]
    session.add_all(lines)
    session.flush()
    # Two of the three students already confirmed, so the school starts at 2 of 3 (66.7%).
    for line, points in zip(lines[:2], (8, 10), strict=True):
        _confirmed(session, line, principal, points)
    # Like any new drive, the demo's lasts to the end of its year (a month if that has passed).
    session.add(Drive(unit=school, year=school_year, appendix="V", section="10A1",
                      expires_at=max(drive_operations.year_end(school_year),
                                     utcnow() + timedelta(days=30)),
                      created_by=principal))
    servant = _user(session, "Đỗ Thị Hạnh", phone="0902000001")
    worker = _user(session, "Huỳnh Văn Tài", phone="0903000001")
    session.add(Membership(unit=office, year=staff_year, user=servant, appendix="IV",
                           section="Văn phòng", full_name=servant.full_name,
                           contact=servant.phone or ""))
    session.add(Membership(unit=firm, year=staff_year, user=worker, appendix="III",
                           section="Tổ may 1", full_name=worker.full_name,
                           contact=worker.phone or ""))


def _confirmed(session: Session, line: Membership, head: User, points: int) -> None:
    member = line.user
    assert member is not None
    assessment = operations.start(session, member, line)
    criteria_set = operations.criteria_of(assessment)
    codes = [i.code for c in criteria_set.criteria for i in c.indices]
    notes = {code: DEMO_EVIDENCE for code in codes if criteria_set.index(code).evidence_required}
    operations.submit(session, member, assessment, {code: points for code in codes}, notes)
    operations.confirm(session, head, assessment, assessment.version)


def open_drive(session: Session) -> Drive | None:
    """The demo's class drive, for printing its link."""
    return session.scalar(
        select(Drive).join(Unit).where(Unit.code == "THPT-NGUYENDU", Drive.closed_at.is_(None))
    )


def _is_demo_account() -> ColumnElement[bool]:
    """The demo's own accounts: a database that also holds real people prints only these."""
    return or_(User.email.like(f"%@{DEMO_DOMAIN}"), User.phone.in_(DEMO_PHONES))


def _logins(session: Session) -> list[DemoLogin]:
    logins = []
    grants = select(RoleGrant).join(RoleGrant.user).where(_is_demo_account()).order_by(RoleGrant.id)
    for grant in session.scalars(grants):
        where = grant.unit.name if grant.unit else grant.area.name if grant.area else ""
        label = f"{grant.role.label} — {where}" if where else grant.role.label
        logins.append(DemoLogin(label, grant.user.login_name, grant.user.full_name))
    rows = session.execute(
        select(User, Membership, Unit).join(Membership, Membership.user_id == User.id)
        .join(Unit, Membership.unit_id == Unit.id).where(_is_demo_account()).order_by(User.id)
    )
    for user, membership, unit in rows:
        logins.append(DemoLogin(f"Thành viên (Phụ lục {membership.appendix}) — {unit.name}",
                                user.login_name, user.full_name))
    return logins


def print_logins(logins: list[DemoLogin]) -> None:
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in logins:
        click.echo(f"  {login.login:<26} {login.name}  [{login.role}]")
