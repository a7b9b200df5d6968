"""Tokens that name one assessment: the member's QR a head scans, the certificate's QR.

The payload is `[id, nonce]`; the nonce is random per assessment and never changes, so a
token keeps naming the assessment it was made for: once that one is deleted, the token is
"not valid", even where another row holds its id (SQLite before AUTOINCREMENT, a restored
backup). Tokens printed before the nonce existed carry the bare id; they are honoured only
for an assessment that already existed when the token was signed, which a later row holding
the same id never did.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from .. import tokens
from ..models import Assessment
from ..models.base import as_utc


def token_for(purpose: str, assessment: Assessment) -> str:
    return tokens.make_token(purpose, [assessment.id, assessment.token_nonce])


def assessment_of(session: Session, purpose: str, token: str, max_age: int) -> Assessment | None:
    """The assessment the token was made for, or None (tampered, expired, deleted, another one)."""
    read = tokens.read_token_and_time(purpose, token, max_age)
    if read is None:
        return None
    payload, signed_at = read
    if not is_assessment_payload(payload):
        return None
    if _is_id(payload):
        assessment = session.get(Assessment, payload)
        if assessment is None or as_utc(assessment.created_at).replace(microsecond=0) > signed_at:
            return None
        return assessment
    assessment = session.get(Assessment, payload[0])
    if assessment is None or not assessment.token_nonce or assessment.token_nonce != payload[1]:
        return None
    return assessment


def is_assessment_payload(payload: object) -> bool:
    """`[id, nonce]`, or the bare id of a token made before nonces."""
    return _is_id(payload) or (isinstance(payload, list) and len(payload) == 2 and _is_id(payload[0])
                               and isinstance(payload[1], str))


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31
