"""Routes: Certificates and public verification of a title."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certificates", __name__)
