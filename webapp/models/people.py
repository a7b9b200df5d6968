"""People who log in and the roles they hold."""
from __future__ import annotations

import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    Exists,
    ForeignKey,
    Integer,
    Select,
    String,
    UniqueConstraint,
    bindparam,
    inspect,
    select,
)
from sqlalchemy.orm import InstanceState, Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from .areas import Area, Unit
from .base import NEVER_REUSE_IDS, Base, LabelledEnum, str_enum, utcnow


def new_session_secret() -> str:
    return secrets.token_hex(16)


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def today_number() -> int:
    """Days since 1970-01-01 (UTC): the login day a cookie carries."""
    return utcnow().date().toordinal() - EPOCH_ORDINAL


class User(UserMixin, Base):
    """A person with a login. Only what the assessment needs: no citizen ID.

    Being a member of a unit is not a role: it is being on that unit's roster for a year
    (`Membership.user_id`). Heads, aggregators and administrators hold `RoleGrant`s.
    """

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="has_login"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    consent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of what every session and remember cookie proves (see `get_id`): a new random value
    # ends every session at once (password change, "Đăng xuất trên mọi thiết bị", deletion).
    # Random, so an account that got a deleted one's id still refuses the old cookies.
    session_secret: Mapped[str] = mapped_column(String(32), default=lambda: new_session_secret(),
                                                server_default="")

    # Loaded when a role is asked about (menus, access checks), or with a unit page's object
    # (`access._object_and_user`); not with every logged-in request.
    role_grants: Mapped[list[RoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                        order_by="RoleGrant.id")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What the session and remember cookies carry: id, session secret and the login day."""
        return f"{self.id}.{self.session_secret}.{getattr(self, 'login_day', today_number())}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def login_name(self) -> str:
        return self.phone or self.email or ""

    # Role facts; what a person may do with them is decided in `webapp.access`.
    @property
    def grants(self) -> list[RoleGrant]:
        """`role_grants`, read by one statement built once when not loaded yet.

        The same rows and collection as the relationship's lazy load, which cost twice as much
        (0.46 against 0.24 ms measured): every page a head opens asks his roles.
        """
        loaded = self.__dict__.get("role_grants")
        if loaded is not None:  # every role fact asks: the menus alone ask four times a page
            return loaded
        state: InstanceState[User] = inspect(self)
        if state.persistent and state.session is not None:
            grants = state.session.scalars(_grants_statement(), {"user_id": self.id}).all()
            # Like the lazy load, this also applies what was appended or removed meanwhile.
            set_committed_value(self, "role_grants", list(grants))
        return self.role_grants

    @property
    def is_admin(self) -> bool:
        return any(grant.role is Role.ADMIN for grant in self.grants)

    def heads(self, unit: Unit) -> bool:
        """True when this user is a head ("thủ trưởng") of `unit`."""
        return any(g.role is Role.UNIT_HEAD and g.unit_id == unit.id for g in self.grants)

    def aggregates(self, area: Area) -> bool:
        """True when this user is an aggregator of `area` or of a node above it."""
        return any(
            g.role is Role.AGGREGATOR and g.area is not None and area.is_within(g.area)
            for g in self.grants
        )

    @property
    def headed_unit_ids(self) -> list[int]:
        return [g.unit_id for g in self.grants if g.role is Role.UNIT_HEAD and g.unit_id]

    @property
    def aggregated_areas(self) -> list[Area]:
        return [g.area for g in self.grants if g.role is Role.AGGREGATOR and g.area]

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class Role(LabelledEnum):
    UNIT_HEAD = "unit_head", "Thủ trưởng đơn vị"
    AGGREGATOR = "aggregator", "Cán bộ tổng hợp"
    ADMIN = "admin", "Quản trị hệ thống"


class RoleGrant(Base):
    """A role held by a user: a head of a unit, an aggregator of an area, an administrator."""

    __tablename__ = "role_grant"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "unit_id", "area_id"),
        CheckConstraint(
            "(role = 'unit_head' AND unit_id IS NOT NULL AND area_id IS NULL)"
            " OR (role = 'aggregator' AND area_id IS NOT NULL AND unit_id IS NULL)"
            " OR (role = 'admin' AND unit_id IS NULL AND area_id IS NULL)",
            name="scope_matches_role",
        ),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(back_populates="role_grants")
    unit: Mapped[Unit | None] = relationship(back_populates="role_grants", lazy="joined")
    area: Mapped[Area | None] = relationship(lazy="joined")


def holds_a_role() -> Exists:
    """A column for a statement that loads `User`: does the user hold any role grant?

    Most people who log in are plain members. Loading the user with this flag lets
    `known_roles` tell the session the grants are none, so the menus' role checks
    (`user.role_grants`) cost no statement of their own.
    """
    if not _HOLDS_A_ROLE:
        _HOLDS_A_ROLE.append(select(RoleGrant.id).where(RoleGrant.user_id == User.id).exists())
    return _HOLDS_A_ROLE[0]


_HOLDS_A_ROLE: list[Exists] = []  # built once: a statement's parts are immutable


def _grants_statement() -> Select[RoleGrant]:
    """`User.grants`' statement, built once (the user's id is a parameter)."""
    if not _GRANTS:
        _GRANTS.append(select(RoleGrant).where(RoleGrant.user_id == bindparam("user_id", type_=Integer))
                       .order_by(RoleGrant.id))
    return _GRANTS[0]


_GRANTS: list[Select[RoleGrant]] = []


def known_roles(user: User, holds_any: bool) -> None:
    """Record "no grants" on a user loaded with `holds_a_role()` false (see there)."""
    if not holds_any and "role_grants" not in user.__dict__:
        set_committed_value(user, "role_grants", [])
