"""The member's journey through the pages: start, draft, submit, withdraw, return, confirm."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import evidence_notes
from webapp.assessments import operations
from webapp.models import Assessment, AssessmentStatus, CriteriaVersion, Role

S = AssessmentStatus


@pytest.fixture
def world(make_area, make_unit, make_year, make_user, make_membership, grant):  # type: ignore[no-untyped-def]
    """A unit with a head and one member per appendix, each on the roster."""

    def _make(appendix: str):  # type: ignore[no-untyped-def]
        area = make_area()
        unit = make_unit(area=area, name="Trường THPT Lê Quý Đôn")
        year = make_year(label=f"Năm học {appendix}-{unit.id}")
        member = make_user(full_name="Trần Thị Bình", phone=f"091{unit.id:07d}",
                           email=f"binh{unit.id}@example.vn")
        head = make_user(full_name="Lê Văn Hiệu Trưởng")
        grant(head, Role.UNIT_HEAD, unit=unit)
        line = make_membership(unit, year, user=member, appendix=appendix, section="12A1")
        return member, head, line

    return _make


def answers_form(points: dict[str, int], action: str, notes: dict[str, str] | None = None) -> dict:
    """The posted form; indices given no note get the careful member's evidence."""
    data = {f"answer-{code}": str(value) for code, value in points.items()}
    data.update({f"note-{code}": text for code, text in (evidence_notes() | (notes or {})).items()})
    data["action"] = action
    return data


def checked(html: str, code: str) -> str | None:
    """The value of the checked radio of one index, as the page shows it."""
    for tag in re.findall(rf'<input type="radio" name="answer-{code}"[^>]*>', html, re.S):
        if "checked" in tag:
            return re.search(r'value="(\d+)"', tag).group(1)
    return None


ALL_8 = {str(c): 8 for c in range(1, 11)}


@pytest.mark.parametrize("appendix", ["III", "IV", "V"])
def test_full_member_journey(appendix, world, login, db_session):
    member, head, line = world(appendix)
    client = login(member)

    # The list shows the roster line, not started yet.
    page = client.get("/assess/").get_data(as_text=True)
    assert "Chưa bắt đầu" in page and "Trường THPT Lê Quý Đôn" in page

    # Start: creates the draft and opens the form.
    reply = client.post(f"/assess/start/{line.id}")
    assert reply.status_code == 302
    db_session.expire_all()
    assessment = db_session.get(type(line), line.id).assessment
    assert assessment is not None and assessment.status is S.DRAFT
    assert reply.headers["Location"].endswith(f"/assess/{assessment.id}")
    form_url = f"/assess/{assessment.id}"

    page = client.get(form_url).get_data(as_text=True)
    assert 'id="assessment-form"' in page and 'data-step="I"' in page and 'data-step="III"' in page
    assert "Tiêu chí 1/3" in page and "8 điểm" in page
    assert "Bộ tiêu chí chưa được đối chiếu với văn bản gốc đã ký" in page
    assert f'data-criteria-key="{appendix}@2026.1"' in page  # a new assessment uses the newest version
    assert 'id="criteria-data"' in page and "Tổng điểm hiện tại" in page
    assert "Còn 10 chỉ số chưa chọn mức" in page

    # Save a partial draft; it is kept.
    reply = client.post(form_url, data=answers_form({"1": 8, "2": 5}, "save", {"1": "Đọc báo mỗi sáng"}))
    assert reply.status_code == 302 and reply.headers["Location"].endswith(form_url)
    page = client.get(form_url).get_data(as_text=True)
    assert checked(page, "1") == "8" and checked(page, "2") == "5" and checked(page, "3") is None
    assert "Đọc báo mỗi sáng" in page
    assert "Còn 8 chỉ số chưa chọn mức: 3, 4, 5, 6, 7, 8, 9, 10." in page
    assert "Chỉ số 2 được 5 điểm" not in page  # 5 is enough for an index

    # Submit all: goes to the status page with the QR link.
    reply = client.post(form_url, data=answers_form(ALL_8, "submit"))
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"{form_url}/status")
    db_session.expire_all()
    assessment = db_session.get(Assessment, assessment.id)
    assert assessment.status is S.SUBMITTED and assessment.self_total == 80 and assessment.self_achieved
    page = client.get(f"{form_url}/status").get_data(as_text=True)
    assert "Đã gửi, chờ xác nhận" in page and "<svg" in page
    assert "Hoặc gửi đường dẫn này cho thủ trưởng" in page
    assert re.search(r"http://localhost/scan/[\w.-]+", page)
    # A submitted assessment is no longer editable: the form sends to the status page.
    assert client.get(form_url).headers["Location"].endswith(f"{form_url}/status")

    # Withdraw, back to a draft; then resubmit.
    reply = client.post(f"{form_url}/withdraw")
    assert reply.status_code == 302 and reply.headers["Location"].endswith(form_url)
    db_session.expire_all()
    assert db_session.get(Assessment, assessment.id).status is S.DRAFT
    page = client.get(form_url).get_data(as_text=True)
    assert checked(page, "10") == "8"
    reply = client.post(form_url, data=answers_form(ALL_8, "submit"))
    assert reply.status_code == 302

    # The head returns it with a comment; the member sees it and corrects.
    db_session.expire_all()
    assessment = db_session.get(Assessment, assessment.id)
    operations.return_for_correction(db_session, head, assessment, assessment.version,
                                     {"6": "Cần ghi rõ chứng chỉ ngoại ngữ."}, "Thiếu minh chứng")
    page = client.get(f"{form_url}/status").get_data(as_text=True)
    assert "Được trả lại để sửa" in page and "Cần ghi rõ chứng chỉ ngoại ngữ." in page
    assert "Sửa phiếu" in page and "Thiếu minh chứng" in page
    page = client.get(form_url).get_data(as_text=True)
    assert "Nhận xét của thủ trưởng" in page and "Cần ghi rõ chứng chỉ ngoại ngữ." in page
    assert "Thiếu minh chứng" in page
    corrected = dict(ALL_8, **{"6": 10})
    reply = client.post(form_url, data=answers_form(corrected, "submit", {"6": "Chứng chỉ B1"}))
    assert reply.status_code == 302
    db_session.expire_all()
    assessment = db_session.get(Assessment, assessment.id)
    assert assessment.status is S.SUBMITTED and assessment.self_total == 82

    # The head confirms: the status page links to the certificate.
    operations.confirm(db_session, head, assessment, assessment.version)
    page = client.get(f"{form_url}/status").get_data(as_text=True)
    assert "Xác nhận đạt" in page and "82/100" in page and "Xem giấy xác nhận" in page
    certificate = client.get(f"/certificate/{assessment.id}")
    assert certificate.status_code == 200
    text = certificate.get_data(as_text=True)
    assert "Giấy xác nhận" in text and "Trần Thị Bình" in text and "Lê Văn Hiệu Trưởng" in text
    assert f"{appendix}@2026.1" in text and "<svg" in text
    verify_url = re.search(r"http://localhost(/verify/[\w.-]+)", text).group(1)

    # Public verification shows name, unit, year, status only.
    with client.session_transaction() as session:
        session.clear()
    public = client.get(verify_url)
    assert public.status_code == 200
    page = public.get_data(as_text=True)
    assert "Danh hiệu còn hiệu lực" in page and "Trần Thị Bình" in page
    assert "Trường THPT Lê Quý Đôn" in page and line.year.label in page
    assert '<meta name="robots" content="noindex">' in page
    assert member.phone not in page and member.email not in page
    assert "82/100" not in page and "12A1" not in page and "Lê Văn Hiệu Trưởng" not in page

    # Revoked: the same link answers 410, without the reason.
    operations.revoke(db_session, head, assessment, assessment.version, "Khai sai minh chứng")
    revoked = client.get(verify_url)
    assert revoked.status_code == 410
    page = revoked.get_data(as_text=True)
    assert "Danh hiệu đã bị thu hồi" in page and "Khai sai minh chứng" not in page
    assert member.phone not in page


def test_bad_values_keep_what_was_typed(world, login, db_session):
    member, _head, line = world("IV")
    assessment = operations.start(db_session, member, line)
    client = login(member)
    typed = dict(ALL_8, **{"3": 11})  # out of range
    reply = client.post(f"/assess/{assessment.id}", data=answers_form(typed, "submit", {"1": "Ghi chú giữ lại"}))
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "Mức đã chọn không hợp lệ" in page
    assert checked(page, "1") == "8" and checked(page, "10") == "8" and checked(page, "3") is None
    assert "Ghi chú giữ lại" in page
    db_session.expire_all()
    assessment = db_session.get(Assessment, assessment.id)
    assert assessment.status is S.DRAFT and all(a.self_value is None for a in assessment.answers)


def test_not_a_level_and_garbage_are_refused(world, login, db_session):
    member, _head, line = world("V")
    assessment = operations.start(db_session, member, line)
    # An assessment made under 2023.1 keeps its level scale (0, 5, 8, 10), so 7 is not a level.
    assessment.criteria_version = db_session.scalar(select(CriteriaVersion).where(CriteriaVersion.key == "V@2023.1"))
    db_session.flush()
    client = login(member)
    for bad in ("7", "-1", "mười", "8.0"):
        reply = client.post(f"/assess/{assessment.id}", data=answers_form(dict(ALL_8, **{"4": bad}), "save"))
        assert reply.status_code == 422, bad
        assert "Mức đã chọn không hợp lệ" in reply.get_data(as_text=True)


def test_submit_with_missing_index_keeps_answers_and_names_it(world, login, db_session):
    member, _head, line = world("III")
    assessment = operations.start(db_session, member, line)
    client = login(member)
    partial = {code: 10 for code in ALL_8 if code != "7"}
    reply = client.post(f"/assess/{assessment.id}", data=answers_form(partial, "submit", {"7": "Chưa chắc"}))
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "Còn chỉ số chưa chấm điểm: 7." in page and "Chưa chọn mức cho chỉ số này." in page
    assert checked(page, "6") == "10" and checked(page, "7") is None and "Chưa chắc" in page
    db_session.expire_all()
    assessment = db_session.get(Assessment, assessment.id)
    assert assessment.status is S.DRAFT and not any(a.self_value for a in assessment.answers)


def test_too_long_note_is_refused_and_kept(world, login, db_session):
    member, _head, line = world("IV")
    assessment = operations.start(db_session, member, line)
    client = login(member)
    note = "x" * 501
    reply = client.post(f"/assess/{assessment.id}", data=answers_form({"1": 5}, "save", {"1": note}))
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "tối đa 500 ký tự" in page and note in page and checked(page, "1") == "5"


def test_server_side_score_names_unmet_rules(world, login, db_session):
    member, _head, line = world("IV")
    assessment = operations.start(db_session, member, line)
    operations.save_draft(db_session, member, assessment, dict(ALL_8, **{"5": 0}))
    page = login(member).get(f"/assess/{assessment.id}").get_data(as_text=True)
    assert "Tổng điểm 72, cần ít nhất 80." in page
    assert "Chỉ số 5 được 0 điểm, cần ít nhất 5." in page
    assert 'data-live="total">72<' in page


def test_closed_year_cannot_be_changed(world, login, db_session):
    member, _head, line = world("IV")
    assessment = operations.start(db_session, member, line)
    line.year.is_open = False
    db_session.flush()
    reply = login(member).post(f"/assess/{assessment.id}", data=answers_form({"1": 8}, "save"))
    assert reply.status_code == 422
    assert "đã khóa" in reply.get_data(as_text=True)


def test_start_in_closed_year_explains(world, login, db_session):
    member, _head, line = world("IV")
    line.year.is_open = False
    db_session.flush()
    client = login(member)
    page = client.get("/assess/").get_data(as_text=True)
    assert "Năm đánh giá đã khóa." in page
    reply = client.post(f"/assess/start/{line.id}", follow_redirects=True)
    assert "đã khóa" in reply.get_data(as_text=True)


def test_nobody_on_roster_sees_how_to_join(make_user, login):
    user = make_user(phone="0912345678")
    client = login(user)
    page = client.get("/assess/").get_data(as_text=True)
    assert "Quét mã QR trên áp phích" in page and "0912345678" in page
    home = client.get("/").get_data(as_text=True)
    assert "Quét mã QR trên áp phích" in home and "Phiếu của tôi" in home


def test_start_page_lists_the_members_assessments(world, login, db_session):
    member, _head, line = world("V")
    operations.start(db_session, member, line)
    home = login(member).get("/").get_data(as_text=True)
    assert "Phiếu tự đánh giá của tôi" in home and "Bản nháp" in home and "Làm tiếp" in home


def test_starting_twice_opens_the_same_assessment(world, login, db_session):
    member, _head, line = world("IV")
    client = login(member)
    first = client.post(f"/assess/start/{line.id}").headers["Location"]
    second = client.post(f"/assess/start/{line.id}").headers["Location"]
    assert first == second


def test_form_embeds_the_criteria_set_as_json_data(world, login, db_session):
    import json

    member, _head, line = world("V")
    assessment = operations.start(db_session, member, line)
    page = login(member).get(f"/assess/{assessment.id}").get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="criteria-data">(.*?)</script>', page, re.S)
    assert json.loads(block.group(1)) == operations.criteria_of(assessment).to_dict()
    assert 'src="/static/js/assess-form.js"' in page
    assert '<button type="submit" class="button secondary" name="action" value="save">Lưu nháp</button>' in page
    assert '<button type="submit" class="button" name="action" value="submit">Gửi phiếu</button>' in page
    assert f'data-api-base="/api/assessments/{assessment.id}"' in page


def test_a_head_on_no_roster_is_not_told_to_join(world, login):
    _member, head, _line = world("IV")
    home = login(head).get("/").get_data(as_text=True)
    assert "Quét mã QR trên áp phích" not in home


def test_each_member_sees_only_their_own_picks(world, login, db_session, make_user, make_membership):
    """The choices' markup is rendered once and reused (`webapp.assess.rendering`): two members
    of one criteria set, one after the other, still see their own picks and nothing else."""
    first, _head, line = world("V")
    second = make_user(full_name="Phạm Văn Cường")
    other_line = make_membership(line.unit, line.year, user=second, appendix="V")
    mine = operations.start(db_session, first, line)
    theirs = operations.start(db_session, second, other_line)
    operations.save_draft(db_session, first, mine, {"1": 8, "2": 3})
    operations.save_draft(db_session, second, theirs, {"1": 3})
    for _ in range(2):
        page = login(first).get(f"/assess/{mine.id}").get_data(as_text=True)
        assert checked(page, "1") == "8" and checked(page, "2") == "3" and checked(page, "3") is None
        assert page.count(" checked") == 2
        page = login(second).get(f"/assess/{theirs.id}").get_data(as_text=True)
        assert checked(page, "1") == "3" and checked(page, "2") is None and page.count(" checked") == 1
