"""A printed certificate or member QR names one assessment for ever: its token carries the
assessment's random nonce, and a token for a deleted assessment, or with another nonce, is
"not valid" (never someone else's title)."""
from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import evidence_notes
from webapp import tokens
from webapp.assessments import operations
from webapp.models import Role, utcnow

ALL_8 = {str(c): 8 for c in range(1, 11)}
NOT_VALID = "Mã xác minh không hợp lệ hoặc đã hết hạn"


def _confirmed(db_session, make_assessment, head):  # type: ignore[no-untyped-def]
    assessment = make_assessment(submit=True)
    operations.confirm(db_session, head, assessment, assessment.version)
    return assessment


def _head(make_user, grant, unit):  # type: ignore[no-untyped-def]
    head = make_user("Hiệu trưởng")
    grant(head, Role.UNIT_HEAD, unit=unit)
    return head


def _printed_path(login, assessment) -> str:  # type: ignore[no-untyped-def]
    page = login(assessment.membership.user).get(f"/certificate/{assessment.id}").get_data(as_text=True)
    return re.search(r"http://localhost(/verify/[\w.-]+)", page).group(1)


def _certified(db_session, make_assessment, make_unit, make_user, grant):  # type: ignore[no-untyped-def]
    """An assessment of its own unit, confirmed by that unit's head."""
    unit = make_unit()
    assessment = make_assessment(unit=unit, submit=True)
    operations.confirm(db_session, _head(make_user, grant, unit), assessment, assessment.version)
    return assessment


def test_the_printed_certificate_carries_the_assessments_nonce(app, db_session, make_assessment, make_unit,
                                                              make_user, grant, login):
    assessment = _certified(db_session, make_assessment, make_unit, make_user, grant)
    path = _printed_path(login, assessment)
    with app.test_request_context():
        payload = tokens.read_token(tokens.CERTIFICATE, path.rsplit("/", 1)[1], 3600)
    assert payload == [assessment.id, assessment.token_nonce] and len(assessment.token_nonce) >= 16
    assert app.test_client().get(path).status_code == 200


def test_another_nonce_or_a_deleted_assessment_is_not_valid(app, db_session, make_assessment, make_unit,
                                                            make_user, grant, login):
    assessment = _certified(db_session, make_assessment, make_unit, make_user, grant)
    path = _printed_path(login, assessment)
    with app.test_request_context():
        forged = "/verify/" + tokens.make_token(tokens.CERTIFICATE, [assessment.id, "0" * 16])
    reply = app.test_client().get(forged)
    assert reply.status_code == 404 and NOT_VALID in reply.get_data(as_text=True)
    name = assessment.membership.full_name
    db_session.delete(assessment)
    db_session.flush()
    gone = app.test_client().get(path)
    assert gone.status_code == 404 and name not in gone.get_data(as_text=True)


def test_an_old_bare_id_token_never_opens_a_later_assessment(app, db_session, make_assessment, make_unit,
                                                             make_user, grant):
    """A token printed before nonces named only an id: an assessment created after it was
    signed (one that could have inherited the id) is not what it names."""
    later = _certified(db_session, make_assessment, make_unit, make_user, grant)
    with app.test_request_context():
        old = "/verify/" + tokens.make_token(tokens.CERTIFICATE, later.id)
    assert app.test_client().get(old).status_code == 200  # signed after it existed: still good
    later.created_at = utcnow() + timedelta(minutes=5)
    db_session.flush()
    reply = app.test_client().get(old)
    assert reply.status_code == 404 and later.membership.full_name not in reply.get_data(as_text=True)


def test_the_head_scans_only_the_code_of_that_assessment(app, db_session, make_assessment, make_unit,
                                                         make_user, grant, login):
    unit = make_unit()
    head = _head(make_user, grant, unit)
    assessment = make_assessment(unit=unit)
    operations.submit(db_session, assessment.membership.user, assessment, ALL_8, evidence_notes())
    page = login(assessment.membership.user).get(f"/assess/{assessment.id}/status").get_data(as_text=True)
    scan = re.search(r"http://localhost(/scan/[\w.-]+)", page).group(1)
    with app.test_request_context():
        forged = "/scan/" + tokens.make_token(tokens.MEMBER_QR, [assessment.id, "f" * 16])
    head_client = login(head)
    assert head_client.get(scan).status_code == 302
    assert head_client.get(forged).status_code == 404
