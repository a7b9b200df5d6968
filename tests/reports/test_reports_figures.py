"""Figures at unit, intermediate and top level, checked against sums computed from SPEC."""
from __future__ import annotations

from decimal import Decimal

import pytest

from webapp.models import UnitKind
from webapp.reports.figures import Figures, Targets, format_percent, path_ids, round1
from webapp.reports.queries import area_report, node_figures, unit_report

from .conftest import SPEC, UNIT_AREAS, expected, units_beneath


def as_tuple(figures: Figures) -> tuple[int, int, int, int]:
    return figures.roster, figures.submitted, figures.self_achieved, figures.confirmed


# Written out by hand from the rule: nearest area with a target for the group (or for all).
EXPECTED_TARGETS = {
    ("U_R", None): "50", ("U_R", "IV"): "60", ("U_R", "III"): "50",
    ("U_D1", None): "70", ("U_D1", "IV"): "70", ("U_D1", "III"): "70",
    ("U_W1A", None): "70", ("U_W1A", "IV"): "70", ("U_W1A", "III"): "80",
    ("U_D2", None): "50", ("U_D2", "IV"): "60", ("U_D2", "III"): "50",
}


def test_most_specific_target_wins(db_session, seed):
    targets = Targets(db_session, seed.year.id)
    for (key, appendix), percentage in EXPECTED_TARGETS.items():
        area = seed.areas[UNIT_AREAS[key]]
        assert targets.for_path(path_ids(area.path), appendix) == Decimal(percentage), (key, appendix)
    # The other year's 99 % never leaks into this one, and a year without targets has none.
    assert Targets(db_session, seed.other_year.id).for_path(path_ids(seed.areas["D1"].path)) is None


@pytest.mark.parametrize("key", list(SPEC))
def test_unit_figures_per_group_and_total(db_session, seed, key):
    report = unit_report(db_session, seed.units[key], seed.year.id)
    assert as_tuple(report.figures) == expected([key])
    for group in ("III", "IV"):
        if expected([key], group)[0]:
            assert as_tuple(report.by_group[group]) == expected([key], group)
        else:
            assert group not in report.by_group
    sections = {}
    for _group, section, _outcome, _name in SPEC[key]:
        sections[section or "Chưa ghi lớp / tổ, phòng"] = sections.get(section or "Chưa ghi lớp / tổ, phòng", 0) + 1
    assert {name: f.roster for name, f in report.by_section} == sections


def test_empty_roster_has_no_percentage(db_session, seed):
    report = unit_report(db_session, seed.units["U_EMPTY"], seed.year.id)
    assert report.figures.roster == 0
    assert report.figures.percent is None
    assert report.figures.percent_text == "Chưa có danh sách"
    assert report.figures.meets(Decimal("50")) is None


def test_revoked_and_unachieved_confirmations_do_not_count(db_session, seed):
    report = unit_report(db_session, seed.units["U_R"], seed.year.id)
    # III: one confirmed, one not started, one revoked -> 1 of 3.
    assert as_tuple(report.by_group["III"]) == (3, 2, 2, 1)
    report = unit_report(db_session, seed.units["U_D1"], seed.year.id)
    # IV: confirmed ok, confirmed with the head's failing points, rejected -> 1 of 3.
    assert report.by_group["IV"].confirmed == 1


def test_unit_lists_who_is_still_to_act(db_session, seed):
    report = unit_report(db_session, seed.units["U_W1A"], seed.year.id)
    assert [line.full_name for line in report.todo_people["waiting"]] == [seed.names["U_W1A"][2]]
    assert [line.full_name for line in report.todo_people["returned"]] == [seed.names["U_W1A"][1]]
    assert report.todo_counts == {"waiting": 1, "returned": 1, "not_submitted": 0}
    report = unit_report(db_session, seed.units["U_R"], seed.year.id)
    assert [line.full_name for line in report.todo_people["not_submitted"]] == [seed.names["U_R"][4]]
    assert [line.full_name for line in report.todo_people["waiting"]] == [seed.names["U_R"][2]]


@pytest.mark.parametrize("area", ["R", "D1", "W1", "D2"])
def test_node_sums_everything_beneath(db_session, seed, area):
    by_group = node_figures(db_session, seed.areas[area], seed.year.id)
    units = units_beneath(area)
    assert as_tuple(sum(by_group.values(), Figures())) == expected(units)
    for group in ("III", "IV"):
        assert as_tuple(by_group.get(group, Figures())) == expected(units, group)


def test_top_level_report_rows(db_session, seed):
    report = area_report(db_session, seed.areas["R"], seed.year.id)
    assert as_tuple(report.figures) == expected(units_beneath("R"))
    assert report.target == Decimal("50")
    assert report.group_targets == {"III": Decimal("50"), "IV": Decimal("60")}
    rows = {(row.kind, row.code): row for row in report.rows}
    assert set(rows) == {("area", "D1"), ("area", "D2"), ("unit", "U_R")}
    assert as_tuple(rows["area", "D1"].figures) == expected(units_beneath("D1"))
    assert as_tuple(rows["area", "D2"].figures) == expected(units_beneath("D2"))
    assert as_tuple(rows["unit", "U_R"].figures) == expected(["U_R"])
    assert rows["area", "D1"].target == Decimal("70")
    assert rows["area", "D2"].target == Decimal("50")
    assert rows["unit", "U_R"].threshold == Decimal("95")
    # The node's percentage is the ratio of sums, not the mean of its children's percentages.
    roster, _s, _a, confirmed = expected(units_beneath("R"))
    assert report.figures.percent == Decimal(confirmed) * 100 / Decimal(roster)


def test_intermediate_level_report_rows(db_session, seed):
    report = area_report(db_session, seed.areas["D1"], seed.year.id)
    rows = {(row.kind, row.code): row for row in report.rows}
    assert set(rows) == {("area", "W1"), ("unit", "U_D1")}
    assert as_tuple(rows["area", "W1"].figures) == expected(["U_W1A", "U_W1B"])
    # W1 has only a group III target; its total uses D1's "all groups" one.
    assert rows["area", "W1"].target == Decimal("70")
    assert rows["area", "W1"].group_targets["III"] == Decimal("80")
    d2 = area_report(db_session, seed.areas["D2"], seed.year.id)
    empty = next(row for row in d2.rows if row.code == "U_EMPTY")
    assert empty.figures.roster == 0 and empty.gap is None and empty.meets_target is None


def test_group_and_kind_filters(db_session, seed):
    report = area_report(db_session, seed.areas["R"], seed.year.id, appendix="III")
    assert as_tuple(report.figures) == expected(units_beneath("R"), "III")
    assert report.target == Decimal("50")
    report = area_report(db_session, seed.areas["D1"], seed.year.id, appendix="III")
    w1 = next(row for row in report.rows if row.code == "W1")
    assert w1.target == Decimal("80")
    report = area_report(db_session, seed.areas["R"], seed.year.id, kind=UnitKind.OFFICE)
    assert as_tuple(report.figures) == expected(["U_D1", "U_D2", "U_EMPTY"])
    assert [row.code for row in report.rows if row.kind == "unit"] == []


def test_other_year_is_separate(db_session, seed):
    report = unit_report(db_session, seed.units["U_R"], seed.other_year.id)
    assert as_tuple(report.figures) == (1, 1, 1, 1)


def test_percentages_round_half_up_to_one_decimal():
    assert round1(Decimal("12.25")) == Decimal("12.3")
    assert round1(Decimal("0.05")) == Decimal("0.1")
    assert Figures(3, 3, 2, 2).percent_rounded == Decimal("66.7")
    assert Figures(8, 1, 1, 1).percent_rounded == Decimal("12.5")
    assert format_percent(Figures(3, 3, 2, 2).percent) == "66,7%"
    assert Figures(0, 0, 0, 0).percent_text == "Chưa có danh sách"
    # Exactly on the target counts as reaching it; the gap is in percentage points.
    assert Figures(10, 10, 10, 5).meets(Decimal("50")) is True
    assert Figures(3, 3, 3, 1).gap(Decimal("50")) == Decimal("-16.7")
