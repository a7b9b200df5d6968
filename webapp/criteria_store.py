"""Criteria sets as stored in the database.

Shipped files are copied in by `cdht serve` / `cdht db upgrade`. An assessment pins the
stored version it was made under, and is always scored with that version's own text, so
a newer file never changes an old result.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

import criteria
from criteria import CriteriaSet

from .models import Assessment, CriteriaVersion


class CriteriaChanged(Exception):
    """A stored version's file changed after assessments were made under it."""


def sync_shipped(session: Session) -> list[CriteriaVersion]:
    """Store every shipped criteria set; refresh an unused version whose file was edited."""
    stored = {version.key: version for version in session.scalars(select(CriteriaVersion))}
    for criteria_set in criteria.load_shipped():
        version = stored.get(criteria_set.key)
        if version is None:
            version = CriteriaVersion(key=criteria_set.key)
            session.add(version)
            stored[criteria_set.key] = version
        elif version.digest == criteria_set.digest:
            continue
        elif _is_used(session, version):
            raise CriteriaChanged(
                f"{criteria_set.key}: the file changed but assessments were made under it; "
                "give the edited file a new version."
            )
        _copy(criteria_set, version)
    session.flush()
    return sorted(stored.values(), key=lambda v: v.key)


def _is_used(session: Session, version: CriteriaVersion) -> bool:
    return bool(session.scalar(select(exists().where(Assessment.criteria_version_id == version.id))))


def _copy(criteria_set: CriteriaSet, version: CriteriaVersion) -> None:
    assert criteria_set.path is not None
    version.appendix = criteria_set.code
    version.version = criteria_set.version
    version.title = criteria_set.title
    version.source = criteria_set.source
    version.verified = criteria_set.verified
    version.digest = criteria_set.digest
    version.body = criteria_set.to_dict()
    version.source_text = criteria_set.path.read_text(encoding="utf-8-sig")


def newest_version(session: Session, appendix: str) -> CriteriaVersion | None:
    """The newest stored version of an appendix: what a new assessment is made under."""
    versions = session.scalars(select(CriteriaVersion).where(CriteriaVersion.appendix == appendix))
    return max(versions, key=lambda v: criteria.version_tuple(v.version), default=None)


def criteria_set_of(version: CriteriaVersion) -> CriteriaSet:
    """The criteria set a stored version holds, parsed once per process."""
    return _parse(version.key, version.digest, version.source_text)


@lru_cache(maxsize=32)
def _parse(key: str, digest: str, text: str) -> CriteriaSet:
    # Keyed by digest as well, so an edited (unused) version is parsed afresh.
    return criteria.load_text(text, name=key)
