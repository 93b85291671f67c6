"""Reading the address of a request: query parameters and path ids within bounds.

A value outside what the database can hold (an id past 32 bits, a year-1 date, a
5,000-digit number) or a control character is refused here with a 400 that says which
parameter is wrong, before any query sees it; an id in the path past the bounds simply
matches no route (404).
"""

from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from commission.text import UnacceptableCharacter, clean_text

#: Row ids are 32-bit integers in the database.
MAX_ID = 2**31 - 1
#: Dates a page can be asked for: every date the commission's records can hold.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
#: Longer parameters are refused rather than carried into queries and links.
MAX_TEXT_LENGTH = 1000


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a positive id that fits the database's integers."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def bad_parameter(name: str, message: str) -> BadRequest:
    return BadRequest(
        _("The address parameter “%(name)s” is wrong: %(problem)s", name=name, problem=message)
    )


def int_arg(name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """The whole number in `?name=`, None when it is absent or empty."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    # Checked before int(): Python refuses to convert more than 4,300 digits.
    if not text.isascii() or not text.isdigit() or len(text) > len(str(maximum)):
        raise bad_parameter(
            name, _("give a whole number from %(low)s to %(high)s.", low=minimum, high=maximum)
        )
    value = int(text)
    if not minimum <= value <= maximum:
        raise bad_parameter(
            name, _("give a whole number from %(low)s to %(high)s.", low=minimum, high=maximum)
        )
    return value


def date_arg(
    name: str, *, earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE
) -> date | None:
    """The date in `?name=YYYY-MM-DD`, None when it is absent or empty."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text) if len(text) <= len("YYYY-MM-DD") else None
    except ValueError:
        value = None
    if value is None or not earliest <= value <= latest:
        raise bad_parameter(
            name,
            _(
                "give a date from %(earliest)s to %(latest)s as YYYY-MM-DD.",
                earliest=earliest.isoformat(),
                latest=latest.isoformat(),
            ),
        )
    return value


def text_arg(name: str, *, max_length: int = MAX_TEXT_LENGTH) -> str:
    """The text in `?name=`, cleaned like every input text; "" when absent."""
    text = request.args.get(name, "")
    if len(text) > max_length:
        raise bad_parameter(name, _("it is longer than %(count)s characters.", count=max_length))
    try:
        return clean_text(text).strip()
    except UnacceptableCharacter as refusal:
        raise bad_parameter(name, refusal.text(_)) from None


def refuse_control_characters() -> None:
    """No path or query parameter with a control character reaches a view (PostgreSQL
    refuses NUL in text; no one types the others)."""
    try:
        clean_text(request.path)
        for name, value in request.args.items(multi=True):
            clean_text(name)
            clean_text(value)
    except UnacceptableCharacter as refusal:
        raise BadRequest(refusal.text(_)) from None
