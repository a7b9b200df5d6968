"""Routes: a unit's roster for a year ("danh sách"), with CSV import. Heads and admins only."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..access import allow, can_manage_unit
from ..db import db
from ..errors import DomainError, fail
from ..forms import SESSION_EXPIRED, ConfirmForm, offer_years
from ..groups import GROUPS, default_group
from ..inputs import BAD_TEXT, has_bad_characters, parse_id
from ..models import SHOWN_STATUSES, AssessmentYear, Membership, Unit
from ..text import clean_text
from ..years import all_years, open_years, pick_year
from . import claims, operations, queries, rollover
from .csvfile import MAX_BYTES, ImportFileError, template_csv
from .forms import AddMemberForm, ImportConfirmForm, ImportUploadForm, MemberForm, RolloverForm
from .operations import SECTION_LIMIT
from .xlsxfile import read_upload
from .xlsxfile import template_xlsx as xlsx_template

bp = Blueprint("roster", __name__)

IMPORT_MAX_AGE = 3 * 3600  # a head may leave the preview open between classes


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    # A function, so only the start page of a head queries it.
    return {"roster_claims_waiting": lambda: queries.claims_waiting(db.session, current_user.headed_unit_ids)}


def _line_of(unit: Unit, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.unit_id != unit.id:
        fail(404, "Không tìm thấy người này trong danh sách của đơn vị.")
    return membership


def _year_arg() -> int | None:
    return parse_id(request.args.get("year"))


SEARCH_LIMIT = 100


def _roster_filter() -> queries.RosterFilter:
    appendix = request.args.get("appendix")
    return queries.RosterFilter(
        appendix=appendix if appendix in GROUPS else None,
        section=(request.args.get("section") or "").strip()[:SECTION_LIMIT] or None,
        search=(request.args.get("q") or "").strip()[:SEARCH_LIMIT] or None,
        claims=request.args.get("claims") == "1",
        status=status if (status := request.args.get("status")) in queries.STATUS_FILTERS else None,
    )


@bp.get("/<int:unit_id>/roster")
@allow(can_manage_unit, load=Unit)
def index(unit: Unit) -> ResponseReturnValue:
    years = all_years(db.session)
    year = pick_year(years, _year_arg())
    wanted = _roster_filter()
    context = dict(unit=unit, years=years, year=year, wanted=wanted, groups=GROUPS,
                   remove_form=ConfirmForm())
    if year is not None:
        context.update(
            page=queries.page(db.session, unit, year, wanted, parse_id(request.args.get("page")) or 1),
            sections=queries.sections(db.session, unit, year),
            section_counts=queries.section_counts(db.session, unit, year),
            claims_waiting=sum(n for _, y, n in queries.claims_waiting(db.session, [unit.id]) if y.id == year.id),
            counts=queries.counts(db.session, unit, year),
            statuses=SHOWN_STATUSES,
            status_filters=queries.STATUS_FILTERS,
        )
    return render_template("roster/index.html", **context)


def _offer_open_years(form: AddMemberForm | ImportUploadForm) -> list[AssessmentYear]:
    """Open years only; a first display starts on the year asked for, else the newest open one."""
    years = open_years(db.session)
    offer_years(form.year_id, years, pick_year(years, _year_arg()) if request.method == "GET" else None)
    return years


@bp.route("/<int:unit_id>/roster/add", methods=["GET", "POST"])
@allow(can_manage_unit, load=Unit)
def add(unit: Unit) -> ResponseReturnValue:
    form = AddMemberForm()
    years = _offer_open_years(form)
    if request.method == "GET":
        asked = request.args.get("appendix")
        form.appendix.data = asked if asked in GROUPS else default_group(unit)
    elif form.validate_on_submit():
        year = next(y for y in years if y.id == form.year_id.data)
        try:
            membership = operations.add_member(
                db.session, current_user, unit, year, form.full_name.data, form.contact.data,
                form.appendix.data, form.section.data,
            )
        except DomainError as error:
            getattr(form, error.field or "full_name").errors.append(error.message)
        else:
            flash(f"Đã thêm {membership.full_name} vào danh sách năm {year.label}.", "success")
            if membership.pending_user is not None:
                flash(f"Số {membership.contact} đã có tài khoản (tên đăng ký: {membership.pending_user.full_name}). "
                      "Tài khoản chỉ được gắn vào dòng này khi chủ tài khoản đồng ý.", "info")
            return redirect(url_for(".index", unit_id=unit.id, year=year.id))
    status = 422 if request.method == "POST" else 200
    return render_template("roster/add.html", unit=unit, form=form, years=years), status


@bp.route("/<int:unit_id>/roster/<int:membership_id>/edit", methods=["GET", "POST"])
@allow(can_manage_unit, load=Unit)
def edit(unit: Unit, membership_id: int) -> ResponseReturnValue:
    membership = _line_of(unit, membership_id)
    form = MemberForm(obj=membership)
    if form.validate_on_submit():
        try:
            operations.update_member(db.session, current_user, membership, form.full_name.data,
                                     form.appendix.data, form.section.data)
        except DomainError as error:
            getattr(form, error.field or "full_name").errors.append(error.message)
        else:
            flash(f"Đã lưu thay đổi cho {membership.full_name}.", "success")
            return redirect(url_for(".index", unit_id=unit.id, year=membership.year_id))
    status = 422 if request.method == "POST" else 200
    return render_template("roster/edit.html", unit=unit, membership=membership, form=form,
                           remove_form=ConfirmForm()), status


@bp.post("/<int:unit_id>/roster/<int:membership_id>/remove")
@allow(can_manage_unit, load=Unit)
def remove(unit: Unit, membership_id: int) -> ResponseReturnValue:
    membership = _line_of(unit, membership_id)
    year_id, name = membership.year_id, membership.full_name
    try:
        operations.remove_member(db.session, current_user, membership)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"Đã xóa {name} khỏi danh sách.", "success")
    return redirect(url_for(".index", unit_id=unit.id, year=year_id))


@bp.post("/<int:unit_id>/roster/<int:membership_id>/claim/<any(confirm, refuse):answer>")
@allow(can_manage_unit, load=Unit)
def answer_claim(unit: Unit, membership_id: int, answer: str) -> ResponseReturnValue:
    """The head's one tap on a claim: "Xác nhận đúng người" or "Không phải người này"."""
    membership = _line_of(unit, membership_id)
    claimant = membership.pending_user.full_name if membership.pending_user else ""
    try:
        if answer == "confirm":
            claims.confirm_claim(db.session, current_user, membership)
            flash(f"Đã xác nhận tài khoản {claimant} là {membership.full_name}.", "success")
        else:
            claims.refuse_claim(db.session, current_user, membership)
            flash(f"Đã từ chối: tài khoản {claimant} không được gắn với {membership.full_name}.", "success")
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for(".index", unit_id=unit.id, year=membership.year_id))


@bp.get("/<int:unit_id>/roster/template.csv")
@allow(can_manage_unit, load=Unit)
def template(unit: Unit) -> ResponseReturnValue:
    return Response(
        template_csv().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="mau-danh-sach.csv"'},
    )


@bp.get("/<int:unit_id>/roster/template.xlsx")
@allow(can_manage_unit, load=Unit)
def template_xlsx(unit: Unit) -> ResponseReturnValue:
    return Response(
        xlsx_template(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="mau-danh-sach.xlsx"'},
    )


# Import: upload → preview (nothing written) → confirm (checked again, then written).

def _carrier() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="cdht.roster-import")


def _import_page(unit: Unit, form: ImportUploadForm, error: str | None = None,
                 status: int = 200) -> ResponseReturnValue:
    return render_template("roster/import.html", unit=unit, form=form, error=error,
                           max_kb=MAX_BYTES // 1024), status


@bp.route("/<int:unit_id>/roster/import", methods=["GET", "POST"])
@allow(can_manage_unit, load=Unit)
def import_upload(unit: Unit) -> ResponseReturnValue:
    form = ImportUploadForm()
    years = _offer_open_years(form)
    if request.method == "GET":
        return _import_page(unit, form)
    if not form.validate_on_submit():
        return _import_page(unit, form, status=422)
    year = next(y for y in years if y.id == form.year_id.data)
    group = form.default_group.data or None
    try:
        text = read_upload(form.file.data.read(MAX_BYTES + 1))
        preview = operations.preview_import(db.session, unit, year, text, group)
    except ImportFileError as error:
        return _import_page(unit, form, error.message, 422)
    payload = _carrier().dumps({"u": unit.id, "y": year.id, "t": text, "g": group})
    confirm = ImportConfirmForm(payload=payload)
    return render_template("roster/preview.html", unit=unit, year=year, preview=preview, form=confirm)


@bp.post("/<int:unit_id>/roster/import/confirm")
@allow(can_manage_unit, load=Unit)
def import_confirm(unit: Unit) -> ResponseReturnValue:
    form = ImportConfirmForm()
    upload = ImportUploadForm(formdata=None)
    _offer_open_years(upload)
    try:
        carried = _carrier().loads(form.payload.data or "", max_age=IMPORT_MAX_AGE) \
            if form.validate_on_submit() else None
    except BadSignature:  # tampered with, or older than IMPORT_MAX_AGE
        carried = None
    if not isinstance(carried, dict) or carried.get("u") != unit.id:
        return _import_page(unit, upload, (
            "Không xác nhận được tệp đã xem trước (tệp đã bị thay đổi hoặc trang mở quá lâu). "
            "Chưa có gì được lưu; vui lòng tải tệp lên lại."), 400)
    year = db.get_or_404(AssessmentYear, int(carried.get("y") or 0), "Không tìm thấy năm đánh giá.")
    try:
        renames = {n for n in map(parse_id, request.form.getlist("rename")) if n is not None}
        result = operations.apply_import(db.session, current_user, unit, year, carried["t"],
                                         carried.get("g"), renames)
    except (ImportFileError, DomainError) as error:
        return _import_page(unit, upload, error.message, 422)
    return render_template("roster/import_done.html", unit=unit, year=year, result=result)


# Rollover: a year's roster carried into a newer open year, classes moved up.

MAX_MAPPING_ROWS = 500


@dataclass
class _Choice:
    """The years a rollover page is about, from the query string or the posted form."""

    targets: list[AssessmentYear]
    target: AssessmentYear | None
    sources: list[AssessmentYear]
    source: AssessmentYear | None


def _rollover_years(unit: Unit, target_id: int | None, source_id: int | None) -> _Choice:
    targets = open_years(db.session)
    target = next((y for y in targets if y.id == target_id), targets[0] if targets else None)
    sources = rollover.source_years(db.session, unit, target) if target is not None else []
    source = next((y for y in sources if y.id == source_id), sources[0] if sources else None)
    return _Choice(targets, target, sources, source)


def _posted_rows(rows: list[rollover.MappingRow]) -> tuple[list[rollover.MappingRow], list[str]]:
    """The head's mapping, row by row over the source roster's classes as they are now."""
    problems = []
    for index, row in enumerate(rows):
        if request.form.get(f"from-{index}", "") != (row.source or ""):
            raise DomainError("Danh sách của năm được chuyển vừa thay đổi. Bảng chuyển lớp đã được lập lại; "
                              "vui lòng xem lại rồi bấm “Xem trước”.")
        row.carried = request.form.get(f"keep-{index}") == "1"
        typed = request.form.get(f"to-{index}", "")
        if has_bad_characters(typed):
            problems.append(f"{row.source or 'Chưa ghi lớp'}: {BAD_TEXT}")
            typed = ""
        row.target = clean_text(typed)[:SECTION_LIMIT + 1] or None
        if row.target is not None and len(row.target) > SECTION_LIMIT:
            problems.append(f"{row.source or 'Chưa ghi lớp'}: tên lớp mới dài quá {SECTION_LIMIT} ký tự")
            row.carried = False
    return rows, problems


def _mapping(rows: list[rollover.MappingRow]) -> dict[str | None, str | None]:
    return {row.source: row.target for row in rows if row.carried}


def _digest(choice: _Choice, mapping: dict[str | None, str | None]) -> str:
    """Ties a confirmation to the mapping that was previewed."""
    assert choice.source is not None and choice.target is not None
    text = json.dumps([choice.source.id, choice.target.id, sorted(mapping.items(), key=str)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _rollover_render(unit: Unit, form: RolloverForm, choice: _Choice, rows: list[rollover.MappingRow],
                     status: int = 200, **extra: object) -> ResponseReturnValue:
    context: dict[str, object] = dict(plan=None, problems=[], changed=False, error=None)
    context.update(extra)
    return render_template("roster/rollover.html", unit=unit, form=form, choice=choice, rows=rows,
                           **context), status


@bp.route("/<int:unit_id>/roster/rollover", methods=["GET", "POST"])
@allow(can_manage_unit, load=Unit)
def rollover_page(unit: Unit) -> ResponseReturnValue:
    form = RolloverForm()
    if request.method == "GET":
        choice = _rollover_years(unit, parse_id(request.args.get("year")), parse_id(request.args.get("source")))
        rows = rollover.default_mapping(db.session, unit, choice.source) if choice.source else []
        return _rollover_render(unit, form, choice, rows[:MAX_MAPPING_ROWS])
    asked = (parse_id(form.target_id.data), parse_id(form.source_id.data))
    choice = _rollover_years(unit, *asked)
    if not form.validate_on_submit():
        return _rollover_render(unit, form, choice, [], 400, error=SESSION_EXPIRED)
    if choice.source is None or choice.target is None or asked != (choice.target.id, choice.source.id):
        return _rollover_render(unit, form, choice, [], 409, error=(
            "Không chuyển được giữa hai năm đã chọn (năm chuyển đến đã khóa, hoặc năm lấy danh sách "
            "không trước năm đó). Chưa có gì được lưu; vui lòng chọn lại."))
    return _rollover_post(unit, form, choice)


def _rollover_post(unit: Unit, form: RolloverForm, choice: _Choice) -> ResponseReturnValue:
    """Preview the posted mapping, or apply it when it is the one last previewed."""
    assert choice.source is not None and choice.target is not None
    rows = rollover.default_mapping(db.session, unit, choice.source)[:MAX_MAPPING_ROWS]
    try:
        rows, problems = _posted_rows(rows)
    except DomainError as error:
        return _rollover_render(unit, form, choice, rows, 409, error=error.message)
    mapping = _mapping(rows)
    confirming = request.form.get("action") == "confirm" and not problems
    try:
        if confirming and form.previewed.data == _digest(choice, mapping):
            plan = rollover.apply_rollover(db.session, current_user, unit, choice.source, choice.target, mapping)
            _flash_rollover(plan)
            return redirect(url_for(".index", unit_id=unit.id, year=choice.target.id))
        plan = rollover.plan_rollover(db.session, unit, choice.source, choice.target, mapping)
    except DomainError as error:
        return _rollover_render(unit, form, choice, rows, 422, error=error.message, problems=problems)
    form.previewed.data = _digest(choice, mapping)
    # `confirming` here: a confirmation whose mapping was edited after its preview.
    return _rollover_render(unit, form, choice, rows, plan=plan, problems=problems, changed=confirming)


def _flash_rollover(plan: rollover.RolloverPlan) -> None:
    if plan.create:
        flash(f"Đã chuyển {plan.create} người từ năm {plan.source.label} sang năm {plan.target.label}; "
              f"{plan.already} người đã có sẵn, {plan.left_out} người không chuyển.", "success")
    else:
        flash(f"Không có ai cần chuyển thêm: {plan.already} người đã có trong danh sách năm "
              f"{plan.target.label}.", "info")
