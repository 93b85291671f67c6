"""The request boundary: one transaction per request, one answer to every refusal.

Every view runs inside `transaction`: when it returns, the request's changes are
committed once; when anything escapes it (a refusal, an abort, a bug), they are rolled
back. Views and operations never commit. Files written during the request follow the
transaction through the session's commit and rollback hooks (commission's file store).

A `Refusal` that escapes a view is answered in one place: under /api/ with
`{"error": {"kind", "message", "fields"}}` and the refusal's status; elsewhere by the
renderer the view asked for (`on_refusal(render=...)`, e.g. the form again with its
field errors), or else a flash and a redirect back to the page the form came from; a
forbidden or not-found refusal is the error page of its status.

CLI commands use the same `transaction` and `refusal_text` (commission.cli).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext
from sqlalchemy.orm import Session

from commission.extensions import db
from commission.policy import wants_json
from commission.refusals import Refusal, RefusalKind
from commission.web import render_error_page

_VALUE_LABELS_KEY = "qayd_refusal_value_labels"

#: What a view's refusal renderer returns: a response, or None for the default answer.
RefusalRenderer = Callable[[Refusal], Any]


@contextmanager
def transaction(session: Session) -> Iterator[None]:
    """Commit once if the block ends normally; roll back whatever escapes it."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def install_boundary(app: Flask) -> None:
    """Run every view in one transaction and answer refusals; call after the blueprints
    are registered."""
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "runs_in_transaction", False):
            app.view_functions[endpoint] = _transactional(view)
    app.register_error_handler(Refusal, handle_refusal)


def _transactional(view: Callable) -> Callable:
    @functools.wraps(view)
    def run_in_transaction(*args, **kwargs):
        with transaction(db.session):
            return view(*args, **kwargs)

    run_in_transaction.runs_in_transaction = True
    return run_in_transaction


# --------------------------------------------------------------------------- messages


def register_value_labels(app: Flask, labels: Mapping[object, object]) -> None:
    """Show these values (e.g. claim states) in refusals by their translatable labels."""
    app.extensions.setdefault(_VALUE_LABELS_KEY, {}).update(labels)


def _show_value(value: object) -> object:
    labels = current_app.extensions.get(_VALUE_LABELS_KEY, {})
    try:
        label = labels.get(value)
    except TypeError:  # an unhashable value has no label
        return value
    return value if label is None else str(label)


def refusal_text(refusal: Refusal) -> str:
    """The refusal's message in the current language, with its values."""
    return refusal.text(gettext, _show_value)


def message_text(message: object) -> str:
    """A field's message in the current language: a marked message, a lazy string or a
    refusal of its own."""
    if isinstance(message, Refusal):
        return refusal_text(message)
    if isinstance(message, str):
        return gettext(message)
    return str(message)


def field_texts(refusal: Refusal) -> dict[str, str]:
    return {name: message_text(message) for name, message in refusal.fields.items()}


# --------------------------------------------------------------------------- answers


def on_refusal(*, render: RefusalRenderer | None = None, back: str | None = None) -> None:
    """How this request answers a refusal in HTML: `render(refusal)` (after the
    rollback; None falls back to the default), and where the default redirects."""
    g.qayd_refusal_render = render
    g.qayd_refusal_back = back


def put_on_form(form, refusal: Refusal) -> None:
    """The refusal's field errors next to the form's fields of those names; the others,
    and the message of a refusal without fields, above the form."""
    if not refusal.fields:
        form.form_errors.append(refusal_text(refusal))
    for name, message in refusal.fields.items():
        field = form._fields.get(name)
        if field is None:
            form.form_errors.append(message_text(message))
        else:
            field.errors = [*field.errors, message_text(message)]


def handle_refusal(refusal: Refusal):
    if wants_json():
        body = {
            "kind": str(refusal.kind),
            "message": refusal_text(refusal),
            "fields": field_texts(refusal),
        }
        return jsonify(error=body), refusal.status
    if refusal.kind in (RefusalKind.FORBIDDEN, RefusalKind.NOT_FOUND):
        return render_error_page(refusal.status, refusal_text(refusal))
    render = g.pop("qayd_refusal_render", None)
    if render is not None:
        response = render(refusal)
        if response is not None:
            return response
    flash(refusal_text(refusal), "error")
    # After a form's POST the browser must GET the page it is sent back to.
    status = 302 if request.method == "GET" else 303
    return redirect(g.pop("qayd_refusal_back", None) or _page_before()), status


def _page_before() -> str:
    """The same-site page the request came from; the home page otherwise."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if referrer and parts.netloc == request.host and parts.path.startswith("/"):
        return referrer
    return url_for("main.home")
