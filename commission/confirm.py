"""One confirmation step for everything that cannot be undone, or is weighty enough to ask.

A view of an irreversible (or disruptive) POST asks `confirmation_step` first: unless the
request says it was confirmed, the answer is a page naming what will be done and to what, with the
same form (every field the user sent, a fresh CSRF token and `confirmed=yes`) posted to
the same address. No JavaScript is needed, and a POST without the confirmation changes
nothing.
"""

from __future__ import annotations

from flask import render_template, request

#: The field the confirmation page adds to the form it posts again.
CONFIRMED_FIELD = "confirmed"
_NOT_CARRIED = frozenset({CONFIRMED_FIELD, "csrf_token"})


def is_confirmed() -> bool:
    return request.form.get(CONFIRMED_FIELD) == "yes"


def confirmation_step(
    question: str, *, button: str, cancel: str, irreversible: bool = True
) -> str | None:
    """The confirmation page for this POST, or None when it is confirmed already.

    `question` names the action and what it acts on (translated by the caller), `button`
    is the label of the confirming button, `cancel` where the user goes back to. Only an
    `irreversible` action is said to be so: an account disabled can be enabled again."""
    if is_confirmed():
        return None
    carried = [
        (name, value)
        for name, values in request.form.lists()
        if name not in _NOT_CARRIED
        for value in values
    ]
    return render_template(
        "confirm.html",
        question=question,
        button=button,
        cancel=cancel,
        irreversible=irreversible,
        carried=carried,
        target=request.path,
    )
