"""Routes: JSON API used by the offline-first pages.

Every reply is JSON, never a redirect: anonymous → 401, not the owner → 403 (see
`webapp.security.deny`). PUT and POST carry the CSRF token in an `X-CSRFToken` header,
checked by Flask-WTF. State changes go through `webapp.assess.operations`.
"""
from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from marshmallow import ValidationError
from sqlalchemy import select

from ..assess import operations, permissions
from ..db import db
from ..errors import fail
from ..models import Assessment, CriteriaVersion
from ..security import ensure
from .schemas import AnswersSchema, AssessmentSchema, SubmitSchema, SubmittedSchema, first_message

bp = Blueprint("api", __name__)

UNPROCESSABLE = "Dữ liệu chưa hợp lệ"


@bp.get("/csrf")
def csrf_token():
    """A fresh CSRF token for the page's next PUT/POST (the queue never stores one)."""
    ensure(current_user.is_authenticated)
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/criteria/<key>")
def criteria(key: str):
    """A stored criteria set; public, since criteria are not personal data."""
    version = db.session.scalar(select(CriteriaVersion).where(CriteriaVersion.key == key))
    if version is None:
        abort(404)
    return jsonify(version.body)


@bp.get("/assessments/<int:assessment_id>")
def assessment(assessment_id: int):
    a = _own_assessment(assessment_id)
    response = jsonify(AssessmentSchema().dump(a))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.put("/assessments/<int:assessment_id>/draft")
def save_draft(assessment_id: int):
    a = _own_assessment(assessment_id, edit=True)
    data = _load(AnswersSchema())
    try:
        operations.save_draft(db.session, current_user, a, data["answers"], data["notes"])
    except operations.OperationError as error:
        _refuse(error)
    # Server time of the save: the page compares it with the render time of a cached copy.
    return jsonify(status=a.status.value, version=a.version, saved_at=int(time.time() * 1000))


@bp.post("/assessments/<int:assessment_id>/submit")
def submit(assessment_id: int):
    a = _own_assessment(assessment_id, edit=True)
    data = _load(SubmitSchema())
    client_id = str(data["client_id"])
    if a.client_id == client_id:
        # The same submission replayed from the phone's queue: the same reply, no change.
        return jsonify(_submitted(a))
    other = operations.find_by_client_id(db.session, client_id)
    if other is not None:
        fail(409, "Mã lần gửi này đã dùng cho một phiếu khác. Vui lòng tải lại trang và gửi lại.",
             "Dữ liệu đã thay đổi")
    try:
        operations.submit(db.session, current_user, a, data["answers"], data["notes"], client_id)
    except operations.OperationError as error:
        _refuse(error)
    return jsonify(_submitted(a))


def _own_assessment(assessment_id: int, edit: bool = False) -> Assessment:
    # Anonymous first, so a stranger cannot probe which ids exist.
    ensure(current_user.is_authenticated)
    a = db.session.get(Assessment, assessment_id)
    if a is None:
        abort(404)
    ensure(permissions.can_edit(current_user, a) if edit else permissions.is_owner(current_user, a))
    return a


def _load(schema: Any) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        fail(422, "Dữ liệu gửi lên không đúng định dạng.", UNPROCESSABLE)
    try:
        return schema.load(body)
    except ValidationError as error:
        response = jsonify(error=UNPROCESSABLE, message=first_message(error.messages),
                           fields=error.messages)
        response.status_code = 422
        abort(response)


def _refuse(error: operations.OperationError) -> None:
    """409 when the assessment moved on (the head acted); 422 for answers that cannot be taken."""
    if isinstance(error, operations.Conflict):
        fail(409, error.message, "Dữ liệu đã thay đổi")
    fail(422, error.message, UNPROCESSABLE)


def _submitted(a: Assessment) -> dict[str, Any]:
    return SubmittedSchema().dump({
        "id": a.id, "self_total": a.self_total, "self_achieved": a.self_achieved,
        "status_url": url_for("assess.status", assessment_id=a.id),
    })
