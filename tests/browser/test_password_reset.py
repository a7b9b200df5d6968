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


def _admin(site) -> int:  # type: ignore[no-untyped-def]
    from webapp.models import Role, RoleGrant, User

    with site.session() as session:
        user = User(full_name="Quản trị Sở", phone="0900000098", password_hash="")
        user.set_password("mat-khau-quan-tri-so")
        session.add(user)
        session.flush()
        session.add(RoleGrant(user=user, role=Role.ADMIN))
        session.commit()
        site.ids["admin"] = user.id
        return user.id


def test_the_account_pages_read_well_on_a_phone(new_context, site, helpers):
    if "admin" not in site.ids:
        _admin(site)
    page = new_context(user="admin", bypass_csp=True).new_page()
    head_id = site.ids["head"]
    for name, path in [("admin-accounts", "/admin/accounts?q=Ph"), ("admin-account", f"/admin/accounts/{head_id}"),
                       ("admin-account-new", "/admin/accounts/new"),
                       ("admin-account-lock", f"/admin/accounts/{head_id}/deactivate"),
                       ("admin-account-login", f"/admin/accounts/{head_id}/login")]:
        reply = page.goto(path)
        assert reply is not None and reply.status == 200, path
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{path} scrolls sideways at 360 px"
        helpers.screenshot(page, name)
        assert serious_violations(page) == [], path
    page.goto("/admin/accounts/new")
    page.locator("#full_name").fill("Hoàng Văn Mới")
    page.locator("#contact").fill("0900 000 097")
    page.get_by_role("button", name="Tạo tài khoản").click()
    assert page.locator("svg.reset-qr").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    helpers.screenshot(page, "admin-account-created")
