"""The scale a file declares, its bands, evidence and instruction: what every form follows."""

import json

import pytest

from criteria import Band, CriteriaError, load_file, load_text

from .test_loader_errors import COUNT_BASE, VALID

WHOLE = '''\
code = "W"
version = "1.0"
title = "Bộ thử thang điểm nguyên"
group_label = "Nhóm thử"
source = "Viết cho kiểm thử"
verified = false
verified_note = "Chưa đối chiếu"
answer_kind = "points"
instruction = "Chọn mức cao nhất mà bạn đáp ứng đầy đủ mọi ý."

[scale]
kind = "whole"

[rule]
kind = "points"
total_min = 15
index_min = 5

[[criteria]]
code = "I"
title = "Tiêu chí một"
subtitle = "Phần dành cho nhóm thử"

  [[criteria.indices]]
  code = "1"
  title = "Chỉ số một"
  description = "Mô tả một"
  max_points = 10
  evidence = "required"
  evidence_hint = "tên sách, khóa học"

    [[criteria.indices.levels]]
    min = 0
    max = 4
    label = "Chưa đạt"
    description = "Chưa làm"

    [[criteria.indices.levels]]
    min = 5
    max = 6
    label = "Đạt"
    description = "Làm khi cần"

    [[criteria.indices.levels]]
    min = 7
    max = 8
    label = "Khá"
    description = "Làm hằng tuần"

    [[criteria.indices.levels]]
    min = 9
    max = 10
    label = "Tốt"
    description = "Làm hằng ngày"

  [[criteria.indices]]
  code = "2"
  title = "Chỉ số hai"
  description = "Mô tả hai"
  max_points = 10
  evidence = false
'''


def load(tmp_path, text, name="set.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_file(path)


def test_whole_scale_allows_every_whole_number(tmp_path):
    cset = load(tmp_path, WHOLE)
    assert cset.scale == "whole"
    assert cset.allowed_points("1") == tuple(range(11))
    assert cset.allowed_points("2") == tuple(range(11))  # bands guide, they never restrict


def test_whole_scale_bands_and_the_band_of_a_value(tmp_path):
    index = load(tmp_path, WHOLE).index("1")
    assert index.levels == ()
    assert [(b.min, b.max, b.label) for b in index.bands] == [
        (0, 4, "Chưa đạt"), (5, 6, "Đạt"), (7, 8, "Khá"), (9, 10, "Tốt"),
    ]
    assert [index.band_of(p).label for p in range(11)] == ["Chưa đạt"] * 5 + ["Đạt"] * 2 + ["Khá"] * 2 + ["Tốt"] * 2
    assert index.band_of(11) is None and index.band_of(-1) is None
    assert load(tmp_path, WHOLE).index("2").band_of(5) is None  # no bands described


def test_evidence_instruction_and_subtitle(tmp_path):
    cset = load(tmp_path, WHOLE)
    first, second = cset.index("1"), cset.index("2")
    assert (first.evidence_required, first.evidence_hint) == (True, "tên sách, khóa học")
    assert (second.evidence_required, second.evidence_hint) == (False, None)
    assert cset.instruction == "Chọn mức cao nhất mà bạn đáp ứng đầy đủ mọi ý."
    assert cset.criteria[0].subtitle == "Phần dành cho nhóm thử"


@pytest.mark.parametrize(("written", "required"), [('"optional"', False), ("true", True), ('"required"', True)])
def test_evidence_forms(tmp_path, written, required):
    cset = load(tmp_path, WHOLE.replace('evidence = "required"', f"evidence = {written}"))
    assert cset.index("1").evidence_required is required


def test_a_file_without_scale_and_with_levels_means_levels(tmp_path):
    cset = load(tmp_path, VALID)
    assert cset.scale == "levels" and cset.instruction is None
    assert cset.allowed_points("1") == (0, 10)  # only the described levels
    assert cset.allowed_points("2") == tuple(range(11))  # an index without levels takes any whole number
    index = cset.index("1")
    assert index.bands == (Band(0, 0, "Chưa", "Chưa làm"), Band(10, 10, "Tốt", "Làm tốt"))
    assert index.band_of(10).label == "Tốt" and index.band_of(5) is None
    assert (index.evidence_required, index.evidence_hint, cset.criteria[0].subtitle) == (False, None, None)


def test_a_file_without_scale_or_levels_means_whole(tmp_path):
    text = VALID[: VALID.index("    [[criteria.indices.levels]]")] + VALID[VALID.index("[[criteria]]\ncode = \"II\""):]
    cset = load(tmp_path, text)
    assert cset.scale == "whole" and cset.allowed_points("1") == tuple(range(11))


def test_declared_levels_scale(tmp_path):
    levels = "".join(
        f'\n    [[criteria.indices.levels]]\n    points = {p}\n    label = "Mức {p}"\n    description = "Mô tả {p}"\n'
        for p in (0, 6, 10)
    )
    cset = load(tmp_path, VALID.replace("[rule]", '[scale]\nkind = "levels"\n\n[rule]') + levels)
    assert cset.scale == "levels"
    assert cset.allowed_points("1") == (0, 10) and cset.allowed_points("2") == (0, 6, 10)


def test_boolean_sets_allow_zero_and_one(tmp_path):
    cset = load(tmp_path, COUNT_BASE)
    assert cset.allowed_points("1") == (0, 1) and cset.allowed_points("2") == (0, 1)


def test_unknown_index_code_is_a_key_error(tmp_path):
    cset = load(tmp_path, WHOLE)
    with pytest.raises(KeyError):
        cset.allowed_points("11")
    with pytest.raises(KeyError):
        cset.index("")


def test_to_dict_carries_the_scale_for_the_browser(tmp_path):
    data = json.loads(json.dumps(load(tmp_path, WHOLE).to_dict(), ensure_ascii=False))
    assert data["scale"] == "whole"
    assert data["instruction"] == "Chọn mức cao nhất mà bạn đáp ứng đầy đủ mọi ý."
    criterion = data["criteria"][0]
    assert criterion["subtitle"] == "Phần dành cho nhóm thử"
    first = criterion["indices"][0]
    assert first["allowed_points"] == list(range(11))
    assert first["bands"][1] == {"min": 5, "max": 6, "label": "Đạt", "description": "Làm khi cần"}
    assert first["levels"] == []
    assert (first["evidence_required"], first["evidence_hint"]) == (True, "tên sách, khóa học")
    old = json.loads(json.dumps(load(tmp_path, VALID, "old.toml").to_dict()))
    assert old["scale"] == "levels" and old["criteria"][0]["indices"][0]["allowed_points"] == [0, 10]
    assert old["criteria"][0]["indices"][0]["bands"][1] == {"min": 10, "max": 10, "label": "Tốt",
                                                           "description": "Làm tốt"}


def test_load_text_reads_the_new_format():
    assert load_text(WHOLE, name="W@1.0").allowed_points("1")[-1] == 10


def replace_band(text, old, new):
    assert old in text
    return text.replace(old, new, 1)


BROKEN = [
    ("unknown scale kind", WHOLE.replace('kind = "whole"', 'kind = "stars"', 1),
     "scale.kind", 'must be "whole" or "levels", got "stars"'),
    ("scale is not a table", WHOLE.replace('[scale]\nkind = "whole"\n', "").replace(
        'answer_kind = "points"', 'answer_kind = "points"\nscale = "whole"'),
     "scale", "expected a table, got a string"),
    ("scale without kind", WHOLE.replace('[scale]\nkind = "whole"\n', "[scale]\n"),
     "scale.kind", "required key is missing"),
    ("scale with a stray key", WHOLE.replace('kind = "whole"\n', 'kind = "whole"\nstep = 1\n', 1),
     "scale.step", "unknown key"),
    ("points level in a whole scale", replace_band(WHOLE, "    min = 5\n    max = 6\n", "    points = 5\n"),
     "criteria[0].indices[0].levels[1].points", "give min and max instead of points"),
    ("band without max", replace_band(WHOLE, "    min = 5\n    max = 6\n", "    min = 5\n"),
     "criteria[0].indices[0].levels[1].max", "required key is missing"),
    ("band not starting at 0", replace_band(WHOLE, "    min = 0\n", "    min = 1\n"),
     "criteria[0].indices[0].levels[0].min", "the first band must start at 0 points, got 1"),
    ("band gap", replace_band(WHOLE, "    min = 7\n", "    min = 8\n"),
     "criteria[0].indices[0].levels[2].min", "gap: no band holds 7 points (the band before ends at 6)"),
    ("band overlap", replace_band(WHOLE, "    min = 5\n", "    min = 4\n"),
     "criteria[0].indices[0].levels[1].min", "band 4–6 overlaps the band before it (0–4)"),
    ("bands out of order",
     replace_band(replace_band(WHOLE, "    min = 7\n    max = 8\n", "    min = 9\n    max = 10\n"),
                  '    min = 9\n    max = 10\n    label = "Tốt"', '    min = 7\n    max = 8\n    label = "Tốt"'),
     "criteria[0].indices[0].levels[2].min", "gap: no band holds 7–8 points (the band before ends at 6)"),
    ("band max below min", replace_band(WHOLE, "    max = 6\n", "    max = 4\n"),
     "criteria[0].indices[0].levels[1].max", "max 4 is below min 5"),
    ("bands not reaching max_points", replace_band(WHOLE, "    max = 10\n", "    max = 9\n"),
     "criteria[0].indices[0].levels[3].max", "the last band must end at max_points (10), got 9"),
    ("band above max_points", replace_band(WHOLE, "    max = 10\n", "    max = 11\n"),
     "criteria[0].indices[0].levels[3].max", "11 is out of range 0..10"),
    ("band with an empty label", replace_band(WHOLE, 'label = "Khá"', 'label = ""'),
     "criteria[0].indices[0].levels[2].label", "must not be empty"),
    ("band without a declared scale", WHOLE.replace('[scale]\nkind = "whole"\n', ""),
     "criteria[0].indices[0].levels[0].min", 'needs [scale] kind = "whole"'),
    ("band in a levels scale", WHOLE.replace('kind = "whole"', 'kind = "levels"', 1),
     "criteria[0].indices[0].levels[0].min", 'needs [scale] kind = "whole"'),
    ("levels scale with an index without levels",
     VALID.replace("[rule]", '[scale]\nkind = "levels"\n\n[rule]'),
     "criteria[1].indices[0].levels", 'a "levels" scale allows only described levels'),
    ("unknown evidence word", WHOLE.replace('evidence = "required"', 'evidence = "yes"'),
     "criteria[0].indices[0].evidence", 'must be "required", "optional", true or false, got "yes"'),
    ("evidence as a number", WHOLE.replace('evidence = "required"', "evidence = 1"),
     "criteria[0].indices[0].evidence", "got an integer"),
    ("empty evidence hint", WHOLE.replace('evidence_hint = "tên sách, khóa học"', 'evidence_hint = " "'),
     "criteria[0].indices[0].evidence_hint", "must not be empty"),
    ("instruction not a string", WHOLE.replace('instruction = "Chọn mức cao nhất mà bạn đáp ứng đầy đủ mọi ý."',
                                               "instruction = 3"),
     "instruction", "expected a string, got an integer"),
    ("empty subtitle", WHOLE.replace('subtitle = "Phần dành cho nhóm thử"', 'subtitle = ""'),
     "criteria[0].subtitle", "must not be empty"),
    ("scale in a boolean set", COUNT_BASE.replace("[rule]", '[scale]\nkind = "whole"\n\n[rule]'),
     "scale", "only points sets declare a scale"),
]


@pytest.mark.parametrize(("text", "place", "problem"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_scale_file(tmp_path, text, place, problem):
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CriteriaError) as info:
        load_file(path)
    err = info.value
    message = str(err)
    assert "\n" not in message
    assert message == f"{path}: {err.place}: {err.problem}"
    assert err.place == place, message
    assert problem in err.problem, message
