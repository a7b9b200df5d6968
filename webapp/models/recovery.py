"""One-time links to set a password, issued by a head or an administrator ("đặt lại mật khẩu")."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, str_enum, utcnow
from .people import User


class LinkPurpose(enum.Enum):
    RESET = "reset"    # a forgotten password
    SETUP = "setup"    # an account an administrator created: its first password


class PasswordLink(Base):
    """A reset or set-password link. Only the SHA-256 of its random token is kept, so a copy of
    the database cannot be turned into working links.

    A link works once, until `expires_at`, and only while it is the account's newest one:
    issuing a new link ends the older ones (`ended_at`).
    """

    __tablename__ = "password_link"
    # Ids are never reused (SQLite AUTOINCREMENT): an audit row keeps pointing at this link.
    __table_args__ = (Index("ix_password_link_issued", "issued_by_id", "created_at"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(str_enum(LinkPurpose))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
