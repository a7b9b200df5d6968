"""Criteria sets (bộ tiêu chí) for the "Công dân học tập" title: data files and their loader."""

from criteria.loader import (
    DATA_DIR,
    display_path,
    find,
    load_all,
    load_file,
    load_shipped,
    load_text,
    shipped_files,
)
from criteria.model import (
    SCALE_KINDS,
    Band,
    CriteriaError,
    CriteriaSet,
    Criterion,
    Index,
    Level,
    version_tuple,
)

__all__ = [
    "DATA_DIR",
    "SCALE_KINDS",
    "Band",
    "CriteriaError",
    "CriteriaSet",
    "Criterion",
    "Index",
    "Level",
    "display_path",
    "find",
    "load_all",
    "load_file",
    "load_shipped",
    "load_text",
    "shipped_files",
    "version_tuple",
]
