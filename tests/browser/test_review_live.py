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


def _submitted_in(site, section: str, names: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    with site.session() as session:
        for name in names:
            number = next(_phones)
            assessment = seed_member(session, name, f"0912{number:06d}", section)
            operations.submit(session, assessment.membership.user, assessment,
                              {str(code): 8 for code in range(1, 11)}, EVIDENCE)
            ids.append(assessment.id)
        session.commit()
    return ids


def test_the_next_member_opens_without_a_full_reload(new_context, site, helpers):
    first, second = _submitted_in(site, "Tổ Địa", ["Đinh Văn Một", "Đoàn Thị Hai"])
    page = new_context(user="head").new_page()
    page.goto(f"/review/{first}?section=Tổ Địa")
    page.evaluate("window.__sameDocument = true")

    with page.expect_navigation():  # the address changes through the History API
        page.locator("[data-confirm-button]").click()
    page.wait_for_function(f"() => location.pathname === '/review/{second}'")
    assert page.locator("h1").inner_text() == "Đoàn Thị Hai"
    assert "Đã xác nhận phiếu của Đinh Văn Một." in page.locator(".flash").first.inner_text()
    assert page.evaluate("window.__sameDocument") is True  # no reload
    assert _stored(site, first).status is AssessmentStatus.CONFIRMED
    # The new form is live: its total follows the points, and "Xác nhận" stays on the screen.
    page.select_option("#points_4", "0")
    assert page.locator('#review-live [data-live="total"]').inner_text() == "72"
    page.select_option("#points_4", "8")
    box = page.locator("[data-confirm-button]").bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 800
    helpers.screenshot(page, "review-next-in-place")

    page.locator("[data-confirm-button]").click()  # the last of the class: back to the queue
    page.wait_for_function("() => location.pathname.endsWith('/queue')")
    assert page.locator("h1").inner_text() == "Phiếu chờ xác nhận"
    assert "Đã xác nhận phiếu của Đoàn Thị Hai." in page.locator(".flash").first.inner_text()
    assert page.evaluate("window.__sameDocument") is True
    assert _stored(site, second).status is AssessmentStatus.CONFIRMED

    page.go_back()  # Back shows the form confirmed a moment ago, read-only
    page.wait_for_function(f"() => location.pathname === '/review/{second}'")
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Đoàn Thị Hai'")
    assert page.locator("[data-confirm-button]").count() == 0
    assert "Phiếu đã được xác nhận." in page.locator("#main").inner_text()
