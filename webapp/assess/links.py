"""Signed links the member shows or sends: the QR a head scans to open the assessment."""
from __future__ import annotations

from .. import tokens
from ..urls import external_url


def member_qr_token(assessment_id: int) -> str:
    """A MEMBER_QR token whose payload is the assessment id."""
    return tokens.make_token(tokens.MEMBER_QR, assessment_id)


def member_qr_url(assessment_id: int) -> str:
    """Absolute link to the head's scan page for this assessment (`/scan/<token>`)."""
    return external_url("review.scan", token=member_qr_token(assessment_id))
