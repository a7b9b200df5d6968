"""Carrying last year's roster into a new year: classes moved up, preview, then one confirmation."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.errors import DomainError
from webapp.models import AssessmentYear, AuditEvent, Membership, YearKind
from webapp.roster import rollover


@pytest.mark.parametrize(("section", "expected"), [
    ("10A1", ("11A1", True)), ("Lớp 11B2", ("Lớp 12B2", True)), ("12A1", (None, False)),
    ("Tổ Toán", ("Tổ Toán", True)), (None, (None, True)),
])
def test_classes_move_up_a_grade_and_the_last_grade_leaves(section, expected):
    assert rollover.promoted(section, 12) == expected


def test_a_lower_secondary_school_ends_at_grade_nine():
    from webapp.models import Unit, UnitKind

    unit = Unit(kind=UnitKind.SCHOOL)
    assert rollover._top_grade(unit, ["6A", "7A", "9A"]) == 9
    assert rollover._top_grade(unit, ["1A", "5B"]) == 5
    assert rollover._top_grade(Unit(kind=UnitKind.OFFICE), ["10A1"]) is None


@pytest.fixture
def years(world, db_session):  # type: ignore[no-untyped-def]
    """Last year (closed) with the unit's roster, and the new year (open, starting later)."""
    last = world.year
    new = AssessmentYear(label="Năm sau", kind=YearKind.STAFF, is_open=True,
                         starts_on=last.starts_on + timedelta(days=365),
                         ends_on=last.ends_on + timedelta(days=365))
    db_session.add(new)
    db_session.flush()
    return last, new


@pytest.fixture
def last_roster(world, years, make_membership):  # type: ignore[no-untyped-def]
    """world.member is in 10A1 (with an account); add a classmate, a leaver, a teacher, one unclassed."""
    last, _ = years
    make_membership(world.unit, last, appendix="V", section="10A1", full_name="Lê Thị Cùng Lớp")
    make_membership(world.unit, last, appendix="V", section="12A1", full_name="Võ Văn Ra Trường")
    make_membership(world.unit, last, appendix="IV", section="Tổ Toán", full_name="Ngô Thị Giáo Viên")
    make_membership(world.unit, last, appendix="IV", full_name="Đặng Văn Bảo Vệ")
    last.is_open = False
    return last


def _form(page: str) -> dict[str, str]:
    """The mapping form as the browser would send it (checked boxes only)."""
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    form.update(re.findall(r'<input type="text" id="to-\d+" name="(to-\d+)" value="([^"]*)"', page))
    form.update((name, "1") for name in re.findall(r'name="(keep-\d+)" value="1" checked', page))
    form.pop("csrf_token", None)
    return form


def _lines(db_session, unit, year):  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalars(select(Membership).where(Membership.unit_id == unit.id,
                                                       Membership.year_id == year.id)).all()


def test_rollover_previews_then_creates_once(world, years, last_roster, login, db_session):  # type: ignore[no-untyped-def]
    _, new = years
    client = login(world.head)
    page = client.get(f"/units/{world.unit.id}/roster/rollover?year={new.id}").get_data(as_text=True)
    form = _form(page)
    assert form["source_id"] == str(last_roster.id) and form["target_id"] == str(new.id)
    mapped = {form[f"from-{i[3:]}"]: (form[f"to-{i[3:]}"], f"keep-{i[3:]}" in form)
              for i in form if i.startswith("to-")}
    assert mapped == {"10A1": ("11A1", True), "12A1": ("", False), "Tổ Toán": ("Tổ Toán", True),
                      "": ("", True)}

    preview = client.post(f"/units/{world.unit.id}/roster/rollover", data={**form, "action": "preview"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Xác nhận chuyển 4 người" in text
    assert re.search(r"<th scope=\"row\">10A1</th>\s*<td>11A1</td>\s*<td>2</td><td>0</td><td>0</td>", text)
    assert re.search(r"<th scope=\"row\">12A1</th>\s*<td><span class=\"muted\">Không chuyển</span></td>\s*"
                     r"<td>0</td><td>0</td><td>1</td>", text)
    assert "<strong>Lê Thị Cùng Lớp</strong>" in text and "Võ Văn Ra Trường" not in text
    assert _lines(db_session, world.unit, new) == []  # a preview writes nothing

    done = client.post(f"/units/{world.unit.id}/roster/rollover", data={**_form(text), "action": "confirm"})
    assert done.status_code == 302 and f"year={new.id}" in done.location
    carried = {line.full_name: (line.section, line.appendix, line.user_id)
               for line in _lines(db_session, world.unit, new)}
    assert carried == {"Phạm Văn Thành Viên": ("11A1", "V", None), "Lê Thị Cùng Lớp": ("11A1", "V", None),
                       "Ngô Thị Giáo Viên": ("Tổ Toán", "IV", None), "Đặng Văn Bảo Vệ": (None, "IV", None)}
    assert db_session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "roster_rollover_add", AuditEvent.actor_id == world.head.id)) == 4

    again = client.post(f"/units/{world.unit.id}/roster/rollover", data={**_form(text), "action": "confirm"})
    assert again.status_code == 302
    assert len(_lines(db_session, world.unit, new)) == 4
    page = client.post(f"/units/{world.unit.id}/roster/rollover", data={**_form(text), "action": "preview"})
    assert "Xác nhận chuyển" not in page.get_data(as_text=True)


def test_last_years_account_is_invited_to_the_carried_line(world, years, last_roster, db_session):  # type: ignore[no-untyped-def]
    from webapp.models import PendingLink
    from webapp.roster import claims

    _, new = years
    rollover.apply_rollover(db_session, world.head, world.unit, last_roster, new, {"10A1": "11A1"})
    carried = next(line for line in _lines(db_session, world.unit, new) if line.full_name == "Phạm Văn Thành Viên")
    assert carried.user_id is None
    assert (carried.pending_user_id, carried.pending_kind) == (world.member.id, PendingLink.INVITE)
    assert carried in claims.proposals_for(db_session, world.member)
    classmate = next(line for line in _lines(db_session, world.unit, new) if line.full_name == "Lê Thị Cùng Lớp")
    assert classmate.pending_user_id is None  # no account last year, nothing to invite


def test_an_edited_mapping_is_confirmed_only_after_its_preview(world, years, last_roster, login, db_session):  # type: ignore[no-untyped-def]
    _, new = years
    client = login(world.head)
    form = _form(client.get(f"/units/{world.unit.id}/roster/rollover?year={new.id}").get_data(as_text=True))
    index = next(k[5:] for k, v in form.items() if k.startswith("from-") and v == "10A1")
    form[f"to-{index}"] = "11A9"
    form.pop(f"keep-{next(k[5:] for k, v in form.items() if k.startswith('from-') and v == '')}")
    preview = client.post(f"/units/{world.unit.id}/roster/rollover", data={**form, "action": "preview"})
    form = _form(preview.get_data(as_text=True))
    assert form[f"to-{index}"] == "11A9" and "Xác nhận chuyển 3 người" in preview.get_data(as_text=True)
    form[f"to-{index}"] = "11A5"  # changed after the preview, then confirmed straight away
    edited = client.post(f"/units/{world.unit.id}/roster/rollover", data={**form, "action": "confirm"})
    assert edited.status_code == 200 and "vừa được sửa sau khi xem trước" in edited.get_data(as_text=True)
    assert _lines(db_session, world.unit, new) == []
    done = client.post(f"/units/{world.unit.id}/roster/rollover",
                       data={**_form(edited.get_data(as_text=True)), "action": "confirm"})
    assert done.status_code == 302
    assert sorted(line.section or "" for line in _lines(db_session, world.unit, new)) == ["11A5", "11A5", "Tổ Toán"]


def test_rollover_respects_closed_and_earlier_years(world, years, last_roster, db_session, login):  # type: ignore[no-untyped-def]
    _, new = years
    with pytest.raises(DomainError):
        rollover.apply_rollover(db_session, world.head, world.unit, new, last_roster, {"10A1": "11A1"})
    new.is_open = False
    db_session.flush()
    with pytest.raises(DomainError):
        rollover.apply_rollover(db_session, world.head, world.unit, last_roster, new, {"10A1": "11A1"})
    response = login(world.head).post(f"/units/{world.unit.id}/roster/rollover", data={
        "source_id": last_roster.id, "target_id": new.id, "from-0": "10A1", "to-0": "11A1", "keep-0": "1",
        "action": "confirm"})
    assert response.status_code == 409 and "Chưa có gì được lưu" in response.get_data(as_text=True)
    assert _lines(db_session, world.unit, new) == []


@pytest.mark.parametrize("who", ["other_head", "member", "aggregator_above", "aggregator"])
def test_only_the_units_managers_roll_over(world, years, last_roster, login, db_session, who):  # type: ignore[no-untyped-def]
    _, new = years
    client = login(getattr(world, who))
    assert client.get(f"/units/{world.unit.id}/roster/rollover").status_code == 403
    response = client.post(f"/units/{world.unit.id}/roster/rollover", data={
        "source_id": last_roster.id, "target_id": new.id, "from-0": "10A1", "to-0": "11A1", "keep-0": "1",
        "action": "confirm"})
    assert response.status_code == 403
    assert _lines(db_session, world.unit, new) == []


def test_an_admin_may_roll_over(world, years, last_roster, login):  # type: ignore[no-untyped-def]
    _, new = years
    page = login(world.admin).get(f"/units/{world.unit.id}/roster/rollover?year={new.id}")
    assert page.status_code == 200 and "11A1" in page.get_data(as_text=True)


def test_a_mapping_made_on_an_older_class_list_is_refused(world, years, last_roster, login, db_session,  # type: ignore[no-untyped-def]
                                                          make_membership):
    _, new = years
    client = login(world.head)
    form = _form(client.get(f"/units/{world.unit.id}/roster/rollover?year={new.id}").get_data(as_text=True))
    make_membership(world.unit, last_roster, appendix="V", section="10A0", full_name="Vào Lớp Sau")
    response = client.post(f"/units/{world.unit.id}/roster/rollover", data={**form, "action": "preview"})
    assert response.status_code == 409
    assert "vừa thay đổi" in response.get_data(as_text=True)
    assert 'value="10A0"' in response.get_data(as_text=True)  # the table is made again
    assert _lines(db_session, world.unit, new) == []


def test_a_confirmation_without_its_csrf_token_writes_nothing(world, years, last_roster, login, db_session, app):  # type: ignore[no-untyped-def]
    _, new = years
    client = login(world.head)
    page = client.get(f"/units/{world.unit.id}/roster/rollover?year={new.id}").get_data(as_text=True)
    preview = client.post(f"/units/{world.unit.id}/roster/rollover", data={**_form(page), "action": "preview"})
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/units/{world.unit.id}/roster/rollover",
                               data={**_form(preview.get_data(as_text=True)), "action": "confirm"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert _lines(db_session, world.unit, new) == []
