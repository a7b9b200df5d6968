"""Criteria sets as stored in the database.

Shipped files are copied in by `cdht serve` / `cdht db upgrade`. An assessment pins the
stored version it was made under, and is always scored with that version's own text, so
a newer file never changes an old result.
"""
from __future__ import annotations

from collections.abc import Callable

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


_parsed: dict[tuple[int, str], CriteriaSet] = {}


def criteria_set_of(version: CriteriaVersion) -> CriteriaSet:
    """The criteria set a stored version holds, parsed once per process.

    Keyed by id and digest, so the (large) file text is read only on the first use; the digest
    keeps an edited, still unused version from being served stale. Pages load the version
    with only those columns (`webapp.assessments.queries.ASSESSMENT_PAGE`).
    """
    return _parsed_once(version.id, version.digest, version.key, lambda: version.source_text)


def criteria_set_by_id(session: Session, version_id: int, digest: str, key: str) -> CriteriaSet:
    """`criteria_set_of` for a statement that read the version's id, digest and key as values
    (`assessments.records`): the file text is read, by a statement of its own, on the first use."""
    return _parsed_once(version_id, digest, key, lambda: session.scalar(
        select(CriteriaVersion.source_text).where(CriteriaVersion.id == version_id)) or "")


def _parsed_once(version_id: int, digest: str, key: str, source_text: Callable[[], str]) -> CriteriaSet:
    cache_key = (version_id, digest)
    found = _parsed.get(cache_key)
    if found is None:
        if len(_parsed) >= 64:
            _parsed.clear()
        found = _parsed[cache_key] = criteria.load_text(source_text(), name=key)
    return found
