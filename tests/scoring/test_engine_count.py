"""Count rules (k of n indices met, mandatory indices, all criteria) on synthetic sets."""

from scoring import CountRule, Structure, score

# I has 4 indices, II has 3, III has 2.
STRUCTURE = Structure.build(
    {"I": ["a1", "a2", "a3", "a4"], "II": ["b1", "b2", "b3"], "III": ["c1", "c2"]},
    answer_kind="boolean",
)
CODES = [i.code for i in STRUCTURE.indices]


def met(*codes):
    return {code: code in codes for code in CODES}


def test_k_of_n_per_criterion():
    rule = CountRule(per_criterion_k={"I": 3, "II": 2})
    assert score(STRUCTURE, rule, met("a1", "a2", "a3", "b1", "b3")).achieved
    result = score(STRUCTURE, rule, met("a1", "a2", "b1", "b3", "c1", "c2"))
    assert not result.achieved
    crit = result.criteria[0]
    assert (crit.met_count, crit.ok) == (2, False)
    assert crit.conditions[0].code == "criterion_k"
    assert (crit.conditions[0].required, crit.conditions[0].actual) == (3, 2)
    assert [r.message_vi for r in result.reasons] == ["Tiêu chí I mới đạt 2/4 chỉ số, cần đạt ít nhất 3."]
    # criterion III is not listed and all_criteria_required is off: it has no condition
    assert result.criteria[2].conditions == [] and result.criteria[2].ok


def test_total_counts_met_indices():
    rule = CountRule(per_criterion_k={"I": 1})
    result = score(STRUCTURE, rule, met("a1", "b2", "c2"))
    assert (result.total, result.max_total) == (3, 9)
    assert result.criteria[0].indices[0].value is True
    assert result.criteria[0].indices[0].points == 1


def test_mandatory_index_missing():
    rule = CountRule(per_criterion_k={"I": 2}, mandatory=("b2",))
    result = score(STRUCTURE, rule, met("a1", "a2", "b1", "b3"))
    assert not result.achieved
    assert [r.code for r in result.reasons] == ["mandatory"]
    assert result.reasons[0].message_vi == "Chỉ số b2 là chỉ số bắt buộc nhưng chưa đạt."
    assert result.reasons[0].index_code == "b2"
    index = result.criteria[1].indices[1]
    assert index.conditions[0].code == "mandatory" and not index.ok
    assert score(STRUCTURE, rule, met("a1", "a2", "b2")).achieved


def test_all_criteria_required_defaults_unlisted_criteria_to_all_indices():
    rule = CountRule(per_criterion_k={"I": 3, "II": 2}, all_criteria_required=True)
    nearly = met("a1", "a2", "a3", "b1", "b2", "c1")
    result = score(STRUCTURE, rule, nearly)
    assert not result.achieved
    assert result.conditions[0].code == "all_criteria"
    assert (result.conditions[0].required, result.conditions[0].actual) == (3, 2)
    assert result.reasons[0].message_vi == "Mới đạt 2/3 tiêu chí, cần đạt tất cả các tiêu chí."
    assert result.reasons[1].message_vi == "Tiêu chí III mới đạt 1/2 chỉ số, cần đạt ít nhất 2."
    assert score(STRUCTURE, rule, {**nearly, "c2": True}).achieved


def test_everything_met_and_nothing_met():
    rule = CountRule(per_criterion_k={"II": 1}, mandatory=("a1",), all_criteria_required=True)
    assert score(STRUCTURE, rule, met(*CODES)).achieved
    result = score(STRUCTURE, rule, met())
    assert not result.achieved and result.total == 0
    assert {r.code for r in result.reasons} == {"all_criteria", "criterion_k", "mandatory"}
