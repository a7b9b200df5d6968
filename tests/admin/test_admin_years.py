"""Assessment years: create, and open/close (closing freezes the year's assessments)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.assessments import operations as assess_ops
from webapp.errors import DomainError
from webapp.models import AssessmentYear, AuditEvent, YearKind


def test_create_school_year(admin_client, db_session):
    response = admin_client.post("/admin/years/new", data={
        "label": "2026–2027", "kind": "school", "starts_on": "2026-09-01", "ends_on": "2027-05-31",
    })
    assert response.status_code == 302
    year = db_session.scalar(select(AssessmentYear).where(AssessmentYear.label == "2026–2027"))
    assert year.kind is YearKind.SCHOOL and year.is_open
    page = admin_client.get("/admin/years").get_data(as_text=True)
    assert "2026–2027" in page and "Năm học" in page and "01/09/2026" in page


def test_end_must_follow_start(admin_client):
    response = admin_client.post("/admin/years/new", data={
        "label": "2026", "kind": "staff", "starts_on": "2026-12-31", "ends_on": "2026-01-01",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ngày kết thúc phải sau ngày bắt đầu." in page
    assert 'value="2026-12-31"' in page


def test_duplicate_label(admin_client, make_year):
    make_year(label="2026")
    response = admin_client.post("/admin/years/new", data={
        "label": "2026", "kind": "staff", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
    })
    assert response.status_code == 422
    assert "Đã có năm đánh giá “2026”." in response.get_data(as_text=True)


def test_bad_date_message(admin_client):
    response = admin_client.post("/admin/years/new", data={
        "label": "2026", "kind": "staff", "starts_on": "hôm qua", "ends_on": "2026-12-31",
    })
    assert response.status_code == 422
    assert "Vui lòng nhập ngày" in response.get_data(as_text=True)


def test_close_freezes_assessments_and_is_audited(admin_client, db_session, make_year, make_assessment):
    year = make_year()
    draft = make_assessment(year=year)
    member = draft.membership.user

    response = admin_client.post(f"/admin/years/{year.id}/toggle", follow_redirects=True)
    assert "Đã đóng năm đánh giá" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(AssessmentYear, year.id).is_open is False
    event = db_session.scalar(select(AuditEvent).where(
        AuditEvent.subject_type == "assessment_year", AuditEvent.subject_id == year.id))
    assert (event.action, event.from_status, event.to_status) == ("close", "open", "closed")

    with pytest.raises(DomainError):
        assess_ops.submit(db_session, member, draft)

    admin_client.post(f"/admin/years/{year.id}/toggle")
    db_session.expire_all()
    assert db_session.get(AssessmentYear, year.id).is_open is True
    assert assess_ops.submit(db_session, member, draft).status.value == "submitted"


def test_toggle_refuses_get(admin_client, make_year):
    assert admin_client.get(f"/admin/years/{make_year().id}/toggle").status_code == 405
