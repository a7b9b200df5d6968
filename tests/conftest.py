"""Shared fixtures: one migrated database per run, each test in a rolled-back transaction.

Set CDHT_TEST_DATABASE_URL to run against PostgreSQL (CI does); the default is a SQLite
file in a temporary folder.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from webapp import create_app, criteria_store, migrate
from webapp.models import (
    Area,
    AssessmentYear,
    Membership,
    Role,
    RoleGrant,
    Unit,
    UnitKind,
    User,
    YearKind,
)

# Property tests check behaviour, not speed: a loaded CI machine must not fail them.
settings.register_profile("cdht", deadline=None)
settings.load_profile("cdht")

TEST_SECRET = "test-secret-key-that-is-long-enough-for-the-check"
PASSWORD = "mat-khau-thu-nghiem"

_sequence = count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_sequence)}"


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("CDHT_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _reset_schema(app: Flask) -> None:
    engine = app.extensions["cdht_db"].kw["bind"]
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    migrate.upgrade(engine)
    with app.extensions["cdht_db"]() as session:
        criteria_store.sync_shipped(session)
        session.commit()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": _database_url(tmp_path_factory),
            # Tests that check CSRF switch it back on (e.g. tests/admin/test_admin_csrf.py).
            "WTF_CSRF_ENABLED": False,
        }
    )
    _reset_schema(app)
    yield app
    app.extensions["cdht_db"].kw["bind"].dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A session for the test itself; requests made in the test share its transaction."""
    maker = app.extensions["cdht_db"]
    engine = maker.kw["bind"]
    connection = engine.connect()
    transaction = connection.begin()
    maker.configure(bind=connection, join_transaction_mode="create_savepoint")
    session = maker()
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()
        # Back to the app's own settings (SQLAlchemy's default mode: its name differs by version).
        maker.configure(bind=engine)
        maker.kw.pop("join_transaction_mode", None)


@pytest.fixture
def client(app: Flask, db_session: Session) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Log the test client in as `user` (the login form has its own tests)."""

    def _login(user: User) -> FlaskClient:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return client

    return _login


# Factories: each returns a callable that creates and flushes one object.

@pytest.fixture
def make_area(db_session: Session) -> Callable[..., Area]:
    def _make(name: str | None = None, parent: Area | None = None,
              level: str = "Tỉnh/Thành phố", code: str | None = None) -> Area:
        area = Area(code=code or unique("A"), name=name or unique("Khu vực "), level=level,
                    parent=parent)
        db_session.add(area)
        db_session.flush()
        area.set_path()
        db_session.flush()
        return area

    return _make


@pytest.fixture
def make_unit(db_session: Session, make_area: Callable[..., Area]) -> Callable[..., Unit]:
    def _make(area: Area | None = None, kind: UnitKind = UnitKind.HIGH_SCHOOL,
              name: str | None = None, code: str | None = None) -> Unit:
        unit = Unit(code=code or unique("U"), name=name or unique("Đơn vị "), kind=kind,
                    area=area or make_area())
        db_session.add(unit)
        db_session.flush()
        return unit

    return _make


@functools.cache
def _shared_password_hash() -> str:
    return generate_password_hash(PASSWORD)


@pytest.fixture
def make_user(db_session: Session) -> Callable[..., User]:
    def _make(full_name: str = "Nguyễn Văn An", phone: str | None = None,
              email: str | None = None, password: str = PASSWORD) -> User:
        if phone is None and email is None:
            phone = "09" + f"{next(_sequence):08d}"
        user = User(full_name=full_name, phone=phone, email=email, password_hash="")
        if password == PASSWORD:
            user.password_hash = _shared_password_hash()  # hashing is slow on purpose
        else:
            user.set_password(password)
        db_session.add(user)
        db_session.flush()
        return user

    return _make


@pytest.fixture
def make_year(db_session: Session) -> Callable[..., AssessmentYear]:
    def _make(kind: YearKind = YearKind.STAFF, label: str | None = None,
              is_open: bool = True) -> AssessmentYear:
        today = date.today()
        year = AssessmentYear(label=label or unique("Năm "), kind=kind, is_open=is_open,
                              starts_on=today - timedelta(days=30),
                              ends_on=today + timedelta(days=300))
        db_session.add(year)
        db_session.flush()
        return year

    return _make


@pytest.fixture
def grant(db_session: Session) -> Callable[..., RoleGrant]:
    """Give a user a role: grant(user, Role.UNIT_HEAD, unit=u) or (Role.AGGREGATOR, area=a)."""

    def _grant(user: User, role: Role, unit: Unit | None = None,
               area: Area | None = None) -> RoleGrant:
        role_grant = RoleGrant(user=user, role=role, unit=unit, area=area)
        db_session.add(role_grant)
        db_session.flush()
        return role_grant

    return _grant


@pytest.fixture
def make_membership(db_session: Session) -> Callable[..., Membership]:
    def _make(unit: Unit, year: AssessmentYear, user: User | None = None,
              appendix: str = "IV", section: str | None = None,
              full_name: str | None = None) -> Membership:
        contact = (user.login_name if user else None) or unique("0988")
        membership = Membership(unit=unit, year=year, user=user, appendix=appendix,
                                section=section, contact=contact,
                                full_name=full_name or (user.full_name if user else "Người mới"))
        db_session.add(membership)
        db_session.flush()
        return membership

    return _make


def full_answers(points: int = 8, codes: range = range(1, 11)) -> dict[str, int]:
    """Every index of the shipped sets answered with the same points."""
    return {str(code): points for code in codes}


def evidence_notes(codes: range = range(1, 11)) -> dict[str, str]:
    """A short evidence note (minh chứng) for every index, as a careful member writes them."""
    return {str(code): f"Minh chứng cho chỉ số {code}: khóa học, hoạt động, thời gian" for code in codes}


@pytest.fixture
def make_assessment(db_session: Session, make_unit, make_year, make_user, make_membership):  # type: ignore[no-untyped-def]
    """An assessment for a new member, optionally submitted: make_assessment(submit=True)."""
    from webapp.assessments import operations

    def _make(unit: Unit | None = None, year: AssessmentYear | None = None,
              user: User | None = None, appendix: str = "IV", points: int = 8,
              submit: bool = False, section: str | None = None):  # type: ignore[no-untyped-def]
        user = user or make_user()
        membership = make_membership(unit or make_unit(), year or make_year(), user=user,
                                     appendix=appendix, section=section)
        assessment = operations.start(db_session, user, membership)
        operations.save_draft(db_session, user, assessment, full_answers(points), evidence_notes())
        if submit:
            operations.submit(db_session, user, assessment)
        return assessment

    return _make


# The cast: one shared world of people, reused by every feature's tests -----------------------

@dataclass
class Cast:
    """A ward under a province, a school in the ward with a head and a member who submitted,
    a school elsewhere with its own head and member, aggregators above and elsewhere, an admin."""

    province: Area
    ward: Area
    elsewhere: Area
    unit: Unit
    other_unit: Unit
    year: AssessmentYear
    head: User
    member: User
    line: Membership
    assessment: Any
    other_head: User
    other_member: User
    other_line: Membership
    aggregator: User
    outside_aggregator: User
    admin: User

    def by_role(self, role: str) -> User | None:
        """The person playing `role` in the access tests (None: anonymous)."""
        return {
            "anonymous": None, "member": self.member, "member_other_unit": self.other_member,
            "head": self.head, "head_other_unit": self.other_head, "aggregator_above": self.aggregator,
            "aggregator_elsewhere": self.outside_aggregator, "admin": self.admin,
        }[role]


ROLES = ("anonymous", "member", "member_other_unit", "head", "head_other_unit", "aggregator_above",
         "aggregator_elsewhere", "admin")


@pytest.fixture
def cast(make_area, make_unit, make_user, make_year, grant, make_assessment, make_membership) -> Cast:
    province = make_area(name="Thành phố Hồ Chí Minh")
    ward = make_area(name="Phường Bến Thành", parent=province, level="Xã/Phường/Đặc khu")
    elsewhere = make_area(name="Tỉnh Vĩnh Long")
    unit = make_unit(area=ward, name="Trường THPT Lê Lợi")
    other_unit = make_unit(area=elsewhere, name="Trường THPT Trần Phú")
    year = make_year(kind=YearKind.SCHOOL)
    head, other_head = make_user("Hiệu trưởng Lê Lợi"), make_user("Hiệu trưởng Trần Phú")
    grant(head, Role.UNIT_HEAD, unit=unit)
    grant(other_head, Role.UNIT_HEAD, unit=other_unit)
    member, other_member = make_user("Trần Thị Bình"), make_user("Lê Văn Cường")
    assessment = make_assessment(unit=unit, year=year, user=member, appendix="V", submit=True, section="10A1")
    other_line = make_membership(other_unit, year, user=other_member, appendix="V", section="11B2")
    aggregator, outside = make_user("Cán bộ Sở"), make_user("Cán bộ tỉnh khác")
    grant(aggregator, Role.AGGREGATOR, area=province)
    grant(outside, Role.AGGREGATOR, area=elsewhere)
    admin = make_user("Quản trị hệ thống")
    grant(admin, Role.ADMIN)
    return Cast(province, ward, elsewhere, unit, other_unit, year, head, member, assessment.membership,
                assessment, other_head, other_member, other_line, aggregator, outside, admin)
