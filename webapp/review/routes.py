"""Routes: Heads confirm, return or reject assessments."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("review", __name__)
