"""Routes: a head gives a member a one-time reset link; anyone holding one sets a password.

The head's page shows the link once, big, as a QR for the member to scan on the spot (or to
print): the token is not stored, so the page is never cached and cannot be shown again.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user

from ..access import allow, can_reset_password, public, reset_refusal
from ..auth import throttle
from ..auth.routes import begin_session
from ..db import db
from ..errors import DomainError
from ..forms import ConfirmForm
from ..models import LinkPurpose, Membership, PasswordLink, User
from ..qr import svg as qr_svg
from ..templating import format_datetime
from ..urls import external_url
from . import mail, operations
from .forms import ForgotForm, SetPasswordForm

bp = Blueprint("recovery", __name__)

MAIL_SENT = ("Nếu email này là tên đăng nhập của một tài khoản, chúng tôi vừa gửi đường dẫn đặt lại "
             "mật khẩu tới đó. Hãy mở hộp thư (xem cả mục thư rác); đường dẫn dùng được một lần.")


def no_store(body: str, status: int = 200) -> ResponseReturnValue:
    """A page holding a live token: never kept by the browser or a proxy."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def issued_page(user: User, token: str, link: PasswordLink, back_url: str) -> ResponseReturnValue:
    """The link and its QR, shown once on the issuer's screen."""
    url = external_url("recovery.reset", token=token)
    label = "Mã QR để đặt mật khẩu mới" if link.purpose is LinkPurpose.RESET else "Mã QR để đặt mật khẩu"
    return no_store(render_template(
        "recovery/issued.html", user=user, link=link, url=url, back_url=back_url,
        qr=qr_svg(url, label, "qr reset-qr")))


@bp.route("/units/<int:unit_id>/roster/<int:membership_id>/reset", methods=["GET", "POST"])
@allow(can_reset_password, load=Membership, explain=reset_refusal)
def issue_for_member(membership: Membership, unit_id: int) -> ResponseReturnValue:
    if membership.unit_id != unit_id:
        abort(404)
    user = membership.user
    assert user is not None  # the predicate refuses a line without an account
    back_url = url_for("roster.index", unit_id=unit_id, year=membership.year_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            token, link = operations.issue(db.session, current_user, user)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(back_url)
        return issued_page(user, token, link, back_url)
    return render_template("recovery/confirm.html", user=user, membership=membership, form=form,
                           back_url=back_url)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset(token: str) -> ResponseReturnValue:
    """The member's side: the new password twice, then they are in (every other session ends)."""
    link = operations.find(db.session, token)
    if link is None:
        return no_store(render_template("recovery/invalid.html"), 404)
    form = SetPasswordForm()
    needs_consent = link.purpose is LinkPurpose.SETUP and link.user.consent_at is None
    if form.validate_on_submit():
        try:
            user = operations.use(db.session, link, form.password.data, bool(form.consent.data))
        except DomainError as error:
            if error.field == "consent":
                form.consent.errors = [*form.consent.errors, error.message]
            else:
                return no_store(render_template("recovery/invalid.html"), 404)
        else:
            if current_user.is_authenticated:
                logout_user()  # someone else's session on this phone (the head's)
            begin_session(user, remember=bool(form.remember.data))
            flash("Đã đặt mật khẩu mới. Bạn đã đăng nhập; các thiết bị khác đã được đăng xuất.", "success")
            return redirect(url_for("main.index"))
    status = 422 if form.errors else 200
    return no_store(render_template("recovery/reset.html", form=form, link=link, user=link.user,
                                    needs_consent=needs_consent), status)


@bp.route("/forgot", methods=["GET", "POST"])
@public
def forgot() -> ResponseReturnValue:
    """Self-service reset by e-mail; the page exists only where an operator configured SMTP."""
    if not mail.configured():
        abort(404)
    form = ForgotForm()
    if form.validate_on_submit() and form.normalised:
        key = throttle.mail_key(request.remote_addr)
        until = throttle.blocked_until(db.session, [key])
        if until is not None:
            form.email.errors = [f"Bạn đã yêu cầu quá nhiều lần. Vui lòng thử lại sau {format_datetime(until)}."]
            return render_template("recovery/forgot.html", form=form), 429
        throttle.record_failure(db.session, [key])
        issued = operations.issue_by_email(db.session, form.normalised)
        if issued is not None:
            token, link = issued
            mail.send_reset_link(form.normalised, link.user.full_name,
                                 external_url("recovery.reset", token=token), link.expires_at)
        flash(MAIL_SENT, "info")
        return redirect(url_for("auth.login"))
    return render_template("recovery/forgot.html", form=form), 422 if form.errors else 200
