"""Broken criteria files: each gives one CriteriaError naming the file, the place and the problem."""

import pytest

from criteria import CriteriaError, load_file

VALID = '''\
code = "X"
version = "1.0"
title = "Bộ thử"
group_label = "Nhóm thử"
source = "Viết cho kiểm thử"
verified = false
verified_note = "Chưa đối chiếu"
answer_kind = "points"

[rule]
kind = "points"
total_min = 10
index_min = 2

[[criteria]]
code = "I"
title = "Tiêu chí một"

  [[criteria.indices]]
  code = "1"
  title = "Chỉ số một"
  description = "Mô tả một"
  max_points = 10

    [[criteria.indices.levels]]
    points = 0
    label = "Chưa"
    description = "Chưa làm"

    [[criteria.indices.levels]]
    points = 10
    label = "Tốt"
    description = "Làm tốt"

[[criteria]]
code = "II"
title = "Tiêu chí hai"

  [[criteria.indices]]
  code = "2"
  title = "Chỉ số hai"
  description = "Mô tả hai"
  max_points = 10
'''


def write(tmp_path, text, name="broken.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_base_file_is_valid(tmp_path):
    cset = load_file(write(tmp_path, VALID, "ok.toml"))
    assert cset.key == "X@1.0" and cset.structure.max_total == 20
    assert cset.criteria[1].indices[0].levels == ()  # levels are optional


BROKEN = [
    ("toml syntax", VALID.replace('title = "Tiêu chí hai"', 'title = "Tiêu chí hai'),
     "line 37, column 22", "TOML syntax error"),
    ("missing key", VALID.replace('group_label = "Nhóm thử"\n', ""), "group_label", "required key is missing"),
    ("unknown key", VALID.replace('title = "Chỉ số hai"', 'titel = "Chỉ số hai"'),
     "criteria[1].indices[0].titel", "unknown key"),
    ("duplicate index code", VALID.replace('code = "2"', 'code = "1"'),
     "criteria[1].indices[0].code", 'duplicate index code "1" (already used by criteria[0].indices[0])'),
    ("duplicate criterion code", VALID.replace('code = "II"', 'code = "I"'),
     "criteria[1].code", 'duplicate criterion code "I"'),
    ("level out of range", VALID.replace("    points = 10\n", "    points = 11\n"),
     "criteria[0].indices[0].levels[1].points", "11 is out of range 0..10"),
    ("levels not ending at max", VALID.replace("    points = 10\n", "    points = 9\n"),
     "criteria[0].indices[0].levels[1].points", "the last level must be max_points (10)"),
    ("levels repeated", VALID.replace("    points = 10\n", "    points = 0\n"),
     "criteria[0].indices[0].levels[1].points", "increasing order"),
    ("rule names unknown criterion", VALID.replace("index_min = 2\n", "index_min = 2\ncriterion_min = { IV = 5 }\n"),
     "rule.criterion_min.IV", 'unknown criterion "IV"'),
    ("wrong type", VALID.replace("max_points = 10", 'max_points = "10"', 1),
     "criteria[0].indices[0].max_points", "expected an integer, got a string"),
    ("boolean where integer", VALID.replace("total_min = 10", "total_min = true"),
     "rule.total_min", "expected an integer, got a boolean"),
    ("total_min above max", VALID.replace("total_min = 10", "total_min = 21"),
     "rule.total_min", "21 is out of range 0..20"),
    ("empty string", VALID.replace('title = "Bộ thử"', 'title = "  "'), "title", "must not be empty"),
    ("bad version", VALID.replace('version = "1.0"', 'version = "v1"'), "version", "numbers separated by dots"),
    ("rule kind mismatch", VALID.replace('\nkind = "points"', '\nkind = "count"'),
     "rule.kind", 'needs a "points" rule'),
    ("unknown answer kind", VALID.replace('answer_kind = "points"', 'answer_kind = "stars"'),
     "answer_kind", 'must be "points" or "boolean"'),
    ("empty rule", VALID.replace("total_min = 10\nindex_min = 2\n", ""),
     "rule", "needs total_min, index_min or criterion_min"),
    ("no criteria", "criteria = []\n" + VALID[: VALID.index("[[criteria]]")], "criteria", "must not be empty"),
]


@pytest.mark.parametrize(("text", "place", "problem"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_file(tmp_path, text, place, problem):
    path = write(tmp_path, text)
    with pytest.raises(CriteriaError) as info:
        load_file(path)
    err = info.value
    message = str(err)
    assert "\n" not in message
    assert err.file == str(path) and message.startswith(f"{path}: ")
    assert err.place.startswith(place), err.place
    assert problem in err.problem
    assert message == f"{err.file}: {err.place}: {err.problem}"


COUNT_BASE = VALID.replace('answer_kind = "points"', 'answer_kind = "boolean"').replace(
    'kind = "points"\ntotal_min = 10\nindex_min = 2\n', 'kind = "count"\nper_criterion_k = { I = 1 }\n'
).replace("  max_points = 10\n", "").replace("    points = 10\n", "    points = 1\n")


def test_count_file_is_valid(tmp_path):
    cset = load_file(write(tmp_path, COUNT_BASE, "count.toml"))
    assert cset.answer_kind == "boolean" and cset.rule.per_criterion_k == {"I": 1}
    assert cset.score({"1": True, "2": False}).achieved


@pytest.mark.parametrize(
    ("rule", "place", "problem"),
    [
        ('per_criterion_k = { I = 2 }', "rule.per_criterion_k.I", "2 is out of range 1..1"),
        ('per_criterion_k = { V = 1 }', "rule.per_criterion_k.V", 'unknown criterion "V"'),
        ('mandatory = ["9"]', "rule.mandatory[0]", 'unknown index "9"'),
        ('mandatory = ["1", "1"]', "rule.mandatory[1]", "listed twice"),
        ('all_criteria_required = "yes"', "rule.all_criteria_required", "expected true or false"),
        ("all_criteria_required = false", "rule", "a count rule needs"),
        ("total_min = 1", "rule.total_min", "unknown key"),
    ],
)
def test_broken_count_rule(tmp_path, rule, place, problem):
    text = COUNT_BASE.replace("per_criterion_k = { I = 1 }", rule)
    with pytest.raises(CriteriaError) as info:
        load_file(write(tmp_path, text))
    assert (info.value.place, problem in info.value.problem) == (place, True), str(info.value)


def test_unreadable_and_missing_files(tmp_path):
    with pytest.raises(CriteriaError, match="no such file"):
        load_file(tmp_path / "nope.toml")
    with pytest.raises(CriteriaError, match="is a directory"):
        load_file(tmp_path)
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('title = "Bộ"'.encode("utf-16"))
    with pytest.raises(CriteriaError, match="not valid UTF-8"):
        load_file(bad)


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    assert load_file(path).code == "X"
