"""Intake's side of parcel numbers: the clerk's message for a number that cannot be read,
and decimal values (areas, shares) typed in any digits.

The rules themselves (digits in any script, separators, leading zeros, sub-numbers) and
the parcel key are the matcher's (`claims.matching.normalise.parse_parcel_number`,
`claims.matching.blocking.parcel_key`), so intake and conflict matching read numbers
the same way.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from claims.matching.normalise import InvalidParcelNumber, fold_digits


def invalid_parcel_number_message(invalid: InvalidParcelNumber) -> str:
    """The refusal in the clerk's language, quoting what was typed."""
    # Translated now, not lazily: a lazy string counts as safe HTML in templates, and
    # this message quotes what the user typed.
    return _(
        "“%(entered)s” is not a parcel number: write the number, "
        "optionally with a sub-number, e.g. 345 or 345/6.",
        entered=invalid.entered,
    )


def parse_decimal(entered: str) -> Decimal:
    """A number typed in any digits with either decimal separator (12.5, ١٢٫٥, 12,5) and
    an optional trailing %; ValueError for anything else, infinities and NaN included."""
    text = fold_digits(entered).strip().rstrip("%").strip().replace("٫", ".").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(entered) from None
    if not value.is_finite():
        raise ValueError(entered)
    return value
