"""The demo that `cdht serve --demo` loads: one login per role and a school at 2 of 3."""
from __future__ import annotations

from sqlalchemy import func, select

from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.models import Area, Assessment, AssessmentStatus, Membership, Unit, User


def test_demo_loads_once_with_a_login_per_role(db_session):
    logins = load_demo(db_session)
    again = load_demo(db_session)
    assert logins == again
    assert db_session.scalar(select(func.count()).select_from(Area).where(Area.code == "79")) == 1
    roles = " ".join(login.role for login in logins)
    for role in ("Quản trị hệ thống", "Cán bộ tổng hợp", "Thủ trưởng đơn vị", "Thành viên (Phụ lục V)",
                 "Thành viên (Phụ lục IV)", "Thành viên (Phụ lục III)"):
        assert role in roles
    for login in logins:
        user = db_session.scalar(
            select(User).where((User.phone == login.login) | (User.email == login.login))
        )
        assert user is not None and user.check_password(DEMO_PASSWORD)


def test_demo_school_has_two_of_three_students_confirmed(db_session):
    load_demo(db_session)
    school = db_session.scalar(select(Unit).where(Unit.code == "THPT-NGUYENDU"))
    roster = db_session.scalar(
        select(func.count()).select_from(Membership).where(Membership.unit_id == school.id)
    )
    confirmed = db_session.scalar(
        select(func.count()).select_from(Assessment).join(Membership)
        .where(Membership.unit_id == school.id, Assessment.status == AssessmentStatus.CONFIRMED,
               Assessment.confirmed_achieved.is_(True))
    )
    assert (confirmed, roster) == (2, 3)
