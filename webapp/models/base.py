"""Declarative base, naming convention and shared column helpers."""
from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# SQLite hands a deleted row's id to the next row unless the table is AUTOINCREMENT. Ids reach
# session cookies, signed tokens, printed QR codes and the audit log, so every table keeps them
# unique for ever (PostgreSQL's sequences never go back anyway).
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


class LabelledEnum(enum.Enum):
    """An enum whose members carry the Vietnamese label the UI shows: `X = "x", "Nhãn"`.

    The value is what the database stores; `label` is what people read.
    """

    label: str

    # `label` has a default only for type checkers: `Kind("x")` looks a member up by value.
    def __new__(cls, value: str, label: str = "") -> LabelledEnum:
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored moment is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def str_enum(enum_class: type[enum.Enum], length: int = 16) -> Enum:
    """Store an enum as its value in a VARCHAR with a CHECK, portable across databases."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
        name=enum_class.__name__.lower(),
    )
