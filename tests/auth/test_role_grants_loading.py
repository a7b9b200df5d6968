"""`User.grants`: the role facts read the same grants as the relationship, by one statement."""
from __future__ import annotations

from sqlalchemy import event

from webapp.models import Role, RoleGrant, User


def test_the_role_facts_read_the_grants_once(db_session, make_user, make_unit, make_area, grant):
    area = make_area()
    unit, other = make_unit(area), make_unit(area)
    head = make_user()
    grant(head, Role.UNIT_HEAD, unit=unit)
    grant(head, Role.AGGREGATOR, area=area)
    head_id = head.id
    db_session.expunge_all()

    user = db_session.get(User, head_id)
    seen: list[str] = []
    engine = db_session.get_bind()

    def count(*args):  # type: ignore[no-untyped-def]
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert user.heads(unit) and not user.heads(other)
        assert user.headed_unit_ids == [unit.id]
        assert [a.id for a in user.aggregated_areas] == [area.id]
        assert user.aggregates(area) and not user.is_admin
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(seen) == 1
    assert user.grants is user.role_grants  # the relationship's own collection, now loaded
    assert {(g.role, g.unit_id, g.area_id) for g in user.role_grants} == {
        (Role.UNIT_HEAD, unit.id, None), (Role.AGGREGATOR, None, area.id)}


def test_a_grant_added_before_the_grants_are_read_is_seen(db_session, make_user, make_unit):
    unit = make_unit()
    user = make_user()
    db_session.expire(user, ["role_grants"])
    db_session.add(RoleGrant(user=user, role=Role.UNIT_HEAD, unit=unit))  # not flushed yet
    assert user.heads(unit)
    assert len(user.role_grants) == 1
