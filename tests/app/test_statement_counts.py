"""Per-request cost: the hot requests of a drive run a small, fixed number of SQL statements.

Counted with a `before_cursor_execute` listener. Transaction bookkeeping (BEGIN, SAVEPOINT,
RELEASE, COMMIT, ROLLBACK) is not counted: the test harness wraps every request in a
savepoint, and SQLite's BEGIN is emitted by the engine, neither does work.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from webapp.assessments import operations
from webapp.models import Role

BOOKKEEPING = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")
ANSWERS = {str(code): 8 for code in range(1, 11)}


@pytest.fixture
def statements(app, db_session) -> Iterator[list[str]]:
    engine = app.extensions["cdht_db"].kw["bind"]
    seen: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        if not statement.lstrip().upper().startswith(BOOKKEEPING):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def _measure(statements: list[str], call) -> int:  # type: ignore[no-untyped-def]
    statements.clear()
    reply = call()
    assert reply.status_code < 400, reply.get_data(as_text=True)[:300]
    return len(statements)


@pytest.fixture
def draft(make_assessment, db_session):  # type: ignore[no-untyped-def]
    assessment = make_assessment(points=5)
    db_session.expire_all()  # nothing the request needs is already in memory
    return assessment


def test_draft_save_runs_at_most_three_statements(login, draft, statements):
    client = login(draft.membership.user)
    url = f"/api/assessments/{draft.id}/draft"
    client.put(url, json={"answers": {"1": 5}})  # warms the parsed criteria cache
    changed = {"answers": {"1": 8, "2": 0, "3": None}, "notes": {"1": "Đọc sách mỗi tối", "4": "Tổ Văn"}}
    assert _measure(statements, lambda: client.put(url, json=changed)) <= 3
    assert client.get(f"/api/assessments/{draft.id}").get_json()["notes"]["4"] == "Tổ Văn"


def test_submit_runs_at_most_three_statements(login, draft, statements):
    client = login(draft.membership.user)
    base = f"/api/assessments/{draft.id}"
    client.put(f"{base}/draft", json={"answers": ANSWERS})  # the page autosaved before the tap
    body = {"answers": ANSWERS, "notes": {}, "client_id": str(uuid.uuid4())}
    assert _measure(statements, lambda: client.post(f"{base}/submit", json=body)) <= 3
    # The replay from the offline queue costs no more.
    assert _measure(statements, lambda: client.post(f"{base}/submit", json=body)) <= 3


def test_form_page_loads_in_one_statement(login, draft, statements):
    client = login(draft.membership.user)
    client.get(f"/assess/{draft.id}")
    # The assessment with the user, its line, unit, year and answers, and whether the user holds
    # a role (a plain member: the menu needs no statement for the role grants).
    assert _measure(statements, lambda: client.get(f"/assess/{draft.id}")) == 1


@pytest.mark.parametrize("path", ["/", "/assess/", "/api/csrf"])
def test_pages_read_the_logged_in_user_without_the_password_hash(login, draft, statements, path):
    client = login(draft.membership.user)
    _measure(statements, lambda: client.get(path))
    assert any("FROM user_account" in statement for statement in statements)
    assert not [statement for statement in statements if "password_hash" in statement]


def test_a_head_filling_in_his_own_form_still_gets_his_menu(login, draft, grant, statements):
    head = draft.membership.user
    grant(head, Role.UNIT_HEAD, unit=draft.membership.unit)
    client = login(head)
    client.get(f"/assess/{draft.id}")
    statements.clear()
    page = client.get(f"/assess/{draft.id}").get_data(as_text=True)
    assert f'href="/units/{draft.membership.unit.id}/queue">Xác nhận</a>' in page
    assert len(statements) == 2  # and his role grants


def test_queue_statements_do_not_grow_with_the_rows(login, cast, make_assessment, make_user, statements,
                                                    db_session):
    client = login(cast.head)
    url = f"/units/{cast.unit.id}/queue"

    def add(waiting: int, returned: int) -> None:
        for _ in range(waiting):
            make_assessment(unit=cast.unit, year=cast.year, appendix="V", submit=True, section="10A2")
        for _ in range(returned):
            sent_back = make_assessment(unit=cast.unit, year=cast.year, appendix="V", submit=True)
            operations.return_for_correction(db_session, cast.head, sent_back, sent_back.version,
                                             {"1": "Bổ sung minh chứng"})
        db_session.expire_all()

    add(waiting=1, returned=1)
    client.get(url)
    few = _measure(statements, lambda: client.get(url))
    add(waiting=6, returned=2)
    many = _measure(statements, lambda: client.get(url))
    assert many == few
    # The unit with the user and his role grants, the tally (filters and counts), one page, the returned.
    assert many <= 4


def test_an_empty_queue_asks_for_no_list(login, cast, statements, db_session):
    """The tally says nothing waits and nothing was returned: neither list is asked for."""
    operations.confirm(db_session, cast.head, cast.assessment, cast.assessment.version)  # the cast's one form
    db_session.expire_all()
    client = login(cast.head)
    url = f"/units/{cast.unit.id}/queue"
    client.get(url)
    page = _measure(statements, lambda: client.get(url))
    assert page == 2  # the unit with the user and his role grants; the tally
    assert not [statement for statement in statements if "LIMIT" in statement]  # no page of a list


def test_roster_page_statements_do_not_grow_with_the_rows(login, cast, make_assessment, make_membership,
                                                          statements, db_session):
    client = login(cast.head)
    url = f"/units/{cast.unit.id}/roster"
    client.get(url)
    few = _measure(statements, lambda: client.get(url, query_string={"q": "tran"}))
    for n in range(60):
        make_membership(cast.unit, cast.year, appendix="V", section=f"10A{n % 3}", full_name=f"Trần Văn {n}")
    make_assessment(unit=cast.unit, year=cast.year, appendix="V", submit=True, section="10A1")
    db_session.expire_all()
    many = _measure(statements, lambda: client.get(url, query_string={"q": "tran", "page": 2}))
    assert many == few
    # Each line shows its form's status; the forms' answers are not read.
    assert not [statement for statement in statements if "FROM answer" in statement]
@pytest.mark.parametrize("args", ["", "?section=10A2"])
def test_a_large_queue_lists_classes_or_one_page_in_a_fixed_number_of_statements(
        login, cast, make_assessment, statements, monkeypatch, args):
    from webapp.review import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 3)  # so a few forms make a "large" queue
    client = login(cast.head)
    url = f"/units/{cast.unit.id}/queue{args}"
    for section in ("10A2", "10A2", "10A2", "10A2", "11B1"):
        make_assessment(unit=cast.unit, year=cast.year, appendix="V", submit=True, section=section)
    client.get(url)
    few = _measure(statements, lambda: client.get(url))
    for section in ("10A2", "10A2", "11B1", "11B2", "12C1"):
        make_assessment(unit=cast.unit, year=cast.year, appendix="V", submit=True, section=section)
    page = client.get(url).get_data(as_text=True)
    assert page.count('name="pick"') == (0 if not args else 3)
    assert _measure(statements, lambda: client.get(url)) == few <= 4


def test_a_roster_import_asks_whether_lines_have_forms_without_reading_their_answers(cast, make_assessment,
                                                                                   statements, db_session):
    from webapp.roster import operations as roster

    member = make_assessment(unit=cast.unit, year=cast.year, appendix="V").membership
    db_session.expire_all()
    statements.clear()
    text = f"Họ và tên,Số điện thoại hoặc email,Nhóm,Lớp hoặc phòng ban\n{member.full_name},{member.contact},V,10A1\n"
    preview = roster.preview_import(db_session, cast.unit, cast.year, text)
    assert preview.rows
    assert not [statement for statement in statements if "FROM answer" in statement]
