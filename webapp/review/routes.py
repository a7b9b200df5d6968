"""Routes: heads confirm, return or reject assessments ("xác nhận kết quả tự đánh giá").

The state changes are `webapp.assessments.operations`; who may act is `webapp.access`.
These views only read forms, call them, and render.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from criteria import CriteriaSet

from .. import tokens
from ..access import (
    allow,
    can_review,
    can_review_unit,
    confirms_heads,
    deny,
    heads_a_unit,
    review_refusal,
    signed_in,
)
from ..assessments import operations
from ..assessments.progress import LiveScore, live_score
from ..assessments.queries import ASSESSMENT_PAGE
from ..assessments.tokens import assessment_of, is_assessment_payload
from ..db import db
from ..errors import DomainError, fail
from ..forms import ConfirmForm
from ..inputs import parse_id
from ..models import SHOWN_STATUSES, Assessment, AssessmentStatus, Membership, Unit
from . import queries
from .forms import STALE_PAGE, DecisionForm, RevokeForm, decision_form

bp = Blueprint("review", __name__)

S = AssessmentStatus
INVALID_QR = "Mã QR không hợp lệ hoặc đã hết hạn. Nhờ người tự đánh giá mở lại mã trên điện thoại."
DONE_MESSAGES = {
    "confirm": "Đã xác nhận phiếu của {name}.",
    "confirm_below": "Đã xác nhận phiếu của {name}: chưa đạt danh hiệu.",
    "return": "Đã trả lại phiếu của {name} để sửa.",
    "reject": "Đã ghi “Không xác nhận đạt” cho phiếu của {name}.",
}
# Why a page is read-only, by status.
STATUS_NOTES = {
    S.DRAFT: "Người tự đánh giá chưa gửi phiếu. Khi phiếu được gửi, bạn mới có thể xác nhận.",
    S.RETURNED: "Phiếu đã được trả lại để sửa. Khi người tự đánh giá gửi lại, phiếu sẽ chuyển vào danh sách "
                "chờ xác nhận.",
    S.CONFIRMED: "Phiếu đã được xác nhận.",
    S.REJECTED: "Phiếu không được xác nhận đạt trong năm đánh giá này.",
    S.REVOKED: "Danh hiệu đã bị thu hồi.",
}


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    # A function, so the start page and navigation only query when they are shown.
    return {"review_unit_summaries": lambda: queries.unit_summaries(db.session, current_user.headed_unit_ids)}


def _filters() -> queries.QueueFilters:
    return queries.QueueFilters(appendix=request.args.get("group") or None,
                                section=request.args.get("section") or None)


def _with_unit(assessment_id: int) -> Assessment:
    """The assessment with its roster line and unit, read afresh (after a refused action)."""
    found = db.session.scalar(
        select(Assessment).where(Assessment.id == assessment_id)
        .options(selectinload(Assessment.membership).selectinload(Membership.unit))
        .execution_options(populate_existing=True)
    )
    if found is None:
        fail(404, "Không tìm thấy phiếu tự đánh giá này.")
    return found


@bp.get("/review/")
@allow(heads_a_unit)
def index() -> ResponseReturnValue:
    """The units this person heads, with their counts (the "Xác nhận" menu)."""
    summaries = queries.unit_summaries(db.session, current_user.headed_unit_ids)
    return render_template("review/index.html", summaries=summaries)


@bp.get("/units/<int:unit_id>/queue")
@allow(can_review_unit, load=Unit)
def queue(unit: Unit) -> ResponseReturnValue:
    """Submitted assessments of one unit waiting for confirmation, oldest first."""
    filters = _filters()
    tally = queries.tally(db.session, unit.id, current_user.id)
    appendices, sections = tally.filter_choices()
    view = queries.queue_view(db.session, tally, filters, parse_id(request.args.get("page")))
    return render_template(
        "review/queue.html", unit=unit, filters=filters, appendices=appendices, sections=sections,
        view=view, bulk_form=ConfirmForm(), returned=queries.returned(db.session, tally, filters),
        counts=tally.status_counts(filters), statuses=SHOWN_STATUSES,
    )


@bp.get("/review/heads")
@allow(confirms_heads)
def heads_queue() -> ResponseReturnValue:
    """Aggregators: the own assessments of the heads of the units their areas manage directly."""
    area_ids = [area.id for area in current_user.aggregated_areas]
    return render_template("review/heads.html", rows=queries.heads_waiting(db.session, area_ids))


def _back_url(assessment: Assessment, filters: queries.QueueFilters) -> str:
    """Where the reviewer came from: the unit's queue for its heads, else the heads' queue."""
    unit_id = assessment.membership.unit_id
    if can_review_unit(current_user, assessment.membership.unit):
        return url_for("review.queue", unit_id=unit_id, **filters.as_args())  # type: ignore[arg-type]
    return url_for("review.heads_queue")


@bp.post("/units/<int:unit_id>/queue/confirm")
@allow(can_review_unit, load=Unit)
def confirm_selected(unit: Unit) -> ResponseReturnValue:
    """Confirm the ticked assessments of the queue at the members' own points, in one go."""
    back = redirect(url_for("review.queue", unit_id=unit.id, **_filters().as_args()))  # type: ignore[arg-type]
    if not ConfirmForm().validate_on_submit():
        flash(STALE_PAGE, "error")
        return back
    picks = _picks(request.form.getlist("pick"))
    if not picks:
        flash("Bạn chưa chọn phiếu nào để xác nhận.", "warning")
        return back
    outcome = operations.confirm_many(db.session, current_user, unit.id, picks)
    if outcome.confirmed:
        flash(f"Đã xác nhận {len(outcome.confirmed)} phiếu.", "success")
    for assessment, message in outcome.skipped:
        flash(f"Chưa xác nhận phiếu của {assessment.membership.full_name}: {message}", "warning")
    return back


def _picks(values: list[str]) -> dict[int, int]:
    """`id:version` pairs from the ticked boxes; a malformed one is ignored (never a traceback)."""
    picks = {}
    for value in values:
        raw_id, _, raw_version = value.partition(":")
        assessment_id, version = parse_id(raw_id), parse_id(raw_version)
        if assessment_id is not None and version is not None:
            picks[assessment_id] = version
    return picks


@bp.get("/scan/<token>")
@allow(signed_in)
def scan(token: str) -> ResponseReturnValue:
    """A head scans the member's QR code: check it, then open the review page."""
    max_age = current_app.config["MEMBER_QR_MAX_AGE"]
    if not is_assessment_payload(tokens.read_token(tokens.MEMBER_QR, token, max_age)):
        fail(400, INVALID_QR, "Mã QR không dùng được")
    assessment = assessment_of(db.session, tokens.MEMBER_QR, token, max_age)
    if assessment is None:
        fail(404, INVALID_QR, "Mã QR không dùng được")
    if not can_review(current_user, assessment):
        deny(review_refusal(current_user, assessment))
    return redirect(url_for("review.review", assessment_id=assessment.id))


@bp.route("/review/<int:assessment_id>", methods=["GET", "POST"])
@allow(can_review, load=Assessment, explain=review_refusal, options=ASSESSMENT_PAGE)
def review(assessment: Assessment) -> ResponseReturnValue:
    """The head reads the member's answers and confirms, returns or rejects them."""
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
        _decide(action, assessment, criteria_set, form)
    except DomainError as error:
        if error.field == operations.BELOW_TITLE:
            # Nothing went wrong: the page asks the head to confirm a result below the title.
            return _render_review(assessment, criteria_set, form, filters, 200, action=action,
                                  below_title=error.message)
        # Show the assessment as it now stands; the request rolls back what was attempted.
        return _render_review(_with_unit(assessment.id), criteria_set, form, filters, error.status,
                              error.message, action)
    flash(DONE_MESSAGES[action].format(name=name), "success")
    return redirect(_after_decision(assessment, filters))


def _after_decision(assessment: Assessment, filters: queries.QueueFilters) -> str:
    """The queue; or the next waiting form when the page asks for it (review-form.js does, to
    open the next member in place), and there is one."""
    unit = assessment.membership.unit
    if request.form.get("then") == "next" and can_review_unit(current_user, unit):
        upcoming = queries.next_waiting(db.session, unit.id, assessment, filters, viewer_id=current_user.id)
        if upcoming is not None:
            return url_for("review.review", assessment_id=upcoming.assessment_id,
                           **filters.as_args())  # type: ignore[arg-type]
    return _back_url(assessment, filters)


def _decide(action: str, assessment: Assessment, criteria_set: CriteriaSet, form: DecisionForm) -> None:
    head, version = current_user, form.version.data
    if action in ("confirm", "confirm_below"):
        operations.confirm(db.session, head, assessment, version, form.head_values(criteria_set),
                           form.comments(criteria_set), below_title_ok=action == "confirm_below")
    elif action == "return":
        operations.return_for_correction(db.session, head, assessment, version, form.comments(criteria_set),
                                         form.reason.data, form.head_values(criteria_set))
    else:
        operations.reject(db.session, head, assessment, version, form.reason.data or "")


def _render_review(assessment: Assessment, criteria_set: CriteriaSet, form: DecisionForm,
                   filters: queries.QueueFilters, status: int = 200, error: str | None = None,
                   action: str | None = None, below_title: str | None = None) -> ResponseReturnValue:
    unit = assessment.membership.unit
    upcoming = (queries.next_waiting(db.session, unit.id, assessment, filters, viewer_id=current_user.id)
                if can_review_unit(current_user, unit) else None)
    return render_template(
        "review/review.html", a=assessment, membership=assessment.membership, unit=unit,
        criteria_set=criteria_set, form=form, filters=filters, error=error, action=action,
        answers=assessment.answers_by_index(), upcoming=upcoming, below_title=below_title,
        status_note=STATUS_NOTES.get(assessment.status), live=_head_live(criteria_set, form),
        back_url=_back_url(assessment, filters),
        previous=queries.last_return(db.session, assessment.id) if assessment.status is S.SUBMITTED else None,
    ), status


def _head_live(criteria_set: CriteriaSet, form: DecisionForm) -> LiveScore:
    """The total and verdict of the points now in the head's form (the script keeps it live)."""
    values: dict[str, int | None] = {}
    allowed = {i.code: criteria_set.allowed_points(i.code) for c in criteria_set.criteria for i in c.indices}
    for code, points in form.head_values(criteria_set).items():
        values[code] = points if isinstance(points, int) and points in allowed[code] else None
    return live_score(criteria_set, values)


@bp.route("/review/<int:assessment_id>/revoke", methods=["GET", "POST"])
@allow(can_review, load=Assessment, explain=review_refusal, options=ASSESSMENT_PAGE)
def revoke(assessment: Assessment) -> ResponseReturnValue:
    """Second step before withdrawing a confirmed title: say why, then confirm."""
    if assessment.status is not S.CONFIRMED:
        flash(f"Phiếu đang ở trạng thái “{assessment.status.label}”, không thể thu hồi.", "warning")
        return redirect(url_for("review.review", assessment_id=assessment.id))
    form = RevokeForm(version=assessment.version) if request.method == "GET" else RevokeForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _render_revoke(assessment, form, 200 if request.method == "GET" else 422)
    try:
        operations.revoke(db.session, current_user, assessment, form.version.data, form.reason.data)
    except DomainError as error:
        return _render_revoke(_with_unit(assessment.id), form, error.status, error.message)
    flash(f"Đã thu hồi danh hiệu của {assessment.membership.full_name}.", "success")
    return redirect(url_for("review.review", assessment_id=assessment.id))


def _render_revoke(assessment: Assessment, form: RevokeForm, status: int,
                   error: str | None = None) -> ResponseReturnValue:
    return render_template("review/revoke.html", a=assessment, membership=assessment.membership,
                           unit=assessment.membership.unit, form=form, error=error), status
