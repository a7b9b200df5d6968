"""Routes: Sign-up, login, consent, and a member's own data."""
from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from ..access import allow, public, signed_in
from ..assessments.queries import roster_lines
from ..db import db
from ..errors import DomainError
from ..forms import ConfirmForm
from ..models import Membership, User
from ..roster import claims
from ..roster.operations import match_memberships
from ..security import wants_json
from ..templating import VIETNAM
from . import operations, throttle
from .forms import ChangePasswordForm, DeleteAccountForm, LoginForm, RegisterForm

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Số điện thoại/email hoặc mật khẩu không đúng. Vui lòng thử lại."


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site ("/assess/3?x=1"), else None.

    Refuses absolute URLs, scheme-relative ("//evil.example") and backslash tricks that
    some browsers read as another host.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _next_url() -> str | None:
    return safe_next(request.args.get("next"))


def _go_on() -> ResponseReturnValue:
    return redirect(_next_url() or url_for("main.index"))


def _rotate_csrf() -> None:
    """A new CSRF token after logging in or out: one seen before cannot be replayed after."""
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)


def begin_session(user: User, remember: bool) -> None:
    """Log `user` in on this browser with a fresh CSRF token (login, sign-up, a reset link)."""
    login_user(user, remember=remember)
    _rotate_csrf()


def _end_sessions(reason: str) -> None:
    """Log out here and make every copy of this account's cookies useless."""
    if current_user.is_authenticated:
        operations.end_all_sessions(db.session, current_user._get_current_object(), reason)
    logout_user()
    _rotate_csrf()


def _announce_matches(matched: list[Membership]) -> None:
    """Tell the member which units list their phone/email (claims waiting for the head)."""
    if matched:
        flash(claims.waiting_message(matched), "info")


@bp.route("/register", methods=["GET", "POST"])
@public
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return _go_on()
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = operations.register_user(
                db.session, form.full_name.data, form.contact.data, form.password.data
            )
        except DomainError as error:
            form.contact.errors.append(error.message)
        else:
            begin_session(user, remember=bool(form.remember.data))
            flash("Đăng ký thành công. Chào mừng bạn!", "success")
            # With no roster line yet, the start page explains how to get on one.
            _announce_matches(match_memberships(db.session, user))
            return _go_on()
    status = 422 if form.errors else 200
    return render_template("auth/register.html", form=form, next=_next_url()), status


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return _go_on()
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        keys = operations.login_keys(db.session, form.contact.data, request.remote_addr)
        until = throttle.blocked_until(db.session, keys)
        if until is not None:
            return _too_many_attempts(form, until)
        try:
            user = operations.authenticate(db.session, form.contact.data, form.password.data)
        except DomainError as error:
            return render_template("auth/login.html", form=form, next=_next_url(),
                                   failed_message=error.message), error.status
        if user is not None:
            for key in keys[:-1]:  # the account's keys; its address keeps its count
                throttle.clear(db.session, key)
            begin_session(user, remember=bool(form.remember.data))
            _announce_matches(match_memberships(db.session, user))
            return _go_on()
        throttle.record_failure(db.session, keys)
        # The failure must be counted although the answer (422) rolls the request back.
        db.session.commit()
        failed = True
    status = 422 if (failed or form.errors) else 200
    return render_template(
        "auth/login.html", form=form, next=_next_url(), failed_message=LOGIN_FAILED if failed else None
    ), status


def _too_many_attempts(form: LoginForm, until: datetime) -> ResponseReturnValue:
    """Refused before the password is checked: a clear time to come back, and a 429."""
    message, seconds = throttle.blocked_message(until)
    headers = {"Retry-After": str(seconds)}
    if wants_json():
        return jsonify(error=message, retry_after=seconds), 429, headers
    return render_template("auth/login.html", form=form, next=_next_url(),
                           failed_message=message), 429, headers


@bp.post("/logout")
@public
def logout() -> ResponseReturnValue:
    # CSRFProtect has already refused a POST without a valid token; logging out twice is harmless.
    # A copied cookie must not outlive the owner's logout, so this ends every session.
    _end_sessions("logout")
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("main.index"))


@bp.get("/account")
@allow(signed_in)
def account() -> ResponseReturnValue:
    return render_template("auth/account.html", memberships=roster_lines(db.session, current_user),
                           form=ConfirmForm())


@bp.post("/account/logout-everywhere")
@allow(signed_in)
def logout_everywhere() -> ResponseReturnValue:
    """A lost or lent phone: every device logged in to this account is logged out."""
    _end_sessions("logout_everywhere")
    flash("Đã đăng xuất tài khoản trên mọi thiết bị. Hãy đăng nhập lại trên máy này nếu cần.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(signed_in)
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            operations.change_password(db.session, user, form.current.data, form.password.data,
                                       request.remote_addr)
        except DomainError as error:
            _keep_count(error)
            form.current.errors.append(error.message)
            return render_template("auth/password.html", form=form), error.status
        else:
            # This browser stays in, as it was (a shared computer keeps no lasting cookie);
            # every other device is out.
            begin_session(user, remember=_remembered_here())
            flash("Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200


def _remembered_here() -> bool:
    """This browser holds a remember cookie (its owner ticked "Ghi nhớ đăng nhập")."""
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


@bp.get("/account/data")
@allow(signed_in)
def data() -> ResponseReturnValue:
    """The member's data as a page to read or print, beside the JSON download."""
    memberships = roster_lines(db.session, current_user)
    return render_template("auth/data.html", memberships=memberships, now=operations.utcnow(),
                           history=operations.assessment_history(db.session, memberships),
                           history_labels=operations.HISTORY_LABELS)


@bp.get("/account/export")
@allow(signed_in)
def export() -> ResponseReturnValue:
    data = operations.export_member_data(db.session, current_user)
    today = operations.utcnow().astimezone(VIETNAM).date().isoformat()
    response = Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="du-lieu-cua-toi-{today}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/delete", methods=["GET", "POST"])
@allow(signed_in)
def delete() -> ResponseReturnValue:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            operations.verify_own_password(db.session, user, form.password.data, request.remote_addr,
                                           "Mật khẩu không đúng.")
            operations.delete_account(db.session, user)
        except DomainError as error:
            _keep_count(error)
            form.password.errors.append(error.message)
            return render_template("auth/delete.html", form=form), error.status
        logout_user()
        _rotate_csrf()
        flash("Tài khoản và phiếu tự đánh giá của bạn đã được xóa. Cảm ơn bạn đã tham gia.",
              "success")
        return redirect(url_for("main.index"))
    status = 422 if form.errors else 200
    return render_template("auth/delete.html", form=form), status


def _keep_count(error: DomainError) -> None:
    """A wrong password was counted: keep the count although the 4xx answer rolls back."""
    if isinstance(error, operations.WrongPassword):
        db.session.commit()
