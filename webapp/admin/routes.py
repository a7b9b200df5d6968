"""Routes: Administrators keep areas, units, years, roles and targets."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__)
