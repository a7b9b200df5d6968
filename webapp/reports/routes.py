"""Routes: unit percentages, rollups against targets, CSV exports ("Thống kê").

Who sees what: a unit's page and result file — its heads, aggregators above it, admins;
an area's pages and files — aggregators of that area or one above it, admins.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import allow, can_view_area, can_view_unit, sees_reports
from ..db import db
from ..errors import fail
from ..groups import GROUPS
from ..models import Area, AssessmentYear, Unit, UnitKind
from ..years import all_years, report_year
from . import csvcopy, csvexport, xlsxexport
from .chart import bar_chart
from .figures import Targets, format_percent, path_ids, total
from .forms import SORT_COLUMNS, AreaFilterForm, YearForm
from .people import PeopleFilter, people_page, unit_summary
from .queries import PEOPLE_LISTS, ReportRow, area_report, node_figures, unit_report

bp = Blueprint("reports", __name__)

INVALID_CHOICE = "Giá trị không hợp lệ; đang dùng mặc định."
BAD_GROUP = "Nhóm đối tượng không hợp lệ (chỉ nhận III, IV hoặc V)."
BAD_STATUS = "Trạng thái không hợp lệ."
BAD_LIST = "Danh sách cần xem không hợp lệ."


# -- filters ----------------------------------------------------------------------------

def _clean(form: YearForm, years: list[AssessmentYear], default: AssessmentYear | None) -> bool:
    """Check every choice; a bad one gets a Vietnamese message and falls back to its default.

    The year defaults to `default` (see `report_year`). Returns False when something was wrong.
    """
    form.set_years(years)
    ok = True
    for field in form:
        valid = {choice.value for choice in field.choices}
        if field.name == "year":
            raw = request.args.get("year", "")
            if raw == "":
                field.data = default.id if default else None
                continue
            try:
                field.data = int(raw)
            except ValueError:
                field.data = None
        if field.data not in valid:
            field.errors = [INVALID_CHOICE]
            field.data = default.id if field.name == "year" and default else field.default
            ok = False
    return ok


def _selected_year(form: YearForm, years: list[AssessmentYear]) -> AssessmentYear | None:
    return next((y for y in years if y.id == form.year.data), None)


def _year_for_export(session: Session, unit_id: int | None) -> AssessmentYear:
    raw = request.args.get("year", "")
    years = all_years(session)
    if raw == "":
        default = report_year(session, years, unit_id)
        if default is None:
            fail(404, "Chưa có năm đánh giá nào.")
        return default
    year = next((y for y in years if str(y.id) == raw), None)
    if year is None:
        fail(400, "Năm đánh giá không hợp lệ.")
    return year


def _choice(name: str, allowed: tuple[str, ...], message: str) -> str | None:
    value = request.args.get(name, "") or None
    if value is not None and value not in allowed:
        fail(400, message)
    return value


# -- sorting ----------------------------------------------------------------------------

SORT_KEYS: dict[str, Callable[[ReportRow], Any]] = {
    "name": lambda r: r.name.casefold(),
    "kind": lambda r: r.detail.casefold(),
    "roster": lambda r: r.figures.roster,
    "submitted": lambda r: r.figures.submitted,
    "self": lambda r: r.figures.self_achieved,
    "confirmed": lambda r: r.figures.confirmed,
    "percent": lambda r: r.figures.percent,
    "target": lambda r: r.target,
    "gap": lambda r: r.gap,
}


def sort_rows(rows: list[ReportRow], sort: str) -> list[ReportRow]:
    """Sort by a column; rows without a value (no roster, no target) always come last."""
    key = SORT_KEYS.get(sort.lstrip("-"))
    if key is None:
        return rows
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=sort.startswith("-")) + missing


def _filter_vs_target(rows: list[ReportRow], vs_target: str) -> list[ReportRow]:
    if vs_target == "below":
        return [row for row in rows if row.meets_target is False]
    if vs_target == "above":
        return [row for row in rows if row.meets_target is True]
    return rows


# -- pages ------------------------------------------------------------------------------

@bp.get("/")
@allow(sees_reports)
def index() -> ResponseReturnValue:
    """Send each person to the report they may read."""
    user = current_user
    if user.is_admin:
        roots = db.session.scalars(
            select(Area).where(Area.parent_id.is_(None)).order_by(Area.name, Area.id)
        ).all()
        if len(roots) == 1:
            return redirect(url_for(".area", area_id=roots[0].id))
        return render_template("reports/choose.html", areas=roots)
    if user.aggregated_areas:
        return redirect(url_for(".area", area_id=user.aggregated_areas[0].id))
    return redirect(url_for(".unit", unit_id=user.headed_unit_ids[0]))


@bp.get("/areas/<int:area_id>")
@allow(can_view_area, load=Area)
def area(node: Area) -> ResponseReturnValue:
    session = db.session
    years = all_years(session)
    form = AreaFilterForm(request.args)
    ok = _clean(form, years, report_year(session, years))
    year = _selected_year(form, years)
    context: dict[str, Any] = {"node": node, "form": form, "year": year,
                               "breadcrumb": _breadcrumb(session, node)}
    if year is not None:
        appendix = form.appendix.data or None
        kind = UnitKind(form.kind.data) if form.kind.data else None
        report = area_report(session, node, year.id, appendix, kind)
        rows = sort_rows(_filter_vs_target(report.rows, form.vs_target.data), form.sort.data)
        args = {k: v for k, v in {"year": year.id, "appendix": appendix or "",
                                  "kind": form.kind.data, "vs_target": form.vs_target.data}.items()
                if v}
        context.update(
            report=report, rows=rows, chart=bar_chart(rows), args=args,
            sort=form.sort.data, sort_urls=_sort_urls(node.id, args, form.sort.data),
            csv_args={k: v for k, v in args.items() if k in ("year", "appendix")},
        )
    return render_template("reports/area.html", **context), (200 if ok else 422)


def _sort_urls(area_id: int, args: dict[str, Any], current: str) -> dict[str, str]:
    urls = {}
    for key in SORT_COLUMNS:
        target = f"-{key}" if current == key else key
        urls[key] = url_for(".area", area_id=area_id, **args, sort=target)
    return urls


def _breadcrumb(session: Session, node: Area) -> list[tuple[Area, bool]]:
    """Ancestors of the node, each with whether this user may open it."""
    ids = path_ids(node.path)[:-1]
    if not ids:
        return []
    ancestors = {a.id: a for a in session.scalars(select(Area).where(Area.id.in_(ids)))}
    return [(ancestors[i], can_view_area(current_user, ancestors[i])) for i in ids if i in ancestors]


@bp.get("/units/<int:unit_id>")
@allow(can_view_unit, load=Unit)
def unit(the_unit: Unit) -> ResponseReturnValue:
    session = db.session
    years = all_years(session)
    form = YearForm(request.args)
    ok = _clean(form, years, report_year(session, years, the_unit.id))
    year = _selected_year(form, years)
    context: dict[str, Any] = {"unit": the_unit, "form": form, "year": year,
                               "area_link": can_view_area(current_user, the_unit.area)}
    if year is not None:
        context["report"] = unit_report(session, the_unit, year.id)
    return render_template("reports/unit.html", **context), (200 if ok else 422)


SECTION_MAX = 80


def _people_filter() -> PeopleFilter:
    kind = _choice("kind", tuple(PEOPLE_LISTS), BAD_LIST) or "all"
    section = request.args.get("section")
    return PeopleFilter(kind, None if section is None else section[:SECTION_MAX],
                        _choice("appendix", GROUPS, BAD_GROUP))


@bp.get("/units/<int:unit_id>/people")
@allow(can_view_unit, load=Unit)
def unit_people(the_unit: Unit) -> ResponseReturnValue:
    """Who is behind a count of the unit page, a hundred names per page."""
    year = _year_for_export(db.session, the_unit.id)
    wanted = _people_filter()
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10**6))
    listing = people_page(db.session, the_unit.id, year.id, wanted, page)
    args = {"year": year.id, "kind": wanted.kind, "section": wanted.section, "appendix": wanted.appendix}
    return render_template("reports/people.html", unit=the_unit, year=year, wanted=wanted,
                           title=PEOPLE_LISTS[wanted.kind], listing=listing, args=args)


@bp.get("/units/<int:unit_id>/summary")
@allow(can_view_unit, load=Unit)
def unit_summary_page(the_unit: Unit) -> ResponseReturnValue:
    """The A4 summary a head prints and signs for the learning-unit dossier."""
    year = _year_for_export(db.session, the_unit.id)
    return render_template("reports/unit_summary.html", unit=the_unit, year=year,
                           summary=unit_summary(db.session, the_unit, year.id))


# -- CSV --------------------------------------------------------------------------------

def _csv_response(chunks: Callable[[Session], Iterator[str] | Iterator[bytes]], filename: str) -> Response:
    """Stream the file; it is read from a fresh session after this view returns."""

    def generate() -> Iterator[str] | Iterator[bytes]:
        yield from chunks(db.session)

    db.stream_rows_later()
    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _xlsx_response(rows: Callable[[Session], Iterator[list[Any]]],
                   workbook: Callable[[Any, Iterator[list[Any]]], int], filename: str) -> Response:
    """Like `_csv_response`, for a workbook written to a temporary file and streamed from it."""

    def generate() -> Iterator[bytes]:
        yield from xlsxexport.file_chunks(lambda target: workbook(target, rows(db.session)))

    db.stream_rows_later()
    response = Response(stream_with_context(generate()), mimetype=xlsxexport.MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _export_scope(path: str, unit_id: int | None = None, by_status: bool = False) -> csvexport.Scope:
    """What a download covers: the year asked for, the area (or unit), a group, maybe a status."""
    year = _year_for_export(db.session, unit_id)
    status = _choice("status", csvexport.RESULT_STATUSES, BAD_STATUS) if by_status else None
    return csvexport.Scope(year.id, year.label, path, unit_id=unit_id,
                           appendix=_choice("appendix", GROUPS, BAD_GROUP), status=status)


@bp.get("/areas/<int:area_id>/units.csv")
@allow(can_view_area, load=Area)
def area_units_csv(node: Area) -> ResponseReturnValue:
    scope = _export_scope(node.path)
    return _csv_response(lambda session: csvexport.csv_chunks(csvexport.unit_summary_rows(session, scope)),
                         scope.file_name("cdht-units", node.code))


@bp.get("/areas/<int:area_id>/results.csv")
@allow(can_view_area, load=Area)
def area_results_csv(node: Area) -> ResponseReturnValue:
    scope = _export_scope(node.path, by_status=True)
    return _csv_response(lambda session: csvcopy.result_csv(session, scope),
                         scope.file_name("cdht-results", node.code))


@bp.get("/units/<int:unit_id>/results.csv")
@allow(can_view_unit, load=Unit)
def unit_results_csv(the_unit: Unit) -> ResponseReturnValue:
    scope = _export_scope(the_unit.area.path, unit_id=the_unit.id, by_status=True)
    return _csv_response(lambda session: csvcopy.result_csv(session, scope),
                         scope.file_name("cdht-results", the_unit.code))


@bp.get("/areas/<int:area_id>/units.xlsx")
@allow(can_view_area, load=Area)
def area_units_xlsx(node: Area) -> ResponseReturnValue:
    scope = _export_scope(node.path)
    return _xlsx_response(lambda session: csvexport.unit_summary_rows(session, scope),
                          xlsxexport.unit_workbook, scope.file_name("cdht-units", node.code, "xlsx"))


@bp.get("/areas/<int:area_id>/results.xlsx")
@allow(can_view_area, load=Area)
def area_results_xlsx(node: Area) -> ResponseReturnValue:
    scope = _export_scope(node.path, by_status=True)
    return _xlsx_response(lambda session: csvexport.result_rows(session, scope),
                          xlsxexport.result_workbook, scope.file_name("cdht-results", node.code, "xlsx"))


@bp.get("/units/<int:unit_id>/results.xlsx")
@allow(can_view_unit, load=Unit)
def unit_results_xlsx(the_unit: Unit) -> ResponseReturnValue:
    scope = _export_scope(the_unit.area.path, unit_id=the_unit.id, by_status=True)
    return _xlsx_response(lambda session: csvexport.result_rows(session, scope),
                          xlsxexport.result_workbook, scope.file_name("cdht-results", the_unit.code, "xlsx"))


# -- template helpers -------------------------------------------------------------------

@bp.app_template_global()
def reports_home_cards() -> list[dict[str, Any]]:
    """Headline percentage of each area this user aggregates, for the start page."""
    user = current_user
    if not user.is_authenticated or not user.aggregated_areas:
        return []
    session = db.session
    year = report_year(session, all_years(session))
    if year is None:
        return []
    targets = Targets(session, year.id)
    cards = []
    for node in user.aggregated_areas:
        figures = total(node_figures(session, node, year.id).values())
        target = targets.for_path(path_ids(node.path))
        cards.append({"area": node, "year": year, "figures": figures, "target": target,
                      "meets": figures.meets(target)})
    return cards



@bp.app_template_filter("percent_vn")
def percent_vn(value: Decimal | None) -> str:
    return format_percent(value) if value is not None else "—"


@bp.app_template_filter("gap_vn")
def gap_vn(value: Decimal | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return sign + format_percent(abs(value))[:-1] + " điểm"
