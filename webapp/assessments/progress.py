"""The running total and unmet rules of an assessment still being filled in.

The engine scores complete answer sets only. While the member is choosing levels, the page
shows the engine's verdict on what has been answered so far: unanswered indices count as
nothing (0 points, or "not met"), get no reason of their own, and are listed in one
"unanswered" reason. `static/js/scoring.js` does exactly the same in the browser; a test
runs both on the same answer sets.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from criteria import Band, CriteriaSet, Index

UNANSWERED = "unanswered"


@dataclass(frozen=True)
class Choice:
    """One level a member can pick for an index: what they tap on the form."""

    points: int
    label: str
    description: str


@dataclass
class LiveScore:
    achieved: bool
    total: int
    max_total: int
    answered: int
    count: int
    reasons: list[dict] = field(default_factory=list)


def index_codes(criteria_set: CriteriaSet) -> list[str]:
    return [i.code for c in criteria_set.criteria for i in c.indices]


def choices(criteria_set: CriteriaSet, index: Index) -> list[Choice]:
    """What a member can pick for an index: its allowed points, named after the band they fall in."""
    if criteria_set.answer_kind == "boolean":
        return [Choice(1, "Đạt", ""), Choice(0, "Chưa đạt", "")]
    return [_choice(index, points) for points in criteria_set.allowed_points(index.code)]


def _choice(index: Index, points: int) -> Choice:
    band = index.band_of(points)
    if band is None:
        return Choice(points, f"{points} điểm", "")
    return Choice(points, band.label, band.description)


@dataclass(frozen=True)
class BandGroup:
    """A band of a whole-number scale with the numbers a member can tap in it; `band` is None
    for the allowed numbers no band describes (listed last)."""

    band: Band | None
    choices: list[Choice]


def band_groups(criteria_set: CriteriaSet, index: Index) -> list[BandGroup]:
    options = choices(criteria_set, index)
    groups = [BandGroup(band, [c for c in options if band.min <= c.points <= band.max])
              for band in index.bands]
    others = [c for c in options if index.band_of(c.points) is None]
    return [g for g in groups if g.choices] + ([BandGroup(None, others)] if others else [])


def unanswered_message(codes: list[str]) -> str:
    return f"Còn {len(codes)} chỉ số chưa chọn mức: {', '.join(codes)}."


def live_score(criteria_set: CriteriaSet, values: Mapping[str, int | None]) -> LiveScore:
    """Score what is answered so far (see the module docstring)."""
    codes = index_codes(criteria_set)
    boolean = criteria_set.answer_kind == "boolean"
    missing = [code for code in codes if values.get(code) is None]
    filled = {
        code: (bool(values[code]) if boolean else int(values[code]))  # type: ignore[arg-type]
        if code not in missing else (False if boolean else 0)
        for code in codes
    }
    result = criteria_set.score(filled)
    reasons = [
        {"code": r.code, "message_vi": r.message_vi, "index_code": r.index_code,
         "criterion_code": r.criterion_code}
        for r in result.reasons if r.index_code not in missing
    ]
    if missing:
        reasons.insert(0, {"code": UNANSWERED, "message_vi": unanswered_message(missing),
                           "index_code": None, "criterion_code": None})
    return LiveScore(achieved=result.achieved and not missing, total=result.total,
                     max_total=result.max_total, answered=len(codes) - len(missing),
                     count=len(codes), reasons=reasons)


def rule_text(criteria_set: CriteriaSet) -> str:
    """The pass rule in one Vietnamese sentence, for the top of the form."""
    rule = criteria_set.rule.to_dict()
    parts: list[str] = []
    if rule["kind"] == "points":
        if rule["total_min"] is not None:
            parts.append(f"tổng điểm từ {rule['total_min']} trở lên")
        if rule["index_min"] is not None:
            parts.append(f"không chỉ số nào dưới {rule['index_min']} điểm")
        for code, need in rule["criterion_min"].items():
            parts.append(f"tiêu chí {code} được ít nhất {need} điểm")
    else:
        for code, k in rule["per_criterion_k"].items():
            parts.append(f"tiêu chí {code} đạt ít nhất {k} chỉ số")
        if rule["mandatory"]:
            parts.append("đạt các chỉ số bắt buộc " + ", ".join(rule["mandatory"]))
        if rule["all_criteria_required"]:
            parts.append("đạt tất cả các tiêu chí")
    return "Điều kiện đạt danh hiệu: " + "; ".join(parts) + "."
