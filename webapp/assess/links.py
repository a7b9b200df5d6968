"""Signed links the member shows or sends: the QR a head scans to open the assessment."""
from __future__ import annotations

from .. import tokens
from ..assessments.tokens import token_for
from ..models import Assessment
from ..urls import external_url


def member_qr_url(assessment: Assessment) -> str:
    """Absolute link to the head's scan page for this assessment (`/scan/<token>`)."""
    return external_url("review.scan", token=token_for(tokens.MEMBER_QR, assessment))
