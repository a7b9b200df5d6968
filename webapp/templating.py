"""Jinja filters and globals shared by every template."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote_plus

from flask import Flask, current_app, has_request_context, request, url_for

from . import access
from .groups import group_label
from .models.assessments import status_text
from .models.base import as_utc

# Vietnam keeps UTC+7 all year (no daylight saving), so no time-zone database is needed.
VIETNAM = timezone(timedelta(hours=7), "ICT")


def format_datetime(moment: datetime | None) -> str:
    """Vietnamese style: 14:05 22/11/2026, in Vietnam's time zone."""
    if moment is None:
        return ""
    return as_utc(moment).astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def format_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


# Stands for the value `fill` puts in: a number, so any converter and the query string keep it
# as it is; no id or filter value is ever this one.
_SLOT = "918273645546372819"
# What Werkzeug leaves unquoted in a query value (`werkzeug.urls._urlencode`).
_QUERY_SAFE = "!$'()*,/:;?@"


def url_pattern(endpoint: str, slot: str, **values: Any) -> str:
    """`url_for` once for a list's links that differ only in `slot` (an int id in the path,
    or a query value); `fill` gives each row's. A queue page of 50 forms built 50 URLs,
    a third of its rendering."""
    return url_for(endpoint, **{**values, slot: _SLOT})


def fill(pattern: str, value: object) -> str:
    """The URL of `url_pattern` with `value` in the slot, quoted as `url_for` quotes a query value
    (an int comes out as it is)."""
    return pattern.replace(_SLOT, quote_plus(str(value), safe=_QUERY_SAFE), 1)


# Links every page builds again and again: the menu's, the assets', the form's own. Flask's
# `url_for` took ~6 us each, 16-18 a page (~0.1 ms, 5% of a member's form page); the same
# endpoint and values under the same app root always give the same path in one app.
_BUILT = "cdht_built_urls"  # app.extensions key: each app its own (tests run several)
REMEMBERED_URLS = 2048  # per app and process; forgotten all at once when full


def remembered_url_for(endpoint: str, **values: Any) -> str:
    """Templates' `url_for`: Flask's, remembered per app root (a proxy may set one per
    request). Relative endpoints and `_external`-style options are built each time."""
    if endpoint.startswith(".") or not has_request_context() or any(name[:1] == "_" for name in values):
        return url_for(endpoint, **values)
    built: dict[tuple[Any, ...], str] = current_app.extensions[_BUILT]
    key = (request.script_root, endpoint, *sorted(values.items()))
    try:
        return built[key]
    except KeyError:
        pass
    except TypeError:  # a list or dict among the values
        return url_for(endpoint, **values)
    if len(built) >= REMEMBERED_URLS:
        built.clear()
    url = built[key] = url_for(endpoint, **values)
    return url


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime_vn"] = format_datetime
    app.jinja_env.filters["date_vn"] = format_date
    # `{{ code|group_label }}` for members, `{{ code|group_label(appendix=True) }}` elsewhere.
    app.jinja_env.filters["group_label"] = group_label
    app.jinja_env.globals["status_text"] = status_text
    app.jinja_env.globals["url_pattern"] = url_pattern
    app.jinja_env.globals["url_for"] = remembered_url_for
    app.extensions[_BUILT] = {}
    app.jinja_env.filters["fill"] = fill
    # Templates ask the same predicates as the routes: `access.can_manage_unit(current_user, unit)`.
    app.jinja_env.globals["access"] = access
