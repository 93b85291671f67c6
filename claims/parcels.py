"""Parcel numbers for intake: the matcher's parser, with messages a clerk can read.

The rules (digits in any script, separators, leading zeros, sub-numbers) live in
`claims.matching.normalise`, so intake and conflict matching read numbers the same way.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from claims.matching.blocking import parcel_key as _matching_parcel_key
from claims.matching.normalise import InvalidParcelNumber as UnreadableParcelNumber
from claims.matching.normalise import ParcelNumber, fold_digits, parse_muqataa_number
from claims.matching.normalise import parse_parcel_number as _parse
from commission.refusals import N_, Refusal, RefusalKind

__all__ = [
    "InvalidParcelNumber",
    "fold_digits",
    "parcel_key",
    "parse_decimal",
    "parse_parcel_number",
]


class InvalidParcelNumber(Refusal, UnreadableParcelNumber):
    """A parcel number a clerk typed that cannot be read; the message quotes it."""

    kind = RefusalKind.INPUT
    message = N_(
        "“%(entered)s” is not a parcel number: write the number, "
        "optionally with a sub-number, e.g. 345 or 345/6."
    )

    def __init__(self, entered: str, problem: str = ""):
        self.entered = entered
        self.problem = problem
        super().__init__(entered=entered)


def parse_parcel_number(entered: str) -> tuple[int, int | None]:
    """'٣٤٥/٦' -> (345, 6); '0345' -> (345, None); a sub-number of 0 means none."""
    try:
        number = _parse(entered)
    except UnreadableParcelNumber as unreadable:
        raise InvalidParcelNumber(entered, unreadable.problem) from None
    return number.main, number.sub


def parcel_key(governorate_code: str, muqataa_no: str, main: int, sub: int | None) -> str:
    """The identity of a parcel across claims: IQ-BG|12|345/6."""
    return _matching_parcel_key(
        governorate_code.upper(), parse_muqataa_number(muqataa_no), ParcelNumber(main, sub)
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
