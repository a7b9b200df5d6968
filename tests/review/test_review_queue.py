"""The heads' queue: only this unit's submitted assessments, oldest first, with filters."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import event

from webapp.assessments import operations
from webapp.models import utcnow
from webapp.review import queries


def _names_in_waiting(page: str) -> str:
    """The part of the queue page that lists assessments waiting for confirmation."""
    return page.split("Đang chờ xác nhận", 1)[1].split("Đã trả lại, chờ", 1)[0]


def test_queue_lists_only_this_units_submitted_assessments_oldest_first(
        db_session, login, scene, person, make_assessment):
    older = make_assessment(unit=scene.unit, year=scene.year, section="11B2",
                            user=person("Phạm Văn Cũ"), submit=True)
    older.submitted_at = utcnow() - timedelta(days=3)
    make_assessment(unit=scene.unit, year=scene.year, user=person("Người Nháp"))
    make_assessment(unit=scene.other_unit, year=scene.year,
                    user=person("Người Trường Khác"), submit=True)
    db_session.flush()
    page = login(scene.head).get(f"/units/{scene.unit.id}/queue").get_data(as_text=True)
    waiting = _names_in_waiting(page)
    assert "Phạm Văn Cũ" in waiting and "Trần Thị Bình" in waiting
    assert waiting.index("Phạm Văn Cũ") < waiting.index("Trần Thị Bình")
    assert "Người Nháp" not in page and "Người Trường Khác" not in page
    assert "Xem phiếu tiếp theo: Phạm Văn Cũ" in page
    assert "Tự đánh giá: Đạt" in waiting
    assert f'href="/review/{older.id}"' in page


def test_filters_by_group_and_section(db_session, login, scene, person, make_assessment):
    make_assessment(unit=scene.unit, year=scene.year, appendix="IV", section="Tổ Toán",
                    user=person("Cô Giáo Hoa"), submit=True)
    make_assessment(unit=scene.unit, year=scene.year, appendix="V", section="10A2",
                    user=person("Học Sinh Nam"), submit=True)
    client = login(scene.head)
    base = f"/units/{scene.unit.id}/queue"

    by_group = _names_in_waiting(client.get(base + "?group=IV").get_data(as_text=True))
    assert "Cô Giáo Hoa" in by_group
    assert "Học Sinh Nam" not in by_group and "Trần Thị Bình" not in by_group

    page = client.get(base + "?section=10A1").get_data(as_text=True)
    by_section = _names_in_waiting(page)
    assert "Trần Thị Bình" in by_section
    assert "Học Sinh Nam" not in by_section and "Cô Giáo Hoa" not in by_section
    assert f'href="/review/{scene.assessment.id}?section=10A1"' in page
    assert '<option value="10A1" selected>' in page

    both = _names_in_waiting(client.get(base + "?group=IV&section=10A1").get_data(as_text=True))
    assert "Không có phiếu nào đang chờ xác nhận" in both


def test_counts_per_status_and_returned_list(db_session, login, scene, person, make_assessment):
    confirmed = make_assessment(unit=scene.unit, year=scene.year, user=person("Đã Đạt"),
                                submit=True)
    operations.confirm(db_session, scene.head, confirmed, confirmed.version)
    returned = make_assessment(unit=scene.unit, year=scene.year, submit=True,
                               user=person("Người Cần Sửa"))
    operations.return_for_correction(db_session, scene.head, returned, returned.version,
                                     {"1": "Ghi rõ hơn"})
    counts = queries.status_counts(db_session, scene.unit.id)
    assert counts["submitted"] == 1
    assert counts["confirmed_achieved"] == 1 and counts["confirmed_not_achieved"] == 0
    assert counts["returned"] == 1
    assert counts["draft"] == 0
    page = login(scene.head).get(f"/units/{scene.unit.id}/queue").get_data(as_text=True)
    returned_part = page.split("Đã trả lại, chờ người tự đánh giá sửa (1)", 1)[1]
    assert "Người Cần Sửa" in returned_part
    assert "Người Cần Sửa" not in _names_in_waiting(page)


def test_closed_years_are_left_out(db_session, login, scene, make_year, person, make_assessment):
    closed = make_year(is_open=True)
    make_assessment(unit=scene.unit, year=closed, user=person("Năm Cũ"), submit=True)
    closed.is_open = False
    db_session.flush()
    page = login(scene.head).get(f"/units/{scene.unit.id}/queue").get_data(as_text=True)
    assert "Năm Cũ" not in page


def test_queue_query_count_does_not_grow_with_rows(app, db_session, login, scene, person,
                                                    make_assessment):
    client = login(scene.head)
    url = f"/units/{scene.unit.id}/queue"

    def statements() -> int:
        seen: list[str] = []
        engine = app.extensions["cdht_db"].kw["bind"]
        target = engine if not hasattr(engine, "engine") else engine.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(target, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(target, "before_cursor_execute", listener)
        return len(seen)

    one = statements()
    assert one > 0
    for number in range(5):
        make_assessment(unit=scene.unit, year=scene.year, section=f"12C{number}",
                        user=person(f"Học sinh {number}"), submit=True)
    assert statements() == one


def test_start_page_card_and_nav_for_heads(login, scene):
    page = login(scene.head).get("/").get_data(as_text=True)
    assert "Phiếu chờ xác nhận" in page
    assert f'href="/units/{scene.unit.id}/queue"' in page
    assert "Chờ xác nhận" in page and "Trong danh sách" in page
    member_page = login(scene.member).get("/").get_data(as_text=True)
    assert "Phiếu chờ xác nhận" not in member_page


def test_achieved_and_not_achieved_are_counted_apart_on_tile_queue_and_roster(db_session, login, scene, person,
                                                                              make_assessment):
    reached = make_assessment(unit=scene.unit, year=scene.year, user=person("Đã Đạt"), submit=True)
    operations.confirm(db_session, scene.head, reached, reached.version)
    missed = make_assessment(unit=scene.unit, year=scene.year, user=person("Chưa Đạt"), submit=True)
    operations.confirm(db_session, scene.head, missed, missed.version, {"4": 0}, {"4": "Thiếu minh chứng"})
    client = login(scene.head)

    def count_of(page: str, label: str) -> str:
        """The number shown for `label`, whether or not it links to the people counted."""
        return re.sub(r"<[^>]+>", "", page.split(f"<dt>{label}</dt><dd>", 1)[1].split("</dd>", 1)[0]).strip()

    home = client.get("/").get_data(as_text=True)
    assert "<dt>Đã xác nhận</dt>" not in home
    assert count_of(home, "Xác nhận đạt") == "1" and count_of(home, "Xác nhận chưa đạt") == "1"
    queue = client.get(f"/units/{scene.unit.id}/queue").get_data(as_text=True)
    assert "Xác nhận đạt</span> <strong>1</strong>" in queue
    assert "Xác nhận chưa đạt</span> <strong>1</strong>" in queue
    roster = client.get(f"/units/{scene.unit.id}/roster").get_data(as_text=True)
    assert ">Đã xác nhận<" not in roster
    assert count_of(roster, "Xác nhận đạt") == "1" and count_of(roster, "Xác nhận chưa đạt") == "1"


def test_a_large_queue_lists_classes_and_each_class_opens_on_its_own(db_session, login, scene, person,
                                                                    make_assessment, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    names = {"10A2": ["An", "Bình", "Chi"], "11B1": ["Dũng", "Giang"], None: ["Hà"]}
    made = {name: make_assessment(unit=scene.unit, year=scene.year, section=section,
                                  user=person(f"Học sinh {name}"), submit=True)
            for section, group in names.items() for name in group}
    client = login(scene.head)
    base = f"/units/{scene.unit.id}/queue"
    page = client.get(base).get_data(as_text=True)
    waiting = _names_in_waiting(page)
    # Seven forms in four groups, three a page: the classes with their counts, not the rows.
    assert "Đang chờ xác nhận (7)" in page and 'name="pick"' not in page
    for section, count in (("10A1", 1), ("10A2", 3), ("11B1", 2)):
        assert f'href="{base}?section={section}"' in page
        assert f"{section}</strong>\n          <span class=\"small\">{count} phiếu chờ xác nhận" in waiting
    assert f'href="{base}?section=-"' in page and "Chưa ghi lớp / tổ, phòng" in waiting
    assert "Học sinh An" not in waiting.split("Xem phiếu tiếp theo", 1)[1].split("</a>", 1)[1]
    assert "Xem phiếu tiếp theo: Trần Thị Bình" in page  # the oldest of all

    one_class = client.get(f"{base}?section=10A2").get_data(as_text=True)
    assert one_class.count('name="pick"') == 3 and "Trang 1/1" not in one_class
    assert all(f"Học sinh {name}" in one_class for name in names["10A2"])
    assert client.get(f"{base}?section=-").get_data(as_text=True).count('name="pick"') == 1

    # A class larger than a page: pages of at most three, the oldest first.
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    first = client.get(f"{base}?section=10A2").get_data(as_text=True)
    assert first.count('name="pick"') == 2 and "Trang 1/2" in first
    assert f'href="{base}?page=2&amp;section=10A2"' in first
    second = client.get(f"{base}?section=10A2&page=2").get_data(as_text=True)
    assert second.count('name="pick"') == 1 and "Học sinh Chi" in second and "Học sinh An" not in second
    assert client.get(f"{base}?section=10A2&page=99").get_data(as_text=True).count('name="pick"') == 1
    assert client.get(f"{base}?section=10A2&page=abc").status_code == 200

    # Bulk confirmation of the class still works from its own page.
    picks = [f"{made[name].id}:{made[name].version}" for name in ("Dũng", "Giang")]
    done = client.post(f"{base}/confirm?section=11B1", data={"pick": picks})
    assert done.status_code == 302 and done.location.endswith(f"{base}?section=11B1")
    db_session.expire_all()
    assert made["Dũng"].status is operations.S.CONFIRMED and made["Giang"].status is operations.S.CONFIRMED
