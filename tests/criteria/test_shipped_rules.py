"""The shipped rule (80 points, no index below 5) at its boundaries, for each appendix."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from criteria import find

CODES = [str(n) for n in range(1, 11)]


@pytest.fixture(params=["III", "IV", "V"])
def cset(request):
    return find(request.param)


def answers(**overrides):
    base = {c: 8 for c in CODES}
    base.update({k.lstrip("i"): v for k, v in overrides.items()})
    return base


def test_exactly_80_with_every_index_at_least_5_is_achieved(cset):
    result = cset.score(answers())
    assert result.achieved and result.total == 80 and result.reasons == []


def test_79_is_not_achieved_with_a_total_reason(cset):
    result = cset.score(answers(i10=7))
    assert not result.achieved and result.total == 79
    assert [r.code for r in result.reasons] == ["total_min"]
    assert result.reasons[0].message_vi == "Tổng điểm 79, cần ít nhất 80."


def test_an_index_at_4_fails_even_with_80_or_more(cset):
    result = cset.score(answers(i4=4, i5=10, i6=10, i7=10, i8=10))
    assert result.total == 84 and not result.achieved
    assert [r.message_vi for r in result.reasons] == ["Chỉ số 4 được 4 điểm, cần ít nhất 5."]
    assert result.reasons[0].index_code == "4" and result.reasons[0].criterion_code == "I"


def test_an_index_at_5_is_fine(cset):
    result = cset.score(answers(i4=5, i5=10, i6=9))
    assert result.total == 80 and result.achieved


def test_all_tens(cset):
    result = cset.score({c: 10 for c in CODES})
    assert result.achieved and result.total == result.max_total == 100


def test_all_zeros(cset):
    result = cset.score({c: 0 for c in CODES})
    assert not result.achieved and result.total == 0
    assert result.reasons[0].message_vi == "Tổng điểm 0, cần ít nhất 80."
    assert len(result.reasons) == 11  # the total, then each of the ten indices


@given(st.sampled_from(["III", "IV", "V"]), st.fixed_dictionaries({c: st.integers(0, 10) for c in CODES}),
       st.sampled_from(CODES))
def test_raising_any_index_keeps_the_title(code, values, raised):
    cset = find(code)
    before = cset.score(values)
    after = cset.score({**values, raised: min(10, values[raised] + 1)})
    assert after.achieved or not before.achieved
