"""Load and validate criteria files (bộ tiêu chí), one TOML file per appendix and version."""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

from criteria.model import CriteriaError, CriteriaSet
from criteria.validate import parse

DATA_DIR = Path(__file__).resolve().parent / "data"


# --------------------------------------------------------------------------- finding files


def shipped_files() -> list[Path]:
    """The criteria files shipped inside the package, sorted by name."""
    return sorted(DATA_DIR.glob("*.toml"))


def load_file(path: str | os.PathLike) -> CriteriaSet:
    """Read and validate one criteria file; raise CriteriaError (never a traceback)."""
    path = Path(path)
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CriteriaError(shown, "file", "no such file") from None
    except IsADirectoryError:
        raise CriteriaError(shown, "file", "is a directory, not a criteria file") from None
    except OSError as exc:
        raise CriteriaError(shown, "file", f"cannot read: {exc.strerror or exc}") from None
    return _with_path(_load_bytes(raw, shown), path)


def load_text(text: str, name: str) -> CriteriaSet:
    """Validate a criteria set held as text (as stored in the database); `name` is shown in errors."""
    return _load_bytes(text.encode("utf-8"), name)


def _load_bytes(raw: bytes, shown: str) -> CriteriaSet:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CriteriaError(shown, f"byte {exc.start}", "not valid UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        place, problem = _toml_error_place(str(exc))
        raise CriteriaError(shown, place, f"TOML syntax error: {problem}") from None
    return parse(data, file=shown, digest=hashlib.sha256(raw).hexdigest())


def load_all(dirs: Iterable[str | os.PathLike]) -> list[CriteriaSet]:
    """Load every *.toml in the given directories, sorted by code then version."""
    sets: dict[str, CriteriaSet] = {}
    for d in dirs:
        for path in sorted(Path(d).glob("*.toml")):
            cset = load_file(path)
            if cset.key in sets:
                other = display_path(sets[cset.key].path)
                raise CriteriaError(display_path(path), "code, version", f"{cset.key} is also defined in {other}")
            sets[cset.key] = cset
    return sorted(sets.values(), key=lambda s: (s.code, s.version_tuple))


def load_shipped() -> list[CriteriaSet]:
    """All shipped criteria sets, sorted by code then version."""
    return load_all([DATA_DIR])


def find(code_or_path: str, search_dirs: Sequence[str | os.PathLike] | None = None) -> CriteriaSet:
    """An appendix code ("III") gives its newest version in search_dirs; otherwise a file path."""
    if code_or_path.endswith(".toml") or "/" in code_or_path or os.sep in code_or_path:
        return load_file(code_or_path)
    sets = load_all(search_dirs if search_dirs is not None else [DATA_DIR])
    matching = [s for s in sets if s.code == code_or_path]
    if matching:
        return max(matching, key=lambda s: s.version_tuple)
    if Path(code_or_path).is_file():
        return load_file(code_or_path)
    known = ", ".join(dict.fromkeys(s.code for s in sets)) or "none"
    raise CriteriaError(code_or_path, "code", f"no criteria set with this code and no such file (known codes: {known})")


def display_path(path: str | os.PathLike | None) -> str:
    """The path relative to the working directory when it lies beneath it."""
    if path is None:
        return "?"
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _with_path(cset: CriteriaSet, path: Path) -> CriteriaSet:
    object.__setattr__(cset, "path", path)
    return cset


# Where tomllib says the error is. No "\s*" before the bracket: searched from every space of a
# long run, it would rescan the run each time (quadratic); the text is stripped instead.
_AT_LINE = re.compile(r"\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\(at end of document\)\s*$")


def _toml_error_place(message: str) -> tuple[str, str]:
    m = _AT_LINE.search(message)
    if m:
        return f"line {m.group(1)}, column {m.group(2)}", message[: m.start()].rstrip()
    m = _AT_END.search(message)
    if m:
        return "end of file", message[: m.start()].rstrip()
    return "file", message
