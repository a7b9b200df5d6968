"""Routes: Heads confirm, return or reject assessments ("xác nhận phiếu tự đánh giá").

The state changes are `webapp.assess.operations`; who may act is `webapp.assess.permissions`.
These views only read forms, call them, and render.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from .. import tokens
from ..assess import operations
from ..assess.operations import Conflict, OperationError
from ..assess.permissions import can_review, is_owner
from ..db import db
from ..errors import fail
from ..models import Assessment, AssessmentStatus, Membership, Unit, User
from ..security import ensure
from . import queries
from .forms import RevokeForm, decision_form

bp = Blueprint("review", __name__)

S = AssessmentStatus
INVALID_QR = "Mã QR không hợp lệ hoặc đã hết hạn. Nhờ người đánh giá mở lại mã trên điện thoại."
OWN_ASSESSMENT = "Bạn không thể tự xác nhận phiếu của mình."
DONE_MESSAGES = {
    "confirm": "Đã xác nhận phiếu của {name}.",
    "return": "Đã trả lại phiếu của {name} để sửa.",
    "reject": "Đã ghi “Không công nhận” cho phiếu của {name}.",
}
GROUP_LABELS = {"III": "Người lao động", "IV": "Cán bộ, công chức, viên chức",
                "V": "Học sinh, sinh viên"}
# Why a page is read-only, by status.
STATUS_NOTES = {
    S.DRAFT: "Người đánh giá chưa gửi phiếu. Khi phiếu được gửi, bạn mới có thể xác nhận.",
    S.RETURNED: "Phiếu đã được trả lại để sửa. Khi người đánh giá gửi lại, phiếu sẽ vào hàng chờ.",
    S.CONFIRMED: "Phiếu đã được xác nhận.",
    S.REJECTED: "Phiếu không được công nhận trong năm đánh giá này.",
    S.REVOKED: "Danh hiệu đã bị thu hồi.",
}


def may_review_unit(user: User, unit: Unit) -> bool:
    """Heads of the unit and aggregators above it work through its queue."""
    return user.is_authenticated and (user.heads(unit) or user.aggregates(unit.area))


def _optional_url(endpoint: str, **values: Any) -> str | None:
    """A link to another feature's page if that feature has it, else None."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    # Functions, so the start page and navigation only query when they are shown.
    return {
        "review_unit_summaries": lambda: queries.unit_summaries(db.session, current_user.headed_unit_ids),
        "review_optional_url": _optional_url,
        "review_group_labels": GROUP_LABELS,
    }


def _filters() -> queries.QueueFilters:
    return queries.QueueFilters(appendix=request.args.get("group") or None,
                                section=request.args.get("section") or None)


def _unit_or_404(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    return unit


def _assessment_or_404(assessment_id: int) -> Assessment:
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.id == assessment_id)
        .options(selectinload(Assessment.membership).selectinload(Membership.unit))
    )
    if assessment is None:
        abort(404)
    return assessment


def _ensure_reviewer(assessment: Assessment) -> None:
    if is_owner(current_user, assessment):
        fail(403, OWN_ASSESSMENT, "Không thể tự xác nhận")
    ensure(can_review(current_user, assessment))


@bp.get("/review/")
@login_required
def index():
    """The units this person heads, with their counts (the "Xác nhận" menu)."""
    ensure(bool(current_user.headed_unit_ids))
    summaries = queries.unit_summaries(db.session, current_user.headed_unit_ids)
    return render_template("review/index.html", summaries=summaries)


@bp.get("/units/<int:unit_id>/queue")
def queue(unit_id: int):
    """Submitted assessments of one unit waiting for confirmation, oldest first."""
    unit = _unit_or_404(unit_id)
    ensure(may_review_unit(current_user, unit))
    filters = _filters()
    appendices, sections = queries.filter_choices(db.session, unit.id)
    return render_template(
        "review/queue.html", unit=unit, filters=filters, appendices=appendices, sections=sections,
        waiting=queries.waiting(db.session, unit.id, filters),
        returned=queries.returned(db.session, unit.id, filters),
        counts=queries.status_counts(db.session, unit.id, filters), statuses=list(S),
    )


@bp.get("/scan/<token>")
@login_required
def scan(token: str):
    """A head scans the member's QR code: check it, then open the review page."""
    payload = tokens.read_token(tokens.MEMBER_QR, token, current_app.config["MEMBER_QR_MAX_AGE"])
    if not isinstance(payload, int) or isinstance(payload, bool):
        fail(400, INVALID_QR, "Mã QR không dùng được")
    assessment = db.session.get(Assessment, payload)
    if assessment is None:
        fail(404, INVALID_QR, "Mã QR không dùng được")
    if is_owner(current_user, assessment):
        fail(403, OWN_ASSESSMENT, "Không thể tự xác nhận")
    if not can_review(current_user, assessment):
        unit = assessment.membership.unit
        fail(403, f"Chỉ thủ trưởng của {unit.name} (hoặc cơ quan quản lý cấp trên) mới có thể "
                  "xác nhận phiếu này.", "Không có quyền xác nhận")
    return redirect(url_for("review.review", assessment_id=assessment.id))


@bp.route("/review/<int:assessment_id>", methods=["GET", "POST"])
def review(assessment_id: int):
    """The head reads the member's answers and confirms, returns or rejects them."""
    assessment = _assessment_or_404(assessment_id)
    _ensure_reviewer(assessment)
    criteria_set = operations.criteria_of(assessment)
    filters = _filters()
    if request.method == "GET":
        form = decision_form(criteria_set, assessment, version=assessment.version)
        return _render_review(assessment, criteria_set, form, filters)

    form = decision_form(criteria_set, assessment)
    if not form.validate_on_submit():
        return _render_review(assessment, criteria_set, form, filters, 422,
                              "Vui lòng kiểm tra lại các ô được đánh dấu.")
    name = assessment.membership.full_name
    action = form.action.data
    try:
        if action == "confirm":
            operations.confirm(db.session, current_user, assessment, form.version.data,
                               form.head_values(criteria_set), form.comments(criteria_set))
        elif action == "return":
            operations.return_for_correction(db.session, current_user, assessment, form.version.data,
                                             form.comments(criteria_set), form.reason.data)
        else:
            operations.reject(db.session, current_user, assessment, form.version.data,
                              form.reason.data or "")
    except OperationError as error:
        db.session.rollback()  # nothing half-written; show the assessment as it now stands
        assessment = _assessment_or_404(assessment_id)
        return _render_review(assessment, criteria_set, form, filters, error.status_code
                              if isinstance(error, Conflict) else 422, error.message, action)
    flash(DONE_MESSAGES[action].format(name=name), "success")
    return redirect(url_for("review.queue", unit_id=assessment.membership.unit_id, **filters.as_args()))


def _render_review(assessment: Assessment, criteria_set, form, filters, status: int = 200,  # type: ignore[no-untyped-def]
                   error: str | None = None, action: str | None = None):
    unit = assessment.membership.unit
    upcoming = queries.next_waiting(db.session, unit.id, assessment, filters)
    return render_template(
        "review/review.html", a=assessment, membership=assessment.membership, unit=unit,
        criteria_set=criteria_set, form=form, filters=filters, error=error, action=action,
        answers=assessment.answers_by_index(), upcoming=upcoming,
        status_note=STATUS_NOTES.get(assessment.status),
    ), status


@bp.route("/review/<int:assessment_id>/revoke", methods=["GET", "POST"])
def revoke(assessment_id: int):
    """Second step before withdrawing a confirmed title: say why, then confirm."""
    assessment = _assessment_or_404(assessment_id)
    _ensure_reviewer(assessment)
    if assessment.status is not S.CONFIRMED:
        flash(f"Phiếu đang ở trạng thái “{assessment.status.label}”, không thể thu hồi.", "warning")
        return redirect(url_for("review.review", assessment_id=assessment.id))
    form = RevokeForm(version=assessment.version) if request.method == "GET" else RevokeForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _render_revoke(assessment, form, 200 if request.method == "GET" else 422)
    try:
        operations.revoke(db.session, current_user, assessment, form.version.data, form.reason.data)
    except OperationError as error:
        db.session.rollback()
        assessment = _assessment_or_404(assessment_id)
        return _render_revoke(assessment, form, error.status_code if isinstance(error, Conflict)
                              else 422, error.message)
    flash(f"Đã thu hồi danh hiệu của {assessment.membership.full_name}.", "success")
    return redirect(url_for("review.review", assessment_id=assessment.id))


def _render_revoke(assessment: Assessment, form: RevokeForm, status: int, error: str | None = None):  # type: ignore[no-untyped-def]
    return render_template("review/revoke.html", a=assessment, membership=assessment.membership,
                           unit=assessment.membership.unit, form=form, error=error), status
