"""Pages that belong to no domain: the home page and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from commission.accounts.forms import PostOnlyForm
from commission.policy import allow_any_user, allow_public

bp = Blueprint("main", __name__)


@bp.route("/")
@allow_any_user
def home():
    return render_template("home.html", user=current_user)


@bp.route("/language/<lang>", methods=["POST"])
@allow_public
def set_language(lang: str):
    if PostOnlyForm().validate_on_submit() and lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    return redirect(target)
