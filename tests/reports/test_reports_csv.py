"""CSV exports parsed back and compared with the figures computed from SPEC."""
from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest

from webapp.models import Role
from webapp.reports.csvexport import RESULT_COLUMNS, UNIT_COLUMNS, ascii_filename, neutralise

from .conftest import OUTCOMES, SPEC, UNIT_AREAS, expected, units_beneath

PATHS = {"R": "R", "D1": "R/D1", "D2": "R/D2", "W1": "R/D1/W1"}
EXPECTED_TARGETS = {("U_R", "IV"): "60.0", ("U_R", "III"): "50.0", ("U_D1", "IV"): "70.0",
                    ("U_D1", "III"): "70.0", ("U_W1A", "IV"): "70.0", ("U_W1A", "III"): "80.0",
                    ("U_W1B", "III"): "80.0", ("U_D2", "IV"): "60.0", ("U_D2", "III"): "50.0",
                    ("U_EMPTY", ""): "50.0"}


def parse(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/csv"
    body = response.data
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8")[1:]
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def officer(seed, make_user, grant, login):
    user = make_user("Cán bộ tổng hợp")
    grant(user, Role.AGGREGATOR, area=seed.areas["R"])
    return login(user)


def percent(confirmed: int, roster: int) -> str:
    value = (Decimal(confirmed) * 100 / Decimal(roster)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(value)


def test_units_csv_matches_the_figures(seed, officer):
    response = officer.get(f"/reports/areas/{seed.areas['R'].id}/units.csv?year={seed.year.id}")
    assert "cdht-units-R-2026.csv" in response.headers["Content-Disposition"]
    rows = parse(response)
    assert list(rows[0]) == UNIT_COLUMNS
    seen = set()
    for row in rows:
        key, group = row["unit_code"], row["group"]
        seen.add((key, group))
        roster, submitted, self_ok, confirmed = expected([key], group or None)
        assert row["year"] == "2026"
        assert row["area_code"] == UNIT_AREAS[key]
        assert row["area_path"] == PATHS[UNIT_AREAS[key]]
        assert row["unit_name"] == f"Đơn vị {key}"
        assert (int(row["roster_size"]), int(row["submitted"]), int(row["self_achieved"]),
                int(row["confirmed_achieved"])) == (roster, submitted, self_ok, confirmed)
        assert row["percent_confirmed"] == (percent(confirmed, roster) if roster else "")
        assert row["target_percent"] == EXPECTED_TARGETS[key, group]
    expected_keys = {(key, g) for key, lines in SPEC.items() for g, *_ in lines} | {("U_EMPTY", "")}
    assert seen == expected_keys
    assert next(r for r in rows if r["unit_code"] == "U_R")["recognition_threshold"] == "95.0"
    # The sums of the rows are the top-level figures.
    assert sum(int(r["roster_size"]) for r in rows) == expected(units_beneath("R"))[0]
    assert sum(int(r["confirmed_achieved"]) for r in rows) == expected(units_beneath("R"))[3]


def test_units_csv_of_a_subtree_and_group(seed, officer):
    rows = parse(officer.get(
        f"/reports/areas/{seed.areas['D1'].id}/units.csv?year={seed.year.id}&appendix=III"))
    assert {(r["unit_code"], r["group"]) for r in rows} == {
        ("U_D1", "III"), ("U_W1A", "III"), ("U_W1B", "III")}


def test_results_csv_one_row_per_roster_line(seed, officer):
    response = officer.get(f"/reports/areas/{seed.areas['R'].id}/results.csv?year={seed.year.id}")
    rows = parse(response)
    assert list(rows[0]) == RESULT_COLUMNS
    assert len(rows) == expected(units_beneath("R"))[0]
    statuses = {"none": "not_started", "submitted_ok": "submitted", "submitted_fail": "submitted",
                "confirmed_ok": "confirmed", "confirmed_fail": "confirmed"}
    wanted = sorted(
        (key, group, section or "", statuses.get(outcome, outcome))
        for key, lines in SPEC.items() for group, section, outcome, _n in lines)
    assert sorted((r["unit_code"], r["group"], r["section"], r["status"]) for r in rows) == wanted
    # Summing the 1/0 columns gives the figures back.
    assert sum(int(r["self_achieved"] or 0) for r in rows) == expected(units_beneath("R"))[2]
    assert sum(int(r["confirmed_achieved"] or 0) for r in rows) == expected(units_beneath("R"))[3]
    revoked = next(r for r in rows if r["status"] == "revoked")
    assert revoked["confirmed_achieved"] == "0" and revoked["decided_at"].endswith("+00:00")
    not_started = next(r for r in rows if r["status"] == "not_started")
    assert not_started["self_achieved"] == "" and not_started["submitted_at"] == ""
    # Least personal data: no phone numbers or e-mail addresses anywhere.
    text = response.data.decode("utf-8")
    assert "0977" not in text and "@" not in text.replace("'=HYPERLINK", "")


def test_results_csv_filters(seed, officer):
    base = f"/reports/areas/{seed.areas['R'].id}/results.csv?year={seed.year.id}"
    rows = parse(officer.get(base + "&status=not_started"))
    assert len(rows) == sum(1 for lines in SPEC.values() for line in lines if line[2] == "none")
    rows = parse(officer.get(base + "&status=confirmed&appendix=IV"))
    assert {r["group"] for r in rows} == {"IV"} and {r["status"] for r in rows} == {"confirmed"}
    assert officer.get(base + "&status=bogus").status_code == 400
    assert officer.get(base + "&appendix=VII").status_code == 400
    assert officer.get(f"/reports/areas/{seed.areas['R'].id}/results.csv?year=999").status_code == 400


def test_formula_in_a_name_is_neutralised(seed, officer):
    rows = parse(officer.get(f"/reports/areas/{seed.areas['W1'].id}/results.csv?year={seed.year.id}"))
    names = [r["full_name"] for r in rows]
    assert "'=HYPERLINK(\"http://evil.example\",\"bấm\")" in names
    assert not any(name.startswith("=") for name in names)


def test_unit_results_csv_for_its_head(seed, login):
    client = login(seed.head)
    response = client.get(f"/reports/units/{seed.units['U_W1A'].id}/results.csv?year={seed.year.id}")
    rows = parse(response)
    assert {r["unit_code"] for r in rows} == {"U_W1A"}
    assert len(rows) == len(SPEC["U_W1A"])
    assert "cdht-results-U_W1A-2026.csv" in response.headers["Content-Disposition"]


def test_neutralise():
    for text in ("=1+2", "+33", "-5", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Nguyễn Văn An") == "Nguyễn Văn An"
    assert neutralise("a=b") == "a=b"
    assert neutralise(-5) == -5 and neutralise(Decimal("-1.5")) == Decimal("-1.5")
    assert neutralise(None) == "" and neutralise(True) == 1


def test_ascii_filename():
    assert ascii_filename("cdht-units", "79", "2026–2027") == "cdht-units-79-2026-2027.csv"
    assert ascii_filename("cdht-results", "Đà Nẵng", "2026") == "cdht-results-Da-Nang-2026.csv"


def test_outcomes_table_is_complete():
    assert {outcome for lines in SPEC.values() for *_x, outcome, _n in lines} <= set(OUTCOMES)


def test_files_are_sorted_by_area_codes_not_ids(seed, officer, make_area, make_unit, make_membership, db_session):
    # Created last, so its id path sorts after every other area's; its code sorts first.
    first = make_area("Xã Đầu", parent=seed.areas["R"], level="Xã", code="A0")
    unit = make_unit(first, code="U_A0", name="Đơn vị U_A0")
    make_membership(unit, seed.year, appendix="IV", section="P")
    db_session.flush()
    base = f"/reports/areas/{seed.areas['R'].id}"
    for path in ("/results.csv", "/units.csv"):
        rows = parse(officer.get(f"{base}{path}?year={seed.year.id}"))
        paths = [row["area_path"] for row in rows]
        assert paths == sorted(paths, key=lambda p: p.split("/")), path
        assert list(dict.fromkeys(paths)) == ["R", "R/A0", "R/D1", "R/D1/W1", "R/D2"], path


def test_file_names_carry_the_group(seed, officer):
    base = f"/reports/areas/{seed.areas['R'].id}"
    for path, name in (("/results.csv", "cdht-results-R-2026-IV.csv"),
                       ("/units.csv", "cdht-units-R-2026-IV.csv")):
        response = officer.get(f"{base}{path}?year={seed.year.id}&appendix=IV")
        assert parse(response) and name in response.headers["Content-Disposition"]
    unit = seed.units["U_W1A"]
    response = officer.get(f"/reports/units/{unit.id}/results.csv?year={seed.year.id}&appendix=III")
    assert parse(response) and "cdht-results-U_W1A-2026-III.csv" in response.headers["Content-Disposition"]
