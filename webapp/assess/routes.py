"""Routes: the member's self-assessment journey ("phiếu tự đánh giá").

List one's roster lines, start an assessment, fill it in step by step, submit it, follow
its status and show the QR a head scans. State changes are `webapp.assessments.operations`;
access is declared with `webapp.access`.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..access import allow, is_invited, is_on_roster_line, owns, signed_in
from ..assessments import operations
from ..assessments.progress import live_score, rule_text
from ..assessments.queries import ASSESSMENT_PAGE, FORM_PAGE, roster_lines
from ..db import db
from ..errors import DomainError
from ..forms import ConfirmForm
from ..models import Assessment, AssessmentStatus, Membership
from ..qr import svg as qr_svg
from ..roster import claims
from .forms import AnswerSheet, read_answers, sheet_of
from .links import member_qr_url
from .rendering import criteria_json, index_choices

bp = Blueprint("assess", __name__)

S = AssessmentStatus
INVALID_MESSAGE = "Phiếu chưa được lưu: vui lòng xem lại các chỗ được đánh dấu đỏ."


@bp.app_context_processor
def _journey_helpers() -> dict:
    """Lazy helpers for the start page card and the navigation (queried only when used)."""
    return {"assess_roster_lines": lambda: roster_lines(db.session, current_user),
            "assess_proposals": lambda: claims.proposals_for(db.session, current_user)}


@bp.get("/")
@allow(signed_in)
def index() -> ResponseReturnValue:
    lines = roster_lines(db.session, current_user)
    return render_template("assess/index.html", lines=lines, form=ConfirmForm())


@bp.post("/start/<int:membership_id>")
@allow(is_on_roster_line, load=Membership)
def start(membership: Membership) -> ResponseReturnValue:
    try:
        assessment = operations.start(db.session, current_user, membership)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".index"))
    if assessment.status in operations.EDITABLE:
        return redirect(url_for(".form", assessment_id=assessment.id))
    return redirect(url_for(".status", assessment_id=assessment.id))


@bp.route("/<int:assessment_id>", methods=["GET", "POST"])
@allow(owns, load=Assessment, options=FORM_PAGE)
def form(assessment: Assessment) -> ResponseReturnValue:
    if assessment.status not in operations.EDITABLE:
        return redirect(url_for(".status", assessment_id=assessment.id))
    criteria_set = operations.criteria_of(assessment)
    if request.method == "GET":
        return _render_form(assessment, sheet_of(criteria_set, assessment))

    sheet = read_answers(criteria_set, request.form)
    submitting = request.form.get("action") == "submit"
    if sheet.errors:
        return _render_form(assessment, sheet, INVALID_MESSAGE, 422)
    try:
        if submitting:
            operations.submit(db.session, current_user, assessment, values=sheet.values, notes=sheet.notes)
        else:
            operations.save_draft(db.session, current_user, assessment, sheet.values, sheet.notes)
    except DomainError as error:
        if error.field:
            sheet.errors[error.field] = error.message
        if submitting:
            for code in sheet.missing():
                sheet.errors[code] = "Chưa chọn mức cho chỉ số này."
        return _render_form(assessment, sheet, error.message, error.status)
    if submitting:
        flash("Đã gửi phiếu. Thủ trưởng đơn vị sẽ xem và xác nhận.", "success")
        return redirect(url_for(".status", assessment_id=assessment.id))
    flash("Đã lưu nháp. Bạn có thể quay lại làm tiếp bất cứ lúc nào.", "success")
    return redirect(url_for(".form", assessment_id=assessment.id))


@bp.get("/<int:assessment_id>/status")
@allow(owns, load=Assessment, options=ASSESSMENT_PAGE)
def status(assessment: Assessment) -> ResponseReturnValue:
    criteria_set = operations.criteria_of(assessment)
    qr_url = member_qr_url(assessment) if assessment.status is S.SUBMITTED else None
    return render_template(
        "assess/status.html", a=assessment, criteria_set=criteria_set, S=S,
        membership=assessment.membership, answers=assessment.answers_by_index(),
        qr_url=qr_url, qr_svg=qr_svg(qr_url, "Mã QR của phiếu để thủ trưởng quét") if qr_url else None,
        form=ConfirmForm(), holds_title=assessment.holds_title,
    )


@bp.post("/<int:assessment_id>/withdraw")
@allow(owns, load=Assessment)
def withdraw(assessment: Assessment) -> ResponseReturnValue:
    try:
        operations.withdraw(db.session, current_user, assessment)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".status", assessment_id=assessment.id))
    flash("Đã rút phiếu về bản nháp. Sửa xong, hãy gửi lại.", "success")
    return redirect(url_for(".form", assessment_id=assessment.id))


def _render_form(assessment: Assessment, sheet: AnswerSheet, message: str | None = None,
                 status: int = 200) -> ResponseReturnValue:
    criteria_set = operations.criteria_of(assessment)
    live = live_score(criteria_set, dict(sheet.values))
    page = render_template(
        "assess/form.html", a=assessment, criteria_set=criteria_set, sheet=sheet,
        membership=assessment.membership, live=live, message=message,
        answers=assessment.answers_read(), index_choices=index_choices, criteria_json=criteria_json, S=S,
        rule_text=rule_text(criteria_set),
    )
    return page, status


@bp.post("/invitations/<int:membership_id>/<any(accept, decline):answer>")
@allow(is_invited, load=Membership)
def answer_invitation(membership: Membership, answer: str) -> ResponseReturnValue:
    """The owner of an account a head listed: join that unit's roster, or say it is not them."""
    try:
        if answer == "accept":
            claims.accept_invitation(db.session, current_user, membership)
            flash(f"Bạn đã có tên trong danh sách của {membership.unit.name} ({membership.year.label}).",
                  "success")
        else:
            claims.decline_invitation(db.session, current_user, membership)
            flash(f"Đã từ chối lời mời của {membership.unit.name}.", "info")
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("main.index"))
