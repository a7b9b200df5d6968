"""Routes: Manifest, service worker and offline page.

Also binds, for the whole app, response compression and the template helpers the offline
form partial (`pwa/_form_scripts.html`) uses.
"""
from __future__ import annotations

import time

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from ..access import public
from . import assets, compression

bp = Blueprint("pwa", __name__)

THEME_COLOR = "#0b5d3b"
BACKGROUND_COLOR = "#f5f7f6"
_SHELL = "cdht_pwa_shell"


@bp.record_once
def _read_shell(state: BlueprintSetupState) -> None:
    # Reading and hashing the shell's files at start: no writes, so the factory stays pure.
    state.app.extensions[_SHELL] = assets.build(state.app)  # type: ignore[arg-type]


def shell(app: Flask) -> assets.Shell:
    """The shell as read at start; re-read on every request while debugging."""
    if app.debug:
        app.extensions[_SHELL] = assets.build(app)
    return app.extensions[_SHELL]


@bp.after_app_request
def _compress(response: Response) -> Response:
    return compression.compress(request, response)


@bp.app_template_global()
def pwa_rendered_at() -> int:
    """Server time of this render in ms: the page tells a stale cached copy from a fresh one."""
    return int(time.time() * 1000)


@bp.app_template_global()
def pwa_login_url(next_path: str) -> str:
    return url_for("auth.login", next=next_path)


def _icon(name: str) -> str:
    return url_for("static", filename=f"icons/{name}")


@bp.get("/manifest.webmanifest")
@public
def manifest() -> ResponseReturnValue:
    body = {
        "name": "Công dân học tập — Tự đánh giá",
        "short_name": "CDHT",
        "description": "Tự đánh giá danh hiệu “Công dân học tập” trên điện thoại, "
                       "kể cả khi mất mạng; thủ trưởng đơn vị xác nhận kết quả.",
        "lang": "vi",
        "dir": "ltr",
        "id": "/",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": _icon("icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": _icon("icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": _icon("maskable-192.png"), "sizes": "192x192", "type": "image/png",
             "purpose": "maskable"},
            {"src": _icon("maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    response = current_app.json.response(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
@public
def service_worker() -> ResponseReturnValue:
    """The worker, from the root so its scope is the whole site; always revalidated."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    static_url = app.static_url_path or "/static"
    source = assets.render_worker(app, shell(app), static_url)
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
@public
def offline() -> ResponseReturnValue:
    """Shown by the worker when a page was never opened on this phone and there is no network."""
    return render_template("pwa/offline.html")
