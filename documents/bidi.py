"""Bidirectional text: embedding levels and visual order (Unicode Bidi Algorithm, UAX #9).

Only the implicit part of the algorithm is needed: letters hold no explicit
embeddings or isolates (they are treated as boundary neutrals here). Levels are
resolved once per paragraph; lines are broken in logical order and each line is
then reordered on its own, as the algorithm prescribes (rule L2).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Text made only of these characters resolves to one level: the base level of a
# right-to-left paragraph (Arabic letters and neutral punctuation, no digits or Latin)
# or of a left-to-right one (no right-to-left letters and no Arabic-Indic digits).
_ONLY_ARABIC = re.compile(
    r"[\u0621-\u065f\u066e-\u06d5\u06e5-\u06e6\u06ee-\u06ef\u06fa-\u06ff"
    r"\ufb50-\ufdff\ufe70-\ufefe\u0640\u060c\u061b\u061f\u200c\u200d"
    r"\s.,:;!?()\[\]«»\"'\-–—/]*"
)
_NO_RIGHT_TO_LEFT = re.compile(r"[^\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe]*")

_STRONG = {"L", "R", "AL"}
_NEUTRAL = {"B", "S", "WS", "ON", "BN", "LRE", "RLE", "LRO", "RLO", "PDF"}
_NEUTRAL |= {"LRI", "RLI", "FSI", "PDI"}
_CLASS_CACHE: dict[str, str] = {}


def _bidi_class(char: str) -> str:
    cls = _CLASS_CACHE.get(char)
    if cls is None:
        cls = _CLASS_CACHE[char] = unicodedata.bidirectional(char) or "L"
    return cls


def is_rtl(text: str) -> bool:
    """Whether the first strong character of `text` is right-to-left (rules P2, P3)."""
    for char in text:
        cls = _bidi_class(char)
        if cls == "L":
            return False
        if cls in ("R", "AL"):
            return True
    return False


def embedding_levels(text: str, rtl: bool) -> list[int]:
    """The resolved embedding level of each character of one paragraph."""
    base = 1 if rtl else 0
    if (_ONLY_ARABIC if rtl else _NO_RIGHT_TO_LEFT).fullmatch(text):
        return [base] * len(text)
    sos = "R" if rtl else "L"
    types = [_bidi_class(char) for char in text]
    n = len(types)

    # W1: a non-spacing mark (or a boundary neutral) takes the type before it.
    previous = sos
    for i, cls in enumerate(types):
        if cls in ("NSM", "BN"):
            types[i] = previous
        else:
            previous = cls
    # W2, W3: European digits after Arabic letters are Arabic numbers; AL is R.
    last_strong = sos
    for i, cls in enumerate(types):
        if cls in _STRONG:
            last_strong = cls
            if cls == "AL":
                types[i] = "R"
        elif cls == "EN" and last_strong == "AL":
            types[i] = "AN"
    # W4: one separator between two numbers of the same kind joins them.
    for i in range(1, n - 1):
        before, cls, after = types[i - 1], types[i], types[i + 1]
        if before == after and (
            (cls == "ES" and before == "EN") or (cls == "CS" and before in ("EN", "AN"))
        ):
            types[i] = before
    # W5: terminators (%, currency signs) next to European digits are digits.
    i = 0
    while i < n:
        if types[i] == "ET":
            end = i
            while end < n and types[end] == "ET":
                end += 1
            if (i > 0 and types[i - 1] == "EN") or (end < n and types[end] == "EN"):
                types[i:end] = ["EN"] * (end - i)
            i = end
        else:
            i += 1
    # W6, W7: leftover separators are neutral; European digits after L are L.
    last_strong = sos
    for i, cls in enumerate(types):
        if cls in ("ES", "ET", "CS"):
            types[i] = "ON"
        elif cls in ("L", "R"):
            last_strong = cls
        elif cls == "EN" and last_strong == "L":
            types[i] = "L"
    # N1, N2: neutrals between two equal directions take it; otherwise the base.
    i = 0
    while i < n:
        if types[i] in _NEUTRAL:
            end = i
            while end < n and types[end] in _NEUTRAL:
                end += 1
            before = sos if i == 0 else _strong_direction(types[i - 1])
            after = sos if end == n else _strong_direction(types[end])
            types[i:end] = [before if before == after else sos] * (end - i)
            i = end
        else:
            i += 1
    # I1, I2.
    if rtl:
        return [2 if cls in ("L", "EN", "AN") else 1 for cls in types]
    return [0 if cls == "L" else 1 if cls == "R" else 2 for cls in types]


def _strong_direction(cls: str) -> str:
    return "L" if cls == "L" else "R"


def visual_order(levels: Sequence[int]) -> list[int]:
    """Indices of the items of one line in display order, left to right (rule L2)."""
    order = list(range(len(levels)))
    odd = [level for level in levels if level % 2]
    if not odd:
        return order
    lowest_odd = min(odd)
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                end = i
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[i:end] = order[i:end][::-1]
                i = end
            else:
                i += 1
    return order
