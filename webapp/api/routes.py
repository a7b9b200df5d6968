"""Routes: JSON API used by the offline-first pages."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)
