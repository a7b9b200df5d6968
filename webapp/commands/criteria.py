"""Click commands for criteria files: `cdht criteria check|show` and `cdht score`.

Plain click, no app context: they only read files. Every failure is one line on stderr
and exit status 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from criteria import CriteriaError, CriteriaSet, display_path, find, load_file, shipped_files
from scoring import AnswerError


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@click.group("criteria")
def criteria_group() -> None:
    """Check and show criteria files (bộ tiêu chí)."""


@criteria_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def check_command(files: tuple[Path, ...]) -> None:
    """Validate the shipped criteria files, or the FILES given."""
    paths = list(files) or shipped_files()
    if not paths:
        _fail("no criteria files found")
    failed = False
    seen: dict[str, str] = {}
    for path in paths:
        shown = display_path(path)
        try:
            cset = load_file(path)
        except CriteriaError as exc:
            click.echo(str(exc))
            failed = True
            continue
        if cset.key in seen:
            click.echo(f"{shown}: code, version: {cset.key} is also defined in {seen[cset.key]}")
            failed = True
            continue
        seen[cset.key] = shown
        click.echo(f"OK {cset.key} ({shown})")
    sys.exit(2 if failed else 0)


@criteria_group.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print the whole set as JSON.")
def show_command(code: str, as_json: bool) -> None:
    """Show the criteria set CODE (appendix code such as IV, or a file path)."""
    cset = _find_or_fail(code)
    if as_json:
        click.echo(json.dumps(cset.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(_outline(cset))


@click.command("score")
@click.option("--criteria", "code", required=True, metavar="CODE",
              help="Appendix code (III, IV, V) or path to a criteria file.")
@click.option("--answers", "answers_file", required=True, metavar="FILE",
              help='JSON file {"answers": {"1": 8, ...}} keyed by index code; "-" reads stdin.')
def score_command(code: str, answers_file: str) -> None:
    """Score an answers file against a criteria set and print the result as JSON."""
    cset = _find_or_fail(code)
    answers = _read_answers(answers_file)
    try:
        result = cset.score(answers)
    except AnswerError as exc:
        _fail(f"{_label(answers_file)}: {exc}")
    out = {"criteria_set": cset.key, **result.to_dict()}
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


def _find_or_fail(code: str) -> CriteriaSet:
    try:
        return find(code)
    except CriteriaError as exc:
        _fail(str(exc))


def _label(answers_file: str) -> str:
    return "<stdin>" if answers_file == "-" else answers_file


def _read_answers(answers_file: str) -> dict:
    label = _label(answers_file)
    try:
        if answers_file == "-":
            text = sys.stdin.read()
        else:
            text = Path(answers_file).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        _fail(f"{label}: no such file")
    except IsADirectoryError:
        _fail(f"{label}: is a directory")
    except UnicodeDecodeError:
        _fail(f"{label}: not valid UTF-8 text")
    except OSError as exc:
        _fail(f"{label}: cannot read: {exc.strerror or exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{label}: line {exc.lineno}, column {exc.colno}: malformed JSON: {exc.msg}")
    except RecursionError:
        _fail(f"{label}: malformed JSON: nested too deeply")
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        _fail(f'{label}: expected an object with an "answers" object, like {{"answers": {{"1": 8}}}}')
    return data["answers"]


def _outline(cset: CriteriaSet) -> str:
    rule = cset.rule.to_dict()
    shown = {k: v for k, v in rule.items() if v is not None and v is not False and v != {} and v != []}
    rule_text = ", ".join(f"{k}={v}" for k, v in shown.items())
    lines = [
        f"{cset.key}  {cset.title}",
        f"  group: {cset.group_label}",
        f"  source: {cset.source}",
        f"  verified: {'yes' if cset.verified else 'no'} ({cset.verified_note})",
        f"  answers: {cset.answer_kind}, scale {cset.scale}, max total {cset.structure.max_total}; rule: {rule_text}",
    ]
    if cset.instruction:
        lines.append(f"  instruction: {cset.instruction}")
    for crit in cset.criteria:
        lines.append(f"  {crit.code}. {crit.title}" + (f" ({crit.subtitle})" if crit.subtitle else ""))
        for index in crit.indices:
            lines.append(f"    {index.code}. {index.title} (0..{index.max_points}){_index_extra(cset, index.code)}")
    return "\n".join(lines)


def _index_extra(cset: CriteriaSet, code: str) -> str:
    index = cset.index(code)
    extra = ""
    if index.levels:
        extra += " [levels " + "/".join(str(lv.points) for lv in index.levels) + "]"
    elif index.bands:
        extra += " [bands " + "/".join(f"{b.min}-{b.max}" for b in index.bands) + "]"
    if index.evidence_required:
        extra += " [evidence required]"
    return extra
