"""Points rules on small synthetic structures: total, per-index and per-criterion minimums."""

import pytest

from scoring import PointsRule, Structure, score

STRUCTURE = Structure.build({"I": {"1": 10, "2": 10}, "II": {"3": 10, "4": 10}})


def answers(a, b, c, d):
    return {"1": a, "2": b, "3": c, "4": d}


def test_criterion_min_met_and_missed():
    rule = PointsRule(total_min=None, index_min=None, criterion_min={"II": 12})
    assert score(STRUCTURE, rule, answers(0, 0, 6, 6)).achieved
    result = score(STRUCTURE, rule, answers(10, 10, 6, 5))
    assert not result.achieved
    crit = result.criteria[1]
    assert (crit.code, crit.points, crit.ok) == ("II", 11, False)
    assert crit.conditions[0].code == "criterion_min"
    assert (crit.conditions[0].required, crit.conditions[0].actual) == (12, 11)
    assert [r.message_vi for r in result.reasons] == ["Tiêu chí II được 11 điểm, cần ít nhất 12."]
    assert result.reasons[0].criterion_code == "II"
    assert result.criteria[0].ok  # criterion I has no minimum of its own


def test_all_three_kinds_of_condition_reported_together():
    rule = PointsRule(total_min=30, index_min=5, criterion_min={"I": 15})
    result = score(STRUCTURE, rule, answers(10, 4, 5, 5))
    assert not result.achieved
    assert [r.code for r in result.reasons] == ["total_min", "criterion_min", "index_min"]
    assert result.reasons[0].message_vi == "Tổng điểm 24, cần ít nhất 30."
    assert result.reasons[2].message_vi == "Chỉ số 2 được 4 điểm, cần ít nhất 5."
    assert result.reasons[2].index_code == "2"
    assert result.criteria[0].met_count == 1  # index 2 is below index_min


def test_achieved_has_no_reasons():
    rule = PointsRule(total_min=30, index_min=5, criterion_min={"I": 15})
    result = score(STRUCTURE, rule, answers(10, 5, 10, 5))
    assert result.achieved and result.reasons == []
    assert result.total == 30 and result.max_total == 40


@pytest.mark.parametrize("points", [(5, 5, 5, 4), (10, 10, 10, 10)])
def test_result_to_dict_is_what_asdict_gives(points):
    """The stored breakdown keeps its shape and key order (the pages and old rows read it)."""
    import dataclasses

    result = score(STRUCTURE, PointsRule(total_min=20, index_min=5, criterion_min={"I": 15}), answers(*points))
    assert list(result.to_dict().items()) == list(dataclasses.asdict(result).items())
    assert str(result.to_dict()) == str(dataclasses.asdict(result))


def test_result_to_dict_is_plain_json():
    import json

    result = score(STRUCTURE, PointsRule(total_min=20, index_min=5), answers(5, 5, 5, 4))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["achieved"] is False
    assert data["answer_kind"] == "points"
    assert data["conditions"] == [{"code": "total_min", "required": 20, "actual": 19, "holds": False}]
    assert data["criteria"][1]["indices"][1] == {
        "code": "4", "value": 4, "points": 4, "ok": False,
        "conditions": [{"code": "index_min", "required": 5, "actual": 4, "holds": False}],
    }
    assert data["reasons"][0] == {
        "code": "total_min", "message_vi": "Tổng điểm 19, cần ít nhất 20.",
        "index_code": None, "criterion_code": None,
    }


def test_count_rule_cannot_score_points_answers():
    from scoring import CountRule

    with pytest.raises(ValueError):
        score(STRUCTURE, CountRule(mandatory=("1",)), answers(1, 1, 1, 1))


def test_structure_rejects_inconsistent_input():
    from scoring import CriterionSpec, IndexSpec

    with pytest.raises(ValueError):
        Structure((CriterionSpec("I", ("1",)),), (IndexSpec("1", "II", 10),))
    with pytest.raises(ValueError):
        Structure.build({"I": {"1": 10}, "II": {"1": 10}})
