"""Routes: administrators manage accounts (list, create, reset, correct the login, lock).

Registered on the administration blueprint (`admin.routes.bp`), so every page here is for
administrators only. A created account or a reset gets its one-time link shown once.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..access import allow, is_admin
from ..contacts import MAX_LENGTH
from ..db import db
from ..errors import DomainError
from ..forms import ConfirmForm
from ..inputs import parse_id
from ..models import LinkPurpose, User
from ..recovery import operations as recovery
from ..recovery.routes import issued_page
from . import accounts as ops
from .forms import AccountCreateForm, AccountLoginForm
from .routes import _invalid, _refused, bp


@bp.get("/accounts")
@allow(is_admin)
def accounts() -> ResponseReturnValue:
    query = " ".join((request.args.get("q") or "").split())[:MAX_LENGTH]
    page = ops.search(db.session, query, parse_id(request.args.get("page")) or 1)
    return render_template("admin/accounts.html", page=page, query=query)


@bp.route("/accounts/new", methods=["GET", "POST"])
@allow(is_admin)
def account_new() -> ResponseReturnValue:
    form = AccountCreateForm()
    if not form.validate_on_submit():
        return _invalid("admin/account_new.html", form=form)
    try:
        user = ops.create(db.session, current_user, form.full_name.data, form.contact.normalised or "")
        token, link = recovery.issue(db.session, current_user, user, LinkPurpose.SETUP)
    except DomainError as error:
        return _refused(form, error, "admin/account_new.html")
    flash(f"Đã tạo tài khoản cho {user.full_name}. Hãy đưa mã QR dưới đây để họ tự đặt mật khẩu.", "success")
    return issued_page(user, token, link, url_for(".account", user_id=user.id))


@bp.get("/accounts/<int:user_id>")
@allow(is_admin)
def account(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    return render_template("admin/account.html", user=user, form=ConfirmForm(),
                           memberships=ops.memberships_of(db.session, user),
                           history=ops.history_of(db.session, user), event_label=ops.event_label)


@bp.post("/accounts/<int:user_id>/reset")
@allow(is_admin)
def account_reset(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    try:
        # An account that never had a password gets a set-password link again.
        token, link = recovery.issue(db.session, current_user, user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".account", user_id=user.id))
    return issued_page(user, token, link, url_for(".account", user_id=user.id))


@bp.route("/accounts/<int:user_id>/login", methods=["GET", "POST"])
@allow(is_admin)
def account_login(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    form = AccountLoginForm(data={"phone": user.phone, "email": user.email})
    if not form.validate_on_submit():
        return _invalid("admin/account_login.html", form=form, user=user)
    try:
        ops.change_login(db.session, current_user, user, form.phone.data or None, form.email.data or None)
    except DomainError as error:
        return _refused(form, error, "admin/account_login.html", user=user)
    flash(f"Đã lưu tên đăng nhập của {user.full_name}.", "success")
    return redirect(url_for(".account", user_id=user.id))


@bp.route("/accounts/<int:user_id>/deactivate", methods=["GET", "POST"])
@allow(is_admin)
def account_deactivate(user_id: int) -> ResponseReturnValue:
    """Locking asks first: the person is logged out everywhere at once."""
    user = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("admin/account_deactivate.html", user=user, form=form)
    try:
        ops.deactivate(db.session, current_user, user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".account", user_id=user.id))
    flash(f"Đã khóa tài khoản của {user.full_name}: mọi phiên đăng nhập đã kết thúc.", "success")
    return redirect(url_for(".account", user_id=user.id))


@bp.post("/accounts/<int:user_id>/reactivate")
@allow(is_admin)
def account_reactivate(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    ops.reactivate(db.session, current_user, user)
    flash(f"Đã mở khóa tài khoản của {user.full_name}.", "success")
    return redirect(url_for(".account", user_id=user.id))
