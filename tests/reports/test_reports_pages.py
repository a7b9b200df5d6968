"""The report pages: figures shown, sorting and filters, the chart, the year selector."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from webapp.models import Role, User

from .conftest import SPEC


@pytest.fixture
def officer(seed, db_session, grant, login):
    user = User(full_name="Cán bộ tỉnh", phone="0955000001", password_hash="-")
    db_session.add(user)
    db_session.flush()
    grant(user, Role.AGGREGATOR, area=seed.areas["R"])
    return login(user)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.data[:400]
    return response.get_data(as_text=True)


def table_names(html: str) -> list[str]:
    body = html.split('class="report-table"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>', body)


def test_area_page_shows_headline_rows_and_chart(seed, officer):
    html = page(officer, f"/reports/areas/{seed.areas['R'].id}?year={seed.year.id}")
    # R: roster 20, confirmed 10 -> 50,0 %, exactly the 50 % target; D1: 5/11 = 45,5 % of 70 %.
    headline = html.split('id="headline-title"')[1].split("</section>")[0]
    assert '<p class="report-big">50,0%</p>' in headline and '<span class="badge ok">Đạt</span>' in headline
    assert "45,5%" in html and "−24,5 điểm" in html
    assert table_names(html) == ["Huyện Hai", "Huyện Một", "Đơn vị U_R"]
    assert f'href="/reports/areas/{seed.areas["D1"].id}?year={seed.year.id}"' in html
    assert f'href="/reports/units/{seed.units["U_R"].id}?year={seed.year.id}"' in html
    svg = html.split("<svg")[1].split("</svg>")[0]
    assert '<title id="chart-title">' in svg and '<desc id="chart-desc">' in svg
    assert svg.count("<line ") == 3  # one target tick per child
    assert 'aria-labelledby="chart-title chart-desc"' in svg
    assert "style=" not in html  # CSP: no inline styles


def test_empty_roster_reads_no_roster(seed, officer):
    html = page(officer, f"/reports/areas/{seed.areas['D2'].id}?year={seed.year.id}")
    assert "Chưa có danh sách" in html
    html = page(officer, f"/reports/units/{seed.units['U_EMPTY'].id}?year={seed.year.id}")
    assert '<p class="report-big report-empty">Chưa có danh sách</p>' in html
    assert ">0,0%" not in html


def test_sorting_and_filters(seed, officer):
    url = f"/reports/areas/{seed.areas['R'].id}?year={seed.year.id}"
    # D2: 2/3 = 66,7 %, U_R: 3/6 = 50 %, D1: 5/11 = 45,5 %.
    html = page(officer, url + "&sort=-percent")
    assert table_names(html)[-1] == "Huyện Một"
    assert 'aria-sort="descending"' in html
    html = page(officer, url + "&sort=roster")
    assert table_names(html)[-1] == "Huyện Một"
    html = page(officer, url + "&vs_target=below")
    assert table_names(html) == ["Huyện Một"]
    html = page(officer, url + "&vs_target=above")
    assert table_names(html) == ["Huyện Hai", "Đơn vị U_R"]
    html = page(officer, url + "&kind=high_school")
    assert table_names(html) == ["Huyện Hai", "Huyện Một", "Đơn vị U_R"]
    html = page(officer, f"/reports/areas/{seed.areas['D2'].id}?year={seed.year.id}&kind=office&sort=name")
    assert table_names(html) == ["Đơn vị U_D2", "Đơn vị U_EMPTY"]


def test_bad_filter_values_keep_the_page_with_a_message(seed, officer):
    html = page(officer, f"/reports/areas/{seed.areas['R'].id}?year=abc&appendix=VII&sort=x", 422)
    assert html.count("Giá trị không hợp lệ") == 3
    assert "Thống kê: Tỉnh Thử Nghiệm" in html


def test_year_selector_defaults_to_newest_year(seed, officer):
    html = page(officer, f"/reports/areas/{seed.areas['R'].id}")
    assert f'<option selected value="{seed.year.id}">' in html
    html = page(officer, f"/reports/units/{seed.units['U_R'].id}?year={seed.other_year.id}")
    assert f'<option selected value="{seed.other_year.id}">' in html


def test_reports_open_on_the_current_year_not_an_empty_next_one(seed, officer, login, make_year):
    """Once next year exists (made in advance, no roster yet), the pages stay on this year."""
    next_year = make_year(label="2027")
    next_year.starts_on = seed.year.ends_on + timedelta(days=1)
    next_year.ends_on = next_year.starts_on + timedelta(days=364)
    html = page(officer, f"/reports/areas/{seed.areas['R'].id}")
    assert f'<option selected value="{seed.year.id}">' in html
    assert "Chưa có danh sách" not in html.split('id="headline-title"')[1].split("</section>")[0]
    html = page(login(seed.head), f"/reports/units/{seed.units['U_W1A'].id}")
    assert f'<option selected value="{seed.year.id}">' in html
    assert f'<option value="{next_year.id}">' in html  # still offered


def test_without_a_current_year_reports_open_on_the_newest_with_a_roster(seed, officer, make_year):
    for year in (seed.year, seed.other_year):  # both ended
        year.ends_on = date.today() - timedelta(days=10)
    later = make_year(label="2027")
    later.starts_on = date.today() + timedelta(days=20)
    later.ends_on = later.starts_on + timedelta(days=300)
    html = page(officer, f"/reports/areas/{seed.areas['R'].id}")
    assert f'<option selected value="{seed.year.id}">' in html


def test_unit_page_lists_names_and_sections_only(seed, login):
    html = page(login(seed.head), f"/reports/units/{seed.units['U_W1A'].id}?year={seed.year.id}")
    assert seed.names["U_W1A"][1] in html and "Lớp 1A" in html
    assert "Ngưỡng công nhận đơn vị" in html
    assert "0977" not in html  # no phone numbers
    # The head is not an aggregator: no link up to the area page.
    assert f'/reports/areas/{seed.areas["W1"].id}' not in html


def test_start_page_card_and_nav(seed, officer, login, db_session):
    html = page(officer, "/")
    assert "Thống kê" in html and "Tỉnh Thử Nghiệm" in html
    member = User(full_name="Người thường", phone="0955000002", password_hash="-")
    db_session.add(member)
    db_session.flush()
    html = page(login(member), "/")
    assert 'href="/reports/"' not in html


def test_unit_page_sections_cover_the_roster(seed, login):
    html = page(login(seed.head), f"/reports/units/{seed.units['U_W1A'].id}?year={seed.year.id}")
    for _group, section, _outcome, _name in SPEC["U_W1A"]:
        assert section in html
