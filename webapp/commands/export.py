"""`cdht export units|results`: the report CSV files from the command line.

The same writers as the web downloads (webapp/reports/csvexport.py, and csvcopy.py for
results.csv), so a file made here and one downloaded are identical. An unknown area or year is one line on stderr and
exit status 2.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import db
from ..groups import GROUPS
from ..models import Area, AssessmentYear
from ..reports import csvcopy, csvexport

GROUP_CHOICE = click.Choice(GROUPS)


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _scope(session: Session, area_code: str, year_label: str, appendix: str | None,
           status: str | None = None) -> tuple[csvexport.Scope, Area, AssessmentYear]:
    area = session.scalar(select(Area).where(Area.code == area_code))
    if area is None:
        _fail(f"unknown area code: {area_code}")
    year = session.scalar(select(AssessmentYear).where(AssessmentYear.label == year_label))
    if year is None:
        _fail(f"unknown assessment year: {year_label}")
    return csvexport.Scope(year.id, year.label, area.path, appendix=appendix, status=status), area, year


def _write(chunks: Iterator[bytes], output: Path | None) -> None:
    """UTF-8 bytes to the file or to stdout, whatever the terminal's encoding."""
    if output is None:
        stream = sys.stdout.buffer
        for chunk in chunks:
            stream.write(chunk)
        stream.flush()
        return
    try:
        with output.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror}")
    click.echo(f"Wrote {output}", err=True)


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                           help="File to write (default: standard output).")(command)
    command = click.option("--appendix", type=GROUP_CHOICE, help="Only this group.")(command)
    command = click.option("--year", "year_label", required=True,
                           help="Assessment year label, e.g. 2026 or 2026–2027.")(command)
    command = click.option("--area", "area_code", required=True,
                           help="Area code: the node and everything beneath it.")(command)
    return command


@click.group("export")
def export_group() -> None:
    """Export report CSV files (UTF-8 with BOM; columns in the README)."""


@export_group.command("units")
@_common
@with_appcontext
def units_command(area_code: str, year_label: str, appendix: str | None,
                  output: Path | None) -> None:
    """One row per unit and group: roster, submitted, achieved, percentage, target."""
    session = db.session
    scope, _area, _year = _scope(session, area_code, year_label, appendix)
    rows = csvexport.unit_summary_rows(session, scope)
    _write((chunk.encode("utf-8") for chunk in csvexport.csv_chunks(rows)), output)


@export_group.command("results")
@_common
@click.option("--status", type=click.Choice(csvexport.RESULT_STATUSES),
              help="Only roster lines in this status.")
@with_appcontext
def results_command(area_code: str, year_label: str, appendix: str | None,
                    output: Path | None, status: str | None) -> None:
    """One row per roster line (status not_started when no assessment yet)."""
    session = db.session
    scope, _area, _year = _scope(session, area_code, year_label, appendix, status)
    _write(csvcopy.result_csv(session, scope), output)
