"""Routes: Sign-up, login, consent, and a member's own data."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)
