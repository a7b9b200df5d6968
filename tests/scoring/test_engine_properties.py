"""Property tests: doing better never loses the title."""

from hypothesis import given
from hypothesis import strategies as st

from scoring import CountRule, PointsRule, Structure, score

CODES = [str(n) for n in range(1, 11)]
SHIPPED_SHAPE = Structure.build(
    {"I": {c: 10 for c in CODES[:4]}, "II": {c: 10 for c in CODES[4:8]}, "III": {c: 10 for c in CODES[8:]}}
)
SHIPPED_RULE = PointsRule(total_min=80, index_min=5)

points_answers = st.fixed_dictionaries({c: st.integers(0, 10) for c in CODES})


@given(points_answers, st.sampled_from(CODES), st.integers(1, 10))
def test_raising_an_index_never_loses_the_title(answers, code, step):
    before = score(SHIPPED_SHAPE, SHIPPED_RULE, answers)
    raised = {**answers, code: min(10, answers[code] + step)}
    after = score(SHIPPED_SHAPE, SHIPPED_RULE, raised)
    assert after.total >= before.total
    if before.achieved:
        assert after.achieved


@given(points_answers)
def test_achieved_matches_the_plain_statement_of_the_rule(answers):
    result = score(SHIPPED_SHAPE, SHIPPED_RULE, answers)
    plain = sum(answers.values()) >= 80 and min(answers.values()) >= 5
    assert result.achieved is plain
    assert result.achieved is (result.reasons == [])


BOOL_SHAPE = Structure.build(
    {"I": ["a1", "a2", "a3", "a4"], "II": ["b1", "b2", "b3"], "III": ["c1", "c2"]}, answer_kind="boolean"
)
BOOL_CODES = [i.code for i in BOOL_SHAPE.indices]
count_rules = st.builds(
    CountRule,
    per_criterion_k=st.fixed_dictionaries({}, optional={"I": st.integers(1, 4), "II": st.integers(1, 3)}),
    mandatory=st.lists(st.sampled_from(BOOL_CODES), unique=True, max_size=3).map(tuple),
    all_criteria_required=st.booleans(),
)


@given(count_rules, st.fixed_dictionaries({c: st.booleans() for c in BOOL_CODES}), st.sampled_from(BOOL_CODES))
def test_meeting_one_more_index_never_loses_the_title(rule, answers, code):
    before = score(BOOL_SHAPE, rule, answers)
    after = score(BOOL_SHAPE, rule, {**answers, code: True})
    if before.achieved:
        assert after.achieved
    assert after.total >= before.total
