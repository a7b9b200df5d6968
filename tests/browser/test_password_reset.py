"""A member who forgot the password gets back in through the head, on two 360 px phones."""
from __future__ import annotations

from tests.browser.test_pwa_pages import NO_SIDEWAYS_SCROLL, serious_violations

NEW_PASSWORD = "cay-bang-truoc-cong"


def _member_on_roster(site) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """A member of the head's unit, added for this test only; (unit id, name)."""
    from sqlalchemy import select

    from webapp.models import Membership, Unit, User

    with site.session() as session:
        unit = session.scalars(select(Unit).where(Unit.code == "THPT-LQD")).one()
        line = session.scalars(select(Membership).where(Membership.unit_id == unit.id)).first()
        user = User(full_name="Đặng Thị Quên", phone="0900000099", password_hash="")
        user.set_password("mat-khau-da-quen-mat")
        session.add(user)
        session.flush()
        session.add(Membership(unit=unit, year_id=line.year_id, user=user, appendix="IV",
                               contact=user.phone, full_name=user.full_name))
        session.commit()
        return unit.id, user.full_name


def test_the_head_shows_a_qr_and_the_member_sets_a_new_password(new_context, site, helpers):
    unit_id, name = _member_on_roster(site)
    head = new_context(user="head", bypass_csp=True).new_page()
    head.goto(f"/units/{unit_id}/roster")
    head.get_by_role("link", name=f"Đặt lại mật khẩu cho {name}").click()
    head.get_by_role("button", name="Tạo đường dẫn và mã QR").click()
    qr = head.locator("svg.reset-qr")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 250, "the QR is big enough to scan from another phone"
    assert head.evaluate(NO_SIDEWAYS_SCROLL), "the QR page scrolls sideways at 360 px"
    helpers.screenshot(head, "reset-qr-on-head-phone")
    assert serious_violations(head) == []
    link = head.locator(".reset-link a").inner_text()

    member = new_context().new_page()
    member.goto(link)
    assert name in member.content()
    assert member.evaluate(NO_SIDEWAYS_SCROLL)
    member.locator("#password").fill(NEW_PASSWORD)
    member.locator("#password_repeat").fill(NEW_PASSWORD)
    member.get_by_role("button", name="Lưu mật khẩu và đăng nhập").click()
    member.wait_for_url(site.url + "/")
    assert "Đã đặt mật khẩu mới" in member.content()
    # The same link, opened again, is spent.
    again = new_context().new_page()
    reply = again.goto(link)
    assert reply is not None and reply.status == 404
    assert "không dùng được nữa" in again.content()
