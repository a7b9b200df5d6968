"""Routes: assessment drives ("đợt vận động"): a link and a QR poster for a class or department.

Heads (and admins) create, print and close drives of their unit; anyone with the link joins.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from .. import qr
from ..access import allow, can_manage_unit, public
from ..db import db
from ..errors import DomainError, fail
from ..forms import ConfirmForm, offer_years
from ..groups import default_group, group_label
from ..models import AssessmentYear, Drive, Unit
from ..roster import claims
from ..urls import external_url
from ..years import open_years
from . import operations
from .forms import DriveForm

bp = Blueprint("drives", __name__)

BAD_LINK = (
    "Đường dẫn hoặc mã QR này không đúng (có thể bị thiếu ký tự khi sao chép). "
    "Hãy quét lại mã trên áp phích hoặc hỏi người phụ trách ở đơn vị "
    "(giáo viên chủ nhiệm, cán bộ được giao) đường dẫn mới."
)


def join_url(drive: Drive) -> str:
    return external_url("drives.join", token=operations.token_of(drive))


def _drive_of(unit: Unit, drive_id: int) -> Drive:
    drive = db.session.get(Drive, drive_id)
    if drive is None or drive.unit_id != unit.id:
        fail(404, "Không tìm thấy đợt vận động này.")
    return drive


def _index_page(unit: Unit, form: DriveForm, years: list[AssessmentYear],
                status: int = 200) -> ResponseReturnValue:
    drives = operations.drives_of(db.session, unit)
    states = [(d, operations.state_of(d), join_url(d)) for d in drives]
    return render_template(
        "drives/index.html", unit=unit, form=form, drives=states,
        joined=operations.joined_counts(db.session, drives),
        any_open_class=any(state == operations.OPEN and d.section for d, state, _ in states),
        year_ends=[(year, operations.year_end_local(year)) for year in years],
        expires_local=operations.expires_local,
    ), status


@bp.get("/units/<int:unit_id>/drives")
@allow(can_manage_unit, load=Unit)
def index(unit: Unit) -> ResponseReturnValue:
    form = DriveForm()
    years = open_years(db.session)
    offer_years(form.year_id, years, years[0] if years else None)
    form.appendix.data = default_group(unit)
    return _index_page(unit, form, years)


@bp.post("/units/<int:unit_id>/drives")
@allow(can_manage_unit, load=Unit)
def create(unit: Unit) -> ResponseReturnValue:
    form = DriveForm()
    years = open_years(db.session)
    offer_years(form.year_id, years)
    if form.validate_on_submit():
        year = next(y for y in years if y.id == form.year_id.data)
        try:
            drive = operations.create_drive(db.session, current_user, unit, year, form.appendix.data,
                                            form.section.data, form.expires_at.data)
        except DomainError as error:
            getattr(form, error.field or "expires_at").errors.append(error.message)
        else:
            flash("Đã tạo đợt vận động. In áp phích hoặc gửi đường dẫn cho mọi người.", "success")
            return redirect(url_for(".index", unit_id=unit.id, _anchor=f"drive-{drive.id}"))
    return _index_page(unit, form, years, 422)


@bp.get("/units/<int:unit_id>/drives/<int:drive_id>/poster")
@allow(can_manage_unit, load=Unit)
def poster(unit: Unit, drive_id: int) -> ResponseReturnValue:
    drive = _drive_of(unit, drive_id)
    link = join_url(drive)
    return render_template(
        "drives/poster.html", unit=unit, drive=drive, link=link, state=operations.state_of(drive),
        qr=qr.svg(link, label=f"Mã QR tham gia tự đánh giá – {unit.name}", css_class="qr poster-qr"),
        expires_local=operations.expires_local(drive),
    )


@bp.get("/units/<int:unit_id>/drives/posters")
@allow(can_manage_unit, load=Unit)
def posters(unit: Unit) -> ResponseReturnValue:
    """Every open class drive's poster on one page, one A4 sheet each, printed at once."""
    sheets = []
    for drive in operations.open_class_drives(db.session, unit):
        link = join_url(drive)
        sheets.append((drive, link, qr.svg(link, label=f"Mã QR tham gia tự đánh giá – {drive.section}",
                                            css_class="qr poster-qr"),
                       operations.expires_local(drive)))
    return render_template("drives/posters.html", unit=unit, sheets=sheets)


@bp.get("/units/<int:unit_id>/drives/<int:drive_id>/close")
@allow(can_manage_unit, load=Unit)
def close_confirm(unit: Unit, drive_id: int) -> ResponseReturnValue:
    """Say what closing freezes before doing it; the form posts to `close`."""
    drive = _drive_of(unit, drive_id)
    return render_template(
        "drives/close.html", unit=unit, drive=drive, form=ConfirmForm(),
        state=operations.state_of(drive), joined=operations.joined_counts(db.session, [drive]),
    )


@bp.post("/units/<int:unit_id>/drives/<int:drive_id>/close")
@allow(can_manage_unit, load=Unit)
def close(unit: Unit, drive_id: int) -> ResponseReturnValue:
    drive = _drive_of(unit, drive_id)
    operations.close_drive(db.session, current_user, drive)
    flash("Đã đóng đợt vận động. Đường dẫn và mã QR của đợt này không còn dùng được.", "success")
    return redirect(url_for(".index", unit_id=unit.id))


@bp.route("/join/<token>", methods=["GET", "POST"])
@public
def join(token: str) -> ResponseReturnValue:
    """Anyone with the poster's link: anonymous people are asked to log in or register first."""
    drive = operations.drive_of_token(db.session, token)
    if drive is None:
        fail(404, BAD_LINK, "Mã tham gia không hợp lệ")
    state = operations.state_of(drive)
    context = dict(drive=drive, unit=drive.unit, year=drive.year, state=state,
                   expires_local=operations.expires_local(drive))
    if state != operations.OPEN:
        return render_template("drives/ended.html", **context), 410
    if not current_user.is_authenticated:
        if request.method == "POST":
            return redirect(url_for("auth.login", next=request.path))
        return render_template("drives/join_anonymous.html", **context)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            result = operations.join(db.session, current_user, drive)
        except DomainError as error:
            fail(error.status, error.message)
        if result.assessment is None:
            flash(claims.waiting_message([result.membership]), "info")
            return redirect(url_for("main.index"))
        if result.kept_group:
            flash(f"Bạn đã có trong danh sách của đơn vị theo nhóm “{group_label(result.kept_group)}”; "
                  "giữ nguyên nhóm này.", "info")
        return redirect(url_for("assess.form", assessment_id=result.assessment.id))
    line = operations.line_of(db.session, current_user, drive)
    return render_template("drives/join.html", form=form, line=line, **context)
