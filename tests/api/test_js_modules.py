"""The browser scripts keep one home per job: fields, CSRF, and no global set by two files."""
from __future__ import annotations

import re
from pathlib import Path

JS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "js"
GLOBAL_ASSIGNMENT = re.compile(r"\b(?:self|window|root|globalThis)\.([A-Za-z_$][\w$]*)\s*=(?!=)")


def _scripts() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(JS.glob("*.js"))}


def test_no_global_is_set_by_two_files():
    setters: dict[str, set[str]] = {}
    for name, text in _scripts().items():
        for match in GLOBAL_ASSIGNMENT.finditer(text):
            setters.setdefault(match.group(1), set()).add(name)
    shared = {name: files for name, files in setters.items() if len(files) > 1}
    assert shared == {}


def test_only_form_fields_reads_the_answer_and_note_fields():
    readers = [name for name, text in _scripts().items()
               if re.search(r"""name=\\?["']?(answer|note)-|`(answer|note)-\$\{""", text)]
    assert readers == ["form-fields.js"]


def test_the_csrf_token_is_fetched_in_one_place():
    fetchers = [name for name, text in _scripts().items() if "/api/csrf" in text or "X-CSRFToken" in text]
    assert fetchers == ["store.js"]
