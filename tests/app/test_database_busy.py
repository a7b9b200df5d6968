"""The embedded database held by another writer past the busy timeout: 503, try again, never 500."""
from __future__ import annotations

import sqlite3


def test_a_write_that_cannot_get_the_lock_is_a_503_that_changes_nothing(busy_site):
    app, path, (cookie_id, assessment_id) = busy_site
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = cookie_id
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        api = client.put(f"/api/assessments/{assessment_id}/draft", json={"answers": {"1": 5}})
        page = client.post(f"/assess/{assessment_id}", data={"answer-1": "5", "action": "save"})
    finally:
        holder.rollback()
        holder.close()
    assert api.status_code == 503 and api.headers["Retry-After"] == "2"
    assert api.get_json()["error"] == "Hệ thống đang bận"
    assert page.status_code == 503
    assert "Vui lòng thử lại sau ít giây" in page.get_data(as_text=True)
    assert client.get(f"/api/assessments/{assessment_id}").get_json()["answers"]["1"] == 8
    # Once the other writer is done, the same request goes through.
    assert client.put(f"/api/assessments/{assessment_id}/draft", json={"answers": {"1": 5}}).status_code == 200
