"""Routes: Manifest, service worker and offline page."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pwa", __name__)
