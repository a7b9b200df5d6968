"""Main pages on a 360 px phone: accessibility (axe-core), no sideways scrolling, screenshots.

axe-core comes from the PyPI package `axe-playwright-python`, which ships `axe.min.js`
(MPL-2.0) inside the wheel: it installs with pip like the rest of the test extras, works
offline in CI, and keeps a vendored copy of a 500 KB minified file out of this repository.
"""
from __future__ import annotations

from importlib import resources

import pytest

from webapp.tokens import MEMBER_QR, make_token

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def axe_source() -> str:
    try:
        return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")
    except ModuleNotFoundError:
        pytest.skip("axe checks need the axe-playwright-python package (pip install '.[test]')")


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(content=axe_source())
    result = page.evaluate(
        "(tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } })", WCAG)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + ", ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


# (screenshot name, who is logged in, path) of the pages people meet first.
PAGES = [
    ("start-anonymous", None, "/"),
    ("login", None, "/login"),
    ("offline", None, "/offline"),
    ("start-member", "reload", "/"),
    ("form", "reload", "/assess/{reload_assessment}"),
    ("status", "review", "/assess/{review_assessment}/status"),
    ("start-head", "head", "/"),
]


@pytest.mark.parametrize("name,user,path", PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_serious_accessibility_violation(new_context, site, helpers, name, user, path):
    path = path.format(**site.ids)
    page = new_context(user=user, bypass_csp=True).new_page()
    reply = page.goto(path)
    assert reply is not None and reply.status == 200, f"{path} answered {reply and reply.status}"
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{path} scrolls sideways at 360 px"
    helpers.screenshot(page, name)
    assert serious_violations(page) == []


def test_head_opens_the_review_from_the_qr_code_on_a_phone(new_context, site, helpers):
    with site.app.app_context():  # type: ignore[attr-defined]
        token = make_token(MEMBER_QR, site.ids["review_assessment"])
    page = new_context(user="head", bypass_csp=True).new_page()
    reply = page.goto(f"/scan/{token}")
    assert reply is not None and reply.status == 200
    assert page.url.endswith(f"/review/{site.ids['review_assessment']}")
    assert "Lê Văn Cường" in page.content()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the review page scrolls sideways at 360 px"
    helpers.screenshot(page, "review-from-qr")
    assert serious_violations(page) == []
