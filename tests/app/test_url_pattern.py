"""`url_pattern` and `fill` build a list's links as `url_for` would, one URL per list."""
from __future__ import annotations

import pytest
from flask import url_for

from webapp.templating import fill, url_pattern

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
