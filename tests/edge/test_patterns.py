"""Every regular expression the app ships stays linear: 100 KB of hostile text is answered in
well under 0.1 s (Python's `re` holds the GIL, so one slow match stalls every request of the
process). Patterns live at module level, where this test finds them all."""
from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import time
from pathlib import Path

import pytest

import criteria
import scoring
import webapp

SIZE = 100_000
ROOT = Path(webapp.__file__).parent.parent
# Migrations run once over stored values of bounded columns; they are history, not edited.
SKIPPED = ("webapp.migrations",)


def _modules() -> list[str]:
    names = []
    for package in (webapp, criteria, scoring):
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.startswith(SKIPPED):
                names.append(info.name)
    return names


def shipped_patterns() -> dict[str, re.Pattern[str]]:
    found = {}
    for name in _modules():
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found[f"{name}.{attribute}"] = value
    return found


PATTERNS = shipped_patterns()


def hostile_inputs(pattern: re.Pattern[str]) -> list[str]:
    """Long runs of every character the pattern names, and of the usual suspects, alone and
    after the pattern's own words (so the engine gets past its first literal)."""
    characters = set(pattern.pattern) | set(" \t\na0.@-([x")
    runs = [(character * SIZE) for character in sorted(characters)]
    words = re.findall(r"[^\W\d_]{2,}", pattern.pattern)  # "width", "lớp", "at line"...
    runs += [(f"{word} " * SIZE)[:SIZE] for word in words[:6]]
    runs += [("a." * SIZE)[:SIZE], ("0 " * SIZE)[:SIZE], ("(" * (SIZE // 2)) + ("[" * (SIZE // 2))]
    return [run + "!" for run in runs]  # a last character that spoils any match


def test_the_walk_finds_the_patterns_that_parse_untrusted_text():
    for expected in ("webapp.contacts._PHONE", "webapp.admin.operations._DASHES", "webapp.inputs._DIGITS",
                     "webapp.admin.accounts._PHONE_NOISE", "criteria.loader._AT_LINE"):
        assert expected in PATTERNS


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_shipped_pattern_is_linear_on_100_kb(name):
    pattern = PATTERNS[name]
    for text in hostile_inputs(pattern):
        for use in (pattern.search, pattern.match, pattern.fullmatch):
            # Best of two: a busy machine may pause a fast match; a quadratic one takes seconds.
            took = min(_timed(use, text) for _ in range(2))
            assert took < 0.1, f"{name}.{use.__name__} on {text[:12]!r}… took {took:.2f} s"


def _timed(use, text: str) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    use(text)
    return time.perf_counter() - started


INLINE_CALLS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def test_no_pattern_is_written_inline():
    """`re.sub(r"...", ...)` inside a function escapes the test above: name it at module level."""
    inline = []
    for package in ("webapp", "criteria", "scoring"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                        and node.func.attr in INLINE_CALLS - {"compile"}):
                    inline.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert inline == []
