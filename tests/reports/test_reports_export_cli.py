"""`cdht export units|results`: the same files as the web downloads; one-line errors."""
from __future__ import annotations

import csv
import io

from webapp.commands.export import export_group
from webapp.models import Role, User

from .conftest import SPEC, expected, units_beneath


def rows_of(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8")[1:], newline="")))


def test_export_units_to_stdout_matches_figures(seed, runner):
    result = runner.invoke(export_group, ["units", "--area", "R", "--year", "2026"])
    assert result.exit_code == 0, result.output
    rows = rows_of(result.stdout_bytes)
    assert sum(int(r["roster_size"]) for r in rows) == expected(units_beneath("R"))[0]
    assert sum(int(r["confirmed_achieved"]) for r in rows) == expected(units_beneath("R"))[3]


def test_export_results_to_a_file_equals_the_download(seed, runner, tmp_path, db_session,
                                                      grant, login):
    target = tmp_path / "results.csv"
    result = runner.invoke(export_group, ["results", "--area", "D1", "--year", "2026",
                                          "--appendix", "III", "-o", str(target)])
    assert result.exit_code == 0, result.output
    from_cli = target.read_bytes()
    assert len(rows_of(from_cli)) == sum(
        1 for key in units_beneath("D1") for line in SPEC[key] if line[0] == "III")
    officer = User(full_name="Cán bộ", phone="0955000009", password_hash="-")
    db_session.add(officer)
    db_session.flush()
    grant(officer, Role.AGGREGATOR, area=seed.areas["D1"])
    download = login(officer).get(
        f"/reports/areas/{seed.areas['D1'].id}/results.csv?year={seed.year.id}&appendix=III")
    assert download.data == from_cli


def test_unknown_area_or_year_is_one_line_and_exit_2(seed, runner):
    result = runner.invoke(export_group, ["units", "--area", "NOPE", "--year", "2026"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: unknown area code: NOPE"
    result = runner.invoke(export_group, ["results", "--area", "R", "--year", "1999"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: unknown assessment year: 1999"
    assert result.stdout == ""
