"""Data types of a criteria set (bộ tiêu chí) and the error raised for a bad file."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from scoring import Result, Rule, Structure, score


class CriteriaError(Exception):
    """A criteria file is unreadable or invalid; str() is "<file>: <place>: <problem>"."""

    def __init__(self, file: str, place: str, problem: str):
        self.file = str(file)
        self.place = place
        self.problem = " ".join(str(problem).split())  # always one line
        super().__init__(f"{self.file}: {self.place}: {self.problem}")


SCALE_KINDS = ("whole", "levels")
"""How a points set is answered: "whole" is any whole number 0..max_points per index, guided
by bands; "levels" is only the points of the described levels (the 2023.1 files)."""


@dataclass(frozen=True)
class Level:
    """A described level of an index in a "levels" scale: what `points` looks like."""

    points: int
    label: str
    description: str


@dataclass(frozen=True)
class Band:
    """A described range of points (mức) of an index: min..max inclusive, one observable description."""

    min: int
    max: int
    label: str
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {"min": self.min, "max": self.max, "label": self.label, "description": self.description}


@dataclass(frozen=True)
class Index:
    """An index (chỉ số) as the member reads it.

    `levels` holds the described points of a "levels" scale; `bands` describes every scale
    (in a "levels" scale each level is a band of one value), so a client needs only `bands`.
    """

    code: str
    title: str
    description: str
    max_points: int
    levels: tuple[Level, ...] = ()
    bands: tuple[Band, ...] = ()
    evidence_required: bool = False
    evidence_hint: str | None = None

    def band_of(self, points: int) -> Band | None:
        """The band holding `points`, or None (no bands, or a value no band describes)."""
        return next((band for band in self.bands if band.min <= points <= band.max), None)


@dataclass(frozen=True)
class Criterion:
    """A criterion (tiêu chí) and its indices; `subtitle` is an optional group-specific gloss."""

    code: str
    title: str
    indices: tuple[Index, ...]
    subtitle: str | None = None


@dataclass(frozen=True)
class CriteriaSet:
    """One validated criteria file: wording, pass rule and scoring structure."""

    code: str
    version: str
    title: str
    group_label: str
    source: str
    verified: bool
    verified_note: str
    answer_kind: str
    criteria: tuple[Criterion, ...]
    rule: Rule
    structure: Structure
    digest: str
    scale: str = "whole"
    instruction: str | None = None
    path: Path | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.code}@{self.version}"

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return version_tuple(self.version)

    @cached_property
    def _indices(self) -> dict[str, Index]:
        return {i.code: i for c in self.criteria for i in c.indices}

    def index(self, index_code: str) -> Index:
        """The index with this code; KeyError when the set has none."""
        return self._indices[index_code]

    def allowed_points(self, index_code: str) -> tuple[int, ...]:
        """Every value a member or head may give this index, ascending: the one rule every entry
        point (forms, API, JavaScript mirror, head's review) follows.

        Boolean sets: 0 and 1. A "levels" scale: the points of the index's described levels (an
        index without levels, possible only in a file that declares no scale, takes any whole
        number). A "whole" scale: every whole number 0..max_points. Unknown code: KeyError.
        """
        index = self.index(index_code)
        if self.answer_kind == "boolean":
            return (0, 1)
        if self.scale == "levels" and index.levels:
            return tuple(level.points for level in index.levels)
        return tuple(range(index.max_points + 1))

    def to_dict(self) -> dict[str, Any]:
        """Everything a client needs, ready for JSON."""
        return {
            "key": self.key,
            "code": self.code,
            "version": self.version,
            "title": self.title,
            "group_label": self.group_label,
            "source": self.source,
            "verified": self.verified,
            "verified_note": self.verified_note,
            "answer_kind": self.answer_kind,
            "scale": self.scale,
            "instruction": self.instruction,
            "digest": self.digest,
            "max_total": self.structure.max_total,
            "rule": self.rule.to_dict(),
            "criteria": [
                {
                    "code": c.code,
                    "title": c.title,
                    "subtitle": c.subtitle,
                    "indices": [self._index_dict(i) for i in c.indices],
                }
                for c in self.criteria
            ],
        }

    def _index_dict(self, index: Index) -> dict[str, Any]:
        return {
            "code": index.code,
            "title": index.title,
            "description": index.description,
            "max_points": index.max_points,
            "allowed_points": list(self.allowed_points(index.code)),
            "levels": [
                {"points": lv.points, "label": lv.label, "description": lv.description}
                for lv in index.levels
            ],
            "bands": [band.to_dict() for band in index.bands],
            "evidence_required": index.evidence_required,
            "evidence_hint": index.evidence_hint,
        }

    def score(self, answers: Any) -> Result:
        """Validate answers (AnswerError) and score them under this set's rule."""
        return score(self.structure, self.rule, answers)


def version_tuple(version: str) -> tuple[int, ...]:
    """"2023.10" -> (2023, 10), so versions compare numerically."""
    return tuple(int(part) for part in version.split("."))
