"""A forgotten password through the head: a one-time link and QR, never a dead end."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.recovery.conftest import NEW_PASSWORD, set_password
from webapp.auth import throttle
from webapp.models import AuditEvent, PasswordLink, Role, utcnow


def _can_log_in(phone, user, password):  # type: ignore[no-untyped-def]
    reply = phone().post("/login", data={"contact": user.login_name, "password": password})
    return reply.status_code == 302


def test_the_head_gives_a_member_a_link_that_works_once(cast, phone, issue_as, db_session):
    token = issue_as(cast.head, cast.line)
    member_phone = phone()
    form = member_phone.get(f"/reset/{token}")
    assert form.status_code == 200 and cast.member.full_name in form.get_data(as_text=True)
    reply = set_password(member_phone, token)
    assert reply.status_code == 302
    assert member_phone.get("/account").status_code == 200  # logged in straight away
    assert _can_log_in(phone, cast.member, NEW_PASSWORD)
    assert not _can_log_in(phone, cast.member, PASSWORD)
    # Never again: neither to read nor to set another password.
    again = phone()
    assert again.get(f"/reset/{token}").status_code == 404
    refused = set_password(again, token, "mot-mat-khau-khac")
    assert refused.status_code == 404
    assert "không dùng được nữa" in refused.get_data(as_text=True)
    assert _can_log_in(phone, cast.member, NEW_PASSWORD)


def test_only_a_hash_of_the_token_is_stored(cast, issue_as, db_session):
    token = issue_as(cast.head, cast.line)
    link = db_session.scalars(select(PasswordLink).where(PasswordLink.user_id == cast.member.id)).one()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in link.token_hash


def test_a_newer_link_ends_the_older_one(cast, phone, issue_as):
    older = issue_as(cast.head, cast.line)
    newer = issue_as(cast.head, cast.line)
    assert set_password(phone(), older).status_code == 404
    assert set_password(phone(), newer).status_code == 302


def test_an_expired_link_is_refused(cast, phone, issue_as, db_session):
    token = issue_as(cast.head, cast.line)
    link = db_session.scalars(select(PasswordLink).where(PasswordLink.user_id == cast.member.id)).one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db_session.flush()
    reply = phone().get(f"/reset/{token}")
    assert reply.status_code == 404 and "hết hạn" in reply.get_data(as_text=True)
    assert set_password(phone(), token).status_code == 404
    assert not _can_log_in(phone, cast.member, NEW_PASSWORD)


def test_links_expire_within_the_configured_hours(app, cast, issue_as, db_session):
    issue_as(cast.head, cast.line)
    link = db_session.scalars(select(PasswordLink).where(PasswordLink.user_id == cast.member.id)).one()
    lasts = link.expires_at - link.created_at
    assert lasts == timedelta(hours=app.config["PASSWORD_LINK_HOURS"]) and lasts <= timedelta(hours=12)


def test_a_reset_ends_every_other_session(cast, phone, issue_as):
    old_phone = phone(cast.member)
    assert old_phone.get("/account").status_code == 200
    set_password(phone(), issue_as(cast.head, cast.line))
    assert old_phone.get("/account").status_code == 302


def test_a_reset_ends_the_remember_cookie_too(cast, phone, issue_as, app):
    old_phone = app.test_client()
    old_phone.post("/login", data={"contact": cast.member.login_name, "password": PASSWORD, "remember": "y"})
    remember = old_phone.get_cookie("remember_token")
    assert remember is not None
    set_password(phone(), issue_as(cast.head, cast.line))
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value)
    assert thief.get("/account").status_code == 302


def test_a_reset_clears_the_login_throttle(cast, phone, issue_as, db_session):
    key = throttle.account_key(cast.member.login_name)
    for _ in range(throttle.ACCOUNT_LIMIT):
        throttle.record_failure(db_session, [key])
    assert throttle.blocked_until(db_session, [key]) is not None
    set_password(phone(), issue_as(cast.head, cast.line))
    assert throttle.blocked_until(db_session, [key]) is None
    assert _can_log_in(phone, cast.member, NEW_PASSWORD)


def test_weak_or_mismatched_passwords_are_refused_and_the_link_survives(cast, phone, issue_as):
    token = issue_as(cast.head, cast.line)
    weak = set_password(phone(), token, "12345678")
    assert weak.status_code == 422 and "quá phổ biến" in weak.get_data(as_text=True)
    mismatch = phone().post(f"/reset/{token}", data={"password": NEW_PASSWORD, "password_repeat": "khac-han"})
    assert mismatch.status_code == 422 and "không giống nhau" in mismatch.get_data(as_text=True)
    assert set_password(phone(), token).status_code == 302


def test_issuing_and_using_are_audited(cast, phone, issue_as, db_session):
    set_password(phone(), issue_as(cast.head, cast.line))
    events = db_session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "user_account", AuditEvent.subject_id == cast.member.id,
        AuditEvent.action.in_(["password_link_issued", "password_link_used"])).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id) for e in events] == [
        ("password_link_issued", cast.head.id), ("password_link_used", cast.member.id)]


def test_a_head_cannot_reset_a_member_of_another_unit(cast, phone):
    reply = phone(cast.head).post(f"/units/{cast.other_unit.id}/roster/{cast.other_line.id}/reset")
    assert reply.status_code == 403
    # Nor by putting the other unit's line under their own unit's address.
    reply = phone(cast.head).post(f"/units/{cast.unit.id}/roster/{cast.other_line.id}/reset")
    assert reply.status_code == 403


def test_a_head_cannot_reset_a_head_or_an_administrator(cast, phone, make_membership, grant, make_user):
    deputy = make_user("Phó hiệu trưởng")
    grant(deputy, Role.UNIT_HEAD, unit=cast.unit)
    lines = {person.id: make_membership(cast.unit, cast.year, user=person)
             for person in (cast.admin, cast.other_head, deputy, cast.aggregator)}
    for line in lines.values():
        reply = phone(cast.head).post(f"/units/{cast.unit.id}/roster/{line.id}/reset")
        assert reply.status_code == 403, line.full_name
        assert "quản trị hệ thống" in reply.get_data(as_text=True)
    # The administrator can, for anyone.
    for line in lines.values():
        assert phone(cast.admin).post(f"/units/{cast.unit.id}/roster/{line.id}/reset").status_code == 200


def test_no_one_else_can_issue_a_link(cast, phone):
    url = f"/units/{cast.unit.id}/roster/{cast.line.id}/reset"
    for person in (cast.member, cast.other_member, cast.aggregator, cast.outside_aggregator, cast.other_head):
        assert phone(person).post(url).status_code == 403, person.full_name
    anonymous = phone().post(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_a_line_without_an_account_has_nothing_to_reset(cast, phone, make_membership):
    line = make_membership(cast.unit, cast.year)
    reply = phone(cast.head).post(f"/units/{cast.unit.id}/roster/{line.id}/reset")
    assert reply.status_code == 403 and "chưa có tài khoản" in reply.get_data(as_text=True)


def test_issuing_is_bounded_per_account(cast, phone):
    head_phone = phone(cast.head)
    url = f"/units/{cast.unit.id}/roster/{cast.line.id}/reset"
    for _ in range(5):
        assert head_phone.post(url).status_code == 200
    refused = head_phone.post(url, follow_redirects=True)
    assert "quá nhiều đường dẫn" in refused.get_data(as_text=True)


def test_a_made_up_token_gets_a_clear_page(client):
    for token in ("abc", "x" * 500, "%00"):
        reply = client.get(f"/reset/{token}")
        assert reply.status_code == 404 and "không dùng được nữa" in reply.get_data(as_text=True)


def test_the_roster_offers_the_reset(cast, phone):
    page = phone(cast.head).get(f"/units/{cast.unit.id}/roster").get_data(as_text=True)
    assert f"/units/{cast.unit.id}/roster/{cast.line.id}/reset" in page
    confirm = phone(cast.head).get(f"/units/{cast.unit.id}/roster/{cast.line.id}/reset")
    assert confirm.status_code == 200 and "Tạo đường dẫn và mã QR" in confirm.get_data(as_text=True)


def test_the_login_page_says_what_to_do(client):
    page = client.get("/login").get_data(as_text=True)
    assert "mã QR đặt lại mật khẩu" in page


def test_deleting_the_account_removes_its_links(cast, phone, issue_as, db_session):
    token = issue_as(cast.head, cast.line)
    member_id = cast.member.id
    assert phone(cast.member).post("/account/delete", data={"password": PASSWORD}).status_code == 302
    assert db_session.scalars(select(PasswordLink).where(PasswordLink.user_id == member_id)).all() == []
    assert phone().get(f"/reset/{token}").status_code == 404


def test_only_the_newest_link_works_even_when_two_were_issued_at_once(app, cast, phone, db_session):
    from webapp.recovery import operations

    with app.app_context():
        first, _ = operations.issue(db_session, cast.head, cast.member)
        second, _ = operations.issue(db_session, cast.admin, cast.member)
    # As if both had been issued in parallel: neither ended the other.
    db_session.execute(PasswordLink.__table__.update().values(ended_at=None))
    assert set_password(phone(), first).status_code == 404
    assert set_password(phone(), second).status_code == 302


def test_changing_the_password_ends_an_open_link(cast, phone, issue_as):
    token = issue_as(cast.head, cast.line)
    reply = phone(cast.member).post("/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert reply.status_code == 302
    assert phone().get(f"/reset/{token}").status_code == 404


def test_an_account_never_given_a_password_is_asked_for_consent_whoever_issues(
        app, cast, phone, issue_as, db_session):
    from webapp.admin import accounts

    created = accounts.create(db_session, cast.admin, "Mai Văn Mới", "0907111222")
    line = make_line(db_session, cast, created)
    token = issue_as(cast.head, line)
    assert "Thông báo về dữ liệu cá nhân" in phone().get(f"/reset/{token}").get_data(as_text=True)
    assert set_password(phone(), token).status_code == 422
    assert set_password(phone(), token, consent="y").status_code == 302
    db_session.refresh(created)
    assert created.consent_at is not None


def make_line(db_session, cast, user):  # type: ignore[no-untyped-def]
    from webapp.models import Membership

    line = Membership(unit=cast.unit, year=cast.year, user=user, appendix="IV", contact=user.phone,
                      full_name=user.full_name)
    db_session.add(line)
    db_session.flush()
    return line
