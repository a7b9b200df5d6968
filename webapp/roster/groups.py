"""Appendix groups of Decision 324/QĐ-KHVN as heads type them ("III", "Phụ lục IV", "học sinh")."""
from __future__ import annotations

import re
import unicodedata

from wtforms import SelectChoice

from ..models import Unit, UnitKind

GROUPS = ("III", "IV", "V")
GROUP_LABELS = {
    "III": "Người lao động",
    "IV": "Cán bộ, công chức, viên chức",
    "V": "Học sinh, sinh viên, học viên",
}

_ALIASES = {
    "iii": "III", "3": "III", "người lao động": "III", "lao động": "III", "nld": "III",
    "iv": "IV", "4": "IV", "cán bộ công chức viên chức": "IV", "cán bộ công chức": "IV",
    "công chức viên chức": "IV", "công chức": "IV", "viên chức": "IV", "cbccvc": "IV",
    "ccvc": "IV", "giáo viên": "IV",
    "v": "V", "5": "V", "học sinh sinh viên": "V", "học sinh sinh viên học viên": "V",
    "học sinh": "V", "sinh viên": "V", "học viên": "V", "hssv": "V",
}
_STUDENT_UNITS = (UnitKind.HIGH_SCHOOL, UnitKind.CONTINUING_ED, UnitKind.COLLEGE)
_PREFIX = re.compile(r"^(phụ lục|pl|nhóm)\s*")
_PUNCTUATION = re.compile(r"[,.;:/\-–()]+")


def clean_text(value: str | None) -> str:
    """NFC (Excel on Windows/macOS may give decomposed diacritics), trimmed, single spaces."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def parse_group(value: str | None) -> str | None:
    """'Phụ lục IV', 'iv', '4', 'cán bộ, công chức, viên chức' → 'IV'; None if unknown."""
    text = _PUNCTUATION.sub(" ", clean_text(value).lower())
    text = " ".join(text.split())
    text = _PREFIX.sub("", text).strip()
    return _ALIASES.get(text)


def group_label(appendix: str) -> str:
    """'IV' → 'Phụ lục IV – Cán bộ, công chức, viên chức'."""
    label = GROUP_LABELS.get(appendix)
    return f"Phụ lục {appendix} – {label}" if label else f"Phụ lục {appendix}"


def default_group(unit: Unit) -> str:
    """The group a form starts on: students in schools for them, public servants elsewhere."""
    return "V" if unit.kind in _STUDENT_UNITS else "IV"


def group_choices() -> list[SelectChoice]:
    return [SelectChoice(code, group_label(code)) for code in GROUPS]
