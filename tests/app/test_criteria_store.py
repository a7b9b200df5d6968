"""Stored criteria versions: an assessment keeps the version it was made under."""
from __future__ import annotations

import pytest
from sqlalchemy import select

import criteria
from webapp import criteria_store
from webapp.models import CriteriaVersion


def test_stored_text_gives_back_the_same_set(db_session):
    shipped_sets = {s.key: s for s in criteria.load_shipped()}
    stored_keys = []
    for version in db_session.scalars(select(CriteriaVersion)):
        stored = criteria_store.criteria_set_of(version)
        shipped = shipped_sets[version.key]
        assert stored.to_dict()["criteria"] == shipped.to_dict()["criteria"]
        assert stored.rule == shipped.rule and stored.scale == shipped.scale
        stored_keys.append(version.key)
    assert sorted(stored_keys) == sorted(shipped_sets)


def test_sync_is_idempotent(db_session):
    before = {v.key: v.id for v in db_session.scalars(select(CriteriaVersion))}
    criteria_store.sync_shipped(db_session)
    after = {v.key: v.id for v in db_session.scalars(select(CriteriaVersion))}
    assert before == after


def test_an_edited_file_cannot_change_a_used_version(db_session, make_assessment):
    assessment = make_assessment(appendix="IV")
    assessment.criteria_version.digest = "0" * 64  # as if the shipped file had been edited
    db_session.flush()
    with pytest.raises(criteria_store.CriteriaChanged, match="new version"):
        criteria_store.sync_shipped(db_session)


def test_newest_version_compares_numerically(db_session):
    newest = criteria_store.newest_version(db_session, "V")
    assert newest is not None and newest.key == "V@2026.1"
    text = newest.source_text.replace('version = "2026.1"', 'version = "2026.10"')
    db_session.add(CriteriaVersion(key="V@2026.10", appendix="V", version="2026.10", title="t",
                                   source="s", digest="d", body={}, source_text=text))
    db_session.add(CriteriaVersion(key="V@2026.9", appendix="V", version="2026.9", title="t",
                                   source="s", digest="e", body={}, source_text=text))
    db_session.flush()
    assert criteria_store.newest_version(db_session, "V").key == "V@2026.10"


def test_an_assessment_made_under_2023_keeps_it_when_a_new_version_ships(db_session, make_assessment):
    old = make_assessment(appendix="III")
    old.criteria_version = db_session.scalar(select(CriteriaVersion).where(CriteriaVersion.key == "III@2023.1"))
    db_session.flush()
    criteria_store.sync_shipped(db_session)  # as on every start, with 2026.1 shipped beside 2023.1
    db_session.expire_all()
    assert old.criteria_version.key == "III@2023.1"
    pinned = criteria_store.criteria_set_of(old.criteria_version)
    assert pinned.scale == "levels" and pinned.allowed_points("6") == (0, 5, 8, 10)
    assert pinned.index("6").levels[0].description == "Chưa biết ngoại ngữ nào."
    assert make_assessment(appendix="III").criteria_version.key == "III@2026.1"


def test_a_save_that_read_only_the_version_id_gets_the_same_set_on_a_cold_cache(db_session, monkeypatch):
    """The JSON saves read the version's id, digest and key as values (`assessments.records`); the
    first in a process reads the file text itself."""
    monkeypatch.setattr(criteria_store, "_parsed", {})
    for version in db_session.scalars(select(CriteriaVersion)):
        by_id = criteria_store.criteria_set_by_id(db_session, version.id, version.digest, version.key)
        assert by_id.key == version.key
        assert by_id.to_dict() == criteria.load_text(version.source_text, name=version.key).to_dict()
        assert criteria_store.criteria_set_of(version) is by_id  # parsed once, whichever way asked
