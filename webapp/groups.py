"""The appendix groups of Decision 324/QĐ-KHVN ("nhóm đối tượng"): codes, labels and aliases.

The one place that says what a group is called. Members see only the label ("Người lao
động"); administrators, reports and exports also see the appendix ("Phụ lục III").
"""
from __future__ import annotations

import re

from wtforms import SelectChoice

from .models import Unit, UnitKind
from .text import clean_text

GROUPS = ("III", "IV", "V")
GROUP_LABELS = {
    "III": "Người lao động",
    "IV": "Cán bộ, công chức, viên chức",
    "V": "Học sinh, sinh viên, học viên",
}
ALL_GROUPS_LABEL = "Tất cả các nhóm"

# How heads write a group in a roster file: "III", "Phụ lục IV", "4", "học sinh", ...
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


def group_label(code: str | None, appendix: bool = False) -> str:
    """'IV' → 'Cán bộ, công chức, viên chức'; with `appendix`: 'Phụ lục IV – Cán bộ, …'."""
    if not code:
        return ALL_GROUPS_LABEL
    label = GROUP_LABELS.get(code)
    if label is None:
        return f"Phụ lục {code}"
    return f"Phụ lục {code} – {label}" if appendix else label


def group_choices(all_groups: bool = False) -> list[SelectChoice]:
    """Options of a group select, with the appendix; optionally "all groups" first (value "")."""
    choices = [SelectChoice(code, group_label(code, appendix=True)) for code in GROUPS]
    return ([SelectChoice("", ALL_GROUPS_LABEL)] if all_groups else []) + choices


def parse_group(value: str | None) -> str | None:
    """'Phụ lục IV', 'iv', '4', 'cán bộ, công chức, viên chức' → 'IV'; None if unknown."""
    text = _PUNCTUATION.sub(" ", clean_text(value).lower())
    text = " ".join(text.split())
    text = _PREFIX.sub("", text).strip()
    return _ALIASES.get(text)


def default_group(unit: Unit) -> str:
    """The group a form starts on: students in schools for them, public servants elsewhere."""
    return "V" if unit.kind in _STUDENT_UNITS else "IV"
