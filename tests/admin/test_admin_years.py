"""Assessment years: create, and open/close (closing freezes the year's assessments)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

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


# Labels have one dash; years can be corrected -----------------------------------------------

@pytest.mark.parametrize("typed", ["2027-2028", "2027 - 2028", "2027—2028", " 2027 – 2028 ", "2027−2028"])
def test_labels_are_written_with_one_en_dash(admin_client, db_session, typed):
    response = admin_client.post("/admin/years/new", data={
        "label": typed, "kind": "school", "starts_on": "2027-09-05", "ends_on": "2028-05-31",
    })
    assert response.status_code == 302
    labels = db_session.scalars(select(AssessmentYear.label).where(AssessmentYear.label.like("2027%"))).all()
    assert labels == ["2027–2028"]


def test_duplicates_are_checked_on_the_normalised_label(admin_client, db_session, make_year):
    make_year(label="2026–2027", kind=YearKind.SCHOOL)
    response = admin_client.post("/admin/years/new", data={
        "label": "2026 - 2027", "kind": "school", "starts_on": "2026-09-05", "ends_on": "2027-05-31",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Đã có năm đánh giá “2026–2027”." in page and 'value="2026 - 2027"' in page
    assert db_session.scalar(select(func.count()).select_from(AssessmentYear)
                             .where(AssessmentYear.label.like("2026%2027"))) == 1


def test_the_years_page_links_to_each_years_edit_page(admin_client, make_year):
    year = make_year(label="2030")
    assert f'href="/admin/years/{year.id}/edit"' in admin_client.get("/admin/years").get_data(as_text=True)


def test_edit_a_year_keeps_it_open_and_audits(admin_client, db_session, make_year):
    year = make_year(label="2029")
    page = admin_client.get(f"/admin/years/{year.id}/edit").get_data(as_text=True)
    assert "Sửa năm đánh giá 2029" in page and 'value="2029"' in page
    assert f'value="{year.starts_on.isoformat()}"' in page
    response = admin_client.post(f"/admin/years/{year.id}/edit", data={
        "label": "2029-2030", "kind": "school", "starts_on": "2029-09-05", "ends_on": "2030-05-31",
    }, follow_redirects=True)
    assert "Đã lưu năm đánh giá “2029–2030”." in response.get_data(as_text=True)
    db_session.expire_all()
    saved = db_session.get(AssessmentYear, year.id)
    assert (saved.label, saved.kind, saved.starts_on.isoformat(), saved.ends_on.isoformat(), saved.is_open) == (
        "2029–2030", YearKind.SCHOOL, "2029-09-05", "2030-05-31", True)
    event = db_session.scalar(select(AuditEvent).where(
        AuditEvent.subject_type == "assessment_year", AuditEvent.subject_id == year.id,
        AuditEvent.action == "update"))
    assert "2029 · staff" in event.reason and "2029–2030 · school" in event.reason


def test_edit_keeps_a_closed_year_closed(admin_client, db_session, make_year):
    year = make_year(label="2024", is_open=False)
    admin_client.post(f"/admin/years/{year.id}/edit", data={
        "label": "2024", "kind": "staff", "starts_on": "2024-01-01", "ends_on": "2024-12-31",
    })
    db_session.expire_all()
    assert db_session.get(AssessmentYear, year.id).is_open is False


@pytest.mark.parametrize("data, message", [
    ({"starts_on": "2030-12-31", "ends_on": "2030-01-01"}, "Ngày kết thúc phải sau ngày bắt đầu."),
    ({"starts_on": "2030-06-01", "ends_on": "2030-06-01"}, "Ngày kết thúc phải sau ngày bắt đầu."),
    ({"starts_on": "đầu năm", "ends_on": "2030-12-31"}, "Vui lòng nhập ngày"),
    ({"label": "2031 - 2032"}, "Đã có năm đánh giá “2031–2032”."),
    ({"label": "  "}, "Vui lòng"),
])
def test_edit_refuses_bad_input_and_keeps_what_was_typed(admin_client, db_session, make_year, data, message):
    year = make_year(label="2030")
    make_year(label="2031–2032")
    form = {"label": "2030 mới", "kind": "staff", "starts_on": "2030-01-01", "ends_on": "2030-12-31", **data}
    response = admin_client.post(f"/admin/years/{year.id}/edit", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if form["label"].strip():
        assert f'value="{form["label"].strip()}"' in page
    if "đầu năm" not in form["starts_on"]:
        assert f'value="{form["starts_on"]}"' in page
    db_session.expire_all()
    assert db_session.get(AssessmentYear, year.id).label == "2030"


def test_saving_a_year_under_its_own_label_is_no_duplicate(admin_client, db_session, make_year):
    year = make_year(label="2033–2034", kind=YearKind.SCHOOL)
    response = admin_client.post(f"/admin/years/{year.id}/edit", data={
        "label": "2033-2034", "kind": "school", "starts_on": "2033-09-05", "ends_on": "2034-05-31",
    })
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(AssessmentYear, year.id).label == "2033–2034"


def test_edit_of_a_missing_year_is_not_found(admin_client):
    assert admin_client.get("/admin/years/999999/edit").status_code == 404
