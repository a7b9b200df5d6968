"""find(): an appendix code picks the newest version; anything else is a file path."""

import shutil

import pytest

from criteria import DATA_DIR, CriteriaError, find, load_all


def copy_with_version(src_name, dest_dir, version):
    text = (DATA_DIR / src_name).read_text(encoding="utf-8")
    text = text.replace('version = "2023.1"', f'version = "{version}"')
    (dest_dir / src_name.replace("2023.1", version)).write_text(text, encoding="utf-8")


def test_newest_version_wins_numerically(tmp_path):
    for version in ("2023.1", "2023.2", "2023.10", "2024.0"):
        copy_with_version("IV-2023.1.toml", tmp_path, version)
    copy_with_version("III-2023.1.toml", tmp_path, "2030.1")
    assert find("IV", search_dirs=[tmp_path]).version == "2024.0"
    (tmp_path / "IV-2024.0.toml").unlink()
    assert find("IV", search_dirs=[tmp_path]).version == "2023.10"


def test_versions_across_several_directories(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    shutil.copy(DATA_DIR / "V-2023.1.toml", old)
    copy_with_version("V-2023.1.toml", new, "2025.1")
    assert find("V", search_dirs=[old, new]).key == "V@2025.1"


def test_shipped_code_and_path():
    assert find("III").key == "III@2026.1"  # the newest version is what new assessments use
    assert find(str(DATA_DIR / "V-2023.1.toml")).key == "V@2023.1"


def test_unknown_code(tmp_path):
    with pytest.raises(CriteriaError) as info:
        find("VI")
    assert str(info.value).startswith("VI: code: no criteria set with this code")
    assert "III, IV, V" in str(info.value)


def test_same_version_twice_is_an_error(tmp_path):
    shutil.copy(DATA_DIR / "IV-2023.1.toml", tmp_path / "a.toml")
    shutil.copy(DATA_DIR / "IV-2023.1.toml", tmp_path / "b.toml")
    with pytest.raises(CriteriaError, match="IV@2023.1 is also defined in"):
        load_all([tmp_path])
