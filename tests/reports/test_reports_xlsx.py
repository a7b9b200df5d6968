"""Excel downloads of both reports: Vietnamese headers and labels, numbers as numbers,
percent formats, Vietnam time, frozen header row and autofilter, the same rows as the CSV."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import load_workbook

from webapp.reports.xlsxexport import MIMETYPE, RESULT_HEADERS, UNIT_HEADERS

from .conftest import SPEC
from .test_reports_csv import officer, parse  # noqa: F401  (fixture)


def _sheet(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == MIMETYPE
    return load_workbook(io.BytesIO(response.data)).worksheets[0]


def test_units_xlsx(seed, officer):  # noqa: F811
    base = f"/reports/areas/{seed.areas['R'].id}"
    response = officer.get(f"{base}/units.xlsx?year={seed.year.id}")
    assert "cdht-units-R-2026.xlsx" in response.headers["Content-Disposition"]
    sheet = _sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == UNIT_HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:N{len(rows)}"
    csv_rows = parse(officer.get(f"{base}/units.csv?year={seed.year.id}"))
    assert len(rows) - 1 == len(csv_rows)
    first = {header: cell for header, cell in zip(UNIT_HEADERS, sheet[2], strict=True)}
    assert first["Mã đơn vị"].value == csv_rows[0]["unit_code"] == "U_R"
    assert first["Loại đơn vị"].value == "Trường THPT"
    assert first["Nhóm đối tượng"].value.startswith("Phụ lục ")
    assert isinstance(first["Số người trong danh sách"].value, int)
    percent = first["Tỷ lệ đạt"]
    assert percent.number_format == "0.0%"
    assert abs(float(percent.value) * 100 - float(csv_rows[0]["percent_confirmed"])) < 1e-9


def test_results_xlsx_labels_and_local_time(seed, officer):  # noqa: F811
    base = f"/reports/areas/{seed.areas['R'].id}"
    sheet = _sheet(officer.get(f"{base}/results.xlsx?year={seed.year.id}"))
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == RESULT_HEADERS
    assert len(rows) - 1 == sum(len(lines) for lines in SPEC.values())
    csv_rows = parse(officer.get(f"{base}/results.csv?year={seed.year.id}"))
    statuses = {row[8] for row in rows[1:]}
    assert "Chưa làm" in statuses and "not_started" not in statuses and "confirmed" not in statuses
    for row, line in zip(rows[1:], csv_rows, strict=True):
        assert row[7] == line["full_name"]
        if line["submitted_at"]:
            utc = datetime.fromisoformat(line["submitted_at"])
            assert row[13] == (utc + timedelta(hours=7)).replace(tzinfo=None)  # Vietnam time
        if line["self_total"]:
            assert isinstance(row[9], (int, float))
    assert any(str(row[7]).startswith("'=HYPERLINK") for row in rows[1:])  # never a live formula
    page = officer.get(f"/reports/areas/{seed.areas['R'].id}?year={seed.year.id}").get_data(as_text=True)
    assert "units.xlsx" in page and "results.xlsx" in page


def test_unit_results_xlsx_with_group_name_and_page_links(seed, login):  # type: ignore[no-untyped-def]
    client = login(seed.head)
    unit = seed.units["U_W1A"]
    response = client.get(f"/reports/units/{unit.id}/results.xlsx?year={seed.year.id}&appendix=III")
    assert "cdht-results-U_W1A-2026-III.xlsx" in response.headers["Content-Disposition"]
    rows = list(_sheet(response).iter_rows(values_only=True))
    assert len(rows) - 1 == sum(1 for line in SPEC["U_W1A"] if line[0] == "III")
    page = client.get(f"/reports/units/{unit.id}?year={seed.year.id}").get_data(as_text=True)
    assert "results.xlsx" in page


def test_results_xlsx_says_whether_a_confirmation_reached_the_title(seed, officer):  # noqa: F811
    sheet = _sheet(officer.get(f"/reports/areas/{seed.areas['R'].id}/results.xlsx?year={seed.year.id}"))
    rows = list(sheet.iter_rows(values_only=True))[1:]
    by_outcome = {(row[8], row[12]) for row in rows}
    assert ("Xác nhận đạt", "Có") in by_outcome and ("Xác nhận chưa đạt", "Không") in by_outcome
    assert "Đã xác nhận" not in {row[8] for row in rows}
