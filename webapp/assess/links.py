"""Signed links the member shows or sends: the QR a head scans to open the assessment."""
from __future__ import annotations

from flask import url_for

from .. import tokens


def member_qr_token(assessment_id: int) -> str:
    """A MEMBER_QR token whose payload is the assessment id."""
    return tokens.make_token(tokens.MEMBER_QR, assessment_id)


def member_qr_url(assessment_id: int) -> str:
    """Absolute link to the head's scan page for this assessment (`/scan/<token>`)."""
    return url_for("review.scan", token=member_qr_token(assessment_id), _external=True)
