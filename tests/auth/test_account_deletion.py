"""Deleting an account removes the roster lines the member created themselves."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import PASSWORD
from webapp.auth import operations
from webapp.models import Drive, Membership, Role, User, utcnow
from webapp.tokens import DRIVE, make_token


def test_a_line_the_members_own_drive_join_created_goes_with_the_account_and_never_comes_back(
        app, client, login, db_session, make_unit, make_year, make_user, grant):
    unit, year = make_unit(name="Trường THPT Lê Lợi"), make_year()
    head = make_user(full_name="Hiệu Trưởng")
    grant(head, Role.UNIT_HEAD, unit=unit)
    drive = Drive(unit=unit, year=year, appendix="V", section="10A1",
                  expires_at=utcnow() + timedelta(days=7), created_by=head)
    listed = Membership(unit=unit, year=year, full_name="Người Được Ghi", contact="0977000009",
                        appendix="V", section="10A1")
    db_session.add_all([drive, listed])
    db_session.flush()
    student = make_user(full_name="Học Sinh Một", phone="0977000001")
    with app.test_request_context():
        url = f"/join/{make_token(DRIVE, drive.id)}"
    assert login(student).post(url).status_code == 302
    own = db_session.scalars(select(Membership).where(Membership.user_id == student.id)).one()
    own_id = own.id

    operations.delete_account(db_session, db_session.get(User, student.id))
    db_session.flush()
    db_session.expire_all()
    assert db_session.get(Membership, own_id) is None
    assert db_session.get(Membership, listed.id) is not None  # the head's line stays

    # Someone registering with the same phone later finds no line carrying the old name.
    client.post("/logout")
    reply = client.post("/register", data={"full_name": "Người Mới", "contact": "0977000001",
                                           "password": PASSWORD, "password_repeat": PASSWORD,
                                           "consent": "y"})
    assert reply.status_code == 302
    newcomer = db_session.scalars(select(User).where(User.phone == "0977000001")).one()
    assert db_session.scalars(select(Membership).where(Membership.user_id == newcomer.id)).all() == []
    assert "Học Sinh Một" not in client.get("/account").get_data(as_text=True)
