"""Who is behind each count of a unit's page, and the summary a head prints for the dossier."""
from __future__ import annotations

import re

import pytest

from webapp.models import Role, User
from webapp.reports.people import PAGE_SIZE

from .conftest import SPEC


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.data[:400]
    return response.get_data(as_text=True)


def listed_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)</th>', html.split("<tbody>")[1].split("</tbody>")[0])


@pytest.fixture
def head(seed, login):
    return login(seed.head)


def test_every_count_of_the_unit_page_links_to_its_people(seed, head):
    unit, year = seed.units["U_W1A"], seed.year
    html = page(head, f"/reports/units/{unit.id}?year={year.id}")
    # U_W1A: 4 listed and submitted, 3 self-achieved, 2 confirmed (one named "=HYPERLINK…").
    for kind, value in (("all", 4), ("submitted", 4), ("self_achieved", 3), ("confirmed", 2)):
        link = f'href="/reports/units/{unit.id}/people?year={year.id}&amp;kind={kind}">{value}</a>'
        assert link in html
    assert "kind=submitted&amp;section=L%E1%BB%9Bp+1A" in html  # per class
    assert "kind=confirmed&amp;appendix=III" in html  # per group
    listing = page(head, f"/reports/units/{unit.id}/people?year={year.id}&kind=confirmed")
    assert "Được xác nhận đạt: 2 người" in listing
    assert set(listed_names(listing)) == {seed.names["U_W1A"][0], "=HYPERLINK(&#34;http://evil.example&#34;,&#34;bấm&#34;)"}
    assert "Xác nhận đạt" in listing
    assert "0977" not in listing  # names, classes and results only: no phone numbers


def test_people_of_one_class_and_group(seed, head):
    unit, year = seed.units["U_W1A"], seed.year
    html = page(head, f"/reports/units/{unit.id}/people?year={year.id}&kind=all&section=Lớp 1A&appendix=IV")
    assert set(listed_names(html)) == {seed.names["U_W1A"][0], seed.names["U_W1A"][1]}
    assert "Được trả lại để sửa" in html  # each person's status
    html = page(head, f"/reports/units/{unit.id}/people?year={year.id}&kind=all&section=Bếp")
    assert "Trong danh sách: 1 người" in html


def test_lines_without_a_class_are_their_own_list(seed, login, db_session, grant):
    officer = User(full_name="Cán bộ", phone="0955000011", password_hash="-")
    db_session.add(officer)
    db_session.flush()
    grant(officer, Role.AGGREGATOR, area=seed.areas["R"])
    unit = seed.units["U_R"]  # one line has no class
    html = page(login(officer), f"/reports/units/{unit.id}/people?year={seed.year.id}&kind=all&section=")
    assert listed_names(html) == [seed.names["U_R"][5]]


def test_not_submitted_is_counted_and_paged_past_five_hundred(seed, head, make_membership, db_session):
    unit, year = seed.units["U_W1A"], seed.year
    extra = 2 * PAGE_SIZE + 7
    for number in range(extra):
        make_membership(unit, year, full_name=f"Học sinh {number:04d}", section="Lớp 2B")
    html = page(head, f"/reports/units/{unit.id}?year={year.id}")
    assert f"Chưa gửi phiếu: {extra} người" in html
    assert f"Xem đủ {extra} người" in html
    first = page(head, f"/reports/units/{unit.id}/people?year={year.id}&kind=not_submitted")
    assert len(listed_names(first)) == PAGE_SIZE and "Trang 1/3" in first
    last = page(head, f"/reports/units/{unit.id}/people?year={year.id}&kind=not_submitted&page=3")
    assert listed_names(last) == [f"Học sinh {n:04d}" for n in range(2 * PAGE_SIZE, extra)]
    beyond = page(head, f"/reports/units/{unit.id}/people?year={year.id}&kind=not_submitted&page=99")
    assert "Trang 3/3" in beyond
    odd = page(head, f"/reports/units/{unit.id}/people?year={year.id}&kind=not_submitted&page=abc")
    assert "Trang 1/3" in odd


def test_bad_list_or_group_is_a_clear_message(seed, head):
    unit = seed.units["U_W1A"]
    assert "Danh sách cần xem không hợp lệ." in page(head, f"/reports/units/{unit.id}/people?kind=everyone", 400)
    assert "Nhóm đối tượng không hợp lệ" in page(head, f"/reports/units/{unit.id}/people?appendix=VII", 400)


def test_another_units_head_cannot_list_its_people(seed, login, db_session, grant):
    other = User(full_name="Hiệu trưởng khác", phone="0955000012", password_hash="-")
    db_session.add(other)
    db_session.flush()
    grant(other, Role.UNIT_HEAD, unit=seed.units["U_W1B"])
    client = login(other)
    for path in ("people?kind=all", "summary"):
        assert client.get(f"/reports/units/{seed.units['U_W1A'].id}/{path}").status_code == 403


def test_printable_summary_per_group_and_class_with_holders_and_signature(seed, head):
    unit, year = seed.units["U_W1A"], seed.year
    html = page(head, f"/reports/units/{unit.id}/summary?year={year.id}")
    assert "Tổng hợp kết quả tự đánh giá “Công dân học tập”" in html and year.label in html
    rows = re.findall(r"<tr><td>(III|IV)</td><td>([^<]+)</td>\s*<td class=\"num\">(\d+)</td>"
                      r"<td class=\"num\">(\d+)</td>\s*<td class=\"num\">(\d+)</td>", html)
    expected = {}
    for group, section, outcome, _name in SPEC["U_W1A"]:
        roster, submitted, confirmed = expected.get((group, section), (0, 0, 0))
        expected[(group, section)] = (roster + 1, submitted + (outcome != "none"),
                                      confirmed + (outcome == "confirmed_ok"))
    assert {(g, s): (int(r), int(sub), int(c)) for g, s, r, sub, c in rows} == expected
    holders = html.split("Danh sách người được xác nhận đạt danh hiệu (2 người)")[1]
    assert seed.names["U_W1A"][0] in holders and "=HYPERLINK(&#34;" in holders  # escaped
    assert seed.names["U_W1A"][1] not in holders  # returned, not a holder
    assert "Thủ trưởng đơn vị" in holders and "(Ký, ghi rõ họ tên và đóng dấu)" in holders
    assert "data-print hidden" in html and "js/print.js" in html
    assert "0977" not in html


def test_unit_page_links_the_printable_summary(seed, head):
    unit, year = seed.units["U_W1A"], seed.year
    html = page(head, f"/reports/units/{unit.id}?year={year.id}")
    assert f'href="/reports/units/{unit.id}/summary?year={year.id}"' in html


def test_lists_and_the_printed_summary_follow_class_list_order(seed, head, make_membership, db_session):
    """By given name, Vietnamese letters: "Đặng Văn An" before "Võ Thị Bình" (code points put
    "Võ" first, as on the rosters before their sort key)."""
    unit, year = seed.units["U_W1A"], seed.year
    for name in ("Võ Thị Bình", "Đặng Văn An", "Nguyễn Thị Ân"):
        make_membership(unit, year, full_name=name, section="Lớp 3C")
    db_session.flush()
    expected = ["Đặng Văn An", "Nguyễn Thị Ân", "Võ Thị Bình"]
    listing = page(head, f"/reports/units/{unit.id}/people?year={year.id}&kind=not_submitted&section=Lớp 3C")
    assert listed_names(listing) == expected
    html = page(head, f"/reports/units/{unit.id}?year={year.id}")
    todo = html.split("Chưa gửi phiếu:")[1].split("</details>")[0]
    assert [name for name in re.findall(r"<li>([^<]+?) <span", todo) if name in expected] == expected
