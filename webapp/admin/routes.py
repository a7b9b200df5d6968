"""Routes: Administrators keep areas, units, years, roles and targets.

Every page here is for administrators only (`access.is_admin`): anonymous visitors are sent
to log in, everyone else gets 403. Views are thin: forms check the input, `operations` act.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import SelectChoice

from ..access import allow, is_admin
from ..db import db
from ..errors import DomainError
from ..forms import BaseForm, ConfirmForm
from ..inputs import parse_id
from ..models import Area, AssessmentStatus, AssessmentYear, Role, RoleGrant, Target, Unit, UnitKind, YearKind
from ..years import all_years
from . import operations as ops
from .forms import (
    LEVEL_SUGGESTIONS,
    AreaCreateForm,
    AreaForm,
    AreaMoveForm,
    GrantForm,
    TargetForm,
    UnitForm,
    YearForm,
)

bp = Blueprint("admin", __name__)

TOP_LEVEL = "— Cấp cao nhất (không thuộc địa bàn nào) —"
CHOOSE_AREA = "— Chọn địa bàn —"


def _refused(form: BaseForm, error: DomainError, template: str, **context: Any) -> ResponseReturnValue:
    """Show the same page again with the operation's message next to its field (422)."""
    if error.field is not None and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")
    return render_template(template, form=form, **context), 422


def _invalid(template: str, **context: Any) -> ResponseReturnValue:
    status = 422 if request.method == "POST" else 200
    return render_template(template, **context), status


def _area_choices(empty_label: str, exclude: Area | None = None) -> list[SelectChoice]:
    """The tree as options, parents first, indented with dashes (a select cannot nest)."""
    choices = [SelectChoice("", empty_label)]
    for area, depth in ops.area_tree(db.session).walk():
        if exclude is not None and area.is_within(exclude):
            continue
        choices.append(SelectChoice(str(area.id), f"{'— ' * depth}{area.name} ({area.level})"))
    return choices


def _year_choices(empty_label: str = "— Chọn năm đánh giá —") -> list[SelectChoice]:
    return [SelectChoice("", empty_label)] + [
        SelectChoice(str(year.id), f"{year.label} · {year.kind.label}")
        for year in all_years(db.session)
    ]


def _unit_choices() -> list[SelectChoice]:
    return [SelectChoice("", "— Chọn đơn vị —")] + [
        SelectChoice(str(unit.id), f"{unit.name} ({unit.code})")
        for unit in ops.list_units(db.session)
    ]


# --- Dashboard ----------------------------------------------------------------------------

@bp.get("/")
@allow(is_admin)
def index():
    return render_template("admin/index.html", counts=ops.counts(db.session))


# --- Areas --------------------------------------------------------------------------------

@bp.get("/areas")
@allow(is_admin)
def areas():
    return render_template("admin/areas.html", tree=ops.area_tree(db.session),
                           unit_counts=ops.unit_counts_by_area(db.session))


@bp.route("/areas/new", methods=["GET", "POST"])
@allow(is_admin)
def area_new():
    form = AreaCreateForm()
    form.parent_id.choices = _area_choices(TOP_LEVEL)
    if request.method == "GET" and parse_id(request.args.get("parent")):
        form.parent_id.data = parse_id(request.args.get("parent"))
    context = {"levels": LEVEL_SUGGESTIONS}
    if not form.validate_on_submit():
        return _invalid("admin/area_form.html", form=form, **context)
    parent = db.get_or_404(Area, form.parent_id.data) if form.parent_id.data else None
    try:
        area = ops.create_area(db.session, current_user, form.code.data, form.name.data,
                               form.level.data, parent)
    except DomainError as error:
        return _refused(form, error, "admin/area_form.html", **context)
    flash(f"Đã thêm địa bàn “{area.name}”.", "success")
    return redirect(url_for(".areas"))


@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@allow(is_admin)
def area_edit(area_id: int):
    area = db.get_or_404(Area, area_id)
    form = AreaForm(obj=area)
    context = {"area": area, "levels": LEVEL_SUGGESTIONS, "delete_form": ConfirmForm()}
    if not form.validate_on_submit():
        return _invalid("admin/area_form.html", form=form, **context)
    try:
        ops.update_area(db.session, current_user, area, form.code.data, form.name.data,
                        form.level.data)
    except DomainError as error:
        return _refused(form, error, "admin/area_form.html", **context)
    flash(f"Đã lưu địa bàn “{area.name}”.", "success")
    return redirect(url_for(".areas"))


@bp.route("/areas/<int:area_id>/move", methods=["GET", "POST"])
@allow(is_admin)
def area_move(area_id: int):
    area = db.get_or_404(Area, area_id)
    form = AreaMoveForm(data={"parent_id": area.parent_id})
    form.parent_id.choices = _area_choices(TOP_LEVEL, exclude=area)
    if not form.validate_on_submit():
        return _invalid("admin/area_move.html", form=form, area=area)
    new_parent = db.get_or_404(Area, form.parent_id.data) if form.parent_id.data else None
    try:
        ops.move_area(db.session, current_user, area, new_parent)
    except DomainError as error:
        return _refused(form, error, "admin/area_move.html", area=area)
    flash(f"Đã chuyển “{area.name}”.", "success")
    return redirect(url_for(".areas"))


@bp.post("/areas/<int:area_id>/delete")
@allow(is_admin)
def area_delete(area_id: int):
    area = db.get_or_404(Area, area_id)
    name = area.name
    try:
        ops.delete_area(db.session, current_user, area)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".area_edit", area_id=area_id))
    flash(f"Đã xóa địa bàn “{name}”.", "success")
    return redirect(url_for(".areas"))


# --- Units --------------------------------------------------------------------------------

def _kind_or_none(value: str | None) -> UnitKind | None:
    try:
        return UnitKind(value) if value else None
    except ValueError:
        return None


@bp.get("/units")
@allow(is_admin)
def units():
    area_id = parse_id(request.args.get("area"))
    area = db.session.get(Area, area_id) if area_id else None
    kind = _kind_or_none(request.args.get("kind"))
    return render_template(
        "admin/units.html", units=ops.list_units(db.session, area, kind),
        area_choices=_area_choices("Tất cả địa bàn"), kinds=list(UnitKind),
        selected_area=area, selected_kind=kind,
    )


def _unit_page(unit: Unit | None) -> ResponseReturnValue:
    data = None
    if unit is not None:
        data = {"code": unit.code, "name": unit.name, "kind": unit.kind.value,
                "area_id": unit.area_id, "recognition_threshold": unit.recognition_threshold}
    form = UnitForm(data=data)
    form.area_id.choices = _area_choices(CHOOSE_AREA)
    if not form.validate_on_submit():
        return _invalid("admin/unit_form.html", form=form, unit=unit)
    try:
        saved = ops.save_unit(
            db.session, current_user, unit, code=form.code.data, name=form.name.data,
            kind=UnitKind(form.kind.data), area=db.get_or_404(Area, form.area_id.data),
            recognition_threshold=form.recognition_threshold.data,
        )
    except DomainError as error:
        return _refused(form, error, "admin/unit_form.html", unit=unit)
    flash(f"Đã lưu đơn vị “{saved.name}”.", "success")
    return redirect(url_for(".units"))


@bp.route("/units/new", methods=["GET", "POST"])
@allow(is_admin)
def unit_new():
    return _unit_page(None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@allow(is_admin)
def unit_edit(unit_id: int):
    return _unit_page(db.get_or_404(Unit, unit_id))


# --- Assessment years ---------------------------------------------------------------------

@bp.get("/years")
@allow(is_admin)
def years():
    return render_template("admin/years.html", years=all_years(db.session),
                           toggle_form=ConfirmForm())


def _year_page(year: AssessmentYear | None) -> ResponseReturnValue:
    data = None
    if year is not None:
        data = {"label": year.label, "kind": year.kind.value, "starts_on": year.starts_on,
                "ends_on": year.ends_on}
    form = YearForm(data=data)
    if not form.validate_on_submit():
        return _invalid("admin/year_form.html", form=form, year=year)
    values = dict(label=form.label.data, kind=YearKind(form.kind.data),
                  starts_on=form.starts_on.data, ends_on=form.ends_on.data)
    try:
        if year is None:
            saved = ops.create_year(db.session, current_user, **values)
        else:
            saved = ops.update_year(db.session, current_user, year, **values)
    except DomainError as error:
        return _refused(form, error, "admin/year_form.html", year=year)
    verb = "thêm" if year is None else "lưu"
    flash(f"Đã {verb} năm đánh giá “{saved.label}”.", "success")
    return redirect(url_for(".years"))


@bp.route("/years/new", methods=["GET", "POST"])
@allow(is_admin)
def year_new():
    return _year_page(None)


@bp.route("/years/<int:year_id>/edit", methods=["GET", "POST"])
@allow(is_admin)
def year_edit(year_id: int):
    return _year_page(db.get_or_404(AssessmentYear, year_id))


@bp.post("/years/<int:year_id>/toggle")
@allow(is_admin)
def year_toggle(year_id: int):
    year = db.get_or_404(AssessmentYear, year_id)
    ops.set_year_open(db.session, current_user, year, not year.is_open)
    return _year_flash(year)


def _year_flash(year: AssessmentYear) -> ResponseReturnValue:
    if year.is_open:
        flash(f"Đã mở năm đánh giá “{year.label}”: thành viên có thể tự đánh giá.", "success")
    else:
        flash(f"Đã đóng năm đánh giá “{year.label}”: các phiếu của năm này không thay đổi được "
              "nữa.", "success")
    return redirect(url_for(".years"))


@bp.get("/years/<int:year_id>/close")
@allow(is_admin)
def year_close_confirm(year_id: int):
    """Say what closing freezes (the year's assessments, by status) before doing it."""
    year = db.get_or_404(AssessmentYear, year_id)
    counts = ops.year_assessment_counts(db.session, year)
    return render_template(
        "admin/year_close.html", year=year, form=ConfirmForm(), total=sum(counts.values()),
        counts=[(status, counts[status]) for status in AssessmentStatus if status in counts],
    )


@bp.post("/years/<int:year_id>/close")
@allow(is_admin)
def year_close(year_id: int):
    """Close only: a second press, or a stale page, never reopens the year."""
    year = db.get_or_404(AssessmentYear, year_id)
    ops.set_year_open(db.session, current_user, year, False)
    return _year_flash(year)


# --- Roles --------------------------------------------------------------------------------

@bp.get("/roles")
@allow(is_admin)
def roles():
    return render_template("admin/roles.html", grants=ops.list_grants(db.session),
                           revoke_form=ConfirmForm())


@bp.route("/roles/new", methods=["GET", "POST"])
@allow(is_admin)
def role_new():
    form = GrantForm()
    form.unit_id.choices = _unit_choices()
    form.area_id.choices = _area_choices(CHOOSE_AREA)
    if not form.validate_on_submit():
        return _invalid("admin/role_form.html", form=form)
    user = ops.find_user(db.session, form.contact.data)
    if user is None:
        error = DomainError("Không tìm thấy tài khoản có số điện thoại hoặc email này. "
                               "Người được cấp quyền cần đăng ký tài khoản trước.", "contact")
        return _refused(form, error, "admin/role_form.html")
    role = Role(form.role.data)
    try:
        ops.grant_role(
            db.session, current_user, user, role,
            unit=db.get_or_404(Unit, form.unit_id.data) if form.unit_id.data else None,
            area=db.get_or_404(Area, form.area_id.data) if form.area_id.data else None,
        )
    except DomainError as error:
        return _refused(form, error, "admin/role_form.html")
    flash(f"Đã cấp quyền {role.label} cho {user.full_name}.", "success")
    return redirect(url_for(".roles"))


@bp.get("/roles/<int:grant_id>/revoke")
@allow(is_admin)
def role_revoke_confirm(grant_id: int):
    """Say what the person loses at once before revoking; the form posts to `role_revoke`."""
    role_grant = db.get_or_404(RoleGrant, grant_id)
    return render_template("admin/role_revoke.html", grant=role_grant, form=ConfirmForm(),
                           last_admin=ops.is_last_admin(db.session, role_grant, lock=False))


@bp.post("/roles/<int:grant_id>/revoke")
@allow(is_admin)
def role_revoke(grant_id: int):
    role_grant = db.get_or_404(RoleGrant, grant_id)
    name, label = role_grant.user.full_name, role_grant.role.label
    try:
        ops.revoke_grant(db.session, current_user, role_grant)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".roles"))
    flash(f"Đã thu hồi quyền {label} của {name}.", "success")
    return redirect(url_for(".roles"))


# --- Targets ------------------------------------------------------------------------------

@bp.get("/targets")
@allow(is_admin)
def targets():
    year_id = parse_id(request.args.get("year"))
    year = db.session.get(AssessmentYear, year_id) if year_id else None
    return render_template("admin/targets.html", targets=ops.list_targets(db.session, year),
                           year_choices=_year_choices("Tất cả các năm"), selected_year=year)


def _target_page(target: Target | None) -> ResponseReturnValue:
    data = None
    if target is not None:
        data = {"year_id": target.year_id, "area_id": target.area_id,
                "appendix": target.appendix or "", "percentage": target.percentage}
    elif parse_id(request.args.get("year")):
        data = {"year_id": parse_id(request.args.get("year"))}
    form = TargetForm(data=data)
    form.year_id.choices = _year_choices()
    form.area_id.choices = _area_choices(CHOOSE_AREA)
    context = {"target": target, "delete_form": ConfirmForm()}
    if not form.validate_on_submit():
        return _invalid("admin/target_form.html", form=form, **context)
    try:
        saved = ops.save_target(
            db.session, current_user, target, year=db.get_or_404(AssessmentYear, form.year_id.data),
            area=db.get_or_404(Area, form.area_id.data), appendix=form.appendix.data or None,
            percentage=form.percentage.data,
        )
    except DomainError as error:
        return _refused(form, error, "admin/target_form.html", **context)
    flash("Đã lưu chỉ tiêu.", "success")
    return redirect(url_for(".targets", year=saved.year_id))


@bp.route("/targets/new", methods=["GET", "POST"])
@allow(is_admin)
def target_new():
    return _target_page(None)


@bp.route("/targets/<int:target_id>/edit", methods=["GET", "POST"])
@allow(is_admin)
def target_edit(target_id: int):
    return _target_page(db.get_or_404(Target, target_id))


@bp.post("/targets/<int:target_id>/delete")
@allow(is_admin)
def target_delete(target_id: int):
    target = db.get_or_404(Target, target_id)
    year_id = target.year_id
    ops.delete_target(db.session, current_user, target)
    flash("Đã xóa chỉ tiêu.", "success")
    return redirect(url_for(".targets", year=year_id))


# Account pages live in their own module on this blueprint.
from . import account_routes  # noqa: E402,F401
