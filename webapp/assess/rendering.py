"""The parts of the member's form that depend only on the criteria set, rendered once.

A stored criteria set never changes (a change is a new version with a new digest), and the
choices of its indices were half of the form page's time. So the markup of each index's
choices, for each value that can be picked, and the set's JSON for the page's scripts are
rendered on first use and reused by every later request of the process. Entries are keyed
by the set's digest (its content), so two apps or two versions never share a wrong one.
Nothing here may depend on the member or the request.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, get_template_attribute
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from criteria import CriteriaSet, Index

from ..assessments.progress import band_groups, choices

# Six shipped sets x 10 indices x 12 picks is 720; the bound only guards against surprises.
MAX_ENTRIES = 4096
_rendered: dict[tuple[str, ...], Markup] = {}


def _cached(key: tuple[str, ...], render: Any) -> Markup:
    if current_app.debug:  # templates are re-read while debugging
        return Markup(render())
    found = _rendered.get(key)
    if found is None:
        if len(_rendered) >= MAX_ENTRIES:
            _rendered.clear()
        found = _rendered[key] = Markup(render())
    return found


def index_choices(criteria_set: CriteriaSet, index: Index, picked: str | None) -> Markup:
    """The buttons or cards a member taps for `index`, with `picked` (the raw form value) checked."""
    if picked not in {str(points) for points in criteria_set.allowed_points(index.code)}:
        picked = None  # a value no button carries checks nothing, so one entry serves them all

    def render() -> str:
        whole = criteria_set.answer_kind == "points" and criteria_set.scale == "whole" and index.bands
        macro = get_template_attribute("assess/_choices.html", "index_choices")
        return macro(criteria_set, index, picked, band_groups(criteria_set, index) if whole else None,
                     choices(criteria_set, index))

    return _cached(("choices", criteria_set.digest, index.code, picked or ""), render)


def criteria_json(criteria_set: CriteriaSet) -> Markup:
    """`criteria_set.to_dict()` as JSON safe inside a `<script>` element (what `|tojson` gives)."""
    return _cached(("json", criteria_set.digest),
                   lambda: htmlsafe_json_dumps(criteria_set.to_dict(), dumps=current_app.json.dumps))
