"""The start page: where each person goes next depends on who they are."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from ..access import public

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def index() -> ResponseReturnValue:
    return render_template("main/index.html")


@bp.get("/healthz")
@public
def health() -> ResponseReturnValue:
    return {"status": "ok"}
