"""The roster page of a large unit: class-list order, search, small pages, counts per class."""
from __future__ import annotations

import re

from webapp.names import sort_key

# A class list as a Vietnamese teacher writes it: by given name, then family and middle names.
CLASS_ORDER = [
    "Nguyễn Văn An", "Lê Thị Anh", "Trần Thị Ánh", "Phạm Ăn", "Hoàng Ân", "Vũ Văn Bình",
    "Lý Thị Dương", "Võ Đặng", "Trịnh Văn Đông", "Đặng Thu Giang", "Hồ Ngô", "Hồ Nguyễn",
    "Bùi Văn On", "Bùi Thị Ơn", "Mai Văn Uy", "Mai Thị Ưng",
]


def _names_in(page: str, names: list[str]) -> list[str]:
    """The given names in the order the page shows them."""
    found = [(page.find(f"<strong>{name}</strong>"), name) for name in names]
    return [name for position, name in sorted(found) if position >= 0]


def test_sort_key_follows_vietnamese_collation():
    shuffled = sorted(CLASS_ORDER, key=lambda n: n[::-1])
    assert sorted(shuffled, key=sort_key) == CLASS_ORDER
    assert sort_key("Dương") < sort_key("Đặng") < sort_key("Giang")
    assert sort_key("Hồ Ngô") < sort_key("Hồ Nguyễn")
    # Tones only decide between names with the same letters: ngang, huyền, hỏi, ngã, sắc, nặng.
    tones = ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]
    assert sorted(reversed(tones), key=sort_key) == tones


def test_roster_page_lists_in_vietnamese_class_order(world, login, make_membership):  # type: ignore[no-untyped-def]
    for name in sorted(CLASS_ORDER, key=lambda n: n[::-1]):
        make_membership(world.unit, world.year, appendix="V", section="10A2", full_name=name)
    page = login(world.head).get(f"/units/{world.unit.id}/roster?section=10A2").get_data(as_text=True)
    assert _names_in(page, CLASS_ORDER) == CLASS_ORDER


def test_a_renamed_line_moves_to_its_new_place(world, login, make_membership, db_session):  # type: ignore[no-untyped-def]
    make_membership(world.unit, world.year, section="12C", full_name="Lê Văn Bảo")
    line = make_membership(world.unit, world.year, section="12C", full_name="Lê Văn Yên")
    client = login(world.head)
    client.post(f"/units/{world.unit.id}/roster/{line.id}/edit",
                data={"full_name": "Trần Văn An", "appendix": "IV", "section": "12C"})
    page = client.get(f"/units/{world.unit.id}/roster?section=12C").get_data(as_text=True)
    assert _names_in(page, ["Trần Văn An", "Lê Văn Bảo"]) == ["Trần Văn An", "Lê Văn Bảo"]


def test_search_by_name_without_diacritics_or_by_phone(world, login, make_membership):  # type: ignore[no-untyped-def]
    make_membership(world.unit, world.year, full_name="Nguyễn Văn A")
    make_membership(world.unit, world.year, full_name="Nguyễn Thị Bích Đào")
    client = login(world.head)
    page = client.get(f"/units/{world.unit.id}/roster", query_string={"q": "nguyen van a"}).get_data(as_text=True)
    assert "<strong>Nguyễn Văn A</strong>" in page and "Nguyễn Thị Bích Đào" not in page
    assert "Phạm Văn Thành Viên" not in page
    page = client.get(f"/units/{world.unit.id}/roster", query_string={"q": "BÍCH dao"}).get_data(as_text=True)
    assert "<strong>Nguyễn Thị Bích Đào</strong>" in page and "Nguyễn Văn A<" not in page
    phone = world.member.phone
    page = client.get(f"/units/{world.unit.id}/roster",
                      query_string={"q": f"{phone[:4]} {phone[4:]}"}).get_data(as_text=True)
    assert "<strong>Phạm Văn Thành Viên</strong>" in page and "Nguyễn Văn A<" not in page
    page = client.get(f"/units/{world.unit.id}/roster", query_string={"q": "100%_x"}).get_data(as_text=True)
    assert "Không có ai khớp bộ lọc này" in page


def test_a_thousand_people_come_in_pages_of_fifty_that_keep_the_filters(world, login, db_session):  # type: ignore[no-untyped-def]
    from webapp.models import Membership

    db_session.add_all(
        Membership(unit=world.unit, year=world.year, full_name=f"Trần Văn Số {i:04d}",
                   contact=f"0399{i:06d}", appendix="V", section=f"10A{i % 4 + 1}")
        for i in range(1000)
    )
    db_session.flush()
    client = login(world.head)
    first = client.get(f"/units/{world.unit.id}/roster").get_data(as_text=True)
    assert first.count('class="roster-edit"') == 50
    assert "1–50 trong 1001 người" in first
    assert len(first) < 120_000  # was 569 KB for the whole roster on one page
    page = client.get(f"/units/{world.unit.id}/roster",
                      query_string={"section": "10A3", "q": "tran van", "page": 2}).get_data(as_text=True)
    assert "51–100 trong 250 người khớp bộ lọc" in page
    links = re.findall(r'href="([^"]*page=\d+[^"]*)"', page)
    assert links and all("section=10A3" in link and "q=tran+van" in link and f"year={world.year.id}" in link
                         for link in links), links
    assert 'aria-current="page" class="pager-current">2<' in page
    last = client.get(f"/units/{world.unit.id}/roster", query_string={"page": 999}).get_data(as_text=True)
    assert "1001–1001 trong 1001 người" in last


def test_counts_per_class(world, login, make_membership, make_assessment, person):  # type: ignore[no-untyped-def]
    for _ in range(3):
        make_membership(world.unit, world.year, appendix="V", section="11B1")
    make_assessment(unit=world.unit, year=world.year, user=person("Gửi Rồi"), appendix="V",
                    section="11B1", submit=True)
    make_membership(world.unit, world.year, appendix="IV")
    page = login(world.head).get(f"/units/{world.unit.id}/roster").get_data(as_text=True)
    rows = {section: cells for section, cells in re.findall(
        r'<th scope="row">(?:<[^>]*>)?([^<]+)(?:</a>|</span>)?</th>\s*((?:<td>\d+</td>)+)', page)}
    assert rows["11B1"] == "<td>4</td><td>1</td><td>1</td>"
    assert rows["10A1"] == "<td>1</td><td>1</td><td>0</td>"
    assert rows["Chưa ghi lớp / tổ, phòng"] == "<td>1</td><td>0</td><td>0</td>"


def test_status_counts_are_links_to_the_people_counted(world, login, make_membership, make_assessment, person,
                                                        db_session):
    from webapp.assessments import operations

    reached = make_assessment(unit=world.unit, year=world.year, user=person("Lê Văn Đạt"), section="10A2",
                              submit=True)
    make_assessment(unit=world.unit, year=world.year, user=person("Phan Thị Chờ"), section="10A2",
                    submit=True)
    operations.confirm(db_session, world.head, reached, reached.version)
    make_membership(world.unit, world.year, full_name="Hà Văn Chưa", section="10A2")
    client = login(world.head)
    base = f"/units/{world.unit.id}/roster"
    page = client.get(base).get_data(as_text=True)
    # Chưa bắt đầu: the fixture's member and Hà Văn Chưa.
    for status, count in (("not_started", 2), ("confirmed_achieved", 1), ("submitted", 1)):
        assert f'href="{base}?year={world.year.id}&amp;status={status}">{count}</a>' in page, status

    def names(status: str, **more: str) -> list[str]:
        html = client.get(base, query_string={"status": status, **more}).get_data(as_text=True)
        return re.findall(r"<strong>([^<]+)</strong>", html.split('class="list roster-list"')[1].split("</ul>")[0])

    assert names("confirmed_achieved") == ["Lê Văn Đạt"]
    assert names("submitted") == ["Phan Thị Chờ"]
    assert names("not_started") == ["Hà Văn Chưa", "Phạm Văn Thành Viên"]
    assert names("not_started", section="10A2") == ["Hà Văn Chưa"]
    filtered = client.get(base, query_string={"status": "submitted"}).get_data(as_text=True)
    assert 'name="status" type="hidden" value="submitted"' in filtered or \
        'type="hidden" name="status" value="submitted"' in filtered  # a search keeps the status
    assert "Bỏ lọc trạng thái" in filtered
    unknown = client.get(base, query_string={"status": "everyone"}).get_data(as_text=True)
    assert "Bỏ lọc trạng thái" not in unknown  # an unknown status is no filter
