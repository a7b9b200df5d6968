"""Adding, editing and removing roster lines one by one."""
from __future__ import annotations

from sqlalchemy import select

from webapp.models import AuditEvent, Membership


def _lines(db_session, unit, year):  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalars(
        select(Membership).where(Membership.unit_id == unit.id, Membership.year_id == year.id)
        .order_by(Membership.id)
    ).all()


def test_roster_page_lists_lines_with_counts(world, login):  # type: ignore[no-untyped-def]
    response = login(world.head).get(f"/units/{world.unit.id}/roster")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Phạm Văn Thành Viên" in page
    assert world.member.phone in page
    assert "Chưa bắt đầu" in page
    assert "Đã có tài khoản" in page
    assert "Tổng số" in page


def test_roster_page_filters_by_group_and_section(world, login, make_membership):  # type: ignore[no-untyped-def]
    make_membership(world.unit, world.year, appendix="IV", section="Tổ Toán", full_name="Giáo Viên Toán")
    client = login(world.head)
    page = client.get(f"/units/{world.unit.id}/roster?appendix=IV").get_data(as_text=True)
    assert "Giáo Viên Toán" in page and "Phạm Văn Thành Viên" not in page
    page = client.get(f"/units/{world.unit.id}/roster?section=10A1").get_data(as_text=True)
    assert "Giáo Viên Toán" not in page and "Phạm Văn Thành Viên" in page


def test_roster_page_shows_assessment_status(world, login, make_assessment, person):  # type: ignore[no-untyped-def]
    make_assessment(unit=world.unit, year=world.year, user=person("Đã Gửi Phiếu"), submit=True)
    page = login(world.head).get(f"/units/{world.unit.id}/roster").get_data(as_text=True)
    assert "Đã gửi, chờ xác nhận" in page


def test_add_member_normalises_contact_and_audits(world, login, db_session):  # type: ignore[no-untyped-def]
    response = login(world.head).post(f"/units/{world.unit.id}/roster/add", data={
        "year_id": world.year.id, "full_name": "  Nguyễn   Văn Bình ", "contact": "+84 912.345.678",
        "appendix": "IV", "section": "Tổ Văn",
    })
    assert response.status_code == 302
    added = [m for m in _lines(db_session, world.unit, world.year) if m.full_name == "Nguyễn Văn Bình"]
    assert len(added) == 1
    assert added[0].contact == "0912345678" and added[0].section == "Tổ Văn"
    assert added[0].user_id is None
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.subject_id == added[0].id,
                                                       AuditEvent.subject_type == "membership"))
    assert event.action == "roster_add" and event.actor_id == world.head.id


def test_add_member_invites_an_existing_account_until_its_owner_accepts(world, login, db_session, person):  # type: ignore[no-untyped-def]
    person = person("Có Tài Khoản", email="co.tk@example.vn")
    reply = login(world.head).post(f"/units/{world.unit.id}/roster/add", data={
        "year_id": world.year.id, "full_name": "Có Tài Khoản", "contact": "Co.TK@Example.vn",
        "appendix": "III",
    }, follow_redirects=True)
    assert "khi chủ tài khoản đồng ý" in reply.get_data(as_text=True)
    line = next(m for m in _lines(db_session, world.unit, world.year) if m.contact == "co.tk@example.vn")
    assert line.user_id is None and line.pending_user_id == person.id  # the head's typing links nothing
    owner = login(person)
    assert "mời bạn vào danh sách" in owner.get("/").get_data(as_text=True)
    owner.post(f"/assess/invitations/{line.id}/accept")
    db_session.expire_all()
    assert db_session.get(type(line), line.id).user_id == person.id


def test_add_duplicate_contact_keeps_what_was_typed(world, login, db_session):  # type: ignore[no-untyped-def]
    before = len(_lines(db_session, world.unit, world.year))
    response = login(world.head).post(f"/units/{world.unit.id}/roster/add", data={
        "year_id": world.year.id, "full_name": "Người Trùng Số", "contact": world.member.phone,
        "appendix": "V", "section": "11B2",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "đã có trong danh sách" in page and "Phạm Văn Thành Viên" in page
    assert 'value="Người Trùng Số"' in page and 'value="11B2"' in page
    assert len(_lines(db_session, world.unit, world.year)) == before


def test_add_invalid_contact_is_explained(world, login):  # type: ignore[no-untyped-def]
    response = login(world.head).post(f"/units/{world.unit.id}/roster/add", data={
        "year_id": world.year.id, "full_name": "Sai Số", "contact": "12345", "appendix": "V",
    })
    assert response.status_code == 422
    assert "Số điện thoại không hợp lệ." in response.get_data(as_text=True)


def test_add_to_closed_year_is_refused(world, login, make_year):  # type: ignore[no-untyped-def]
    closed = make_year(is_open=False)
    response = login(world.head).post(f"/units/{world.unit.id}/roster/add", data={
        "year_id": closed.id, "full_name": "Năm Khóa", "contact": "0911111111", "appendix": "V",
    })
    assert response.status_code == 422  # a closed year is not among the choices


def test_edit_changes_section_and_group(world, login, db_session, make_membership):  # type: ignore[no-untyped-def]
    line = make_membership(world.unit, world.year, appendix="IV", full_name="Đổi Nhóm")
    response = login(world.head).post(f"/units/{world.unit.id}/roster/{line.id}/edit", data={
        "full_name": "Đổi Nhóm", "appendix": "III", "section": "Tổ Bảo vệ",
    })
    assert response.status_code == 302
    db_session.expire_all()
    assert (line.appendix, line.section) == ("III", "Tổ Bảo vệ")


def test_edit_refuses_group_change_once_assessed(world, login, db_session, make_assessment):  # type: ignore[no-untyped-def]
    assessment = make_assessment(unit=world.unit, year=world.year, appendix="IV")
    line = assessment.membership
    response = login(world.head).post(f"/units/{world.unit.id}/roster/{line.id}/edit", data={
        "full_name": line.full_name, "appendix": "III", "section": "",
    })
    assert response.status_code == 422
    assert "không thể đổi nhóm" in response.get_data(as_text=True)
    db_session.expire_all()
    assert line.appendix == "IV"


def test_remove_line_without_assessment(world, login, db_session, make_membership):  # type: ignore[no-untyped-def]
    line = make_membership(world.unit, world.year, full_name="Sẽ Bị Xóa")
    line_id = line.id
    response = login(world.head).post(f"/units/{world.unit.id}/roster/{line_id}/remove")
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Membership, line_id) is None
    assert db_session.scalar(select(AuditEvent.action).where(
        AuditEvent.subject_type == "membership", AuditEvent.subject_id == line_id)) == "roster_remove"


def test_remove_line_with_draft_removes_draft(world, login, db_session, make_assessment):  # type: ignore[no-untyped-def]
    line_id = make_assessment(unit=world.unit, year=world.year).membership.id
    assert login(world.head).post(f"/units/{world.unit.id}/roster/{line_id}/remove").status_code == 302
    db_session.expire_all()
    assert db_session.get(Membership, line_id) is None


def test_remove_line_with_submitted_assessment_is_explained(world, login, db_session, make_assessment):  # type: ignore[no-untyped-def]
    line_id = make_assessment(unit=world.unit, year=world.year, submit=True).membership.id
    client = login(world.head)
    response = client.post(f"/units/{world.unit.id}/roster/{line_id}/remove", follow_redirects=True)
    assert "Không thể xóa" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Membership, line_id) is not None


def test_line_of_another_unit_is_not_found(world, login, make_membership):  # type: ignore[no-untyped-def]
    foreign = make_membership(world.other_unit, world.year)
    client = login(world.head)
    assert client.get(f"/units/{world.unit.id}/roster/{foreign.id}/edit").status_code == 404
    assert client.post(f"/units/{world.unit.id}/roster/{foreign.id}/remove").status_code == 404
