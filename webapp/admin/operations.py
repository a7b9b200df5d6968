"""Business actions of administrators: areas, units, years, roles and targets.

Each action takes the session, the acting administrator and the data, checks what the
database cannot say in Vietnamese (duplicates, moving a node under itself, deleting a node
that still holds things), changes state, writes an audit event and flushes. The request
commits. Who may act is `webapp.access.is_admin`; refusals are `DomainError`s.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .. import audit
from ..contacts import normalise_contact
from ..errors import DomainError
from ..models import (
    Area,
    Assessment,
    AssessmentStatus,
    AssessmentYear,
    Membership,
    Role,
    RoleGrant,
    Target,
    Unit,
    UnitKind,
    User,
    YearKind,
)
from .accounts import refuse_if_last_admin

PERCENT_STEP = Decimal("0.01")


# --- Reading -----------------------------------------------------------------------------

def counts(session: Session) -> dict[str, int]:
    """Figures for the dashboard, one COUNT per table."""

    def count(statement: Select[int]) -> int:
        return session.scalar(statement) or 0

    return {
        "areas": count(select(func.count(Area.id))),
        "units": count(select(func.count(Unit.id))),
        "years": count(select(func.count(AssessmentYear.id))),
        "open_years": count(select(func.count(AssessmentYear.id)).where(AssessmentYear.is_open)),
        "targets": count(select(func.count(Target.id))),
        "grants": count(select(func.count(RoleGrant.id))),
        "users": count(select(func.count(User.id))),
    }


@dataclass(frozen=True)
class AreaTree:
    """The whole tree loaded in one query: roots and each node's children, sorted by name."""

    roots: list[Area]
    children: dict[int, list[Area]]

    def walk(self) -> list[tuple[Area, int]]:
        """Every node with its depth, parents before children (for indented select lists)."""
        out: list[tuple[Area, int]] = []
        stack = [(area, 0) for area in reversed(self.roots)]
        while stack:
            area, depth = stack.pop()
            out.append((area, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children.get(area.id, [])))
        return out


def area_tree(session: Session) -> AreaTree:
    areas = session.scalars(select(Area).order_by(Area.name, Area.id)).all()
    children: dict[int, list[Area]] = defaultdict(list)
    roots: list[Area] = []
    for area in areas:
        if area.parent_id is None:
            roots.append(area)
        else:
            children[area.parent_id].append(area)
    return AreaTree(roots=roots, children=dict(children))


def unit_counts_by_area(session: Session) -> dict[int, int]:
    rows = session.execute(select(Unit.area_id, func.count(Unit.id)).group_by(Unit.area_id))
    return {area_id: number for area_id, number in rows}


def subtree(session: Session, area: Area) -> list[Area]:
    """The node and everything beneath it: one prefix query on the materialised path."""
    return list(session.scalars(select(Area).where(Area.path.startswith(area.path, autoescape=True))))


def list_units(session: Session, area: Area | None = None, kind: UnitKind | None = None) -> list[Unit]:
    """Units, optionally those managed in `area` or beneath it, optionally of one kind."""
    statement = select(Unit).join(Unit.area).order_by(Unit.name, Unit.id)
    if area is not None:
        statement = statement.where(Area.path.startswith(area.path, autoescape=True))
    if kind is not None:
        statement = statement.where(Unit.kind == kind)
    return list(session.scalars(statement))


def list_grants(session: Session) -> list[RoleGrant]:
    return list(session.scalars(
        select(RoleGrant).join(RoleGrant.user).order_by(RoleGrant.role, User.full_name, RoleGrant.id)
    ))


def list_targets(session: Session, year: AssessmentYear | None = None) -> list[Target]:
    statement = (select(Target).join(Target.year).join(Target.area)
                 .order_by(AssessmentYear.starts_on.desc(), Area.path, Target.appendix))
    if year is not None:
        statement = statement.where(Target.year_id == year.id)
    return list(session.scalars(statement))


# --- Areas ("địa bàn") --------------------------------------------------------------------

def _require_free_area_code(session: Session, code: str, area: Area | None = None) -> None:
    statement = select(Area.id).where(Area.code == code)
    if area is not None:
        statement = statement.where(Area.id != area.id)
    if session.scalar(statement) is not None:
        raise DomainError(f"Mã địa bàn “{code}” đã được dùng. Vui lòng chọn mã khác.", "code")


def create_area(session: Session, actor: User, code: str, name: str, level: str,
                parent: Area | None) -> Area:
    """A new node of the tree; its path is derived from the parent's once it has an id."""
    _require_free_area_code(session, code)
    area = Area(code=code, name=name, level=level, parent=parent)
    session.add(area)
    session.flush()
    area.set_path()
    audit.record(session, actor, area, "create", reason=f"{level}: {name}")
    session.flush()
    return area


def update_area(session: Session, actor: User, area: Area, code: str, name: str,
                level: str) -> Area:
    _require_free_area_code(session, code, area)
    area.code, area.name, area.level = code, name, level
    audit.record(session, actor, area, "update", reason=f"{code} · {level}: {name}")
    session.flush()
    return area


def move_area(session: Session, actor: User, area: Area, new_parent: Area | None) -> Area:
    """Put `area` under `new_parent` (None: the top) and rewrite the paths of its subtree."""
    if new_parent is not None and new_parent.is_within(area):
        raise DomainError("Không thể chuyển một địa bàn vào chính nó hoặc vào địa bàn cấp dưới "
                         "của nó.", "parent_id")
    old_prefix = area.path
    new_prefix = f"{new_parent.path if new_parent is not None else '/'}{area.id}/"
    old_parent_name = area.parent.name if area.parent is not None else "cấp cao nhất"
    if new_prefix != old_prefix:
        for node in subtree(session, area):
            node.path = new_prefix + node.path[len(old_prefix):]
    area.parent = new_parent
    new_parent_name = new_parent.name if new_parent is not None else "cấp cao nhất"
    audit.record(session, actor, area, "move",
                 reason=f"Từ {old_parent_name} sang {new_parent_name}")
    session.flush()
    return area


def delete_area(session: Session, actor: User, area: Area) -> None:
    """Delete a node that holds nothing: no child areas, units, targets or aggregators."""
    held = []
    if session.scalar(select(func.count(Area.id)).where(Area.parent_id == area.id)):
        held.append("địa bàn cấp dưới")
    if session.scalar(select(func.count(Unit.id)).where(Unit.area_id == area.id)):
        held.append("đơn vị")
    if session.scalar(select(func.count(Target.id)).where(Target.area_id == area.id)):
        held.append("chỉ tiêu")
    if session.scalar(select(func.count(RoleGrant.id)).where(RoleGrant.area_id == area.id)):
        held.append("cán bộ tổng hợp được phân công")
    if held:
        raise DomainError(f"Không thể xóa “{area.name}” vì địa bàn này còn {', '.join(held)}. "
                         "Hãy chuyển hoặc xóa những mục đó trước.")
    audit.record(session, actor, area, "delete", reason=f"{area.code} · {area.name}")
    session.delete(area)
    session.flush()


# --- Units ("đơn vị") ---------------------------------------------------------------------

def _require_free_unit_code(session: Session, code: str, unit: Unit | None = None) -> None:
    statement = select(Unit.id).where(Unit.code == code)
    if unit is not None:
        statement = statement.where(Unit.id != unit.id)
    if session.scalar(statement) is not None:
        raise DomainError(f"Mã đơn vị “{code}” đã được dùng. Vui lòng chọn mã khác.", "code")


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(PERCENT_STEP)


def save_unit(session: Session, actor: User, unit: Unit | None, *, code: str, name: str,
              kind: UnitKind, area: Area, recognition_threshold: Decimal | None) -> Unit:
    """Create a unit (`unit` None) or change one."""
    _require_free_unit_code(session, code, unit)
    action = "update"
    if unit is None:
        unit, action = Unit(), "create"
        session.add(unit)
    unit.code, unit.name, unit.kind, unit.area = code, name, kind, area
    unit.recognition_threshold = _percent(recognition_threshold)
    session.flush()
    audit.record(session, actor, unit, action, reason=f"{code} · {name}")
    session.flush()
    return unit


# --- Assessment years ---------------------------------------------------------------------

# Hyphen, the Unicode dashes and the minus sign, with the space around them (spaces are collapsed
# first, so one at most: "\s*" on both sides would rescan every run of spaces, quadratic).
_DASHES = re.compile(r" ?[-\u2010-\u2015\u2212] ?")


def normalise_label(label: str) -> str:
    """One spelling per year: "2027-2028", "2027 - 2028" and "2027—2028" all become "2027–2028"."""
    return _DASHES.sub("\u2013", " ".join(label.split()))


def _require_free_label(session: Session, label: str, year: AssessmentYear | None) -> None:
    taken = select(AssessmentYear.id).where(AssessmentYear.label == label)
    if year is not None:
        taken = taken.where(AssessmentYear.id != year.id)
    if session.scalar(taken) is not None:
        raise DomainError(f"Đã có năm đánh giá “{label}”.", "label")


def create_year(session: Session, actor: User, *, label: str, kind: YearKind, starts_on: date,
                ends_on: date) -> AssessmentYear:
    if ends_on <= starts_on:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.", "ends_on")
    label = normalise_label(label)
    _require_free_label(session, label, None)
    year = AssessmentYear(label=label, kind=kind, starts_on=starts_on, ends_on=ends_on,
                          is_open=True)
    session.add(year)
    session.flush()
    audit.record(session, actor, year, "create", to_status="open", reason=label)
    session.flush()
    return year


def update_year(session: Session, actor: User, year: AssessmentYear, *, label: str,
                kind: YearKind, starts_on: date, ends_on: date) -> AssessmentYear:
    """Correct a year's label, kind or dates; opening and closing stay separate actions."""
    if ends_on <= starts_on:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.", "ends_on")
    label = normalise_label(label)
    _require_free_label(session, label, year)
    before = f"{year.label} · {year.kind.value} · {year.starts_on} → {year.ends_on}"
    year.label, year.kind, year.starts_on, year.ends_on = label, kind, starts_on, ends_on
    after = f"{label} · {kind.value} · {starts_on} → {ends_on}"
    if before != after:
        audit.record(session, actor, year, "update", reason=f"{before} ⇒ {after}")
    session.flush()
    return year


def year_assessment_counts(session: Session, year: AssessmentYear) -> dict[AssessmentStatus, int]:
    """How many of the year's assessments are in each status: what closing the year freezes."""
    rows = session.execute(
        select(Assessment.status, func.count(Assessment.id)).join(Assessment.membership)
        .where(Membership.year_id == year.id).group_by(Assessment.status)
    )
    return {status: count for status, count in rows}


def set_year_open(session: Session, actor: User, year: AssessmentYear, is_open: bool) -> AssessmentYear:
    """Open or close a year; closing freezes its assessments (the status machine refuses)."""
    if year.is_open == is_open:
        return year
    before, after = ("closed", "open") if is_open else ("open", "closed")
    year.is_open = is_open
    audit.record(session, actor, year, "open" if is_open else "close", before, after)
    session.flush()
    return year


# --- Roles --------------------------------------------------------------------------------

def find_user(session: Session, contact: str) -> User | None:
    """The account whose phone or email is `contact`, however it was typed."""
    normalised = normalise_contact(contact)
    if normalised is None:
        return None
    column = User.email if "@" in normalised else User.phone
    return session.scalar(select(User).where(column == normalised))


def _scope_text(role: Role, unit: Unit | None, area: Area | None) -> str:
    if unit is not None:
        return f"{role.label}: {unit.name}"
    if area is not None:
        return f"{role.label}: {area.name}"
    return role.label


def grant_role(session: Session, actor: User, user: User, role: Role, *,
               unit: Unit | None = None, area: Area | None = None) -> RoleGrant:
    """Make `user` a head of `unit`, an aggregator of `area` or an administrator."""
    unit = unit if role is Role.UNIT_HEAD else None
    area = area if role is Role.AGGREGATOR else None
    if role is Role.UNIT_HEAD and unit is None:
        raise DomainError("Vui lòng chọn đơn vị.", "unit_id")
    if role is Role.AGGREGATOR and area is None:
        raise DomainError("Vui lòng chọn địa bàn.", "area_id")
    duplicate = any(
        g.role is role and g.unit_id == (unit.id if unit else None)
        and g.area_id == (area.id if area else None)
        for g in user.role_grants
    )
    if duplicate:
        raise DomainError(f"{user.full_name} đã có quyền này ({_scope_text(role, unit, area)}).",
                         "role")
    role_grant = RoleGrant(role=role, unit=unit, area=area)
    user.role_grants.append(role_grant)
    session.flush()
    audit.record(session, actor, user, "grant", to_status=role.value,
                 reason=_scope_text(role, unit, area))
    session.flush()
    return role_grant


LAST_ADMIN = ("Không thể thu hồi quyền của quản trị viên cuối cùng còn hoạt động. "
              "Hãy cấp quyền quản trị cho người khác trước.")


def is_last_admin(session: Session, role_grant: RoleGrant, lock: bool = True) -> bool:
    """Counted among active accounts: a locked administrator cannot log in to help."""
    if role_grant.role is not Role.ADMIN:
        return False
    try:
        refuse_if_last_admin(session, role_grant.user, lock)
    except DomainError:
        return True
    return False


def revoke_grant(session: Session, actor: User, role_grant: RoleGrant) -> None:
    """Take a role away; the last administrator cannot be removed."""
    if is_last_admin(session, role_grant):
        raise DomainError(LAST_ADMIN)
    user = role_grant.user
    audit.record(session, actor, user, "revoke", from_status=role_grant.role.value,
                 reason=_scope_text(role_grant.role, role_grant.unit, role_grant.area))
    user.role_grants.remove(role_grant)  # delete-orphan removes the row
    session.flush()


# --- Targets ("chỉ tiêu") -----------------------------------------------------------------

def _require_free_target_scope(session: Session, year: AssessmentYear, area: Area,
                               appendix: str | None, target: Target | None) -> None:
    statement = select(Target.id).where(Target.year_id == year.id, Target.area_id == area.id)
    statement = statement.where(Target.appendix.is_(None) if appendix is None
                                else Target.appendix == appendix)
    if target is not None and target.id is not None:
        statement = statement.where(Target.id != target.id)
    if session.scalar(statement) is not None:
        group = "tất cả các nhóm" if appendix is None else f"Phụ lục {appendix}"
        raise DomainError(f"Đã có chỉ tiêu năm {year.label} cho {area.name} ({group}). "
                         "Hãy sửa chỉ tiêu đó thay vì thêm mới.", "appendix")


def save_target(session: Session, actor: User, target: Target | None, *, year: AssessmentYear,
                area: Area, appendix: str | None, percentage: Decimal) -> Target:
    """Create a target (`target` None) or change one; one per (year, area, group)."""
    _require_free_target_scope(session, year, area, appendix, target)
    action = "update"
    if target is None:
        target, action = Target(), "create"
        session.add(target)
    target.year, target.area, target.appendix = year, area, appendix
    target.percentage = _percent(percentage)  # type: ignore[assignment]
    session.flush()
    audit.record(session, actor, target, action,
                 reason=f"{year.label} · {area.name} · {appendix or 'tất cả'} · {target.percentage}%")
    session.flush()
    return target


def delete_target(session: Session, actor: User, target: Target) -> None:
    audit.record(session, actor, target, "delete",
                 reason=f"{target.year.label} · {target.area.name} · {target.appendix or 'tất cả'}")
    session.delete(target)
    session.flush()
