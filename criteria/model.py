"""Data types of a criteria set (bộ tiêu chí) and the error raised for a bad file."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Level:
    """A described level of an index: what `points` looks like for this group."""

    points: int
    label: str
    description: str


@dataclass(frozen=True)
class Index:
    """An index (chỉ số) as the member reads it."""

    code: str
    title: str
    description: str
    max_points: int
    levels: tuple[Level, ...] = ()


@dataclass(frozen=True)
class Criterion:
    """A criterion (tiêu chí) and its indices."""

    code: str
    title: str
    indices: tuple[Index, ...]


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
    path: Path | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.code}@{self.version}"

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return version_tuple(self.version)

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
            "digest": self.digest,
            "max_total": self.structure.max_total,
            "rule": self.rule.to_dict(),
            "criteria": [
                {
                    "code": c.code,
                    "title": c.title,
                    "indices": [
                        {
                            "code": i.code,
                            "title": i.title,
                            "description": i.description,
                            "max_points": i.max_points,
                            "allowed_points": list(self.allowed_points(i.code)),
                            "levels": [
                                {"points": lv.points, "label": lv.label, "description": lv.description}
                                for lv in i.levels
                            ],
                        }
                        for i in c.indices
                    ],
                }
                for c in self.criteria
            ],
        }

    def index(self, code: str) -> Index:
        """The index with this code (KeyError if the set has none)."""
        for criterion in self.criteria:
            for index in criterion.indices:
                if index.code == code:
                    return index
        raise KeyError(code)

    def allowed_points(self, index_code: str) -> tuple[int, ...]:
        """The points an answer to this index may take, ascending: the one rule every entry
        point (forms, API, JavaScript mirror, head's review) follows.

        Boolean sets answer 0 or 1; a set with described levels takes only their points;
        otherwise any whole number from 0 to the index's maximum.
        """
        index = self.index(index_code)
        if self.answer_kind == "boolean":
            return (0, 1)
        if index.levels:
            return tuple(level.points for level in index.levels)
        return tuple(range(index.max_points + 1))

    def score(self, answers: Any) -> Result:
        """Validate answers (AnswerError) and score them under this set's rule."""
        return score(self.structure, self.rule, answers)


def version_tuple(version: str) -> tuple[int, ...]:
    """"2023.10" -> (2023, 10), so versions compare numerically."""
    return tuple(int(part) for part in version.split("."))
