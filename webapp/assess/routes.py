"""Routes: the member's self-assessment journey ("phiếu tự đánh giá").

List one's roster lines, start an assessment, fill it in step by step, submit it, follow
its status and show the QR a head scans. State changes go through `operations`; access is
asked of `permissions` and answered by `ensure`.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..db import db
from ..errors import fail
from ..models import Assessment, AssessmentStatus, Membership
from ..qr import svg as qr_svg
from ..security import ensure
from . import operations, permissions
from .forms import ActionForm, AnswerForm, AnswerSheet, read_answers, sheet_of
from .links import member_qr_url
from .progress import choices, live_score, rule_text
from .queries import roster_lines

bp = Blueprint("assess", __name__)

S = AssessmentStatus
INVALID_MESSAGE = "Phiếu chưa được lưu: vui lòng xem lại các chỗ được đánh dấu đỏ."


@bp.app_context_processor
def _journey_helpers() -> dict:
    """Lazy helpers for the start page card and the navigation (queried only when used)."""
    return {"assess_roster_lines": lambda: roster_lines(db.session, current_user)}


@bp.get("/")
@login_required
def index():
    lines = roster_lines(db.session, current_user)
    return render_template("assess/index.html", lines=lines, form=ActionForm())


@bp.post("/start/<int:membership_id>")
@login_required
def start(membership_id: int):
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        fail(404, "Không tìm thấy dòng danh sách này.")
    ensure(permissions.is_on_roster_line(current_user, membership))
    ActionForm().validate_on_submit()  # CSRF is checked app-wide before the view
    try:
        assessment = operations.start(db.session, current_user, membership)
    except operations.OperationError as error:
        flash(error.message, "error")
        return redirect(url_for(".index"))
    if assessment.status in operations.EDITABLE:
        return redirect(url_for(".form", assessment_id=assessment.id))
    return redirect(url_for(".status", assessment_id=assessment.id))


@bp.route("/<int:assessment_id>", methods=["GET", "POST"])
@login_required
def form(assessment_id: int):
    assessment = _owned(assessment_id)
    if assessment.status not in operations.EDITABLE:
        return redirect(url_for(".status", assessment_id=assessment.id))
    criteria_set = operations.criteria_of(assessment)
    if request.method == "GET":
        return _render_form(assessment, sheet_of(criteria_set, assessment))

    AnswerForm().validate_on_submit()  # CSRF is checked app-wide before the view
    sheet = read_answers(criteria_set, request.form)
    submitting = request.form.get("action") == "submit"
    if sheet.errors:
        return _render_form(assessment, sheet, INVALID_MESSAGE, 422)
    try:
        if submitting:
            operations.submit(db.session, current_user, assessment,
                              values=sheet.values, notes=sheet.notes)
        else:
            operations.save_draft(db.session, current_user, assessment, sheet.values, sheet.notes)
    except operations.OperationError as error:
        if submitting:
            for code in sheet.missing():
                sheet.errors[code] = "Chưa chọn mức cho chỉ số này."
        status = 409 if isinstance(error, operations.Conflict) else 422
        return _render_form(assessment, sheet, error.message, status)
    if submitting:
        flash("Đã gửi phiếu. Thủ trưởng đơn vị sẽ xem và xác nhận.", "success")
        return redirect(url_for(".status", assessment_id=assessment.id))
    flash("Đã lưu nháp. Bạn có thể quay lại làm tiếp bất cứ lúc nào.", "success")
    return redirect(url_for(".form", assessment_id=assessment.id))


@bp.get("/<int:assessment_id>/status")
@login_required
def status(assessment_id: int):
    assessment = _owned(assessment_id)
    criteria_set = operations.criteria_of(assessment)
    qr_url = member_qr_url(assessment.id) if assessment.status is S.SUBMITTED else None
    return render_template(
        "assess/status.html", a=assessment, criteria_set=criteria_set, S=S,
        membership=assessment.membership, answers=assessment.answers_by_index(),
        qr_url=qr_url, qr_svg=qr_svg(qr_url, "Mã QR của phiếu để thủ trưởng quét") if qr_url else None,
        form=ActionForm(), holds_title=permissions.holds_title(assessment),
    )


@bp.post("/<int:assessment_id>/withdraw")
@login_required
def withdraw(assessment_id: int):
    assessment = _owned(assessment_id)
    ActionForm().validate_on_submit()  # CSRF is checked app-wide before the view
    try:
        operations.withdraw(db.session, current_user, assessment)
    except operations.OperationError as error:
        flash(error.message, "error")
        return redirect(url_for(".status", assessment_id=assessment.id))
    flash("Đã rút phiếu về bản nháp. Sửa xong, hãy gửi lại.", "success")
    return redirect(url_for(".form", assessment_id=assessment.id))


def _owned(assessment_id: int) -> Assessment:
    """The assessment, for its owner only (others get 403, a missing one 404)."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        fail(404, "Không tìm thấy phiếu tự đánh giá này.")
    ensure(permissions.can_edit(current_user, assessment))
    return assessment


def _render_form(assessment: Assessment, sheet: AnswerSheet, message: str | None = None,
                 status: int = 200):
    criteria_set = operations.criteria_of(assessment)
    live = live_score(criteria_set, {c: v for c, v in sheet.values.items()})
    page = render_template(
        "assess/form.html", a=assessment, criteria_set=criteria_set, sheet=sheet,
        membership=assessment.membership, live=live, message=message, form=AnswerForm(),
        answers=assessment.answers_by_index(), choices=choices, S=S,
        rule_text=rule_text(criteria_set),
    )
    return page, status
