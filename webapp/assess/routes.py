"""Routes: The member's self-assessment journey."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("assess", __name__)
