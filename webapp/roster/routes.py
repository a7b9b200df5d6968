"""Routes: A unit's roster for a year, with CSV import."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("roster", __name__)
