"""`cdht criteria check|show` and `cdht score`, run through click's test runner (no app needed)."""

import json

import pytest
from click.testing import CliRunner

from criteria import DATA_DIR
from webapp.commands.criteria import criteria_group, score_command

GOOD = {str(n): 8 for n in range(1, 11)}


@pytest.fixture
def runner():
    return CliRunner()


def write_json(tmp_path, data, name="answers.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_check_shipped(runner):
    result = runner.invoke(criteria_group, ["check"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 6
    assert lines[0].startswith("OK III@2023.1 (") and lines[0].endswith("III-2023.1.toml)")
    assert lines[1].startswith("OK III@2026.1 (") and lines[1].endswith("III-2026.1.toml)")
    assert all(line.startswith("OK ") for line in lines)


@pytest.mark.parametrize("name", ["III-2026.1.toml", "IV-2026.1.toml", "V-2026.1.toml"])
def test_check_new_version_file(runner, name):
    result = runner.invoke(criteria_group, ["check", str(DATA_DIR / name)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"OK {name.removesuffix('.toml').replace('-', '@')} (")


def test_check_bad_file(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('code = "X"\n', encoding="utf-8")
    result = runner.invoke(criteria_group, ["check", str(DATA_DIR / "IV-2023.1.toml"), str(bad)])
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0].startswith("OK IV@2023.1")
    assert lines[1].startswith(f"{bad}: ") and "required key is missing" in lines[1]
    assert len(lines) == 2 and "Traceback" not in result.output


def test_check_missing_file(runner, tmp_path):
    result = runner.invoke(criteria_group, ["check", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert result.stdout.strip() == f"{tmp_path / 'nope.toml'}: file: no such file"


def test_show_json(runner):
    result = runner.invoke(criteria_group, ["show", "V", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["key"] == "V@2026.1" and data["verified"] is False
    assert data["scale"] == "whole" and data["criteria"][0]["indices"][0]["allowed_points"] == list(range(11))
    assert "Học sinh" in result.stdout  # not escaped as \\u sequences


def test_show_json_of_an_old_version_by_path(runner):
    result = runner.invoke(criteria_group, ["show", str(DATA_DIR / "V-2023.1.toml"), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["key"] == "V@2023.1" and data["scale"] == "levels"
    assert data["criteria"][0]["indices"][0]["allowed_points"] == [0, 5, 8, 10]


def test_show_outline(runner):
    result = runner.invoke(criteria_group, ["show", "III"])
    assert result.exit_code == 0
    assert result.stdout.startswith("III@2026.1  Bộ tiêu chí Công dân học tập dành cho người lao động")
    assert "  answers: points, scale whole, max total 100;" in result.stdout
    assert "  instruction: Với mỗi chỉ số, chọn mức cao nhất" in result.stdout
    assert "    2. Lập và thực hiện kế hoạch học tập (0..10) [bands 0-4/5-6/7-8/9-10] [evidence required]\n" \
        in result.stdout
    assert "    10. " in result.stdout


def test_show_outline_of_an_old_version(runner):
    result = runner.invoke(criteria_group, ["show", str(DATA_DIR / "III-2023.1.toml")])
    assert result.exit_code == 0
    assert result.stdout.startswith("III@2023.1  ")
    assert "  answers: points, scale levels, max total 100;" in result.stdout
    assert "    1. Tìm đọc thông tin (0..10) [levels 0/5/8/10]\n" in result.stdout


def test_show_unknown_code(runner):
    result = runner.invoke(criteria_group, ["show", "VI"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "VI: code:" in result.stderr


def test_score_achieved(runner, tmp_path):
    result = runner.invoke(score_command, ["--criteria", "IV", "--answers", write_json(tmp_path, {"answers": GOOD})])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["criteria_set"] == "IV@2026.1"
    assert data["achieved"] is True and data["total"] == 80 and data["reasons"] == []


def test_score_not_achieved_is_still_success(runner, tmp_path):
    answers = {**GOOD, "8": 10, "9": 4, "10": 10}
    path = write_json(tmp_path, {"answers": answers})
    result = runner.invoke(score_command, ["--criteria", str(DATA_DIR / "III-2023.1.toml"), "--answers", path])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["achieved"] is False
    assert data["reasons"][0]["message_vi"] == "Chỉ số 9 được 4 điểm, cần ít nhất 5."


def test_score_from_stdin(runner):
    result = runner.invoke(score_command, ["--criteria", "V", "--answers", "-"],
                           input=json.dumps({"answers": GOOD}))
    assert result.exit_code == 0 and json.loads(result.stdout)["achieved"] is True


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ({"answers": {**GOOD, "10": 11}}, "index 10: 11 is out of range 0..10"),
        ({"answers": {k: v for k, v in GOOD.items() if k != "3"}}, "missing answer for index 3"),
        ({"answers": {**GOOD, "11": 5}}, "unknown index code '11'"),
        ({"answers": {**GOOD, "1": True}}, "index 1: expected whole points"),
        ({"answer": GOOD}, 'expected an object with an "answers" object'),
        ([1, 2], 'expected an object with an "answers" object'),
        ('{"answers": {"1": 8,}}', "malformed JSON"),
        ("", "malformed JSON"),
    ],
)
def test_score_bad_answers(runner, tmp_path, content, fragment):
    path = write_json(tmp_path, content)
    result = runner.invoke(score_command, ["--criteria", "IV", "--answers", path])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and fragment in lines[0] and path in lines[0]


def test_score_unreadable_answers_and_unknown_criteria(runner, tmp_path):
    result = runner.invoke(score_command, ["--criteria", "IV", "--answers", str(tmp_path / "none.json")])
    assert result.exit_code == 2 and "no such file" in result.stderr
    result = runner.invoke(score_command, ["--criteria", "IV", "--answers", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.stderr
    result = runner.invoke(score_command, ["--criteria", "nope.toml", "--answers", str(tmp_path)])
    assert result.exit_code == 2 and "nope.toml: file: no such file" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_check_directory_is_one_line(runner, tmp_path):
    result = runner.invoke(criteria_group, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stdout.strip() == f"{tmp_path}: file: is a directory, not a criteria file"


def test_score_stdin_error_names_stdin(runner):
    result = runner.invoke(score_command, ["--criteria", "V", "--answers", "-"], input='{"answers": {"1": 3}}')
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: <stdin>: missing answer for index 2"
