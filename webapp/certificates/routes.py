"""Routes: the member's certificate and the public verification of a title.

`/certificate/<id>` is the owner's printable certificate ("giấy xác nhận"). Its QR opens
`/verify/<token>`, public, which shows the least that proves the title (Decree 13/2023):
name, unit, year and whether the title still stands.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

from .. import tokens
from ..access import allow, owns, public
from ..assessments import operations
from ..assessments.queries import ASSESSMENT_PAGE
from ..assessments.tokens import assessment_of, token_for
from ..db import db
from ..errors import fail
from ..models import Assessment, AssessmentStatus
from ..qr import svg as qr_svg
from ..urls import external_url

bp = Blueprint("certificates", __name__)

S = AssessmentStatus
INVALID_TOKEN = "Mã xác minh không hợp lệ hoặc đã hết hạn"


def verify_url(assessment: Assessment) -> str:
    return external_url("certificates.verify", token=token_for(tokens.CERTIFICATE, assessment))


@bp.get("/certificate/<int:assessment_id>")
@allow(owns, load=Assessment, options=ASSESSMENT_PAGE)
def show(assessment: Assessment) -> ResponseReturnValue:
    if not assessment.holds_title:
        fail(404, "Phiếu này chưa có giấy xác nhận: chỉ phiếu đã được thủ trưởng xác nhận đạt "
                  "danh hiệu mới có giấy xác nhận.", title="Chưa có giấy xác nhận")
    url = verify_url(assessment)
    return render_template(
        "certificates/show.html", a=assessment, membership=assessment.membership,
        criteria_set=operations.criteria_of(assessment), verify_url=url,
        qr_svg=qr_svg(url, "Mã QR để xác minh giấy xác nhận", "qr certificate-qr"),
    )


@bp.get("/verify/<token>")
@public
def verify(token: str) -> ResponseReturnValue:
    assessment = assessment_of(db.session, tokens.CERTIFICATE, token, current_app.config["CERTIFICATE_MAX_AGE"])
    if assessment is None:
        return render_template("certificates/verify_invalid.html", message=INVALID_TOKEN), 404
    if assessment.status is S.REVOKED:
        state, code = "revoked", 410
    elif assessment.holds_title:
        state, code = "valid", 200
    else:
        state, code = "none", 200
    return render_template("certificates/verify.html", a=assessment,
                           membership=assessment.membership, state=state), code
