"""Signed links the member shows or sends: the QR a head scans to open the assessment."""
from __future__ import annotations

from flask import current_app, url_for

from .. import tokens


def member_qr_token(assessment_id: int) -> str:
    """A MEMBER_QR token whose payload is the assessment id."""
    return tokens.make_token(tokens.MEMBER_QR, assessment_id)


def member_qr_url(assessment_id: int) -> str:
    """Absolute link to the head's scan page for this assessment (`/scan/<token>`)."""
    token = member_qr_token(assessment_id)
    if "review.scan" in current_app.view_functions:
        return url_for("review.scan", token=token, _external=True)
    # The review feature owns /scan/<token>; until it is registered, build the same path.
    return url_for("main.index", _external=True).rstrip("/") + "/scan/" + token
