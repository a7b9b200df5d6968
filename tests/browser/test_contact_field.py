"""The login field opens the phone keypad; one tap switches to the letter keyboard for email."""
from __future__ import annotations


def test_phone_keypad_first_and_a_switch_to_email(new_context, site):
    page = new_context().new_page()
    page.goto(site.url + "/login")
    field = page.locator("input[name=contact]")
    assert field.get_attribute("inputmode") == "tel"
    page.click("text=Dùng email")
    assert field.get_attribute("inputmode") == "email"
    assert page.evaluate("() => document.activeElement.name") == "contact"
    page.click("text=Dùng số điện thoại")
    assert field.get_attribute("inputmode") == "tel"
