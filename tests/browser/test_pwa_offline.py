"""The installable, offline-first form in a real chromium: worker, reload offline, queue."""
from __future__ import annotations

from sqlalchemy import func, select

from webapp.models import Assessment, AssessmentStatus, AuditEvent

CHOOSE = """([code, points]) => {
  const radio = document.querySelector(`input[name="answer-${code}"][value="${points}"]`);
  radio.checked = true;
  radio.dispatchEvent(new Event("change", { bubbles: true }));
}"""
# Any page of the app can load the store module (the status page does not by itself).
QUEUE = """async () => {
  if (!self.CDHTStore) await import("/static/js/store.js");
  return self.CDHTStore.queued();
}"""


def choose(page, code: str, points: int) -> None:  # type: ignore[no-untyped-def]
    """Pick a level; steps other than the visible one are set as a tap would set them."""
    radio = page.locator(f'input[name="answer-{code}"][value="{points}"]')
    if radio.is_visible():
        radio.check()
    else:
        page.evaluate(CHOOSE, [code, points])


def open_form(context, site, key: str):  # type: ignore[no-untyped-def]
    """Open the start page (the worker installs), then the form under the worker's control."""
    page = context.new_page()
    page.goto("/")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.goto(f"/assess/{site.ids[key + '_assessment']}")
    page.wait_for_selector("#assessment-form")
    return page


def submit_events(site, assessment_id: int) -> int:
    with site.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.subject_type == "assessment", AuditEvent.subject_id == assessment_id,
            AuditEvent.action == "submit"))


def test_start_page_is_installable(profile, helpers):
    page = profile.new_page()
    page.goto("/")
    helpers.wait_for_worker(page)
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert not manifest.get("errors")
    helpers.screenshot(page, "start-anonymous")


def test_shell_is_served_by_the_worker_without_network(new_context, site):
    context = new_context(user="reload")
    page = open_form(context, site, "reload")
    # The start page came before the worker: the worker fetched a copy of it afterwards.
    page.wait_for_function("async () => Boolean(await caches.match(location.origin + '/'))")
    context.set_offline(True)
    page.goto("/")  # visited once with the worker: comes from its cache
    assert "Xin chào, Nguyễn Văn An" in page.content()
    assert page.evaluate("() => getComputedStyle(document.body).display") == "flex"  # CSS cached
    page.goto("/units/999/never-visited")
    assert "Không có kết nối mạng" in page.content()
    context.set_offline(False)


def test_reload_offline_keeps_the_answers(new_context, site):
    context = new_context(user="reload")
    page = open_form(context, site, "reload")
    choose(page, "1", 8)
    choose(page, "6", 10)
    page.fill("#note-1", "Đọc báo mỗi sáng")
    page.wait_for_function("() => document.getElementById('offline-status').textContent.includes('Đã lưu')")
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#assessment-form")
    page.wait_for_function(
        "() => document.querySelector('input[name=\"answer-6\"][value=\"10\"]').checked")
    assert page.is_checked('input[name="answer-1"][value="8"]')
    assert page.input_value("#note-1") == "Đọc báo mỗi sáng"
    context.set_offline(False)


def test_offline_submission_is_sent_once(new_context, site, helpers):
    assessment_id = site.ids["offline_assessment"]
    context = new_context(user="offline")
    page = open_form(context, site, "offline")
    context.set_offline(True)
    for code in range(1, 11):
        choose(page, str(code), 8)
    page.fill("#note-2", "Lớp bồi dưỡng thường xuyên, tháng 7/2026")  # 2026.1 asks evidence for 2 and 3
    page.fill("#note-3", "Hội thảo chuyên đề của trường, 3 lần")
    page.click('button[name="action"][value="save"]')
    page.wait_for_function(
        "() => document.getElementById('offline-status').textContent.includes('đã lưu trên máy')")
    page.click('button[name="action"][value="submit"]')
    page.locator("#queue-banner").wait_for(state="visible")  # queued: the form is locked under a banner
    helpers.screenshot(page, "form-waiting-offline")
    queued = page.evaluate(QUEUE)
    assert len(queued) == 1
    item = queued[0]
    assert set(item) >= {"client_id", "assessment_id", "answers", "notes", "queued_at"}
    assert not any("csrf" in key.lower() or "token" in key.lower() for key in item)
    with site.session() as session:
        assert session.get(Assessment, assessment_id).status is AssessmentStatus.DRAFT

    with page.expect_navigation(url=f"**/assess/{assessment_id}/status"):
        context.set_offline(False)  # fires `online`: the page replays its queue
    assert page.evaluate(QUEUE) == []
    with site.session() as session:
        a = session.get(Assessment, assessment_id)
        assert a.status is AssessmentStatus.SUBMITTED
        assert a.client_id == item["client_id"]
        assert a.self_total == 80
    assert submit_events(site, assessment_id) == 1

    # The same queue item replayed again (a lost reply, another tab): nothing new happens.
    results = page.evaluate("""async (item) => {
        if (!self.CDHTStore) await import("/static/js/store.js");
        await self.CDHTStore.putQueued(item);
        return self.CDHTStore.replay({ force: true });
    }""", item)
    assert [r["kind"] for r in results] == ["sent"]
    assert results[0]["body"]["assessment_id"] == assessment_id
    assert submit_events(site, assessment_id) == 1
    helpers.screenshot(page, "status-after-submit")


FIRST_VISIT_BUDGET = 100 * 1024


def test_form_first_visit_fits_the_budget_and_repeat_visit_uses_the_worker(new_context, site):
    context = new_context(user="reload")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    from_worker: set[str] = set()
    urls: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: (
        urls.__setitem__(e["requestId"], e["response"]["url"]),
        from_worker.add(e["requestId"]) if e["response"].get("fromServiceWorker") else None))
    cdp.on("Network.loadingFinished",
           lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    form_url = f"/assess/{site.ids['reload_assessment']}"
    page.goto(form_url, wait_until="networkidle")
    first = sum(sizes.values())
    assert 0 < first <= FIRST_VISIT_BUDGET, f"first visit transferred {first} bytes"

    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    sizes.clear()
    from_worker.clear()
    page.goto(form_url, wait_until="networkidle")
    static = [rid for rid, url in urls.items() if "/static/" in url and rid in sizes]
    assert static, "the repeat visit loaded no static file"
    assert all(rid in from_worker for rid in static), "static files came from the network"


def test_new_version_waits_until_the_member_reloads(new_context, site):
    from dataclasses import replace

    context = new_context(user="reload")
    page = open_form(context, site, "reload")
    choose(page, "2", 5)
    old = page.evaluate("""() => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => resolve(event.data.version);
        navigator.serviceWorker.controller.postMessage({ type: "VERSION" }, [channel.port2]);
    })""")
    shell = site.app.extensions["cdht_pwa_shell"]
    site.app.extensions["cdht_pwa_shell"] = replace(shell, version="new" + shell.version[3:])
    try:
        page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
        banner = page.locator("#update-banner")
        banner.wait_for(state="visible")
        assert "Có phiên bản mới" in banner.inner_text()
        # Not swapped under the member: the old worker still controls, the answer is there.
        assert page.is_checked('input[name="answer-2"][value="5"]')
        with page.expect_navigation():
            banner.get_by_role("button", name="Tải lại").click()
        page.wait_for_selector("#assessment-form")
        new = page.evaluate("""() => new Promise((resolve) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = (event) => resolve(event.data.version);
            navigator.serviceWorker.controller.postMessage({ type: "VERSION" }, [channel.port2]);
        })""")
        assert old == shell.version and new.startswith("new")
        page.wait_for_function(
            """() => document.querySelector('input[name="answer-2"][value="5"]').checked""")
        names = page.evaluate("() => caches.keys()")
        assert f"cdht-shell-{old}" not in names  # the old version's cache is gone
    finally:
        site.app.extensions["cdht_pwa_shell"] = shell
