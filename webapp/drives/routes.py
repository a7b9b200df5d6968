"""Routes: Assessment drives: a link and a QR poster for a class or department."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("drives", __name__)
