"""The roster pages a head uses on a 360 px phone: search form, counts, a 1,000-row import preview."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.browser.test_pwa_pages import NO_SIDEWAYS_SCROLL, serious_violations


def _unit_id(site) -> int:  # type: ignore[no-untyped-def]
    from webapp.models import Unit

    with site.session() as session:
        return session.scalar(select(Unit.id).where(Unit.code == "THPT-LQD"))


def test_roster_page_on_a_phone(new_context, site, helpers):  # type: ignore[no-untyped-def]
    page = new_context(user="head", bypass_csp=True).new_page()
    reply = page.goto(f"/units/{_unit_id(site)}/roster")
    assert reply is not None and reply.status == 200
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.fill("#filter-q", "nguyen van")
    page.click("button:has-text('Xem')")
    assert page.locator(".roster-list strong").all_inner_texts() == ["Nguyễn Văn An"]
    helpers.screenshot(page, "roster-search")
    assert serious_violations(page) == []


def test_a_thousand_row_preview_is_short_and_its_confirm_button_in_reach(new_context, site, helpers, tmp_path: Path):  # type: ignore[no-untyped-def]
    rows = "".join(f"Học Sinh Số {n},09060{n:05d},V,10A{n % 9 + 1}\n" for n in range(1000))
    upload = tmp_path / "danh-sach.csv"
    upload.write_text("Họ và tên,Số điện thoại,Nhóm,Lớp\nSai Số,123,V,10A1\n" + rows, encoding="utf-8")
    page = new_context(user="head", bypass_csp=True).new_page()
    page.goto(f"/units/{_unit_id(site)}/roster/import")
    page.set_input_files("input[type=file]", str(upload))
    page.click("button:has-text('Xem trước')")
    page.wait_for_selector("text=Xem trước danh sách")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 3000, height  # was about 94,000 px
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    box = page.locator("button:has-text('Xác nhận nhập')").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800  # visible without scrolling
    helpers.screenshot(page, "roster-import-preview")
    assert serious_violations(page) == []


def test_rollover_on_a_phone(new_context, site, helpers):  # type: ignore[no-untyped-def]
    """Last year's 10A1 and 12A1 carried into the seeded open year, then taken out again."""
    from datetime import date

    from webapp.models import AssessmentYear, Membership, YearKind

    unit_id = _unit_id(site)
    with site.session() as session:
        last = AssessmentYear(label="2025", kind=YearKind.STAFF, is_open=False,
                              starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
        session.add(last)
        session.flush()
        session.add_all(Membership(unit_id=unit_id, year_id=last.id, full_name=f"Học Sinh {n}",
                                   contact=f"09070{n:05d}", appendix="V", section=("10A1", "12A1")[n % 2])
                        for n in range(6))
        session.commit()
        last_id = last.id
    try:
        page = new_context(user="head", bypass_csp=True).new_page()
        reply = page.goto(f"/units/{unit_id}/roster/rollover")
        assert reply is not None and reply.status == 200
        assert page.input_value("#to-0") == "11A1" and not page.is_checked("input[name=keep-1]")
        page.click("button:has-text('Xem trước')")
        page.wait_for_selector("text=Xác nhận chuyển 3 người")
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        helpers.screenshot(page, "roster-rollover")
        assert serious_violations(page) == []
    finally:
        with site.session() as session:
            session.query(Membership).filter(Membership.year_id == last_id).delete()
            session.query(AssessmentYear).filter(AssessmentYear.id == last_id).delete()
            session.commit()
