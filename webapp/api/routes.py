"""Routes: JSON API used by the offline-first pages.

Every reply is JSON, never a redirect: anonymous → 401, not the owner → 403 (see
`webapp.access.deny`). PUT and POST carry the CSRF token in an `X-CSRFToken` header,
checked by Flask-WTF. State changes go through `webapp.assessments.operations`.
"""
from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from marshmallow import Schema, ValidationError
from sqlalchemy import select

from .. import criteria_store
from ..access import allow, owns, owns_record, public, signed_in
from ..assessments import operations, records
from ..assessments.queries import ASSESSMENT_PAGE
from ..assessments.records import AssessmentRecord
from ..db import db, reads_first
from ..errors import DomainError, fail
from ..models import Assessment, CriteriaVersion
from .schemas import OBJECT_MESSAGE, AnswersSchema, AssessmentSchema, SubmitSchema, SubmittedSchema, first_message

bp = Blueprint("api", __name__)

UNPROCESSABLE = "Dữ liệu chưa hợp lệ"
# Built once: a schema holds no per-request state, and building one cost more than using it.
ANSWERS, SUBMIT = AnswersSchema(), SubmitSchema()
ASSESSMENT, SUBMITTED = AssessmentSchema(), SubmittedSchema()


@bp.get("/csrf")
@allow(signed_in)
def csrf_token() -> ResponseReturnValue:
    """A fresh CSRF token for the page's next PUT/POST (the queue never stores one)."""
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/criteria/<key>")
@public
def criteria(key: str) -> ResponseReturnValue:
    """A stored criteria set; public, since criteria are not personal data."""
    version = db.session.scalar(select(CriteriaVersion).where(CriteriaVersion.key == key))
    if version is None:
        fail(404, "Không có bộ tiêu chí này.")
    return jsonify(criteria_store.criteria_set_of(version).to_dict())


@bp.get("/assessments/<int:assessment_id>")
@allow(owns, load=Assessment, options=ASSESSMENT_PAGE)
def assessment(a: Assessment) -> ResponseReturnValue:
    response = jsonify(ASSESSMENT.dump(a))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.put("/assessments/<int:assessment_id>/draft")
@allow(owns_record, read=records.read_with_user, arg="assessment_id")
@reads_first
def save_draft(form: AssessmentRecord) -> ResponseReturnValue:
    data = _load(ANSWERS)
    try:
        form = operations.save_draft_record(db.session, current_user, form, data["answers"], data["notes"])
    except DomainError as error:
        _refuse(error)
    # Server time of the save: the page compares it with the render time of a cached copy.
    return jsonify(status=form.status.value, version=form.version, saved_at=int(time.time() * 1000))


@bp.post("/assessments/<int:assessment_id>/submit")
@allow(owns_record, read=records.read_with_user, arg="assessment_id")
@reads_first
def submit(form: AssessmentRecord) -> ResponseReturnValue:
    data = _load(SUBMIT)
    try:
        form = operations.submit_record(db.session, current_user, form, data["answers"], data["notes"],
                                        str(data["client_id"]))
    except DomainError as error:
        _refuse(error)
    return jsonify(_submitted(form))


def _load(schema: Schema) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        fail(422, OBJECT_MESSAGE, UNPROCESSABLE)
    try:
        return schema.load(body)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        response = jsonify(error=UNPROCESSABLE, message=first_message(messages), fields=error.messages)
        response.status_code = 422
        abort(response)


def _refuse(error: DomainError) -> None:
    """409 when the assessment moved on (the head acted); 422 for answers that cannot be taken."""
    fail(error.status, error.message, "Dữ liệu đã thay đổi" if error.is_conflict else UNPROCESSABLE)


def _submitted(form: AssessmentRecord) -> dict[str, Any]:
    return SUBMITTED.dump({
        "id": form.id, "self_total": form.self_total, "self_achieved": form.self_achieved,
        "status_url": url_for("assess.status", assessment_id=form.id),
    })
