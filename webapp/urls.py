"""Absolute links that leave the screen: QR codes, printed posters and certificates.

Behind a reverse proxy the request's own host may be an internal address, so a configured
public URL (`CDHT_PUBLIC_URL`) wins; otherwise the request's host is used.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of `endpoint` as people outside reach it."""
    public = current_app.config.get("PUBLIC_URL")
    if not public:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    script_root = request.script_root if request else ""
    if script_root and path.startswith(script_root):
        path = path[len(script_root):]
    return public.rstrip("/") + path
