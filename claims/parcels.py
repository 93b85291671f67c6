"""Parcel numbers as clerks type them: any digits, separators, sub-numbers."""

from __future__ import annotations

import re

from flask_babel import gettext as _

# Arabic-Indic (٠-٩) and Eastern Arabic-Indic/Persian (۰-۹) digits to ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PARCEL_RE = re.compile(r"^\s*(\d+)\s*(?:[/\\\-.]\s*(\d+))?\s*$")


class InvalidParcelNumber(ValueError):
    def __init__(self, entered: str):
        # Translated now, not lazily: a lazy string counts as safe HTML in templates,
        # and this message quotes what the user typed.
        self.message = _(
            "“%(entered)s” is not a parcel number: write the number, "
            "optionally with a sub-number, e.g. 345 or 345/6.",
            entered=entered,
        )
        super().__init__(str(self.message))


def fold_digits(text: str) -> str:
    return text.translate(_DIGITS)


def parse_parcel_number(entered: str) -> tuple[int, int | None]:
    """'٣٤٥/٦' -> (345, 6); '0345' -> (345, None); sub-number 0 means none."""
    match = _PARCEL_RE.match(fold_digits(entered or ""))
    if not match:
        raise InvalidParcelNumber(entered)
    main = int(match.group(1))
    sub = int(match.group(2)) if match.group(2) else None
    if main == 0:
        raise InvalidParcelNumber(entered)
    return main, sub or None


def parcel_key(governorate_code: str, muqataa_no: str, main: int, sub: int | None) -> str:
    muqataa = fold_digits(muqataa_no).strip().lstrip("0") or "0"
    number = f"{main}/{sub}" if sub else str(main)
    return f"{governorate_code.upper()}|{muqataa}|{number}"
