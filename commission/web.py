"""The request boundary: workspace and actor per request, headers, error pages."""

from __future__ import annotations

from flask import current_app, has_request_context, jsonify, render_template, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.params import refuse_control_characters
from commission.policy import wants_json
from commission.sessions import USER_ID_KEY
from commission.workspaces import operational_workspace_id, set_current_workspace

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def operational_id() -> int:
    """The operational workspace's id, looked up once per process (it never changes)."""
    cached = current_app.extensions.get("qayd_operational_workspace_id")
    if cached is None:
        cached = operational_workspace_id(db.session)
        current_app.extensions["qayd_operational_workspace_id"] = cached
    return cached


def start_request() -> None:
    refuse_control_characters()
    set_current_workspace(operational_id())
    # A user who chose a training workspace works there (training.views installs this).
    choose = current_app.extensions.get("qayd_choose_workspace")
    if choose is not None and current_user.is_authenticated:
        choose()
    if current_user.is_authenticated:
        set_actor(Actor(current_user.id, current_user.username))
    else:
        set_actor(Actor(None, "anonymous"))


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config["SEND_HSTS"]:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Asked of the session, not of `current_user`: the request's commit has expired the
    # user row, and reading it again would cost two queries on every answer.
    if USER_ID_KEY in session:
        # Case data must not linger in shared browser or proxy caches.
        headers["Cache-Control"] = "no-store"
    return response


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please log in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("Someone else changed this record"),
    413: _l("The upload is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
}


def render_error_page(code: int, message: str | None = None):
    title = str(ERROR_TITLES.get(code, _l("Error")))
    if wants_json():
        return jsonify(error=title, message=message or title, status=code), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def handle_http_error(error: HTTPException):
    # A description of our own (a bad parameter) says what to fix; werkzeug's default
    # English one says nothing the title does not.
    own = error.description if error.description != type(error).description else None
    return render_error_page(error.code or 500, own)


def handle_csrf_error(error: CSRFError):
    return render_error_page(
        400, _("The form has expired or was not sent from this site. Reload the page and retry.")
    )


def handle_server_error(error: InternalServerError):
    # Nothing half-done may be committed by anything that runs after this handler.
    db.session.rollback()
    current_app.logger.exception("unhandled error on %s", request.path)
    return render_error_page(500)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and batch jobs speak the default
        return languages[0]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]
