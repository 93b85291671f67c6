"""Intake's side of numbers typed by clerks: decimal values (areas, shares) in any digits.

The rules themselves (digits in any script, separators, leading zeros, sub-numbers) and
the parcel key are the matcher's (`claims.matching.normalise.parse_parcel_number`,
`claims.matching.blocking.parcel_key`), so intake and conflict matching read numbers
the same way.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from claims.matching.normalise import fold_digits


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
