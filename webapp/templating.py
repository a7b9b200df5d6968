"""Jinja filters and globals shared by every template."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import Flask

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


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime_vn"] = format_datetime
    app.jinja_env.filters["date_vn"] = format_date
    # `{{ code|group_label }}` for members, `{{ code|group_label(appendix=True) }}` elsewhere.
    app.jinja_env.filters["group_label"] = group_label
    app.jinja_env.globals["status_text"] = status_text
    # Templates ask the same predicates as the routes: `access.can_manage_unit(current_user, unit)`.
    app.jinja_env.globals["access"] = access
