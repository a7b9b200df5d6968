"""The office migration rewrites old year labels with one en dash, leaving clashes to an admin."""
from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from webapp import migrate
from webapp.admin.operations import normalise_label
from webapp.db import normalise_url


@pytest.fixture
def old_database(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """An empty database of its own (a throwaway schema on PostgreSQL), dropped afterwards."""
    url = os.environ.get("CDHT_TEST_DATABASE_URL")
    if not url:
        engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield engine
        engine.dispose()
        return
    schema = f"office_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(url))
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine = create_engine(normalise_url(url), connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def test_old_labels_get_one_en_dash(old_database):  # type: ignore[no-untyped-def]
    engine = old_database
    migrate.upgrade(engine, "d7e9f1a3b5c8")
    labels = ["2027-2028", "2026–2027", "2028 — 2029", "2026", "2029-2030", "2029–2030"]
    with engine.begin() as connection:
        for n, label in enumerate(labels, start=1):
            connection.execute(text(
                "INSERT INTO assessment_year (id, label, kind, starts_on, ends_on, is_open) "
                "VALUES (:id, :label, 'school', '2026-09-05', '2027-05-31', :open)"),
                {"id": n, "label": label, "open": True})
    migrate.upgrade(engine)
    with engine.connect() as connection:
        after = dict(connection.execute(text("SELECT id, label FROM assessment_year")).all())
    assert after == {1: "2027–2028", 2: "2026–2027", 3: "2028–2029", 4: "2026",
                     5: "2029-2030", 6: "2029–2030"}  # a clash stays for an administrator


def _migration():  # type: ignore[no-untyped-def]
    path = next((migrate.MIGRATIONS / "versions").glob("*_e5a7c9b1d3f6_*.py"))
    spec = importlib.util.spec_from_file_location("office_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_and_the_app_normalise_alike():
    frozen = _migration()._normalise
    expected = {"Năm học  2027 ‒ 2028": "Năm học 2027–2028", "2027": "2027"}
    for label in ["2027-2028", "2027 - 2028", "2027—2028", "Năm học  2027 ‒ 2028", "2027"]:
        assert normalise_label(label) == frozen(label) == expected.get(label, "2027–2028")
