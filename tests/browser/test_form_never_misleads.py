"""The member's form never misleads (issue 11, item 10), in a real chromium at 360×800.

Each test makes its own member, so the order of tests does not matter.
"""
from __future__ import annotations

import itertools

import pytest

from webapp.assessments import operations
from webapp.models import Assessment, AssessmentStatus, User

from .conftest import seed_member
from .test_pwa_offline import QUEUE, choose, open_form

EVIDENCE = {"2": "Lớp bồi dưỡng thường xuyên, tháng 7/2026", "3": "Hội thảo chuyên đề của trường, 3 lần"}
_phones = itertools.count(100)


@pytest.fixture
def member(site):  # type: ignore[no-untyped-def]
    """member(answers=None, notes=None, submit=False, return_comments=None) -> key in site.ids."""

    def _make(answers=None, notes=None, submit=False, return_comments=None):  # type: ignore[no-untyped-def]
        number = next(_phones)
        key = f"form{number}"
        with site.session() as session:
            assessment = seed_member(session, f"Thành viên {number}", f"0911{number:06d}", "Tổ Văn")
            user = assessment.membership.user
            if submit or return_comments:
                operations.submit(session, user, assessment, answers, notes or EVIDENCE)
            elif answers:
                operations.save_draft(session, user, assessment, answers, notes or {})
            if return_comments:
                head = session.get(User, site.ids["head"])
                operations.return_for_correction(session, head, assessment, assessment.version,
                                                 return_comments, "Xem lại chỉ số 7")
            session.commit()
            site.ids[key] = user.id
            site.ids[f"{key}_assessment"] = assessment.id
        return key

    return _make


def stored(site, key: str) -> Assessment:  # type: ignore[no-untyped-def]
    with site.session() as session:
        a = session.get(Assessment, site.ids[f"{key}_assessment"])
        session.expunge(a)
        return a


def answer_all(page, points: int = 8) -> None:  # type: ignore[no-untyped-def]
    for code in range(1, 11):
        choose(page, str(code), points)
    for code, text in EVIDENCE.items():
        page.evaluate("([code, text]) => { const a = document.getElementById(`note-${code}`); "
                      "a.value = text; a.dispatchEvent(new Event('input', { bubbles: true })); }",
                      [code, text])


# The tab that sent the form goes to the status page; another tab says the form was sent.
SENT_SHOWN = """() => location.pathname.endsWith("/status") || (document.querySelector('[data-message="status"]')
    || {}).textContent?.includes("Phiếu đã được gửi")"""


def message(page, place: str):  # type: ignore[no-untyped-def]
    return page.locator(f'#offline-status [data-message="{place}"]')


def test_queued_submission_locks_the_form_and_sua_lai_withdraws_it(new_context, site, member, helpers):
    key = member()
    context = new_context(user=key)
    page = open_form(context, site, key)
    context.set_offline(True)
    answer_all(page, 8)
    page.click('button[name="action"][value="submit"]')

    banner = page.locator("#queue-banner")
    banner.wait_for(state="visible")
    assert "Đã xếp hàng gửi — sẽ tự gửi khi có mạng" in banner.inner_text()
    assert page.locator('input[name="answer-1"][value="8"]').is_disabled()
    assert page.locator("#note-1").is_disabled()
    assert not page.locator('button[name="action"][value="submit"]').is_visible()
    helpers.screenshot(page, "form-queued-locked")

    # Persistent: a reload (offline, from the worker's copy) shows the lock again, not a form
    # that looks editable.
    page.reload()
    banner.wait_for(state="visible")
    assert page.locator('input[name="answer-1"][value="8"]').is_disabled()
    assert page.is_checked('input[name="answer-1"][value="8"]')
    page.evaluate(QUEUE.replace("return self.CDHTStore.queued()",
                                "return self.CDHTStore.replay({ force: false })"))  # after the page's replay
    assert banner.is_visible()
    assert len(page.evaluate(QUEUE)) == 1

    # "Sửa lại" takes the submission out of the queue and unlocks the form.
    banner.get_by_role("button", name="Sửa lại").click()
    banner.wait_for(state="hidden")
    assert page.evaluate(QUEUE) == []
    assert not page.locator('input[name="answer-1"][value="10"]').is_disabled()
    choose(page, "1", 10)
    page.click('button[name="action"][value="submit"]')
    banner.wait_for(state="visible")
    queued = page.evaluate(QUEUE)
    assert len(queued) == 1 and queued[0]["answers"]["1"] == 10

    with page.expect_navigation(url="**/status"):
        context.set_offline(False)
    a = stored(site, key)
    assert a.status is AssessmentStatus.SUBMITTED
    assert a.self_total == 82  # the edit made after "Sửa lại" is what the server holds


def test_a_second_tab_locks_when_the_form_is_queued_in_another(new_context, site, member):
    key = member()
    context = new_context(user=key)
    first = open_form(context, site, key)
    second = context.new_page()
    second.goto(f"/assess/{site.ids[key + '_assessment']}")
    second.wait_for_selector("#assessment-form.stepped")
    context.set_offline(True)
    answer_all(first, 8)
    first.click('button[name="action"][value="submit"]')
    first.locator("#queue-banner").wait_for(state="visible")

    # The member comes back to the other tab: it shows the queued answers, locked.
    second.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    second.locator("#queue-banner").wait_for(state="visible")
    assert second.is_checked('input[name="answer-10"][value="8"]')
    assert second.locator('input[name="answer-10"][value="8"]').is_disabled()
    context.set_offline(False)  # both tabs replay; one sends it, the other learns it was sent
    for page in (first, second):
        page.wait_for_function(SENT_SHOWN, polling=200)
        assert "Đã xếp hàng gửi" not in page.locator("main").inner_text()
    assert stored(site, key).status is AssessmentStatus.SUBMITTED


def test_an_error_and_the_login_message_stay_while_autosave_reports(new_context, site, member):
    key = member()
    context = new_context(user=key)
    page = open_form(context, site, key)
    choose(page, "1", 8)
    page.click('button[name="action"][value="submit"]')
    error = message(page, "error")
    error.wait_for(state="visible")
    assert "Còn chỉ số chưa chọn mức" in error.inner_text()

    choose(page, "2", 7)
    autosave = message(page, "autosave")
    page.wait_for_function(
        """() => document.querySelector('[data-message="autosave"]').textContent.includes("Đã lưu lên máy chủ")""")
    assert error.is_visible() and "Còn chỉ số chưa chọn mức" in error.inner_text()
    assert "2" not in error.inner_text().split(":")[1].split(".")[0].split(", ")  # answered now

    # The session ends: the next save asks to log in again, and later saves keep that message.
    context.clear_cookies()
    choose(page, "3", 6)
    page.wait_for_function(
        """() => document.querySelector('[data-message="error"]').textContent.includes("Phiên đăng nhập đã hết")""")
    page.evaluate("""() => { document.querySelector('[data-message="autosave"]').textContent = ""; }""")
    choose(page, "4", 9)
    page.wait_for_function(
        """() => document.querySelector('[data-message="autosave"]').textContent.includes("Đã lưu trên máy")""")
    assert "Phiên đăng nhập đã hết" in error.inner_text()
    assert autosave.is_visible()


def test_back_after_submitting_shows_the_submitted_state(new_context, site, member):
    key = member()
    context = new_context(user=key)
    page = open_form(context, site, key)
    answer_all(page, 8)
    with page.expect_navigation(url="**/status"):
        page.click('button[name="action"][value="submit"]')
    assert stored(site, key).status is AssessmentStatus.SUBMITTED

    page.go_back()
    page.wait_for_function("""() => !document.getElementById("assessment-form") ||
        document.querySelector('[data-message="status"]').textContent.includes("Phiếu đã được gửi")""")
    text = page.locator("main").inner_text()
    assert "Bản nháp" not in text
    assert "Đã gửi, chờ xác nhận" in text
    if page.locator("#assessment-form").count():
        assert page.locator('[data-live="total"]').inner_text() == "80"
        assert page.locator('input[name="answer-1"][value="8"]').is_disabled()


def test_back_offline_after_submitting_shows_the_submitted_state(new_context, site, member):
    """Offline, Back gives the worker's copy of the form from before sending: it says it was sent."""
    key = member()
    context = new_context(user=key)
    page = open_form(context, site, key)
    answer_all(page, 8)
    with page.expect_navigation(url="**/status"):
        page.click('button[name="action"][value="submit"]')
    context.set_offline(True)
    page.go_back()
    page.wait_for_selector("#assessment-form")
    page.wait_for_function(
        """() => document.querySelector('[data-message="status"]').textContent.includes("Phiếu đã được gửi")""")
    assert page.locator("[data-status-badge]").inner_text() == "Đã gửi"
    assert page.locator('[data-live="total"]').inner_text() == "80"
    assert page.locator('input[name="answer-1"][value="8"]').is_disabled()
    assert not page.locator('button[name="action"][value="submit"]').is_visible()
    context.set_offline(False)


@pytest.fixture
def bfcache_context(playwright, site):  # type: ignore[no-untyped-def]
    """A browser that keeps pages for Back (Playwright turns the back/forward cache off by default)."""
    from .conftest import CHROMIUM, LAUNCH_ARGS, PHONE

    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS,
                                         ignore_default_args=["--disable-back-forward-cache"])
    context = browser.new_context(base_url=site.url, viewport=PHONE, locale="vi-VN")
    context.set_default_timeout(15_000)
    yield context
    context.close()
    browser.close()


def test_back_to_a_page_kept_in_memory_rechecks_the_status(bfcache_context, site, member):
    """The page comes back from the back/forward cache: `pageshow` asks the server."""
    key = member()
    context = bfcache_context
    context.add_cookies([site.cookie_for(site.ids[key])])
    page = context.new_page()
    page.goto(f"/assess/{site.ids[key + '_assessment']}")
    page.wait_for_selector("#assessment-form.stepped")
    answer_all(page, 8)
    page.wait_for_function(
        """() => document.querySelector('[data-message="autosave"]').textContent.includes("Đã lưu lên máy chủ")""")
    page.evaluate("() => { window.cdhtKept = true; }")
    page.goto("/")
    with site.session() as session:  # sent meanwhile (another tab, the worker's replay)
        a = session.get(Assessment, site.ids[f"{key}_assessment"])
        user = session.get(User, site.ids[key])
        operations.submit(session, user, a, None, None)
        session.commit()
    page.go_back(wait_until="commit")  # a page restored from memory fires no new "load"
    page.wait_for_selector("#assessment-form")
    assert page.evaluate("() => window.cdhtKept === true"), "the page was not kept for Back"
    page.wait_for_function(
        """() => document.querySelector('[data-message="status"]').textContent.includes("Phiếu đã được gửi")""")
    assert page.locator("[data-status-badge]").inner_text() == "Đã gửi, chờ xác nhận"
    assert page.locator('input[name="answer-1"][value="8"]').is_disabled()
    assert not page.locator('button[name="action"][value="submit"]').is_visible()


def test_first_index_is_on_the_first_screen(new_context, site, member, helpers):
    key = member()
    context = new_context(user=key)
    page = context.new_page()
    page.goto(f"/assess/{site.ids[key + '_assessment']}")
    page.wait_for_selector("#assessment-form.stepped")
    helpers.screenshot(page, "form-first-screen")
    title = page.locator("#index-1 legend").bounding_box()
    first_choice = page.locator('#index-1 input[name="answer-1"]').first.bounding_box()
    assert title and first_choice
    assert title["y"] + title["height"] <= 800
    assert first_choice["y"] + first_choice["height"] <= 800
    # The folded note is still there for whoever opens it.
    page.locator(".about-criteria summary").click()
    assert page.locator(".about-criteria .verification").is_visible()


def test_a_draft_reopens_where_work_stopped(new_context, site, member):
    key = member(answers={str(c): 8 for c in range(1, 9)}, notes=EVIDENCE)  # criteria I and II done
    context = new_context(user=key)
    page = context.new_page()
    url = f"/assess/{site.ids[key + '_assessment']}"
    page.goto(url)
    page.wait_for_selector("#assessment-form.stepped")
    assert page.locator("#step-III").is_visible()
    assert not page.locator("#step-I").is_visible()

    # Back to criterion II, then the member leaves: the form reopens there.
    page.locator("#step-III [data-step-back]").click()
    assert page.locator("#step-II").is_visible()
    page.goto("/")
    page.goto(url)
    page.wait_for_selector("#assessment-form.stepped")
    assert page.locator("#step-II").is_visible()
    assert not page.locator("#step-III").is_visible()


def test_a_returned_form_opens_at_the_first_commented_index(new_context, site, member):
    key = member(answers={str(c): 8 for c in range(1, 11)},
                 return_comments={"7": "Ghi rõ việc đã làm để cải tiến công việc."})
    context = new_context(user=key)
    page = context.new_page()
    page.goto(f"/assess/{site.ids[key + '_assessment']}")
    page.wait_for_selector("#assessment-form.stepped")
    assert page.locator("#step-II").is_visible()
    comment = page.locator("#index-7 .head-comment")
    assert "Ghi rõ việc đã làm" in comment.inner_text()
    box = page.locator("#index-7 legend").bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= 800


def test_scores_are_picked_by_band_in_one_tap(new_context, site, member, helpers):
    key = member()
    context = new_context(user=key)
    page = context.new_page()
    page.goto(f"/assess/{site.ids[key + '_assessment']}")
    page.wait_for_selector("#assessment-form.stepped")
    bands = page.locator("#index-1 .band")
    assert bands.count() == 4
    assert [bands.nth(i).locator(".band-label").inner_text() for i in range(4)] == ["Chưa đạt", "Đạt", "Khá", "Tốt"]
    values = page.eval_on_selector_all('input[name="answer-1"]', "els => els.map(e => Number(e.value))")
    assert values == list(range(11))
    for button in page.locator("#index-1 .point-button").all():
        box = button.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

    page.locator("#index-1 .point-button", has_text="7").click()  # one tap
    assert page.is_checked('input[name="answer-1"][value="7"]')
    page.wait_for_function("() => document.querySelector('[data-live=\"total\"]').textContent === '7'")
    helpers.screenshot(page, "form-bands")
