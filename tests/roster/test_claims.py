"""No identity by assertion: typing a listed phone never gives an account the listed person's
line, name or form. A claim waits for the head's "Xác nhận đúng người"; a head's listing of an
existing account waits for its owner's yes."""
from __future__ import annotations

import io
import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from webapp.models import Membership, PendingLink, Role, User
from webapp.tokens import DRIVE, make_token

LISTED_NAME = "Trần Văn A"
PHONE = "0912345678"


@pytest.fixture
def school(make_unit, make_year, make_user, make_area, grant, db_session):  # type: ignore[no-untyped-def]
    province = make_area()
    unit = make_unit(area=make_area(parent=province), name="Trường THPT Nguyễn Du")
    other_unit = make_unit(name="Trường THPT Trần Phú")
    year = make_year(label="Năm học 2026–2027")
    head, other_head = make_user("Hiệu trưởng Nguyễn Du"), make_user("Hiệu trưởng Trần Phú")
    grant(head, Role.UNIT_HEAD, unit=unit)
    grant(other_head, Role.UNIT_HEAD, unit=other_unit)
    aggregator = make_user("Cán bộ Sở")
    grant(aggregator, Role.AGGREGATOR, area=province)
    admin = make_user("Quản trị")
    grant(admin, Role.ADMIN)
    line = Membership(unit=unit, year=year, full_name=LISTED_NAME, contact=PHONE, appendix="V", section="10A1")
    db_session.add(line)
    db_session.flush()
    return SimpleNamespace(unit=unit, other_unit=other_unit, year=year, head=head, other_head=other_head,
                           aggregator=aggregator, admin=admin, line=line)


def _register(app, name: str = "Người Lạ", contact: str = PHONE):  # type: ignore[no-untyped-def]
    client = app.test_client()
    reply = client.post("/register", data={"full_name": name, "contact": contact, "password": PASSWORD,
                                           "password_repeat": PASSWORD, "consent": "y"})
    assert reply.status_code == 302, reply.get_data(as_text=True)[:500]
    return client


def _line(db_session, line_id: int) -> Membership:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.get(Membership, line_id)


def _account(db_session, contact: str) -> User:  # type: ignore[no-untyped-def]
    return db_session.scalar(select(User).where((User.phone == contact) | (User.email == contact)))


def _answer(client, school, answer: str):  # type: ignore[no-untyped-def]
    return client.post(f"/units/{school.unit.id}/roster/{school.line.id}/claim/{answer}")


def test_a_stranger_registering_with_a_listed_phone_sees_no_name_and_gets_no_form(app, school, db_session):
    stranger = _register(app)
    for page in ("/", "/assess/", "/account", "/account/data", "/account/export"):
        body = stranger.get(page).get_data(as_text=True)
        assert LISTED_NAME not in body, page
    assert "Trường THPT Nguyễn Du" in stranger.get("/").get_data(as_text=True)  # where to turn
    assert stranger.post(f"/assess/start/{school.line.id}").status_code == 403
    line = _line(db_session, school.line.id)
    assert line.user_id is None and line.assessment is None
    assert line.pending_user_id == _account(db_session, PHONE).id and line.pending_kind is PendingLink.CLAIM


def test_the_head_confirms_the_right_person_who_then_gets_the_line(app, school, db_session, login):
    member = _register(app, name="Trần Văn A")
    head = login(school.head)
    roster = head.get(f"/units/{school.unit.id}/roster?year={school.year.id}").get_data(as_text=True)
    assert "Xác nhận đúng người" in roster and "Không phải người này" in roster
    assert "Chờ xác nhận đúng người" in head.get("/").get_data(as_text=True)
    assert _answer(head, school, "confirm").status_code == 302
    line = _line(db_session, school.line.id)
    assert line.user_id == _account(db_session, PHONE).id and line.pending_user_id is None
    assert "Bắt đầu tự đánh giá" in member.get("/assess/").get_data(as_text=True)
    started = member.post(f"/assess/start/{school.line.id}", follow_redirects=True)
    assert started.status_code == 200 and LISTED_NAME in started.get_data(as_text=True)


def test_the_head_refuses_and_the_account_never_claims_the_line_again(app, school, db_session, login):
    stranger = _register(app)
    assert _answer(login(school.head), school, "refuse").status_code == 302
    line = _line(db_session, school.line.id)
    account = _account(db_session, PHONE)
    assert line.user_id is None and line.pending_user_id is None and line.declined_user_id == account.id
    stranger.post("/logout")
    stranger.post("/login", data={"contact": PHONE, "password": PASSWORD})
    assert _line(db_session, school.line.id).pending_user_id is None
    assert LISTED_NAME not in stranger.get("/").get_data(as_text=True)


def test_a_class_poster_join_claims_the_line_and_shows_no_name(app, school, db_session, login, make_user):
    from webapp.drives import operations

    drive = operations.create_drive(db_session, school.head, school.unit, school.year, "V", "10A1",
                                    _next_week())
    stranger = make_user("Người Lạ", phone=PHONE)
    with app.test_request_context():
        url = f"/join/{make_token(DRIVE, drive.id)}"
    client = login(stranger)
    page = client.get(url).get_data(as_text=True)
    reply = client.post(url, follow_redirects=True)
    assert LISTED_NAME not in page and LISTED_NAME not in reply.get_data(as_text=True)
    line = _line(db_session, school.line.id)
    assert line.user_id is None and line.pending_user_id == stranger.id and line.assessment is None
    head = login(school.head)
    assert _answer(head, school, "refuse").status_code == 302
    head.get("/")  # the head reads the flashed answer
    again = login(stranger).post(url)
    assert again.status_code == 422 and LISTED_NAME not in again.get_data(as_text=True)


@pytest.mark.parametrize("who", ["other_head", "aggregator", "stranger", "member"])
@pytest.mark.parametrize("answer", ["confirm", "refuse"])
def test_only_the_units_heads_and_admins_answer_a_claim(app, school, db_session, login, make_user,
                                                        make_membership, who, answer):
    _register(app)
    people = {
        "other_head": school.other_head, "aggregator": school.aggregator,
        "stranger": _account(db_session, PHONE),
        "member": make_membership(school.unit, school.year, user=make_user("Bạn Cùng Lớp")).user,
    }
    assert _answer(login(people[who]), school, answer).status_code == 403
    assert _line(db_session, school.line.id).pending_kind is PendingLink.CLAIM
    anonymous = app.test_client().post(f"/units/{school.unit.id}/roster/{school.line.id}/claim/{answer}")
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_an_admin_may_answer_a_claim_and_another_units_line_is_404(app, school, db_session, login):
    _register(app)
    wrong_unit = login(school.other_head).post(
        f"/units/{school.other_unit.id}/roster/{school.line.id}/claim/confirm")
    assert wrong_unit.status_code == 404
    assert _answer(login(school.admin), school, "confirm").status_code == 302
    assert _line(db_session, school.line.id).user_id is not None
    assert "không còn chờ" in login(school.head).post(
        f"/units/{school.unit.id}/roster/{school.line.id}/claim/refuse", follow_redirects=True
    ).get_data(as_text=True)


def test_a_head_adding_an_existing_accounts_phone_waits_for_its_owner(app, school, db_session, login,
                                                                      make_user):
    owner = make_user("Lê Thị Hoa", phone="0933000111")
    login(school.head).post(f"/units/{school.unit.id}/roster/add", data={
        "year_id": school.year.id, "full_name": "Lê Thị Hoa", "contact": "0933000111", "appendix": "IV"})
    line = db_session.scalar(select(Membership).where(Membership.contact == "0933000111"))
    assert line.user_id is None and line.pending_user_id == owner.id and line.pending_kind is PendingLink.INVITE
    intruder = make_user("Người Khác")
    assert login(intruder).post(f"/assess/invitations/{line.id}/accept").status_code == 403
    assert login(school.head).post(f"/assess/invitations/{line.id}/accept").status_code == 403
    home = login(owner).get("/").get_data(as_text=True)
    assert "mời bạn vào danh sách" in home and "Không phải tôi" in home
    assert login(owner).post(f"/assess/invitations/{line.id}/decline").status_code == 302
    line = _line(db_session, line.id)
    assert line.user_id is None and line.declined_user_id == owner.id
    login(owner).post("/logout")
    app.test_client().post("/login", data={"contact": "0933000111", "password": PASSWORD})
    assert _line(db_session, line.id).pending_user_id is None  # declined: never proposed again


def test_an_imported_roster_invites_existing_accounts(app, school, db_session, login, make_user):
    owner = make_user("Phạm Văn Bảy", phone="0944000222")
    head = login(school.head)
    csv = "Họ và tên,Số điện thoại,Nhóm\nPhạm Văn Bảy,0944000222,IV\n".encode()
    preview = head.post(f"/units/{school.unit.id}/roster/import",
                        data={"year_id": school.year.id, "file": (io.BytesIO(csv), "ds.csv")},
                        content_type="multipart/form-data")
    assert preview.status_code == 200, preview.get_data(as_text=True)[:400]
    payload = preview.get_data(as_text=True).split('name="payload"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert head.post(f"/units/{school.unit.id}/roster/import/confirm", data={"payload": payload}).status_code == 200
    line = db_session.scalar(select(Membership).where(Membership.contact == "0944000222"))
    assert line.user_id is None and line.pending_user_id == owner.id
    assert login(owner).post(f"/assess/invitations/{line.id}/accept").status_code == 302
    assert _line(db_session, line.id).user_id == owner.id


def test_a_deleted_members_line_goes_to_nobody_who_registers_next_with_the_phone(app, school, db_session,
                                                                                 login):
    member = _register(app, name="Trần Văn A")
    _answer(login(school.head), school, "confirm")
    assert member.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    line = _line(db_session, school.line.id)
    assert line is not None and line.user_id is None  # the head's line stays: the unit's denominator
    newcomer = _register(app, name="Người Mới")
    assert LISTED_NAME not in newcomer.get("/").get_data(as_text=True)
    line = _line(db_session, school.line.id)
    assert line.user_id is None and line.pending_kind is PendingLink.CLAIM  # the head decides again


def test_the_real_person_is_not_locked_out_by_a_stranger_who_took_the_phone(app, school, db_session, login):
    """The stranger registered first with P: the head refuses the claim, lists the real person
    under the login they could use (an email) and the real person accepts."""
    _register(app)
    head = login(school.head)
    _answer(head, school, "refuse")
    real = _register(app, name="Trần Văn A", contact="tran.van.a@example.vn")
    head = login(school.head)
    head.post(f"/units/{school.unit.id}/roster/{school.line.id}/remove")
    head.post(f"/units/{school.unit.id}/roster/add", data={
        "year_id": school.year.id, "full_name": LISTED_NAME, "contact": "tran.van.a@example.vn", "appendix": "V"})
    line = db_session.scalar(select(Membership).where(Membership.contact == "tran.van.a@example.vn"))
    assert real.post(f"/assess/invitations/{line.id}/accept").status_code == 302
    assert _line(db_session, line.id).user_id == _account(db_session, "tran.van.a@example.vn").id


def test_the_data_export_lists_no_pending_line(app, school):
    stranger = _register(app)
    data = json.loads(stranger.get("/account/export").get_data(as_text=True))
    assert data["memberships"] == []


def _next_week():  # type: ignore[no-untyped-def]
    from datetime import datetime, timedelta

    return (datetime.now() + timedelta(days=7)).replace(microsecond=0)


def test_a_claimant_who_deletes_the_account_leaves_the_line_free(app, school, db_session):
    stranger = _register(app)
    assert stranger.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    line = _line(db_session, school.line.id)
    assert line.pending_user_id is None and line.user_id is None


def test_a_claim_on_a_later_page_is_announced_and_found_with_one_link(app, school, db_session, login):
    db_session.add_all(Membership(unit=school.unit, year=school.year, full_name=f"An {n:03d}",
                                  contact=f"0933{n:06d}", appendix="V") for n in range(60))
    db_session.flush()
    _register(app)  # claims "Trần Văn A", whose given name sorts after every "An"
    head = login(school.head)
    first = head.get(f"/units/{school.unit.id}/roster?year={school.year.id}").get_data(as_text=True)
    assert "1 người đăng ký bằng số điện thoại hoặc email" in first and "Xác nhận đúng người<" not in first
    only = head.get(f"/units/{school.unit.id}/roster?year={school.year.id}&claims=1").get_data(as_text=True)
    assert f"<strong>{LISTED_NAME}</strong>" in only and "Xác nhận đúng người" in only
    assert "An 001" not in only


def test_a_pending_claim_is_in_the_claimants_data_export_without_the_listed_name(app, school):
    stranger = _register(app)
    text = stranger.get("/account/export").get_data(as_text=True)
    [pending] = json.loads(text)["pending_links"]
    assert pending == {"unit": {"code": school.unit.code, "name": "Trường THPT Nguyễn Du"},
                       "year": "Năm học 2026–2027", "kind": "claim", "kind_label": "Chờ xác nhận đúng người"}
    assert LISTED_NAME not in text


def test_an_administrator_freeing_the_phone_frees_the_line_for_the_real_person(app, school, db_session, login):
    """The stranger's claim rested on the phone: once an administrator corrects the stranger's
    login, the claim is gone and the real person, registering with the phone, claims the line."""
    _register(app)
    stranger = _account(db_session, PHONE)
    admin = login(school.admin)
    assert admin.post(f"/admin/accounts/{stranger.id}/login",
                      data={"phone": "0912000111", "email": ""}).status_code == 302
    line = _line(db_session, school.line.id)
    assert line.pending_user_id is None and line.user_id is None
    _register(app, name=LISTED_NAME)
    real = _account(db_session, PHONE)
    line = _line(db_session, school.line.id)
    assert line.pending_user_id == real.id and line.pending_kind is PendingLink.CLAIM
    _answer(login(school.head), school, "confirm")
    assert _line(db_session, school.line.id).user_id == real.id


def test_a_login_correction_keeps_a_claim_that_still_matches(app, school, db_session, login):
    _register(app)
    claimant = _account(db_session, PHONE)
    login(school.admin).post(f"/admin/accounts/{claimant.id}/login",
                             data={"phone": PHONE, "email": "nguoi.la@example.vn"})
    line = _line(db_session, school.line.id)
    assert line.pending_user_id == claimant.id and line.pending_kind is PendingLink.CLAIM


def test_a_locked_account_is_no_longer_proposed_to_the_head(app, school, db_session, login):
    _register(app)
    stranger = _account(db_session, PHONE)
    admin = login(school.admin)
    assert admin.post(f"/admin/accounts/{stranger.id}/deactivate").status_code == 302
    line = _line(db_session, school.line.id)
    assert line.pending_user_id is None and line.user_id is None
    roster = login(school.head).get(f"/units/{school.unit.id}/roster?year={school.year.id}")
    assert "Xác nhận đúng người" not in roster.get_data(as_text=True)
