"""Ids are never handed to a new row: a deleted account's cookie, token or printed QR code can
never name someone who came later (SQLite AUTOINCREMENT; PostgreSQL sequences never go back)."""
from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from webapp import migrate
from webapp.db import make_engine
from webapp.models import Assessment, Base, Membership, User

BEFORE = "8c4e2f7a1d30"  # the revision before ids were kept unique on SQLite


def _register(client, name: str, phone: str) -> None:  # type: ignore[no-untyped-def]
    reply = client.post("/register", data={"full_name": name, "contact": phone, "password": PASSWORD,
                                           "password_repeat": PASSWORD, "consent": "y"})
    assert reply.status_code == 302, reply.get_data(as_text=True)


def test_the_next_account_never_gets_a_deleted_accounts_id(app, client, db_session):
    _register(client, "Người Đã Xóa", "0912000111")
    first = db_session.scalar(sa.select(User).where(User.phone == "0912000111"))
    copied = client.get_cookie("session").value
    first_id = first.id
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    db_session.expunge_all()
    client.post("/logout")
    _register(app.test_client(), "Người Mới Đến", "0912000222")
    second = db_session.scalar(sa.select(User).where(User.phone == "0912000222"))
    assert second.id > first_id
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/account").status_code == 302


def test_a_deleted_assessments_id_is_not_reused(db_session, make_assessment):
    gone = make_assessment()
    gone_id, line = gone.id, gone.membership
    db_session.delete(gone)
    db_session.delete(line)
    db_session.flush()
    assert make_assessment().id > gone_id


def test_every_table_is_autoincrement_on_sqlite(app, db_session):
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL sequences never reuse ids")
    rows = db_session.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all()
    schema = {name: sql for name, sql in rows}
    for table in Base.metadata.tables.values():
        if "id" in table.c:  # the stored tally has no ids of its own (its key is unit, year, group, class)
            assert "AUTOINCREMENT" in schema[table.name], table.name


# The migration on a database that holds data -------------------------------------------------

NOW = datetime(2026, 11, 1, tzinfo=UTC)

SEED = {
    "area": [{"id": 1, "code": "R", "name": "Tỉnh", "level": "Tỉnh", "parent_id": None, "path": "/1/"},
             {"id": 2, "code": "R1", "name": "Xã", "level": "Xã", "parent_id": 1, "path": "/1/2/"}],
    "unit": [{"id": 1, "code": "U1", "name": "Trường", "kind": "high_school", "area_id": 2}],
    "assessment_year": [{"id": 1, "label": "2026", "kind": "staff", "starts_on": NOW.date(),
                         "ends_on": NOW.date(), "is_open": True}],
    "target": [{"id": 1, "year_id": 1, "area_id": 1, "appendix": None, "percentage": 55}],
    "criteria_version": [{"id": 1, "key": "IV-x", "appendix": "IV", "version": "x", "title": "t",
                          "source": "s", "verified": False, "digest": "d", "body": "{}",
                          "source_text": "", "loaded_at": NOW}],
    "user_account": [{"id": i, "full_name": f"Người {i}", "phone": f"090000000{i}", "password_hash": "x",
                      "created_at": NOW, "active": True, "session_secret": f"s{i}"} for i in (1, 2, 3)],
    "role_grant": [{"id": 1, "user_id": 1, "role": "unit_head", "unit_id": 1, "area_id": None}],
    "membership": [{"id": i, "unit_id": 1, "year_id": 1, "user_id": i, "full_name": f"Người {i}",
                    "contact": f"090000000{i}", "appendix": "IV", "created_at": NOW} for i in (2, 3)],
    "assessment": [{"id": i, "membership_id": i, "criteria_version_id": 1, "status": "confirmed",
                    "confirmed_achieved": True, "created_at": NOW, "updated_at": NOW, "version": 1}
                   for i in (2, 3)],
    "answer": [{"id": i, "assessment_id": 2 + i % 2, "index_code": str(i)} for i in range(1, 7)],
    "drive": [{"id": 1, "unit_id": 1, "year_id": 1, "appendix": "V", "expires_at": NOW,
               "created_by_id": 1, "created_at": NOW}],
    "audit_event": [{"id": 1, "at": NOW, "actor_id": 1, "subject_type": "assessment", "subject_id": 2,
                     "action": "confirm"}],
    "login_throttle": [{"id": 1, "key": "address:1", "failures": 2, "window_start": NOW}],
}


def test_upgrading_a_sqlite_database_with_data_keeps_every_row_and_reference(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate.upgrade(engine, BEFORE)
    old = sa.MetaData()
    with warnings.catch_warnings():  # the expression index is not needed to insert rows
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        old.reflect(engine)
    with engine.begin() as connection:
        for table, rows in SEED.items():
            connection.execute(sa.insert(old.tables[table]), rows)

    migrate.upgrade(engine)

    with engine.begin() as connection:
        for table, rows in SEED.items():
            ids = connection.execute(sa.text(f"SELECT id FROM {table} ORDER BY id")).scalars().all()
            assert ids == sorted(row["id"] for row in rows), table
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # The queue's stored counts and each form's copy of its unit were filled from the rows.
        assert connection.execute(sa.text(
            "SELECT unit_id, year_id, appendix, section, lines, confirmed_achieved, draft FROM roster_tally")).all() \
            == [(1, 1, "IV", "", 2, 2, 0)]
        assert connection.execute(sa.text("SELECT DISTINCT unit_id FROM assessment")).scalars().all() == [1]
        # The highest account goes; the next one gets a new id, and its cascades still work.
        connection.execute(sa.text("DELETE FROM user_account WHERE id = 3"))
        assert connection.execute(sa.text("SELECT user_id FROM membership WHERE id = 3")).scalar() is None
        connection.execute(sa.insert(User.__table__), [{"full_name": "Mới", "phone": "0911111111",
                                                        "password_hash": "x", "created_at": NOW,
                                                        "active": True, "session_secret": "n"}])
        assert connection.execute(sa.text("SELECT max(id) FROM user_account")).scalar() == 4
        connection.execute(sa.delete(Membership.__table__).where(Membership.id == 2))
        assert connection.execute(sa.select(sa.func.count()).select_from(Assessment.__table__)).scalar() == 1
    engine.dispose()


def test_a_migration_that_leaves_a_broken_reference_is_rolled_back(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'broken.sqlite3'}")
    migrate.upgrade(engine, BEFORE)
    raw = engine.raw_connection()
    raw.driver_connection.execute("PRAGMA foreign_keys=OFF")  # a stray row from an old bug
    raw.driver_connection.execute(
        "INSERT INTO role_grant (id, user_id, role, unit_id, area_id) VALUES (1, 99, 'admin', NULL, NULL)")
    raw.driver_connection.execute("PRAGMA foreign_keys=ON")
    raw.close()
    with pytest.raises(RuntimeError, match="role_grant"):
        migrate.upgrade(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == BEFORE
    engine.dispose()


def _sqlite_schema(engine) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Each table's and index's definition, as its parts in order-free form (triggers are the
    migrations' alone: see the last test)."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'alembic_version'"
            " AND type != 'trigger'").all()
    schema = {}
    for name, sql in rows:
        sql = " ".join(sql.replace('"', "").replace("DEFAULT ('')", "DEFAULT ''").split())
        head, body = sql[:sql.index("(")], sql[sql.index("(") + 1:sql.rindex(")")]
        schema[name] = [head.strip(), *sorted(part.strip() for part in body.split(","))]
    return schema


def test_the_rebuilt_sqlite_schema_is_the_models_schema(tmp_path):
    """Batch mode rebuilt every table: no constraint, index, cascade or check was lost."""
    migrated = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    migrate.upgrade(migrated)
    created = make_engine(f"sqlite:///{tmp_path / 'created.sqlite3'}")
    Base.metadata.create_all(created)
    assert _sqlite_schema(migrated) == _sqlite_schema(created)
    migrated.dispose()
    created.dispose()


def test_the_roster_tally_triggers_survive_every_migration(tmp_path):
    """A later migration that rebuilds `membership` or `assessment` on SQLite drops their
    triggers with the old table, and the stored tally would silently stop counting."""
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        triggers = connection.exec_driver_sql(
            "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all()
    assert triggers == [("assessment", "assessment_tally_delete"), ("assessment", "assessment_tally_insert"),
                        ("assessment", "assessment_tally_update"), ("membership", "membership_tally_delete"),
                        ("membership", "membership_tally_insert"), ("membership", "membership_tally_move")]
    engine.dispose()
