"""Scoring engine for the "Công dân học tập" self-assessment (no Flask, no database)."""

from scoring.engine import (
    AnswerError,
    Condition,
    CountRule,
    CriterionResult,
    CriterionSpec,
    IndexResult,
    IndexSpec,
    PointsRule,
    Reason,
    Result,
    Rule,
    Structure,
    score,
    validate_answers,
)

__all__ = [
    "AnswerError",
    "Condition",
    "CountRule",
    "CriterionResult",
    "CriterionSpec",
    "IndexResult",
    "IndexSpec",
    "PointsRule",
    "Reason",
    "Result",
    "Rule",
    "Structure",
    "score",
    "validate_answers",
]
