"""Import: a file that would rename a person with an account needs the head's tick, row by row."""
from __future__ import annotations

import re

from sqlalchemy import select

from webapp.models import AuditEvent

HEADER = "Họ và tên,Số điện thoại hoặc email,Nhóm,Lớp hoặc phòng ban\n"


def _payload(page: str) -> str:
    match = re.search(r'name="payload" type="hidden" value="([^"]*)"', page)
    assert match
    return match.group(1)


def _file(world) -> str:  # type: ignore[no-untyped-def]
    return HEADER + (
        "Người Mới,0907000001,V,10A1\n"                                 # row 2: new
        "Sai Số,123,V,10A1\n"                                          # row 3: rejected
        f"Trùng Với Danh Sách,{world.member.phone},V,10A3\n"           # row 4: conflict
    )


def test_a_rename_of_a_person_with_an_account_is_a_conflict_shown_first(world, login, upload):  # type: ignore[no-untyped-def]
    page = upload(login(world.head), world.unit, world.year, _file(world)).get_data(as_text=True)
    checkbox = ('<input type="checkbox" name="rename" value="4">\n'
                "                Đổi tên “Phạm Văn Thành Viên” thành “Trùng Với Danh Sách”")
    assert checkbox in page
    assert "Kèm theo: lớp / tổ, phòng: 10A1 → 10A3" in page
    assert "<dt>Sẽ cập nhật</dt><dd>0</dd>" in page and "<dt>Cần bạn chọn</dt><dd>1</dd>" in page
    rejected, conflict, new = (page.index(s) for s in ("Dòng bị từ chối", "Cần bạn chọn: đổi tên", "Thêm mới</span>"))
    assert rejected < conflict < new
    assert 'class="card sticky-actions import-submit"' in page


def test_without_the_tick_the_person_keeps_name_and_class(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    client = login(world.head)
    page = upload(client, world.unit, world.year, _file(world)).get_data(as_text=True)
    done = client.post(f"/units/{world.unit.id}/roster/import/confirm", data={"payload": _payload(page)})
    assert done.status_code == 200
    assert "Giữ nguyên tên cũ" in done.get_data(as_text=True)
    db_session.expire_all()
    from webapp.models import Membership

    line = db_session.scalar(select(Membership).where(Membership.user_id == world.member.id))
    assert (line.full_name, line.section) == ("Phạm Văn Thành Viên", "10A1")
    assert db_session.scalar(select(Membership).where(Membership.contact == "0907000001")) is not None


def test_with_the_tick_the_row_is_renamed_and_moved_and_audited(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    from webapp.models import Membership

    client = login(world.head)
    page = upload(client, world.unit, world.year, _file(world)).get_data(as_text=True)
    # A tick sent for a row that is no conflict (row 2) changes nothing about that row.
    done = client.post(f"/units/{world.unit.id}/roster/import/confirm",
                       data={"payload": _payload(page), "rename": ["4", "2", "x"]})
    assert done.status_code == 200
    db_session.expire_all()
    line = db_session.scalar(select(Membership).where(Membership.user_id == world.member.id))
    assert (line.full_name, line.section) == ("Trùng Với Danh Sách", "10A3")
    reason = db_session.scalar(select(AuditEvent.reason).where(
        AuditEvent.subject_id == line.id, AuditEvent.action == "roster_import_update"))
    assert "họ và tên: Phạm Văn Thành Viên → Trùng Với Danh Sách" in reason and "chọn đổi tên" in reason


def test_a_large_preview_stays_compact(world, login, upload):  # type: ignore[no-untyped-def]
    rows = "".join(f"Học Sinh Số {n},09050{n:05d},V,10A{n % 9}\n" for n in range(1000))
    page = upload(login(world.head), world.unit, world.year, HEADER + rows).get_data(as_text=True)
    assert '<details class="card import-group">' in page  # a thousand new rows start folded
    assert "Thêm mới</span> 1000 dòng" in page
