"""Released criteria files never change: old assessments stay pinned to the text they were made under."""

import hashlib

import pytest

from criteria import DATA_DIR, load_file

# sha256 of each released file, byte for byte. webapp.criteria_store refuses to start when a
# used version's file changes, so a changed digest here means: restore the file, add a new version.
RELEASED = {
    "III-2023.1.toml": "5495da9080d60344e876b5e1e811d7a9b7f18d2585a91d55f86cd91ba7789ca2",
    "IV-2023.1.toml": "282fa8f7421f4b9d2d5f811d27bd3e7af389bac5f1b09012f442fabb4e8c2d91",
    "V-2023.1.toml": "0311c3133983fb77b3c9e364a59c9d301dd74c45733d87527816aff75bbd51b4",
}


@pytest.mark.parametrize(("name", "digest"), RELEASED.items())
def test_released_file_is_unchanged(name, digest):
    path = DATA_DIR / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert load_file(path).digest == digest


@pytest.mark.parametrize("name", RELEASED)
def test_2023_files_keep_their_level_scale(name):
    cset = load_file(DATA_DIR / name)
    assert cset.version == "2023.1" and cset.scale == "levels"
    assert all(cset.allowed_points(str(n)) == (0, 5, 8, 10) for n in range(1, 11))
    assert cset.instruction is None
    assert not any(i.evidence_required for c in cset.criteria for i in c.indices)
