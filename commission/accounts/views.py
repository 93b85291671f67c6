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
from commission.boundary import refusal_text
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
            # Answered here, not raised on: the view returns normally and the boundary
            # ends the request (the refusal changed no row). The failure is counted in
            # the throttle's shared storage, outside the database.
            throttle.record_failed_login(config, username, address)
            form.password.errors.append(refusal_text(refused))
        else:
            session.regenerate()
            login_user(user)
            purge_expired_sessions_now_and_then(current_app, db.session)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


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
    return render_template("accounts/user_list.html", users=users)
