"""The shared fixtures leave the app as they found it: a test that uses only `app` still reaches
the database after one that used `db_session` (pytest runs these two in this order)."""
from __future__ import annotations


def test_a_test_with_its_own_transaction(db_session):
    assert db_session.connection() is not None


def test_the_next_test_without_one_still_reads_the_database(app):
    response = app.test_client().get("/api/criteria/V@2023.1")
    assert response.status_code == 200
