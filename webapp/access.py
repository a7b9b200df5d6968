"""Who may do what: the domain predicates, and the one decorator every route declares.

Facts about roles (`user.is_admin`, `user.heads(unit)`, `user.aggregates(area)`) live on
`User`; what a person *may do* is decided here, nowhere else. A route declares its access
with `@allow(predicate)` or `@allow(predicate, load=Model)`, or `@public` for pages anyone
may open. `tests/app/test_access_matrix.py` holds the role-by-endpoint table of every route.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from flask import abort, session
from flask_login import current_user
from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import Session, joinedload, load_only

from .db import NOT_FOUND, db
from .errors import fail
from .models import Area, Assessment, Membership, PendingLink, Role, Unit, User
from .models.people import holds_a_role, known_roles
from .security import cookie_user_id, login_manager, wants_json

if TYPE_CHECKING:
    from .assessments.records import AssessmentRecord

F = TypeVar("F", bound=Callable[..., Any])
# Reads a view's object and the logged-in user in one statement: (object or None, user or None).
Reader = Callable[[Session, int, "int | None"], tuple[Any, "User | None"]]

OWN_ASSESSMENT = "Bạn không thể tự xác nhận phiếu của mình."


# Predicates ----------------------------------------------------------------------------------

def signed_in(user: User) -> bool:
    return bool(user.is_authenticated)


def is_admin(user: User) -> bool:
    return signed_in(user) and user.is_admin


def heads_a_unit(user: User) -> bool:
    """The "Xác nhận" menu: heads of at least one unit."""
    return signed_in(user) and bool(user.headed_unit_ids)


def sees_reports(user: User) -> bool:
    """The "Thống kê" menu: administrators, aggregators and heads."""
    return signed_in(user) and bool(user.is_admin or user.aggregated_areas or user.headed_unit_ids)


def owns(user: User, assessment: Assessment) -> bool:
    """The member whose roster line the assessment belongs to."""
    return signed_in(user) and assessment.membership.user_id == user.id


def owns_record(user: User, form: AssessmentRecord) -> bool:
    """`owns`, for an assessment read as plain values (the JSON API's saves)."""
    return signed_in(user) and form.owner_id == user.id


def is_on_roster_line(user: User, membership: Membership) -> bool:
    """The roster line is this user's own: they may start its assessment."""
    return signed_in(user) and membership.user_id == user.id


def is_invited(user: User, membership: Membership) -> bool:
    """The account a head invited onto this roster line: only its owner answers."""
    return (signed_in(user) and membership.pending_user_id == user.id
            and membership.pending_kind is PendingLink.INVITE)


def can_review_unit(user: User, unit: Unit) -> bool:
    """The unit's queue and its bulk confirmation: the unit's heads only.

    Aggregators read figures and results (`can_view_unit`); they never act on members' forms.
    """
    return signed_in(user) and user.heads(unit)


def aggregates_directly(user: User, area_id: int) -> bool:
    """An aggregator of exactly this area (the node that manages its units), not of one above."""
    return any(g.role is Role.AGGREGATOR and g.area_id == area_id for g in user.grants)


def confirms_heads(user: User) -> bool:
    """The "Phiếu của thủ trưởng" menu: aggregators, who confirm the heads of the units they manage."""
    return signed_in(user) and bool(user.aggregated_areas)


def is_heads_own(assessment: Assessment) -> bool:
    """The assessment of one of its unit's own heads."""
    member = assessment.membership.user
    return member is not None and member.heads(assessment.membership.unit)


def can_review(user: User, assessment: Assessment) -> bool:
    """Who confirms whom: a head of the member's unit, never for his own assessment; a head's own
    assessment also by an aggregator of the area that manages the unit (directly, not above)."""
    if not signed_in(user) or owns(user, assessment):
        return False
    unit = assessment.membership.unit
    return user.heads(unit) or (is_heads_own(assessment) and aggregates_directly(user, unit.area_id))


def can_manage_unit(user: User, unit: Unit) -> bool:
    """Roster and drives: the unit's heads ("thủ trưởng") and administrators."""
    return signed_in(user) and (user.is_admin or user.heads(unit))


def can_view_unit(user: User, unit: Unit) -> bool:
    """A unit's figures: its heads, aggregators above it, administrators."""
    return signed_in(user) and (user.is_admin or user.heads(unit) or user.aggregates(unit.area))


def can_view_area(user: User, area: Area) -> bool:
    """An area's figures: aggregators of the area or of a node above it, administrators."""
    return signed_in(user) and (user.is_admin or user.aggregates(area))


def can_reset_password(user: User, membership: Membership) -> bool:
    """A one-time reset link for the account on this roster line.

    The unit's heads may give one to a plain member (no role of any kind: a head's or an
    administrator's account is reset only by an administrator); administrators to anyone.
    """
    target = membership.user
    if not signed_in(user) or target is None:
        return False
    if user.is_admin:
        return True
    return user.heads(membership.unit) and target.id != user.id and not target.role_grants


def reset_refusal(user: User, membership: Membership) -> str | None:
    """Why a head may not give this reset link (shown on the 403 page)."""
    if not user.heads(membership.unit):
        return None
    if membership.user is None:
        return "Người này chưa có tài khoản nên không cần đặt lại mật khẩu."
    return ("Tài khoản này có quyền thủ trưởng, cán bộ tổng hợp hoặc quản trị: chỉ người quản trị "
            "hệ thống mới tạo được đường dẫn đặt lại mật khẩu cho tài khoản này.")


# Refusing ------------------------------------------------------------------------------------

def deny(message: str | None = None) -> NoReturn:
    """Anonymous: log in first (401 for JSON); signed in: 403, with `message` if given."""
    if not current_user.is_authenticated:
        if wants_json():
            abort(401)
        abort(login_manager.unauthorized())
    if message:
        fail(403, message)
    abort(403)


def review_refusal(user: User, assessment: Assessment) -> str | None:
    """Why a reviewer page is refused, when the plain 403 would puzzle the person."""
    if owns(user, assessment):
        return OWN_ASSESSMENT
    unit = assessment.membership.unit
    if user.is_authenticated and user.aggregates(unit.area) and not is_heads_own(assessment):
        return (f"Phiếu của thành viên do thủ trưởng của {unit.name} xác nhận; cán bộ tổng hợp xem "
                "kết quả trong mục “Thống kê”.")
    return (f"Chỉ thủ trưởng của {unit.name} mới có thể xác nhận phiếu này (phiếu của thủ trưởng: "
            "thủ trưởng khác của đơn vị hoặc cán bộ tổng hợp của địa bàn quản lý đơn vị).")


# The decorators ------------------------------------------------------------------------------

def allow(predicate: Callable[..., bool], load: type | None = None, arg: str | None = None,
          explain: Callable[[User, Any], str | None] | None = None,
          options: Sequence[Any] = (), read: Reader | None = None) -> Callable[[F], F]:
    """Guard a view: log in first, load `load` by its URL id (404), then ask `predicate`.

    With `load=Unit` the view's `unit_id` argument is replaced by the loaded `unit` (passed
    first); `arg` names the URL argument when it is not `<table>_id`. `explain` gives the
    403 page a reason. `options` are loader options for what the view shows (one statement
    instead of lazy loads). `read` replaces `load` for a view that takes plain values instead
    of a model (`assessments.records.read_with_user`; `arg` then names the URL argument).
    Nothing is locked as it is read: a writer checks the version it read when it writes
    (`assessments.operations`).
    """

    def decorate(view: F) -> F:
        statement: list[Any] = []  # built on the first request, once the mappers are configured

        def read_model(session: Session, object_id: int, user_id: int | None) -> tuple[Any, User | None]:
            if not statement:
                statement.append(_object_and_user(load, options))  # type: ignore[arg-type]
            return _load_with_user(session, statement[0], object_id, user_id)

        reader = read or (read_model if load is not None else None)

        @wraps(view)
        def guarded(**kwargs: Any) -> Any:
            found: Any = None
            if reader is not None:
                object_id = kwargs.pop(arg or f"{load.__tablename__}_id")  # type: ignore[union-attr]
                # `user` keeps the prefetched user alive (the session holds it weakly).
                user_id = cookie_user_id(session.get("_user_id"))
                found, user = reader(db.session, object_id, user_id) if user_id is not None else (None, None)
            if not current_user.is_authenticated:
                deny()
            if reader is None:
                if not predicate(current_user):
                    deny()
                return view(**kwargs)
            if found is None:  # logged in by the remember cookie, or no such object
                found = _found_or_404(reader, object_id)
            if not predicate(current_user, found):
                deny(explain(current_user, found) if explain else None)
            return view(found, **kwargs)

        guarded.access = predicate  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


# What the pages and the session check read of the logged-in user. The row repeats it once per
# answer of an assessment, and each column costs on every row; the password hash is read, by a
# statement of its own, only where a password is checked.
SESSION_USER = load_only(User.id, User.full_name, User.email, User.phone, User.active, User.session_secret)


def _object_and_user(model: type, options: Sequence[Any]) -> Any:
    """The statement `_load_with_user` runs for one view, with the two ids as parameters.

    A unit's pages are its heads', aggregators' and administrators': their check reads the
    user's role grants, so those come along (a member's pages leave them out: most members
    hold none, and `holds_a_role` says so without reading them).
    """
    statement: Any = (select(model, User, holds_a_role())
                      .outerjoin(User, User.id == bindparam("user_id", type_=Integer))
                      .where(model.id == bindparam("object_id", type_=Integer))  # type: ignore[attr-defined]
                      .options(*options, SESSION_USER))
    if model is Unit:
        statement = statement.options(joinedload(User.role_grants))
    return statement


def _load_with_user(session: Session, statement: Any, object_id: int, user_id: int | None) -> tuple[Any, User | None]:
    """The object and the logged-in user in one statement; None for what is missing.

    The user lands in the session, so Flask-Login's user loader finds it there instead of
    asking the database again: one statement fewer on every such request; whether the user
    holds any role comes along (`known_roles`), one more fewer for members.
    """
    row = session.execute(statement, {"user_id": user_id, "object_id": object_id}).unique().first()
    if row is None:
        return None, None
    found, user, holds_any = row
    if user is not None:
        known_roles(user, holds_any)
    return found, user


def _found_or_404(reader: Reader, object_id: int) -> Any:
    found, _user = reader(db.session, object_id, None)
    if found is None:
        fail(404, NOT_FOUND)
    return found


def public(view: F) -> F:
    """Mark a view anyone may open (login, the start page, a drive poster link, verification)."""
    view.access = public  # type: ignore[attr-defined]
    return view
