"""Who may call each endpoint, declared beside the view and enforced in one place.

Every view states its access with `@allow(...)`, `@allow_any_user` or `@allow_public`.
`enforce_policy` runs before every request; an endpoint with no declaration is refused
(fail closed), and a test walks the URL map so none can ship without one.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from commission.accounts.models import Role
from commission.extensions import csrf

#: Anyone, logged in or not (login page, static files, letter verification).
PUBLIC = "public"
#: Any logged-in, active user, whatever their roles.
ANY_USER = "any_user"

_ATTRIBUTE = "_qayd_access"


def allow(*roles: Role) -> Callable:
    if not roles:
        raise ValueError("allow() needs at least one role; use allow_any_user for any user")

    def decorate(view):
        setattr(view, _ATTRIBUTE, frozenset(roles))
        return view

    return decorate


def allow_any_user(view):
    setattr(view, _ATTRIBUTE, ANY_USER)
    return view


def allow_public(view):
    setattr(view, _ATTRIBUTE, PUBLIC)
    return view


def declare_endpoint(app, endpoint: str, access) -> None:
    """Declare access for an endpoint whose view we do not write (Flask's `static`)."""
    app.extensions.setdefault("qayd_access", {})[endpoint] = access


def endpoint_access(app, endpoint: str):
    declared = app.extensions.get("qayd_access", {})
    if endpoint in declared:
        return declared[endpoint]
    view = app.view_functions.get(endpoint)
    return getattr(view, _ATTRIBUTE, None)


def may_call(endpoint: str) -> bool:
    """Would the current user be let through to `endpoint`? For showing a link or button
    only where its page will open: the same declaration `enforce_policy` applies."""
    access = endpoint_access(current_app, endpoint)
    if access is None:
        return False
    if access == PUBLIC:
        return True
    if not current_user.is_authenticated:
        return False
    return access == ANY_USER or current_user.has_any_role(access)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def enforce_policy():
    """Login and roles first, then the CSRF token: an anonymous API call learns it must
    log in (401), not that its token is missing."""
    refused = _refusal()
    if refused is not None:
        return refused
    if request.method in current_app.config["WTF_CSRF_METHODS"]:
        csrf.protect()
    return None


def _refusal():
    if request.endpoint is None:
        return None  # 404 and 405 are answered by their error handlers
    access = endpoint_access(current_app, request.endpoint)
    if access is None:
        current_app.logger.error("endpoint %s declares no access policy", request.endpoint)
        abort(403)
    if access == PUBLIC:
        return None
    if not current_user.is_authenticated:
        if wants_json():
            abort(401)
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if access == ANY_USER:
        return None
    if not current_user.has_any_role(access):
        abort(403)
    return None
