"""The 2026.1 files: true to the sources, on the whole-number scale, worded for honest answers."""

import re

import pytest

from criteria import DATA_DIR, CriteriaSet, load_file

CODES = [str(n) for n in range(1, 11)]
OFFICIAL_TITLES = [
    "Năng lực tự học và học tập suốt đời",
    "Năng lực sử dụng các công cụ tương tác",
    "Năng lực xây dựng và thực hiện các mối quan hệ xã hội",
]
BANDS = [(0, 4, "Chưa đạt"), (5, 6, "Đạt"), (7, 8, "Khá"), (9, 10, "Tốt")]

# Words the review found misleading, unfair or dated; none may appear anywhere in a 2026.1 file.
FORBIDDEN = [
    "chi bộ", "quý mến", "tấm gương", "tin yêu", "lễ phép", "em nhỏ", "Zalo", "Facebook", "ti vi",
    "tỉ lệ", "Tự đặt kế hoạch", "Chưa biết ngoại ngữ", "Chưa sử dụng được ngoại ngữ",
    "Thực hiện thường xuyên", "Đạt mức cơ bản",
]
# One spelling style: hòa, khóa, xóa, hủy (the mark on the first vowel of an open oa/oe/uy).
NEW_STYLE_TONE = re.compile(r"(?<![qQ])[oO][àáảãạèéẻẽẹ](?!\w)|(?<![qQ])[uU][ỳýỷỹỵ](?!\w)")


@pytest.fixture(params=["III", "IV", "V"])
def cset(request) -> CriteriaSet:
    return load_file(DATA_DIR / f"{request.param}-2026.1.toml")


def texts(cset: CriteriaSet) -> list[str]:
    """Everything a member reads."""
    out = [cset.title, cset.group_label, cset.instruction or ""]
    for criterion in cset.criteria:
        out += [criterion.title, criterion.subtitle or ""]
        for index in criterion.indices:
            out += [index.title, index.description, index.evidence_hint or ""]
            out += [text for band in index.bands for text in (band.label, band.description)]
    return out


def test_whole_scale_with_the_four_bands(cset):
    assert cset.version == "2026.1" and cset.scale == "whole"
    for code in CODES:
        index = cset.index(code)
        assert cset.allowed_points(code) == tuple(range(11))
        assert [(b.min, b.max, b.label) for b in index.bands] == BANDS
        assert index.band_of(5).label == "Đạt" and index.band_of(4).label == "Chưa đạt"


def test_same_pass_rule(cset):
    assert (cset.rule.kind, cset.rule.total_min, cset.rule.index_min) == ("points", 80, 5)
    assert cset.structure.max_total == 100


def test_official_criterion_titles_with_a_group_subtitle(cset):
    assert [c.title for c in cset.criteria] == OFFICIAL_TITLES
    assert all(c.subtitle for c in cset.criteria)


def test_sources_are_listed_and_unverified(cset):
    assert cset.verified is False and "Chưa đối chiếu" in cset.verified_note
    for fragment in ("324/QĐ-KHVN", f"Phụ lục {cset.code}", "244/QĐ-KHVN", "Tây Ninh", "2020",
                     "mô tả các mức do ứng dụng soạn"):
        assert fragment in cset.source
    assert "mô tả các mức do ứng dụng soạn" in cset.verified_note


def test_instruction_asks_for_the_highest_band_fully_met(cset):
    assert cset.instruction is not None
    assert "chọn mức cao nhất mà bạn đáp ứng đầy đủ mọi ý" in cset.instruction


def test_evidence_required_where_it_names_something_done(cset):
    required = [code for code in CODES if cset.index(code).evidence_required]
    assert required == ["2", "3"]
    assert all(cset.index(code).evidence_hint for code in CODES)  # every index gives examples


def test_index_3_is_learning_and_cultural_time(cset):
    index = cset.index("3")
    assert "học tập, văn hóa" in index.title
    for place in ("thư viện", "nhà văn hóa", "câu lạc bộ", "hội thảo"):
        assert place in index.description


def test_index_6_can_be_met_when_no_foreign_language_is_needed(cset):
    index = cset.index("6")
    assert "theo yêu cầu" in index.title
    passing = index.band_of(5)
    assert passing is not None and passing.label == "Đạt"
    assert re.search(r"không (đòi hỏi|có) ngoại ngữ", passing.description)
    assert re.search(r"không (đòi hỏi|có) ngoại ngữ", index.description)
    # Such a member answers 5 or 6 there and can still reach the title.
    result = cset.score({**{code: 9 for code in CODES}, "6": 5})
    assert result.achieved and result.total == 86


def test_no_forbidden_word_anywhere_in_the_file(cset):
    raw = cset.path.read_text(encoding="utf-8")
    for word in FORBIDDEN:
        assert word.lower() not in raw.lower(), word
    assert NEW_STYLE_TONE.findall(raw) == []


def test_what_a_member_reads_is_spelled_one_way(cset):
    joined = "\n".join(texts(cset))
    assert "tivi" in cset.index("1").description
    assert NEW_STYLE_TONE.findall(joined) == []
    assert all(text == text.strip() for text in texts(cset))


def test_each_band_says_one_thing(cset):
    for code in CODES:
        for band in cset.index(code).bands:
            assert ";" not in band.description, (code, band.description)
            assert band.description.endswith(".")


def test_new_versions_reword_every_index():
    old = {load_file(DATA_DIR / f"{c}-2023.1.toml").index(n).description for c in ("III", "IV", "V") for n in CODES}
    new = {load_file(DATA_DIR / f"{c}-2026.1.toml").index(n).description for c in ("III", "IV", "V") for n in CODES}
    assert len(new) == 30 and not old & new
