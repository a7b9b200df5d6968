"""validate_answers: every malformed answer set is refused with one line naming the index."""

import pytest

from scoring import AnswerError, PointsRule, Structure, score, validate_answers

POINTS = Structure.build({"I": {"1": 10, "2": 10}, "II": {"3": 5}})
BOOLEAN = Structure.build({"I": ["1", "2"]}, answer_kind="boolean")


@pytest.mark.parametrize(
    ("answers", "fragment"),
    [
        ({"1": 5, "2": 5}, "missing answer for index 3"),
        ({"1": 5, "2": 5, "3": 5, "11": 5}, "unknown index code '11'"),
        ({"1": 5, "2": 11, "3": 5}, "index 2: 11 is out of range 0..10"),
        ({"1": 5, "2": 5, "3": 6}, "index 3: 6 is out of range 0..5"),
        ({"1": -1, "2": 5, "3": 5}, "index 1: -1 is out of range 0..10"),
        ({"1": True, "2": 5, "3": 5}, "index 1: expected whole points 0..10, got True"),
        ({"1": 5, "2": 7.5, "3": 5}, "index 2: expected whole points 0..10, got 7.5"),
        ({"1": 5, "2": "8", "3": 5}, "index 2: expected whole points 0..10, got '8'"),
        ({"1": 5, "2": None, "3": 5}, "index 2: expected whole points"),
        ([5, 5, 5], "answers must be an object"),
    ],
)
def test_points_answers_refused(answers, fragment):
    with pytest.raises(AnswerError) as info:
        validate_answers(POINTS, answers)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("value", [1, 0, "true", None])
def test_boolean_answers_must_be_booleans(value):
    with pytest.raises(AnswerError, match="index 2: expected true or false"):
        validate_answers(BOOLEAN, {"1": True, "2": value})


def test_valid_answers_come_back_in_index_order():
    assert list(validate_answers(POINTS, {"3": 0, "2": 10, "1": 5})) == ["1", "2", "3"]


def test_score_validates_too():
    with pytest.raises(AnswerError):
        score(POINTS, PointsRule(total_min=10), {"1": 5})
