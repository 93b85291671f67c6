"""A fixed text in both of the commission's languages.

Plain values, no Flask: the labels of each package's enums (claims.labels,
adjudication.labels), the letter renderer, governorate and office names and the
training scenarios all print English and Arabic side by side from these pairs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A fixed name or sentence in English and Arabic (an office, an outcome, a title)."""

    en: str
    ar: str
