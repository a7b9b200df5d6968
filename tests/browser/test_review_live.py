"""The head's review page in a real chromium at 360×800 (issue 10): the total and the result
of the head's points change as he picks them, "Xác nhận" is on the first screen, and a result
below the title is confirmed only after a warning."""
from __future__ import annotations

import itertools

import pytest

from webapp.assessments import operations
from webapp.models import Assessment, AssessmentStatus

from .conftest import seed_member

EVIDENCE = {"2": "Lớp bồi dưỡng thường xuyên, tháng 7/2026", "3": "Hội thảo chuyên đề của trường, 3 lần"}
_phones = itertools.count(500)


@pytest.fixture
def submitted(site):  # type: ignore[no-untyped-def]
    """A new member of the seeded school who submitted 8 points on every index: the id."""
    number = next(_phones)
    with site.session() as session:
        assessment = seed_member(session, f"Học viên {number}", f"0912{number:06d}", "Tổ Sử")
        user = assessment.membership.user
        operations.submit(session, user, assessment, {str(code): 8 for code in range(1, 11)}, EVIDENCE)
        session.commit()
        return assessment.id


def _stored(site, assessment_id: int) -> Assessment:  # type: ignore[no-untyped-def]
    with site.session() as session:
        found = session.get(Assessment, assessment_id)
        session.expunge(found)
        return found


def test_the_live_total_follows_the_heads_points_and_warns_below_the_title(new_context, site, submitted, helpers):
    page = new_context(user="head").new_page()
    page.goto(f"/review/{submitted}")
    live = page.locator("#review-live")
    confirm = page.locator("[data-confirm-button]")
    assert live.locator('[data-live="total"]').inner_text() == "80"
    assert "Đạt danh hiệu" in live.inner_text()
    # Reachable without scrolling on a 360×800 phone.
    box = confirm.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 800
    assert confirm.inner_text() == "Xác nhận"

    page.select_option("#points_4", "0")
    assert live.locator('[data-live="total"]').inner_text() == "72"
    assert "Chưa đạt danh hiệu" in live.inner_text()
    assert confirm.inner_text() == "Xác nhận chưa đạt"
    helpers.screenshot(page, "review-below-title")
    box = confirm.bounding_box()  # still on screen, wherever the select scrolled the page
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 800
    page.select_option("#points_4", "8")
    assert live.locator('[data-live="total"]').inner_text() == "80"
    assert confirm.inner_text() == "Xác nhận"

    page.select_option("#points_4", "0")
    page.locator("#points_4").locator("xpath=ancestor::div[contains(@class, 'review-index')]") \
        .locator("summary").click()
    page.fill("#comment_4", "Chưa có minh chứng tham gia hoạt động")
    questions: list[str] = []

    def dismiss(dialog):  # type: ignore[no-untyped-def]
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    confirm.click()
    assert questions and "chưa đạt danh hiệu (tổng 72 điểm)" in questions[0]
    assert _stored(site, submitted).status is AssessmentStatus.SUBMITTED  # nothing was sent

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        confirm.click()
    assert "chưa đạt danh hiệu" in page.locator(".flash").first.inner_text()
    stored = _stored(site, submitted)
    assert stored.status is AssessmentStatus.CONFIRMED and stored.confirmed_achieved is False
    assert stored.head_total == 72
