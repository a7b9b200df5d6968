"""Pure scoring engine for the "Công dân học tập" self-assessment.

Knows nothing of Flask, the database or the criteria files: it takes a
`Structure` (criteria and their indices), a rule (`PointsRule` or `CountRule`)
and the member's answers, and says whether the title is achieved and why not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

ANSWER_KINDS = ("points", "boolean")
AnswerKind = Literal["points", "boolean"]


class AnswerError(ValueError):
    """An answer set does not fit its structure (one clear line naming the index)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class IndexSpec:
    """One index (chỉ số): its code, its criterion and its maximum points."""

    code: str
    criterion_code: str
    max_points: int = 10


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion (tiêu chí) and the codes of its indices, in order."""

    code: str
    index_codes: tuple[str, ...]


@dataclass(frozen=True)
class Structure:
    """Ordered criteria and indices of a criteria set, plus how answers are given."""

    criteria: tuple[CriterionSpec, ...]
    indices: tuple[IndexSpec, ...]
    answer_kind: AnswerKind = "points"

    def __post_init__(self) -> None:
        if self.answer_kind not in ANSWER_KINDS:
            raise ValueError(f"answer_kind must be one of {ANSWER_KINDS}, got {self.answer_kind!r}")
        by_code = {i.code: i for i in self.indices}
        if len(by_code) != len(self.indices):
            raise ValueError("index codes must be unique")
        if len({c.code for c in self.criteria}) != len(self.criteria):
            raise ValueError("criterion codes must be unique")
        listed = [code for c in self.criteria for code in c.index_codes]
        if listed != [i.code for i in self.indices]:
            raise ValueError("indices must be listed in criterion order, each exactly once")
        for c in self.criteria:
            if not c.index_codes:
                raise ValueError(f"criterion {c.code} has no index")
            for code in c.index_codes:
                if by_code[code].criterion_code != c.code:
                    raise ValueError(f"index {code} does not belong to criterion {c.code}")
        for i in self.indices:
            if isinstance(i.max_points, bool) or not isinstance(i.max_points, int) or i.max_points < 1:
                raise ValueError(f"index {i.code}: max_points must be a positive integer")
            if self.answer_kind == "boolean" and i.max_points != 1:
                raise ValueError(f"index {i.code}: boolean sets have max_points 1")

    @classmethod
    def build(
        cls,
        criteria: Mapping[str, Mapping[str, int] | tuple[str, ...] | list[str]],
        answer_kind: AnswerKind = "points",
    ) -> Structure:
        """Build from {criterion: {index: max_points}} (or {criterion: [index, ...]} for booleans)."""
        crits, indices = [], []
        for ccode, idx in criteria.items():
            items = idx.items() if isinstance(idx, Mapping) else ((code, 1) for code in idx)
            codes = []
            for icode, max_points in items:
                codes.append(icode)
                indices.append(IndexSpec(icode, ccode, max_points))
            crits.append(CriterionSpec(ccode, tuple(codes)))
        return cls(tuple(crits), tuple(indices), answer_kind)

    def index(self, code: str) -> IndexSpec:
        """The index with this code (KeyError if unknown)."""
        for spec in self.indices:
            if spec.code == code:
                return spec
        raise KeyError(code)

    def criterion(self, code: str) -> CriterionSpec:
        """The criterion with this code (KeyError if unknown)."""
        for spec in self.criteria:
            if spec.code == code:
                return spec
        raise KeyError(code)

    @property
    def max_total(self) -> int:
        """Highest possible total (for boolean sets: the number of indices)."""
        return sum(i.max_points for i in self.indices)

    def criterion_max(self, code: str) -> int:
        """Highest possible points of one criterion."""
        return sum(self.index(c).max_points for c in self.criterion(code).index_codes)


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class PointsRule:
    """Pass rule on points: total threshold, minimum per index, minimum per criterion."""

    total_min: int | None = None
    index_min: int | None = None
    criterion_min: dict[str, int] = field(default_factory=dict, hash=False)

    kind = "points"

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "total_min": self.total_min,
            "index_min": self.index_min,
            "criterion_min": dict(self.criterion_min),
        }


@dataclass(frozen=True)
class CountRule:
    """Pass rule on met indices (answers are booleans).

    - `per_criterion_k`: criterion code -> k, at least k of that criterion's indices met;
    - `mandatory`: index codes that must be met;
    - `all_criteria_required`: every criterion must hold; a criterion not listed in
      `per_criterion_k` then needs all of its indices met.
    Without `all_criteria_required`, only the criteria listed in `per_criterion_k` count.
    """

    per_criterion_k: dict[str, int] = field(default_factory=dict, hash=False)
    mandatory: tuple[str, ...] = ()
    all_criteria_required: bool = False

    kind = "count"

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "per_criterion_k": dict(self.per_criterion_k),
            "mandatory": list(self.mandatory),
            "all_criteria_required": self.all_criteria_required,
        }


Rule = PointsRule | CountRule
RULE_KIND_FOR_ANSWERS = {"points": "points", "boolean": "count"}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Condition:
    """One checked requirement: its code, the required and actual figures, whether it holds."""

    code: str
    required: int | None
    actual: int | None
    holds: bool


@dataclass(frozen=True)
class Reason:
    """Why the title is not achieved, in Vietnamese, for the member."""

    code: str
    message_vi: str
    index_code: str | None = None
    criterion_code: str | None = None


@dataclass(frozen=True)
class IndexResult:
    code: str
    value: int | bool
    points: int
    conditions: list[Condition]
    ok: bool


@dataclass(frozen=True)
class CriterionResult:
    code: str
    points: int
    met_count: int
    conditions: list[Condition]
    ok: bool
    indices: list[IndexResult]


@dataclass(frozen=True)
class Result:
    """Outcome of one assessment; `to_dict()` is ready for JSON."""

    achieved: bool
    answer_kind: str
    total: int
    max_total: int
    criteria: list[CriterionResult]
    conditions: list[Condition]
    reasons: list[Reason]

    def to_dict(self) -> dict:
        """What `dataclasses.asdict` gives, built directly from each result's fields (the
        generic walk cost twice the scoring on every submission)."""
        return {**vars(self), "criteria": [_criterion_dict(c) for c in self.criteria],
                "conditions": _dicts(self.conditions), "reasons": _dicts(self.reasons)}


def _criterion_dict(criterion: CriterionResult) -> dict:
    return {**vars(criterion), "conditions": _dicts(criterion.conditions),
            "indices": [{**vars(index), "conditions": _dicts(index.conditions)} for index in criterion.indices]}


def _dicts(leaves: list[Condition] | list[Reason]) -> list[dict]:
    return [dict(vars(leaf)) for leaf in leaves]


# --------------------------------------------------------------------------- validation


def validate_answers(structure: Structure, answers: Mapping[str, object]) -> dict[str, int | bool]:
    """Check answers against the structure and return them in index order; raise AnswerError."""
    if not isinstance(answers, Mapping):
        raise AnswerError(f"answers must be an object keyed by index code, got {type(answers).__name__}")
    known = {i.code for i in structure.indices}
    for key in answers:
        if key not in known:
            raise AnswerError(f"unknown index code {key!r} (known: {', '.join(sorted(known, key=_natural))})")
    clean: dict[str, int | bool] = {}
    for spec in structure.indices:
        if spec.code not in answers:
            raise AnswerError(f"missing answer for index {spec.code}")
        value = answers[spec.code]
        if structure.answer_kind == "boolean":
            if not isinstance(value, bool):
                raise AnswerError(f"index {spec.code}: expected true or false, got {value!r}")
        else:
            if isinstance(value, bool) or not isinstance(value, int):
                raise AnswerError(
                    f"index {spec.code}: expected whole points 0..{spec.max_points}, got {value!r}"
                )
            if not 0 <= value <= spec.max_points:
                raise AnswerError(f"index {spec.code}: {value} is out of range 0..{spec.max_points}")
        clean[spec.code] = value
    return clean


def _natural(code: str) -> tuple:
    return (0, int(code), "") if code.isdigit() else (1, 0, code)


# --------------------------------------------------------------------------- scoring


def score(structure: Structure, rule: Rule, answers: Mapping[str, object]) -> Result:
    """Validate the answers and apply the rule; cheap, deterministic, no side effects."""
    expected = RULE_KIND_FOR_ANSWERS[structure.answer_kind]
    if rule.kind != expected:
        raise ValueError(f"a {rule.kind} rule cannot score {structure.answer_kind} answers")
    values = validate_answers(structure, answers)
    if isinstance(rule, PointsRule):
        return _score_points(structure, rule, values)
    return _score_count(structure, rule, values)


def _score_points(structure: Structure, rule: PointsRule, values: dict[str, int | bool]) -> Result:
    reasons: list[Reason] = []
    criteria: list[CriterionResult] = []
    for crit in structure.criteria:
        indices, index_reasons = [], []
        for code in crit.index_codes:
            value = int(values[code])
            conds = []
            if rule.index_min is not None:
                holds = value >= rule.index_min
                conds.append(Condition("index_min", rule.index_min, value, holds))
                if not holds:
                    index_reasons.append(Reason(
                        "index_min",
                        f"Chỉ số {code} được {value} điểm, cần ít nhất {rule.index_min}.",
                        index_code=code, criterion_code=crit.code,
                    ))
            indices.append(IndexResult(code, value, value, conds, all(c.holds for c in conds)))
        points = sum(i.points for i in indices)
        conds = []
        if crit.code in rule.criterion_min:
            need = rule.criterion_min[crit.code]
            holds = points >= need
            conds.append(Condition("criterion_min", need, points, holds))
            if not holds:
                reasons.append(Reason(
                    "criterion_min",
                    f"Tiêu chí {crit.code} được {points} điểm, cần ít nhất {need}.",
                    criterion_code=crit.code,
                ))
        reasons.extend(index_reasons)
        ok = all(c.holds for c in conds) and all(i.ok for i in indices)
        met = sum(1 for i in indices if i.ok)
        criteria.append(CriterionResult(crit.code, points, met, conds, ok, indices))

    total = sum(c.points for c in criteria)
    top = []
    if rule.total_min is not None:
        holds = total >= rule.total_min
        top.append(Condition("total_min", rule.total_min, total, holds))
        if not holds:
            reasons.insert(0, Reason("total_min", f"Tổng điểm {total}, cần ít nhất {rule.total_min}."))
    achieved = all(c.holds for c in top) and all(c.ok for c in criteria)
    return Result(achieved, structure.answer_kind, total, structure.max_total, criteria, top, reasons)


def _score_count(structure: Structure, rule: CountRule, values: dict[str, int | bool]) -> Result:
    mandatory = set(rule.mandatory)
    reasons: list[Reason] = []
    criteria: list[CriterionResult] = []
    for crit in structure.criteria:
        indices, index_reasons = [], []
        for code in crit.index_codes:
            met = bool(values[code])
            conds = []
            if code in mandatory:
                conds.append(Condition("mandatory", 1, int(met), met))
                if not met:
                    index_reasons.append(Reason(
                        "mandatory",
                        f"Chỉ số {code} là chỉ số bắt buộc nhưng chưa đạt.",
                        index_code=code, criterion_code=crit.code,
                    ))
            indices.append(IndexResult(code, met, int(met), conds, all(c.holds for c in conds)))
        met_count = sum(i.points for i in indices)
        n = len(indices)
        conds = []
        if crit.code in rule.per_criterion_k or rule.all_criteria_required:
            k = rule.per_criterion_k.get(crit.code, n)
            holds = met_count >= k
            conds.append(Condition("criterion_k", k, met_count, holds))
            if not holds:
                reasons.append(Reason(
                    "criterion_k",
                    f"Tiêu chí {crit.code} mới đạt {met_count}/{n} chỉ số, cần đạt ít nhất {k}.",
                    criterion_code=crit.code,
                ))
        reasons.extend(index_reasons)
        ok = all(c.holds for c in conds) and all(i.ok for i in indices)
        criteria.append(CriterionResult(crit.code, met_count, met_count, conds, ok, indices))

    top = []
    if rule.all_criteria_required:
        ok_count = sum(1 for c in criteria if all(x.holds for x in c.conditions))
        holds = ok_count == len(criteria)
        top.append(Condition("all_criteria", len(criteria), ok_count, holds))
        if not holds:
            reasons.insert(0, Reason(
                "all_criteria",
                f"Mới đạt {ok_count}/{len(criteria)} tiêu chí, cần đạt tất cả các tiêu chí.",
            ))
    total = sum(c.met_count for c in criteria)
    achieved = all(c.holds for c in top) and all(c.ok for c in criteria)
    return Result(achieved, structure.answer_kind, total, structure.max_total, criteria, top, reasons)
