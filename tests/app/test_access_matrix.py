"""Who may open what: one role-by-endpoint table for every route of the app.

A route that is not in `ACCESS` fails `test_every_route_has_an_entry`, and every view must
declare its access with `webapp.access.allow` or `public`. Denied means the exact answer: a
login redirect (HTML) or 401 (JSON) for anonymous visitors, 403 for everyone else.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.conftest import ROLES, Cast
from webapp import tokens

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
MEMBER = frozenset({"member"})
MANAGERS = frozenset({"head", "admin"})           # the unit's roster and drives
REVIEWERS = frozenset({"head"})                   # a member's form: the unit's heads, never aggregators
AGGREGATORS = frozenset({"aggregator_above", "aggregator_elsewhere"})
UNIT_READERS = frozenset({"head", "aggregator_above", "admin"})
AREA_READERS = frozenset({"aggregator_above", "admin"})
ADMIN = frozenset({"admin"})
REPORT_USERS = frozenset({"head", "head_other_unit", "aggregator_above", "aggregator_elsewhere", "admin"})
HEADS = frozenset({"head", "head_other_unit"})

Url = Callable[[Cast, Any], str]


def _drive(cast: Cast, db_session: Any) -> Any:
    from webapp.drives import operations

    return operations.create_drive(db_session, cast.head, cast.unit, cast.year, "V", "10A1",
                                   _next_week())


def _next_week() -> Any:
    from datetime import datetime, timedelta

    return (datetime.now() + timedelta(days=7)).replace(microsecond=0)


def _target(cast: Cast, db_session: Any) -> Any:
    from decimal import Decimal

    from webapp.models import Target

    target = Target(year=cast.year, area=cast.province, appendix=None, percentage=Decimal(55))
    db_session.add(target)
    db_session.flush()
    return target


def _claimed_line(cast: Cast, db_session: Any) -> Any:
    """A line of the unit a stranger's account claims (its login matched the listed phone)."""
    from webapp.models import Membership, PendingLink, User

    claimant = User(full_name="Người Tự Nhận", phone="0977000111", password_hash="!")
    line = Membership(unit=cast.unit, year=cast.year, full_name="Trần Văn A", contact="0977000111",
                      appendix="V", pending_user=claimant, pending_kind=PendingLink.CLAIM)
    db_session.add(line)
    db_session.flush()
    return line


def _invitation(cast: Cast, db_session: Any) -> Any:
    """A line of another unit whose head listed the member's phone: the member is invited."""
    from webapp.models import Membership, PendingLink

    line = Membership(unit=cast.other_unit, year=cast.year, full_name=cast.member.full_name,
                      contact=cast.member.login_name, appendix="V", pending_user=cast.member,
                      pending_kind=PendingLink.INVITE)
    db_session.add(line)
    db_session.flush()
    return line
def _reset_token(cast: Cast, db_session: Any) -> str:
    from webapp.recovery import operations

    return operations.issue(db_session, cast.admin, cast.member)[0]


def _grant_id(cast: Cast, _db: Any) -> int:
    return cast.head.role_grants[0].id


# endpoint -> (method, url builder, roles allowed)
ACCESS: dict[str, tuple[str, Url, frozenset[str]]] = {
    "main.index": ("GET", lambda c, d: "/", EVERYONE),
    "main.health": ("GET", lambda c, d: "/healthz", EVERYONE),
    "pwa.manifest": ("GET", lambda c, d: "/manifest.webmanifest", EVERYONE),
    "pwa.service_worker": ("GET", lambda c, d: "/sw.js", EVERYONE),
    "pwa.offline": ("GET", lambda c, d: "/offline", EVERYONE),
    "auth.login": ("GET", lambda c, d: "/login", EVERYONE),
    "auth.register": ("GET", lambda c, d: "/register", EVERYONE),
    "auth.logout": ("POST", lambda c, d: "/logout", EVERYONE),
    "auth.account": ("GET", lambda c, d: "/account", SIGNED_IN),
    "auth.export": ("GET", lambda c, d: "/account/export", SIGNED_IN),
    "auth.data": ("GET", lambda c, d: "/account/data", SIGNED_IN),
    "auth.change_password": ("GET", lambda c, d: "/account/password", SIGNED_IN),
    "auth.logout_everywhere": ("POST", lambda c, d: "/account/logout-everywhere", SIGNED_IN),
    "auth.delete": ("GET", lambda c, d: "/account/delete", SIGNED_IN),
    "assess.index": ("GET", lambda c, d: "/assess/", SIGNED_IN),
    "assess.start": ("POST", lambda c, d: f"/assess/start/{c.line.id}", MEMBER),
    "assess.answer_invitation": ("POST", lambda c, d: f"/assess/invitations/{_invitation(c, d).id}/accept",
                                 MEMBER),
    "assess.form": ("GET", lambda c, d: f"/assess/{c.assessment.id}", MEMBER),
    "assess.status": ("GET", lambda c, d: f"/assess/{c.assessment.id}/status", MEMBER),
    "assess.withdraw": ("POST", lambda c, d: f"/assess/{c.assessment.id}/withdraw", MEMBER),
    "api.csrf_token": ("GET", lambda c, d: "/api/csrf", SIGNED_IN),
    "api.criteria": ("GET", lambda c, d: f"/api/criteria/{c.assessment.criteria_version.key}", EVERYONE),
    "api.assessment": ("GET", lambda c, d: f"/api/assessments/{c.assessment.id}", MEMBER),
    "api.save_draft": ("PUT", lambda c, d: f"/api/assessments/{c.assessment.id}/draft", MEMBER),
    "api.submit": ("POST", lambda c, d: f"/api/assessments/{c.assessment.id}/submit", MEMBER),
    "certificates.show": ("GET", lambda c, d: f"/certificate/{c.assessment.id}", MEMBER),
    "certificates.verify": ("GET", lambda c, d: "/verify/" + tokens.make_token(tokens.CERTIFICATE,
                                                                                c.assessment.id), EVERYONE),
    "review.index": ("GET", lambda c, d: "/review/", HEADS),
    "review.heads_queue": ("GET", lambda c, d: "/review/heads", AGGREGATORS),
    "review.queue": ("GET", lambda c, d: f"/units/{c.unit.id}/queue", REVIEWERS),
    "review.confirm_selected": ("POST", lambda c, d: f"/units/{c.unit.id}/queue/confirm", REVIEWERS),
    "review.scan": ("GET", lambda c, d: "/scan/" + tokens.make_token(tokens.MEMBER_QR, c.assessment.id),
                    REVIEWERS),
    "review.review": ("GET", lambda c, d: f"/review/{c.assessment.id}", REVIEWERS),
    "review.revoke": ("GET", lambda c, d: f"/review/{c.assessment.id}/revoke", REVIEWERS),
    "recovery.issue_for_member": ("GET", lambda c, d: f"/units/{c.unit.id}/roster/{c.line.id}/reset", MANAGERS),
    # 404 for everyone unless an operator configured SMTP (tests/recovery/test_email_reset.py).
    "recovery.forgot": ("GET", lambda c, d: "/forgot", EVERYONE),
    "recovery.reset": ("GET", lambda c, d: f"/reset/{_reset_token(c, d)}", EVERYONE),
    "roster.index": ("GET", lambda c, d: f"/units/{c.unit.id}/roster", MANAGERS),
    "roster.add": ("GET", lambda c, d: f"/units/{c.unit.id}/roster/add", MANAGERS),
    "roster.edit": ("GET", lambda c, d: f"/units/{c.unit.id}/roster/{c.line.id}/edit", MANAGERS),
    "roster.remove": ("POST", lambda c, d: f"/units/{c.unit.id}/roster/{c.line.id}/remove", MANAGERS),
    "roster.answer_claim": ("POST", lambda c, d: f"/units/{c.unit.id}/roster/{_claimed_line(c, d).id}/claim/confirm",
                            MANAGERS),
    "roster.template": ("GET", lambda c, d: f"/units/{c.unit.id}/roster/template.csv", MANAGERS),
    "roster.template_xlsx": ("GET", lambda c, d: f"/units/{c.unit.id}/roster/template.xlsx", MANAGERS),
    "roster.import_upload": ("GET", lambda c, d: f"/units/{c.unit.id}/roster/import", MANAGERS),
    "roster.import_confirm": ("POST", lambda c, d: f"/units/{c.unit.id}/roster/import/confirm", MANAGERS),
    "roster.rollover_page": ("GET", lambda c, d: f"/units/{c.unit.id}/roster/rollover", MANAGERS),
    "drives.index": ("GET", lambda c, d: f"/units/{c.unit.id}/drives", MANAGERS),
    "drives.create": ("POST", lambda c, d: f"/units/{c.unit.id}/drives", MANAGERS),
    "drives.poster": ("GET", lambda c, d: f"/units/{c.unit.id}/drives/{_drive(c, d).id}/poster", MANAGERS),
    "drives.close": ("POST", lambda c, d: f"/units/{c.unit.id}/drives/{_drive(c, d).id}/close", MANAGERS),
    "drives.close_confirm": ("GET", lambda c, d: f"/units/{c.unit.id}/drives/{_drive(c, d).id}/close", MANAGERS),
    "drives.posters": ("GET", lambda c, d: f"/units/{c.unit.id}/drives/posters", MANAGERS),
    "drives.join": ("GET", lambda c, d: "/join/" + tokens.make_token(tokens.DRIVE, _drive(c, d).id), EVERYONE),
    "reports.index": ("GET", lambda c, d: "/reports/", REPORT_USERS),
    "reports.area": ("GET", lambda c, d: f"/reports/areas/{c.ward.id}", AREA_READERS),
    "reports.area_units_csv": ("GET", lambda c, d: f"/reports/areas/{c.ward.id}/units.csv", AREA_READERS),
    "reports.area_units_xlsx": ("GET", lambda c, d: f"/reports/areas/{c.ward.id}/units.xlsx", AREA_READERS),
    "reports.area_results_xlsx": ("GET", lambda c, d: f"/reports/areas/{c.ward.id}/results.xlsx", AREA_READERS),
    "reports.unit_results_xlsx": ("GET", lambda c, d: f"/reports/units/{c.unit.id}/results.xlsx", UNIT_READERS),
    "reports.area_results_csv": ("GET", lambda c, d: f"/reports/areas/{c.ward.id}/results.csv", AREA_READERS),
    "reports.unit": ("GET", lambda c, d: f"/reports/units/{c.unit.id}", UNIT_READERS),
    "reports.unit_results_csv": ("GET", lambda c, d: f"/reports/units/{c.unit.id}/results.csv", UNIT_READERS),
    "reports.unit_people": ("GET", lambda c, d: f"/reports/units/{c.unit.id}/people?kind=waiting", UNIT_READERS),
    "reports.unit_summary_page": ("GET", lambda c, d: f"/reports/units/{c.unit.id}/summary", UNIT_READERS),
    "admin.index": ("GET", lambda c, d: "/admin/", ADMIN),
    "admin.areas": ("GET", lambda c, d: "/admin/areas", ADMIN),
    "admin.area_new": ("GET", lambda c, d: "/admin/areas/new", ADMIN),
    "admin.area_edit": ("GET", lambda c, d: f"/admin/areas/{c.ward.id}/edit", ADMIN),
    "admin.area_move": ("GET", lambda c, d: f"/admin/areas/{c.ward.id}/move", ADMIN),
    "admin.area_delete": ("POST", lambda c, d: f"/admin/areas/{c.ward.id}/delete", ADMIN),
    "admin.units": ("GET", lambda c, d: "/admin/units", ADMIN),
    "admin.unit_new": ("GET", lambda c, d: "/admin/units/new", ADMIN),
    "admin.unit_edit": ("GET", lambda c, d: f"/admin/units/{c.unit.id}/edit", ADMIN),
    "admin.years": ("GET", lambda c, d: "/admin/years", ADMIN),
    "admin.year_new": ("GET", lambda c, d: "/admin/years/new", ADMIN),
    "admin.year_toggle": ("POST", lambda c, d: f"/admin/years/{c.year.id}/toggle", ADMIN),
    "admin.year_edit": ("GET", lambda c, d: f"/admin/years/{c.year.id}/edit", ADMIN),
    "admin.year_close_confirm": ("GET", lambda c, d: f"/admin/years/{c.year.id}/close", ADMIN),
    "admin.year_close": ("POST", lambda c, d: f"/admin/years/{c.year.id}/close", ADMIN),
    "admin.roles": ("GET", lambda c, d: "/admin/roles", ADMIN),
    "admin.role_new": ("GET", lambda c, d: "/admin/roles/new", ADMIN),
    "admin.role_revoke": ("POST", lambda c, d: f"/admin/roles/{_grant_id(c, d)}/revoke", ADMIN),
    "admin.accounts": ("GET", lambda c, d: "/admin/accounts?q=Tr", ADMIN),
    "admin.account_new": ("GET", lambda c, d: "/admin/accounts/new", ADMIN),
    "admin.account": ("GET", lambda c, d: f"/admin/accounts/{c.head.id}", ADMIN),
    "admin.account_reset": ("POST", lambda c, d: f"/admin/accounts/{c.head.id}/reset", ADMIN),
    "admin.account_login": ("GET", lambda c, d: f"/admin/accounts/{c.member.id}/login", ADMIN),
    "admin.account_deactivate": ("GET", lambda c, d: f"/admin/accounts/{c.member.id}/deactivate", ADMIN),
    "admin.account_reactivate": ("POST", lambda c, d: f"/admin/accounts/{c.member.id}/reactivate", ADMIN),
    "admin.role_revoke_confirm": ("GET", lambda c, d: f"/admin/roles/{_grant_id(c, d)}/revoke", ADMIN),
    "admin.targets": ("GET", lambda c, d: "/admin/targets", ADMIN),
    "admin.target_new": ("GET", lambda c, d: "/admin/targets/new", ADMIN),
    "admin.target_edit": ("GET", lambda c, d: f"/admin/targets/{_target(c, d).id}/edit", ADMIN),
    "admin.target_delete": ("POST", lambda c, d: f"/admin/targets/{_target(c, d).id}/delete", ADMIN),
}


def _endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def test_every_route_has_an_entry(app):
    assert _endpoints(app) == set(ACCESS), "add each new route to ACCESS with the roles allowed"


def test_every_view_declares_its_access(app):
    undeclared = [name for name in _endpoints(app) if not hasattr(app.view_functions[name], "access")]
    assert undeclared == [], "decorate these views with webapp.access.allow(...) or public"


def _request(client: Any, method: str, url: str) -> Any:
    if method == "PUT" or url.startswith("/api/") and method == "POST":
        return client.open(url, method=method, json={})
    return client.open(url, method=method)


def _is_refusal(role: str, url: str, response: Any) -> bool:
    if role == "anonymous":
        if url.startswith("/api/"):
            return response.status_code == 401
        return response.status_code == 302 and "/login" in response.location
    return response.status_code == 403


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_role_by_endpoint(endpoint, app, cast, db_session, login):
    method, build, allowed = ACCESS[endpoint]
    with app.test_request_context():  # tokens are signed with the app's secret
        url = build(cast, db_session)
    # Refused roles first: an allowed POST may change what later requests see.
    for role in sorted(ROLES, key=lambda r: r in allowed):
        user = cast.by_role(role)
        client = login(user) if user is not None else app.test_client()
        response = _request(client, method, url)
        response.get_data()  # a streamed download finishes before the next request
        assert response.status_code < 500, (endpoint, role, response.status_code)
        refused = _is_refusal(role, url, response)
        assert refused is (role not in allowed), (endpoint, role, response.status_code)
        if user is not None:
            with client.session_transaction() as session:
                session.clear()


# A head's own form: who may open (and so confirm, return, reject) it, for every role of the
# cast plus a second head of the unit and an aggregator of the ward that manages the school.
HEADS_OWN_FORM = frozenset({"second_head", "aggregator_of_ward"})


@pytest.mark.parametrize("role", [*ROLES, "second_head", "aggregator_of_ward"])
def test_a_heads_own_form_by_role(role, app, cast, make_assessment, make_user, grant, login):
    from webapp.models import Role

    own = make_assessment(unit=cast.unit, year=cast.year, user=cast.head, appendix="IV", submit=True)
    extra = {"second_head": (Role.UNIT_HEAD, {"unit": cast.unit}),
             "aggregator_of_ward": (Role.AGGREGATOR, {"area": cast.ward})}
    if role in extra:
        user = make_user(role)
        grant(user, extra[role][0], **extra[role][1])
    else:
        user = cast.by_role(role)
    client = login(user) if user is not None else app.test_client()
    for url in (f"/review/{own.id}", f"/review/{own.id}/revoke"):
        response = client.get(url)
        assert response.status_code < 500
        allowed = role in HEADS_OWN_FORM
        assert (response.status_code in (200, 302) and "/login" not in (response.location or "")) is allowed, \
            (role, url, response.status_code)
