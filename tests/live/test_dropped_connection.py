"""A server connection that drops (a PostgreSQL restart, a proxy's idle timeout) costs no 500.

A connection that waited in the pool longer than `PING_AFTER_IDLE_SECONDS` is tested as it is
taken, and replaced if dead; one handed back a moment ago is used at once (testing every one
cost a round trip per request), and if the server dropped it meanwhile, that one request
answers 503 (try again) and the next one is served.
"""
from __future__ import annotations

import importlib
import time

import pytest
from sqlalchemy import create_engine, text

from webapp import create_app
from webapp.db import normalise_url

from .conftest import SECRET, Live

CRITERIA = "/api/criteria/V@2026.1"  # public, and read from the database


@pytest.fixture
def app(live: Live):  # type: ignore[no-untyped-def]
    """An app of its own on the live database: its pool holds only this test's connections."""
    if live.app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("a SQLite file has no connection to drop")
    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": live.app.config["DATABASE_URL"]})
    yield app
    app.extensions["cdht_db"].kw["bind"].dispose()


def _drop_the_pooled_connection(app) -> None:  # type: ignore[no-untyped-def]
    """End the server side of the app's one pooled connection, as a restart would."""
    engine = app.extensions["cdht_db"].kw["bind"]
    with engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    admin = create_engine(normalise_url(app.config["DATABASE_URL"]))
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        for _ in range(100):
            if not connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                      {"pid": backend}).scalar():
                break
            time.sleep(0.02)
    admin.dispose()


def test_a_connection_dropped_while_it_waited_is_replaced_unnoticed(app, monkeypatch):
    client = app.test_client()
    assert client.get(CRITERIA).status_code == 200
    _drop_the_pooled_connection(app)
    # It has waited long enough. (The module, not the `db` object the package exports.)
    monkeypatch.setattr(importlib.import_module("webapp.db"), "PING_AFTER_IDLE_SECONDS", 0.0)
    assert client.get(CRITERIA).status_code == 200


def test_a_connection_dropped_just_after_use_costs_one_try_again(app):
    client = app.test_client()
    assert client.get(CRITERIA).status_code == 200
    _drop_the_pooled_connection(app)
    first = client.get(CRITERIA)  # on a connection handed back a moment ago: not tested first
    assert first.status_code == 503, first.status_code
    assert first.headers["Retry-After"]  # the offline queue sends it again
    assert client.get(CRITERIA).status_code == 200
