"""A seeded area tree for the report tests, with the expected figures kept beside it.

Tree (three levels):  R (root) ── D1 ── W1
                               └─ D2
Units: U_R managed by R; U_D1 by D1; U_W1A and U_W1B by W1; U_D2 and U_EMPTY (no roster) by D2.
Every member's outcome is listed in SPEC; the tests compute expected figures from SPEC alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from tests.conftest import evidence_notes
from webapp.assessments import operations
from webapp.models import Role, Target, UnitKind, User

# outcome -> (submitted, self_achieved, confirmed_achieved) as the reports must count them
OUTCOMES = {
    "none": (0, 0, 0),
    "draft": (0, 0, 0),
    "submitted_ok": (1, 1, 0),
    "submitted_fail": (1, 0, 0),
    "returned": (1, 1, 0),
    "confirmed_ok": (1, 1, 1),
    "confirmed_fail": (1, 1, 0),
    "rejected": (1, 1, 0),
    "revoked": (1, 1, 0),
}

# unit key -> list of (appendix, section, outcome, full_name or None)
SPEC = {
    "U_R": [("IV", "Tổ Toán", "confirmed_ok", None), ("IV", "Tổ Toán", "confirmed_ok", None),
            ("IV", "Tổ Văn", "submitted_ok", None), ("III", "Bảo vệ", "confirmed_ok", None),
            ("III", "Bảo vệ", "none", None), ("III", None, "revoked", None)],
    "U_D1": [("IV", "Văn phòng", "confirmed_ok", None), ("IV", "Văn phòng", "confirmed_fail", None),
             ("IV", "Kế toán", "rejected", None), ("III", "Tạp vụ", "draft", None)],
    "U_W1A": [("IV", "Lớp 1A", "confirmed_ok", None), ("IV", "Lớp 1A", "returned", None),
              ("III", "Lớp 1A", "submitted_fail", None),
              ("III", "Bếp", "confirmed_ok", "=HYPERLINK(\"http://evil.example\",\"bấm\")")],
    "U_W1B": [("III", "Xưởng 1", "confirmed_ok", None), ("III", "Xưởng 1", "confirmed_ok", None),
              ("III", "Xưởng 2", "none", None)],
    "U_D2": [("IV", "Phòng 1", "confirmed_ok", None), ("IV", "Phòng 1", "submitted_ok", None),
             ("III", "Phòng 2", "confirmed_ok", None)],
    "U_EMPTY": [],
}
UNIT_AREAS = {"U_R": "R", "U_D1": "D1", "U_W1A": "W1", "U_W1B": "W1", "U_D2": "D2",
              "U_EMPTY": "D2"}
UNIT_KINDS = {"U_R": UnitKind.HIGH_SCHOOL, "U_D1": UnitKind.OFFICE, "U_W1A": UnitKind.SCHOOL,
              "U_W1B": UnitKind.ENTERPRISE, "U_D2": UnitKind.OFFICE, "U_EMPTY": UnitKind.OFFICE}
# (area, appendix or None) -> percentage
TARGETS = {("R", None): "50", ("R", "IV"): "60", ("D1", None): "70", ("W1", "III"): "80"}
BENEATH = {"R": ["R", "D1", "W1", "D2"], "D1": ["D1", "W1"], "W1": ["W1"], "D2": ["D2"]}


def expected(units: list[str], appendix: str | None = None) -> tuple[int, int, int, int]:
    """(roster, submitted, self_achieved, confirmed) summed from SPEC, independently of the app."""
    roster = submitted = self_ok = confirmed = 0
    for key in units:
        for group, _section, outcome, _name in SPEC[key]:
            if appendix and group != appendix:
                continue
            s, a, c = OUTCOMES[outcome]
            roster, submitted, self_ok, confirmed = roster + 1, submitted + s, self_ok + a, confirmed + c
    return roster, submitted, self_ok, confirmed


def units_beneath(area: str) -> list[str]:
    return [key for key, where in UNIT_AREAS.items() if where in BENEATH[area]]


@dataclass
class Seed:
    areas: dict
    units: dict
    year: object
    other_year: object
    head: object  # head of U_W1A
    users: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)  # unit key -> list of full names


_phones = iter(range(10**8))


def _member(session, full_name: str):
    """A user without password hashing (slow on purpose, and these never log in by form)."""
    user = User(full_name=full_name, phone=f"0977{next(_phones):07d}"[-10:], password_hash="-")
    session.add(user)
    session.flush()
    return user


def _answers(points: int) -> dict[str, int]:
    return {str(code): points for code in range(1, 11)}


@pytest.fixture
def seed(db_session, make_area, make_unit, make_user, make_year, make_membership, grant):
    areas = {"R": make_area("Tỉnh Thử Nghiệm", level="Tỉnh/Thành phố", code="R")}
    areas["D1"] = make_area("Huyện Một", parent=areas["R"], level="Huyện", code="D1")
    areas["D2"] = make_area("Huyện Hai", parent=areas["R"], level="Huyện", code="D2")
    areas["W1"] = make_area("Xã Một", parent=areas["D1"], level="Xã", code="W1")
    units = {key: make_unit(areas[UNIT_AREAS[key]], kind=UNIT_KINDS[key], code=key,
                            name=f"Đơn vị {key}") for key in SPEC}
    units["U_R"].recognition_threshold = Decimal("95")
    year = make_year(label="2026")
    other_year = make_year(label="2025")
    other_year.starts_on = year.starts_on.replace(year=year.starts_on.year - 1)
    for (area, appendix), percentage in TARGETS.items():
        db_session.add(Target(year=year, area=areas[area], appendix=appendix,
                              percentage=Decimal(percentage)))
    # A target in another year that must never apply.
    db_session.add(Target(year=other_year, area=areas["W1"], appendix=None, percentage=Decimal("99")))
    head = _member(db_session, "Hiệu Trưởng")
    grant(head, Role.UNIT_HEAD, unit=units["U_W1A"])
    seed = Seed(areas, units, year, other_year, head)
    for key, lines in SPEC.items():
        seed.names[key] = []
        for number, (appendix, section, outcome, name) in enumerate(lines):
            member = _member(db_session, name or f"Thành viên {key} {number}")
            line = make_membership(units[key], year, user=member, appendix=appendix,
                                   section=section)
            seed.names[key].append(member.full_name)
            _play(db_session, outcome, member, line, head)
    # A roster line in another year: never counted in 2026.
    old = _member(db_session, "Người năm trước")
    old_line = make_membership(units["U_R"], other_year, user=old, appendix="IV")
    _play(db_session, "confirmed_ok", old, old_line, head)
    db_session.flush()
    return seed


def _play(session, outcome: str, member, line, head) -> None:
    """Bring one roster line to `outcome` through the real status machine."""
    if outcome == "none":
        return
    assessment = operations.start(session, member, line)
    operations.save_draft(session, member, assessment, _answers(5 if outcome == "submitted_fail" else 8),
                          evidence_notes())
    if outcome == "draft":
        return
    operations.submit(session, member, assessment)
    if outcome == "returned":
        operations.return_for_correction(session, head, assessment, assessment.version,
                                         {"1": "Bổ sung minh chứng"})
    elif outcome in ("confirmed_ok", "revoked"):
        operations.confirm(session, head, assessment, assessment.version)
        if outcome == "revoked":
            operations.revoke(session, head, assessment, assessment.version, "Khai sai")
    elif outcome == "confirmed_fail":
        operations.confirm(session, head, assessment, assessment.version, _answers(5),
                           dict.fromkeys(_answers(5), "Chưa đủ minh chứng cho mức tự chấm"))
    elif outcome == "rejected":
        operations.reject(session, head, assessment, assessment.version, "Không đủ minh chứng")
