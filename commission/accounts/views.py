from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy import select

from commission.accounts import throttle
from commission.accounts.forms import LoginForm, PostOnlyForm
from commission.accounts.models import Role, User
from commission.accounts.operations import LoginRefused, authenticate
from commission.db import utcnow
from commission.extensions import db
from commission.policy import allow, allow_any_user, allow_public
from commission.sessions import purge_expired_sessions_now_and_then

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after login is a phishing tool."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
@allow_public
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        config = current_app.config
        username, address = form.username.data.strip(), throttle.client_address()
        try:
            user = authenticate(
                db.session,
                username,
                form.password.data,
                now=utcnow(),
                hasher=current_app.extensions["qayd_password_hasher"],
                dummy_hash=current_app.extensions["qayd_dummy_hash"],
                throttled=not throttle.login_allowed(config, username, address),
            )
        except LoginRefused as refused:
            db.session.rollback()
            throttle.record_failed_login(config, username, address)
            form.password.errors.append(refused.message)
        else:
            db.session.commit()
            session.regenerate()
            login_user(user)
            purge_expired_sessions_now_and_then(current_app)
            return redirect(_safe_next(request.args.get("next")))
    if form.errors:
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@allow_any_user
def logout():
    form = PostOnlyForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You have been logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/admin/users")
@allow(Role.ADMIN)
def user_list():
    users = db.session.scalars(select(User).order_by(User.username))
    return render_template("accounts/user_list.html", users=users, now=utcnow())
