"""Odd input at the edge gets a Vietnamese answer (4xx), never a traceback."""
from __future__ import annotations

import json

import pytest

from webapp.inputs import BAD_TEXT, MAX_ID, MAX_JSON_DEPTH, has_bad_characters, parse_id

CONTROL = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800", "\udfff"]


@pytest.mark.parametrize("character", CONTROL)
def test_control_characters_and_lone_surrogates_are_bad(character):
    assert has_bad_characters(f"Đọc sách{character}")


def test_vietnamese_text_tabs_and_line_breaks_are_fine():
    assert not has_bad_characters("Nguyễn Thị Ánh Tuyết\tTổ Toán\r\nĐọc 12 cuốn sách 📚")


@pytest.mark.parametrize("raw", ["", "0", "-1", "²", "٣", " 5", "5 ", "1e3", "0x10", str(MAX_ID + 1),
                                 "9" * 5000])
def test_ids_outside_ascii_digits_or_range_are_not_ids(raw):
    assert parse_id(raw) is None


def test_an_id_in_range_is_read():
    assert parse_id("42") == 42 and parse_id(str(MAX_ID)) == MAX_ID


@pytest.mark.parametrize("tail", [str(MAX_ID + 1), str(2**63), "9" * 30, "9" * 5000])
def test_ids_in_urls_beyond_the_column_range_are_404(login, cast, tail):
    client = login(cast.member)
    assert client.get(f"/assess/{tail}").status_code == 404
    reply = client.put(f"/api/assessments/{tail}/draft", json={"answers": {}})
    assert reply.status_code == 404 and reply.is_json


@pytest.mark.parametrize("query", ["year=99999999999999999999999", "year=²", "year=-1"])
def test_ids_in_query_strings_are_range_checked(login, cast, query):
    assert login(cast.head).get(f"/units/{cast.unit.id}/roster?{query}").status_code < 500
    assert login(cast.admin).get(f"/admin/units?{query.replace('year', 'area')}").status_code == 200
    assert login(cast.admin).get(f"/admin/targets?{query}").status_code == 200


def test_a_nul_in_a_query_string_is_refused_in_vietnamese(login, cast):
    reply = login(cast.head).get("/review/?section=10A1%00")
    assert reply.status_code == 400
    assert "ký tự không hợp lệ" in reply.get_data(as_text=True)


@pytest.fixture
def draft(make_assessment):
    return make_assessment(points=8)


def test_a_nul_or_lone_surrogate_in_an_api_note_is_422_in_vietnamese(login, draft):
    client = login(draft.membership.user)
    for note in ("Đọc\x00sách", "Đọc\ud800sách"):
        body = json.dumps({"answers": {"1": 8}, "notes": {"1": note}})  # escapes the surrogate
        reply = client.put(f"/api/assessments/{draft.id}/draft", data=body, content_type="application/json")
        assert reply.status_code == 422
        assert reply.get_json()["message"] == BAD_TEXT


def test_deeply_nested_json_is_422(login, draft):
    client = login(draft.membership.user)
    for depth in (MAX_JSON_DEPTH + 1, 100_000):
        body = '{"answers": ' + "[" * depth + "]" * depth + "}"
        reply = client.put(f"/api/assessments/{draft.id}/draft", data=body, content_type="application/json")
        assert reply.status_code == 422 and reply.is_json
    body = {"answers": {"1": 8}, "notes": {"1": "Đọc sách\nmỗi tối"}}
    assert client.put(f"/api/assessments/{draft.id}/draft", json=body).status_code == 200


def test_a_nul_in_a_form_field_is_shown_next_to_the_field_and_kept_out(client, login, cast):
    reply = client.post("/login", data={"contact": "0901234567\x00", "password": "x"})
    assert reply.status_code < 500
    assert BAD_TEXT in reply.get_data(as_text=True)
    reply = login(cast.head).post(f"/units/{cast.unit.id}/roster/add", data={
        "year_id": cast.year.id, "full_name": "Nguyễn\x00 Văn Bình", "contact": "0912345678",
        "appendix": "V", "section": "10A1"})
    assert reply.status_code == 422 or reply.status_code == 200
    assert BAD_TEXT in reply.get_data(as_text=True)


def test_a_nul_in_an_assessment_note_is_refused_on_the_form(login, draft):
    reply = login(draft.membership.user).post(f"/assess/{draft.id}", data={
        "action": "save", "answer-1": "8", "note-1": "Đọc\x00sách"})
    assert reply.status_code == 422
    assert BAD_TEXT in reply.get_data(as_text=True)


@pytest.mark.parametrize("points", ["²", "٨", "8.0", "1e1", "9" * 5000])
def test_points_are_ascii_digits_on_the_form(login, draft, points):
    reply = login(draft.membership.user).post(f"/assess/{draft.id}", data={"action": "save", "answer-1": points})
    assert reply.status_code == 422


@pytest.mark.parametrize("percentage", ["sNaN", "NaN", "Infinity", "-Infinity", "1e999", "٥٥", "5_5"])
def test_target_percentage_must_be_a_plain_number(login, cast, percentage):
    reply = login(cast.admin).post("/admin/targets/new", data={
        "year_id": str(cast.year.id), "area_id": str(cast.province.id), "appendix": "", "percentage": percentage})
    assert reply.status_code in (200, 422)
    assert "Vui lòng nhập một số" in reply.get_data(as_text=True)
