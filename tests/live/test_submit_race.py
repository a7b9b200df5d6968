"""The same submission from two tabs at once: both get the first reply, one submit is stored.

The offline queue drops an item only on a 2xx; a 409 or 500 for a submission that was in fact
stored shows the member an error for nothing (the README promises the first reply again).
"""
from __future__ import annotations

import http.client
import json
import threading
import uuid
from urllib.parse import urlsplit

from sqlalchemy import func, select

from webapp.models import (
    AuditEvent,
)

from .conftest import ANSWERS, NOTES, Live, seed_members

PAIRS = 12


def _post(live: Live, path: str, cookie: str, body: dict) -> tuple[int, bytes]:
    parts = urlsplit(live.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("POST", path, body=json.dumps(body),
                           headers={"Content-Type": "application/json", "Cookie": cookie})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _twice_at_once(live: Live, path: str, cookie: str, body: dict) -> list[tuple[int, bytes]]:
    """The same request from two threads released together."""
    start = threading.Barrier(2)
    replies: list[tuple[int, bytes]] = []

    def tab() -> None:
        start.wait()
        replies.append(_post(live, path, cookie, body))

    tabs = [threading.Thread(target=tab) for _ in range(2)]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join()
    return replies


def test_two_tabs_sending_one_submission_both_get_the_first_reply(live: Live) -> None:
    for user_id, assessment_id in seed_members(live, PAIRS):
        body = {"answers": ANSWERS, "notes": NOTES, "client_id": str(uuid.uuid4())}
        replies = _twice_at_once(live, f"/api/assessments/{assessment_id}/submit", live.cookie(user_id), body)

        assert [status for status, _ in replies] == [200, 200], replies
        assert replies[0][1] == replies[1][1]
        assert json.loads(replies[0][1])["status"] == "submitted"
        with live.session() as session:
            submits = session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.subject_type == "assessment", AuditEvent.subject_id == assessment_id,
                AuditEvent.action == "submit"))
        assert submits == 1
