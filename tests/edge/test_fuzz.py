"""Property: no input a phone or a script can send makes the app answer 5xx.

Drives the JSON API and the main forms on the app's test client with random text, numbers and
ids (control characters, lone surrogates, other scripts' digits, NaN, huge numbers, deep JSON).
Example counts are bounded so the file runs in seconds on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                        HealthCheck.too_slow])

NASTY = ["", " ", "\x00", "a\x00b", "\ud800", "\udfff", "²", "٣", "1e999", "NaN", "sNaN", "Infinity",
         "-1", "0", "9" * 30, "9" * 5000, "55,5", "1_000", "<script>", "=cmd|'/c calc'!A1", "'", "%00"]
SENDABLE = [t for t in NASTY if "\ud800" not in t and "\udfff" not in t]
# Everything Unicode holds, lone surrogates included (JSON bodies escape them).
ANY_CHAR = st.characters(codec=None, categories=None)
texts = st.one_of(st.sampled_from(NASTY), st.text(ANY_CHAR, max_size=30))
# Form posts travel as UTF-8, where a lone surrogate cannot be written.
form_texts = st.one_of(st.sampled_from(SENDABLE),
                       st.text(st.characters(codec="utf-8"), max_size=30))
numbers = st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=True),
                    st.booleans(), st.none())
json_values = st.recursive(st.one_of(numbers, texts),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                           max_leaves=8)
ids = st.one_of(st.integers(min_value=0, max_value=2**70).map(str), st.sampled_from(SENDABLE))


def _ok(reply: Any) -> None:
    assert reply.status_code < 500, reply.get_data(as_text=True)[:500]


@pytest.fixture
def draft(make_assessment):
    return make_assessment(points=8)


@FUZZ
@given(answers=st.dictionaries(texts, numbers, max_size=4), notes=st.dictionaries(texts, texts, max_size=3),
       client_id=st.one_of(texts, st.uuids().map(str)), extra=json_values, depth=st.integers(0, 3000))
def test_api_never_5xx(login, draft, answers, notes, client_id, extra, depth):
    client = login(draft.membership.user)
    base = f"/api/assessments/{draft.id}"
    for body in ({"answers": answers, "notes": notes}, {"answers": extra},
                 {"answers": answers, "notes": notes, "client_id": client_id}, extra):
        _ok(client.put(f"{base}/draft", data=json.dumps(body), content_type="application/json"))
    nested = "[" * depth + "]" * depth
    _ok(client.put(f"{base}/draft", data=nested, content_type="application/json"))
    _ok(client.post(f"{base}/submit", data=json.dumps({"answers": answers, "notes": notes, "client_id": client_id}),
                    content_type="application/json"))


@FUZZ
@given(assessment_id=ids)
def test_api_ids_never_5xx(login, draft, assessment_id):
    client = login(draft.membership.user)
    _ok(client.get(f"/api/assessments/{assessment_id}"))
    _ok(client.put(f"/api/assessments/{assessment_id}/draft", json={"answers": {}}))
    _ok(client.post(f"/api/assessments/{assessment_id}/submit", json={"client_id": str(uuid.uuid4())}))


@FUZZ
@given(contact=form_texts, password=form_texts, name=form_texts, consent=form_texts)
def test_login_and_register_never_5xx(client, contact, password, name, consent):
    _ok(client.post("/login", data={"contact": contact, "password": password}))
    _ok(client.post("/register", data={"full_name": name, "contact": contact, "password": password,
                                       "password_repeat": password, "consent": consent}))


@FUZZ
@given(points=form_texts, note=form_texts, code=form_texts, action=st.sampled_from(["save", "submit", ""]))
def test_assessment_form_never_5xx(login, draft, points, note, code, action):
    client = login(draft.membership.user)
    _ok(client.post(f"/assess/{draft.id}", data={"action": action, "answer-1": points, "note-1": note,
                                                 f"answer-{code}": points, f"note-{code}": note}))


@FUZZ
@given(action=st.one_of(st.sampled_from(["confirm", "return", "reject"]), form_texts), version=form_texts,
       points=form_texts, comment=form_texts, reason=form_texts, section=form_texts, group=form_texts)
def test_review_decision_and_queue_never_5xx(login, cast, action, version, points, comment, reason,
                                             section, group):
    client = login(cast.head)
    _ok(client.post(f"/review/{cast.assessment.id}", data={
        "action": action, "version": version, "reason": reason, "points_1": points, "comment_1": comment}))
    _ok(client.get("/review/", query_string={"section": section, "group": group}))
    _ok(client.get(f"/units/{cast.unit.id}/queue", query_string={"section": section, "group": group}))


@FUZZ
@given(year=ids, area=ids, appendix=form_texts, percentage=form_texts)
def test_admin_target_form_never_5xx(login, cast, year, area, appendix, percentage):
    client = login(cast.admin)
    _ok(client.post("/admin/targets/new", data={"year_id": year, "area_id": area, "appendix": appendix,
                                               "percentage": percentage}))
    _ok(client.get("/admin/targets", query_string={"year": year}))
    _ok(client.get("/admin/units", query_string={"area": area, "kind": appendix}))


@FUZZ
@given(year=ids, name=form_texts, contact=form_texts, appendix=form_texts, section=form_texts)
def test_roster_add_never_5xx(login, cast, year, name, contact, appendix, section):
    client = login(cast.head)
    _ok(client.post(f"/units/{cast.unit.id}/roster/add", data={
        "year_id": year, "full_name": name, "contact": contact, "appendix": appendix, "section": section}))
    _ok(client.get(f"/units/{cast.unit.id}/roster", query_string={"year": year, "appendix": appendix,
                                                                  "section": section, "q": name,
                                                                  "page": contact}))
    _ok(client.get("/reports/", query_string={"year": year, "group": appendix}))
