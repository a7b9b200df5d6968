"""Importing a roster from CSV: preview every row, write nothing until confirmed, re-validate."""
from __future__ import annotations

import re

from sqlalchemy import event, func, select

from webapp.models import AuditEvent, Membership
from webapp.roster import operations

HEADER = "Họ và tên,Số điện thoại hoặc email,Nhóm,Lớp hoặc phòng ban\n"


def _count(db_session, unit, year):  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalar(select(func.count(Membership.id)).where(
        Membership.unit_id == unit.id, Membership.year_id == year.id))


def _payload(page: str) -> str:
    match = re.search(r'name="payload" type="hidden" value="([^"]*)"', page)
    assert match, "the preview carries the file in a hidden field"
    return match.group(1)


def _confirm(client, unit, payload):  # type: ignore[no-untyped-def]
    return client.post(f"/units/{unit.id}/roster/import/confirm", data={"payload": payload})


def test_preview_lists_every_bad_row_with_its_reason_and_writes_nothing(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    before = _count(db_session, world.unit, world.year)
    events_before = db_session.scalar(select(func.count(AuditEvent.id)))
    content = HEADER + (
        "Nguyễn Văn Một,0901000001,V,10A1\n"        # row 2: fine
        "Trần Thị Hai,12345,V,10A1\n"               # row 3: bad phone
        ",0901000003,V,10A1\n"                      # row 4: no name
        "Lê Văn Bốn,0901000004,VII,10A1\n"          # row 5: unknown group
        "Phạm Thị Năm,0901000001,V,10A2\n"          # row 6: same phone as row 2
        "Hoàng Văn Sáu,,IV,Tổ Toán\n"               # row 7: no contact
        "Đỗ Văn Bảy,bay@,IV,\n"                     # row 8: bad email
        "Vũ Thị Tám,+84 901 000 008,phụ lục IV,Tổ Văn\n"  # row 9: fine
    )
    response = upload(login(world.head), world.unit, world.year, content)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for reason in (
        "Dòng 3: số điện thoại “12345” không hợp lệ.",
        "Dòng 4: thiếu họ và tên.",
        "Dòng 5: nhóm “VII” không rõ, hãy ghi III, IV hoặc V.",
        "Dòng 6: trùng số điện thoại/email với dòng 2.",
        "Dòng 7: thiếu số điện thoại hoặc email.",
        "Dòng 8: email “bay@” không hợp lệ.",
    ):
        assert reason in page
    for line in range(2, 10):
        assert f"Dòng {line}<" in page  # every row is listed, good or bad
    assert "Chưa có gì được lưu" in page
    assert _count(db_session, world.unit, world.year) == before
    assert db_session.scalar(select(func.count(AuditEvent.id))) == events_before


def test_confirm_writes_and_summarises(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    before = _count(db_session, world.unit, world.year)
    client = login(world.head)
    content = HEADER + "Nguyễn Văn Một,0901000001,V,10A1\nTrần Thị Hai,hai@Example.vn,IV,Tổ Toán\nSai,1,V,\n"
    payload = _payload(upload(client, world.unit, world.year, content).get_data(as_text=True))
    response = _confirm(client, world.unit, payload)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Đã nhập danh sách" in page and "Dòng 4: số điện thoại “1” không hợp lệ." in page
    assert _count(db_session, world.unit, world.year) == before + 2
    line = db_session.scalar(select(Membership).where(Membership.contact == "hai@example.vn"))
    assert (line.full_name, line.appendix, line.section) == ("Trần Thị Hai", "IV", "Tổ Toán")
    actions = db_session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "membership", AuditEvent.subject_id == line.id)).all()
    assert actions == ["roster_import_add"]


def test_reimport_is_all_unchanged_and_creates_no_duplicates(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    client = login(world.head)
    content = HEADER + "Nguyễn Văn Một,0901000001,V,10A1\nTrần Thị Hai,0901000002,V,10A1\n"
    payload = _payload(upload(client, world.unit, world.year, content).get_data(as_text=True))
    _confirm(client, world.unit, payload)
    after_first = _count(db_session, world.unit, world.year)

    page = upload(client, world.unit, world.year, content).get_data(as_text=True)
    preview = operations.preview_import(db_session, world.unit, world.year, content)
    assert preview.counts == {"create": 0, "update": 0, "unchanged": 2, "rejected": 0, "conflict": 0}
    assert "Không có dòng nào cần thêm hoặc cập nhật" in page
    assert 'name="payload"' not in page
    # Confirming the old preview again (a double submit) changes nothing either.
    assert _confirm(client, world.unit, payload).status_code == 200
    assert _count(db_session, world.unit, world.year) == after_first


def test_changed_rows_are_updates(world, login, upload, db_session, make_membership):  # type: ignore[no-untyped-def]
    line = make_membership(world.unit, world.year, appendix="V", section="10A1", full_name="Nguyen Van Mot")
    line.contact = "0903000001"
    db_session.flush()
    content = HEADER + f"Nguyễn Văn Một,{line.contact},V,10A2\n"
    client = login(world.head)
    page = upload(client, world.unit, world.year, content).get_data(as_text=True)
    assert "Cập nhật" in page and "lớp / tổ, phòng: 10A1 → 10A2" in page
    assert "<dt>Sẽ cập nhật</dt><dd>1</dd>" in page and "<dt>Sẽ thêm mới</dt><dd>0</dd>" in page
    _confirm(client, world.unit, _payload(page))
    db_session.expire_all()
    assert (line.full_name, line.section) == ("Nguyễn Văn Một", "10A2")


def test_member_who_joined_with_email_is_recognised_by_phone(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    # world.member is on the roster under their phone; the file lists the same phone.
    content = HEADER + f"Phạm Văn Thành Viên,{world.member.phone},V,10A1\n"
    preview = operations.preview_import(db_session, world.unit, world.year, content)
    assert preview.counts["unchanged"] == 1


def test_group_change_after_assessment_is_rejected(world, db_session, make_assessment):  # type: ignore[no-untyped-def]
    line = make_assessment(unit=world.unit, year=world.year, appendix="IV").membership
    line.contact = "0903000002"
    db_session.flush()
    content = HEADER + f"{line.full_name},{line.contact},III,\n"
    preview = operations.preview_import(db_session, world.unit, world.year, content)
    assert preview.rows[0].outcome == "rejected"
    assert "không thể đổi sang Phụ lục III" in preview.rows[0].reason


def test_bom_semicolon_and_group_names(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    content = (
        "\ufeffHọ và tên;Số điện thoại hoặc email;Nhóm;Lớp hoặc phòng ban\r\n"
        "Nguyễn Văn Một;0901 000 001;người lao động;Tổ Bảo vệ\r\n"
        "Trần Thị Hai;0901000002;cán bộ, công chức, viên chức;Tổ Toán\r\n"
        "Lê Văn Ba;0901000003;học sinh, sinh viên;10A1\r\n"
        "Phạm Văn Bốn;0901000004;Phụ lục IV;\r\n"
        ";;;\r\n"
    ).encode("utf-8")
    client = login(world.head)
    page = upload(client, world.unit, world.year, content).get_data(as_text=True)
    assert "Bỏ qua 1 dòng trống" in page
    _confirm(client, world.unit, _payload(page))
    db_session.expire_all()
    groups = dict(db_session.execute(select(Membership.contact, Membership.appendix).where(
        Membership.contact.in_(["0901000001", "0901000002", "0901000003", "0901000004"]))).all())
    assert groups == {"0901000001": "III", "0901000002": "IV", "0901000003": "V", "0901000004": "IV"}


def test_separate_phone_and_email_columns_with_english_headers(world, db_session):  # type: ignore[no-untyped-def]
    content = (
        "Name,Phone,Email,Group,Class\n"
        "An,0901000001,,V,10A1\n"
        "Bình,,binh@example.vn,V,10A1\n"
        "Chi,0901000003,chi@example.vn,V,10A1\n"
        "Dũng,abc,,V,10A1\n"
    )
    preview = operations.preview_import(db_session, world.unit, world.year, content)
    assert [row.contact for row in preview.rows[:3]] == ["0901000001", "binh@example.vn", "0901000003"]
    assert preview.rows[3].reason == "Dòng 5: số điện thoại “abc” không hợp lệ."


def test_template_round_trips(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    client = login(world.head)
    response = client.get(f"/units/{world.unit.id}/roster/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.data
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Họ và tên" in data.decode("utf-8-sig")
    filled = data + "Nguyễn Văn Mẫu,0901000009,IV,Tổ Văn\r\n".encode()
    page = upload(client, world.unit, world.year, filled).get_data(as_text=True)
    assert "Thêm mới" in page and "Nguyễn Văn Mẫu" in page and "Từ chối" not in page


def test_tampered_payload_is_refused(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    client = login(world.head)
    before = _count(db_session, world.unit, world.year)
    page = upload(client, world.unit, world.year, HEADER + "An,0901000001,V,\n").get_data(as_text=True)
    payload = _payload(page)
    forged = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    response = _confirm(client, world.unit, forged)
    assert response.status_code == 400
    assert "Chưa có gì được lưu" in response.get_data(as_text=True)
    # A payload made for another unit does not open this one either.
    other_head_client = login(world.other_head)
    assert _confirm(other_head_client, world.other_unit, payload).status_code == 400
    assert _count(db_session, world.unit, world.year) == before


def test_confirm_checks_the_roster_again(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    client = login(world.head)
    page = upload(client, world.unit, world.year, HEADER + "An,0901000001,V,10A1\n").get_data(as_text=True)
    # Between preview and confirm, someone adds the same person by hand.
    client.post(f"/units/{world.unit.id}/roster/add", data={
        "year_id": world.year.id, "full_name": "An", "contact": "0901000001", "appendix": "V",
        "section": "10A1"})
    before = _count(db_session, world.unit, world.year)
    response = _confirm(client, world.unit, _payload(page))
    assert response.status_code == 200
    assert _count(db_session, world.unit, world.year) == before


def test_bad_files_are_explained_and_write_nothing(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    client = login(world.head)
    before = _count(db_session, world.unit, world.year)
    cases = {
        b"": "Tệp trống",
        b"   \n": "Tệp trống",
        b"PK\x03\x04binary": "Không mở được tệp Excel này",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old": "tệp Excel kiểu cũ (.xls)",
        b"\x00\x01\x02\x03" * 100: "không phải tệp văn bản",
        "Họ và tên,SĐT\nAn,0901000001\n".encode(): "Tệp không có cột “Nhóm”",
        "Họ và tên,Nhóm\nAn,V\n".encode(): "Không tìm thấy cột “Số điện thoại hoặc email”",
        "Tên;SĐT;Nhóm\n".encode(): "chỉ có dòng tiêu đề",
        HEADER.encode() + b"x" * (300 * 1024): "Tệp quá lớn",
    }
    for content, message in cases.items():
        response = upload(client, world.unit, world.year, content)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True), message
    no_file = client.post(f"/units/{world.unit.id}/roster/import", data={"year_id": world.year.id})
    assert no_file.status_code == 422
    assert "Vui lòng chọn tệp danh sách" in no_file.get_data(as_text=True)
    assert _count(db_session, world.unit, world.year) == before


def test_preview_loads_the_roster_in_one_query(world, db_session, app):  # type: ignore[no-untyped-def]
    content = HEADER + "".join(f"Người {n},09020{n:05d},V,10A1\n" for n in range(60))
    statements: list[str] = []

    def _count_statement(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", _count_statement)
    try:
        preview = operations.preview_import(db_session, world.unit, world.year, content)
    finally:
        event.remove(engine, "before_cursor_execute", _count_statement)
    assert preview.counts["create"] == 60
    assert len([s for s in statements if "FROM membership" in s]) == 1
    assert len(statements) <= 4  # the roster, and eager loads of accounts (with roles), assessments


def test_a_large_school_roster_goes_through(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    rows = "".join(f"Học Sinh Trường Số {n},09030{n:05d},V,Lớp {10 + n % 3}A{n % 12}\n" for n in range(3000))
    client = login(world.head)
    page = upload(client, world.unit, world.year, HEADER + rows).get_data(as_text=True)
    before = _count(db_session, world.unit, world.year)
    assert _confirm(client, world.unit, _payload(page)).status_code == 200
    assert _count(db_session, world.unit, world.year) == before + 3000
    too_many = upload(client, world.unit, world.year, HEADER + rows + "Một Người Nữa,0904000001,V,\n")
    assert too_many.status_code == 422 and "3000 dòng" in too_many.get_data(as_text=True)
