"""Every guard of the business actions, called directly (not through a form's choice list)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from webapp import access
from webapp.assessments import operations as assessment_ops
from webapp.drives import operations as drive_ops
from webapp.errors import DomainError
from webapp.roster import operations as roster_ops

ROSTER_FILE = "Họ và tên,Số điện thoại hoặc email,Nhóm\nNguyễn Văn Mới,0912000111,V\n"


@pytest.fixture
def closed(cast, db_session):
    cast.year.is_open = False
    db_session.flush()
    return cast


def _refused(action, match: str) -> DomainError:
    with pytest.raises(DomainError, match=match) as refused:
        action()
    return refused.value


def test_roster_actions_refuse_a_closed_year(closed, db_session):
    c = closed
    _refused(lambda: roster_ops.add_member(db_session, c.head, c.unit, c.year, "Người Mới", "0912000222", "V"),
             "đã khóa")
    _refused(lambda: roster_ops.update_member(db_session, c.head, c.other_line, "Tên Khác", "V", None), "đã khóa")
    _refused(lambda: roster_ops.remove_member(db_session, c.head, c.other_line), "đã khóa")
    _refused(lambda: roster_ops.apply_import(db_session, c.head, c.unit, c.year, ROSTER_FILE), "đã khóa")


def test_drive_creation_refuses_a_closed_year(closed, db_session):
    c = closed
    later = datetime.now() + timedelta(days=3)
    error = _refused(lambda: drive_ops.create_drive(db_session, c.head, c.unit, c.year, "V", None, later),
                     "đã khóa")
    assert error.field == "year_id"


def test_assessment_actions_refuse_a_closed_year(closed, db_session):
    c = closed
    version = c.assessment.version
    _refused(lambda: assessment_ops.confirm(db_session, c.head, c.assessment, version), "đã khóa")
    _refused(lambda: assessment_ops.withdraw(db_session, c.member, c.assessment), "đã khóa")
    _refused(lambda: assessment_ops.start(db_session, c.other_member, c.other_line), "đã khóa")


def test_wrong_status_is_a_conflict(cast, db_session):
    c = cast
    error = _refused(lambda: assessment_ops.save_draft(db_session, c.member, c.assessment, {"1": 5}),
                     "Đã gửi, chờ xác nhận")
    assert error.status == 409
    error = _refused(lambda: assessment_ops.revoke(db_session, c.head, c.assessment, c.assessment.version,
                                                   "Không rõ"), "Đã gửi, chờ xác nhận")
    assert error.status == 409


def test_no_one_reviews_their_own_assessment(cast, grant):
    from webapp.models import Role

    grant(cast.member, Role.UNIT_HEAD, unit=cast.unit)  # a member who is also a head of the unit
    assert access.can_review_unit(cast.member, cast.unit)
    assert not access.can_review(cast.member, cast.assessment)
    assert access.review_refusal(cast.member, cast.assessment) == access.OWN_ASSESSMENT
    assert access.can_review(cast.head, cast.assessment)


def test_a_head_of_another_unit_is_refused_everywhere(cast):
    other = cast.other_head
    assert not access.can_review(other, cast.assessment)
    assert not access.can_manage_unit(other, cast.unit)
    assert not access.can_view_unit(other, cast.unit)
    assert not access.can_view_area(other, cast.ward)


def test_every_form_speaks_vietnamese(cast, login):
    """WTForms' own messages (here "Not a valid choice.") come out in Vietnamese on every page."""
    client = login(cast.head)
    reply = client.post(f"/units/{cast.unit.id}/roster/add",
                        data={"year_id": str(cast.year.id), "full_name": "Nguyễn Văn Mới",
                              "contact": "0912000333", "appendix": "VI"})
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "Vui lòng chọn một mục." in page and "Not a valid choice" not in page
