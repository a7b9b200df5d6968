"""The shipped criteria files load, validate and say what they are."""

import hashlib
import json

import pytest

from criteria import CriteriaSet, load_shipped, shipped_files


def test_two_versions_of_three_sets_are_shipped():
    sets = load_shipped()
    assert [s.key for s in sets] == ["III@2023.1", "III@2026.1", "IV@2023.1", "IV@2026.1", "V@2023.1", "V@2026.1"]
    assert [p.name for p in shipped_files()] == [
        "III-2023.1.toml", "III-2026.1.toml", "IV-2023.1.toml", "IV-2026.1.toml", "V-2023.1.toml", "V-2026.1.toml",
    ]


@pytest.mark.parametrize("cset", load_shipped(), ids=lambda s: s.key)
def test_shipped_set_shape(cset: CriteriaSet):
    assert cset.answer_kind == "points" and cset.rule.kind == "points"
    assert (cset.rule.total_min, cset.rule.index_min) == (80, 5)
    assert cset.verified is False and "Chưa đối chiếu" in cset.verified_note
    assert "324/QĐ-KHVN" in cset.source and f"Phụ lục {cset.code}" in cset.source
    assert [c.code for c in cset.criteria] == ["I", "II", "III"]
    assert [[i.code for i in c.indices] for c in cset.criteria] == [
        ["1", "2", "3", "4"], ["5", "6", "7", "8"], ["9", "10"],
    ]
    for criterion in cset.criteria:
        for index in criterion.indices:
            assert index.max_points == 10
            assert len(index.bands) >= 4
            assert index.bands[0].min == 0 and index.bands[-1].max == 10
            if cset.scale == "levels":
                assert len(index.levels) == len(index.bands)
                assert index.levels[0].points == 0 and index.levels[-1].points == 10
            else:
                assert index.levels == () and cset.allowed_points(index.code) == tuple(range(11))
    assert cset.structure.max_total == 100
    assert cset.digest == hashlib.sha256(cset.path.read_bytes()).hexdigest()


@pytest.mark.parametrize("version", ["2023.1", "2026.1"])
def test_groups_are_worded_for_their_members(version):
    by_code = {s.code: s for s in load_shipped() if s.version == version}
    language = {code: s.criteria[1].indices[1].title for code, s in by_code.items()}
    assert "công việc" in language["III"] and "công việc" in language["IV"]
    assert "học tập" in language["V"]
    descriptions = [i.description for s in by_code.values() for c in s.criteria for i in c.indices]
    assert len(set(descriptions)) == len(descriptions)  # no description copied between groups


def test_to_dict_is_json_ready():
    cset = load_shipped()[0]
    data = json.loads(json.dumps(cset.to_dict(), ensure_ascii=False))
    assert data["key"] == "III@2023.1"
    assert data["rule"] == {"kind": "points", "total_min": 80, "index_min": 5, "criterion_min": {}}
    assert data["criteria"][0]["indices"][0]["levels"][0]["points"] == 0
    assert data["max_total"] == 100 and data["digest"] == cset.digest
