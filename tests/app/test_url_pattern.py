"""`url_pattern` and `fill` build a list's links as `url_for` would, one URL per list."""
from __future__ import annotations

import pytest
from flask import url_for

from webapp.templating import fill, remembered_url_for, url_pattern

AWKWARD = ["10A3", "-", "10A/1 &x", "Tổ Văn+Sử", "a=b?c#d", "100%", "{}"]


@pytest.mark.parametrize("section", AWKWARD)
def test_a_query_value_is_filled_in_as_url_for_writes_it(app, section):
    with app.test_request_context("/"):
        for group in (None, "V"):
            pattern = url_pattern("review.queue", "section", unit_id=7, group=group)
            assert fill(pattern, section) == url_for("review.queue", unit_id=7, group=group, section=section)


@pytest.mark.parametrize("args", [{}, {"section": "Tổ Văn+Sử"}, {"group": "IV", "section": "-"}])
def test_an_id_in_the_path_is_filled_in_as_url_for_writes_it(app, args):
    with app.test_request_context("/"):
        pattern = url_pattern("review.review", "assessment_id", **args)
        for assessment_id in (1, 42, 918273645):
            assert fill(pattern, assessment_id) == url_for("review.review", assessment_id=assessment_id, **args)


CALLS = [("static", {"filename": "css/app.css"}), ("main.index", {}), ("review.queue", {"unit_id": 7}),
         ("review.queue", {"unit_id": 7, "section": "Tổ Văn+Sử", "group": None}),
         ("auth.login", {"next": "/assess/3?x=1"}), ("reports.index", {"_anchor": "top"}),
         ("review.queue", {"unit_id": 8, "section": ["a", "b"]})]


@pytest.mark.parametrize("root", ["", "/cdht"])
def test_remembered_links_are_what_url_for_builds_under_each_app_root(app, root):
    """Templates' `url_for` remembers links, per app root (a proxy's prefix), never mixing them."""
    for prefix in (root, "/other" + root, root):  # each root twice: built, then remembered
        with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": prefix}):
            for endpoint, values in CALLS:
                assert remembered_url_for(endpoint, **values) == url_for(endpoint, **values)
                assert remembered_url_for(endpoint, **values).startswith(prefix + "/")
