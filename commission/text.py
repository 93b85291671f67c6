"""Text hygiene at the boundary: every text a user or a file supplies passes `clean_text`
once, on input, before anything stores, compares or prints it.

Plain Python, no Flask: forms, the import, `match-csv`, the API and search parameters
all call it. What it does, and why:

- Control characters (NUL and the rest of C0 and C1, DEL, lone surrogates) are refused,
  not dropped: they are never part of what someone meant to type, PostgreSQL refuses
  NUL in text, and a silent repair would hide a damaged file. Tab and line breaks are
  allowed where the text may run over several lines.
- Bidirectional controls and invisible format characters (zero-width space, word
  joiner, soft hyphen, byte-order mark, every other Unicode "Cf") are removed: they
  make one name look like another (a stored bidi override shows the same name in a
  different order on a page or a letter) and keep equal names from comparing equal.
- The zero-width non-joiner stays between two letters of an Arabic-script word, where
  Persian and Kurdish spelling needs it (می‌خواهم); the zero-width joiner stays only
  between two pictographs of an emoji sequence.
- The result is in Unicode NFC, so one spelling is one string.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from commission.refusals import N_, Refusal, RefusalKind

ZERO_WIDTH_NON_JOINER = "\u200c"
ZERO_WIDTH_JOINER = "\u200d"

#: Allowed in text that may run over several lines (addresses, descriptions, notes).
_LINE_CONTROLS = frozenset("\t\n\r")

#: Where Arabic-script letters live (Arabic, Arabic Supplement, Extended-A/B, and the
#: presentation forms); a ZWNJ is kept only between letters of these blocks.
_ARABIC_SCRIPT_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)

#: Characters that may stand between an emoji and the ZWJ that joins it to the next
#: (variation selector 16, skin-tone modifiers) without breaking the sequence.
_EMOJI_MODIFIERS = frozenset(["\ufe0f", *map(chr, range(0x1F3FB, 0x1F400))])


class UnacceptableCharacter(Refusal, ValueError):
    """A text holds a control character that no one types; the message names it."""

    kind = RefusalKind.INPUT
    message = N_(
        "This text contains an invisible control character (%(code_point)s) that is not "
        "allowed. Type it again or remove it from the file."
    )

    def __init__(self, char: str):
        super().__init__(code_point=f"U+{ord(char):04X}")
        self.char = char


def is_control(char: str, *, multiline: bool = False) -> bool:
    """Is `char` refused in text (a control character or a lone surrogate)?"""
    if multiline and char in _LINE_CONTROLS:
        return False
    return unicodedata.category(char) in ("Cc", "Cs")


def _is_arabic_letter(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char).startswith("L") and any(
        low <= code <= high for low, high in _ARABIC_SCRIPT_RANGES
    )


def _is_pictograph(char: str) -> bool:
    return unicodedata.category(char) == "So"


def _letter_before(text: str, index: int, skip: frozenset[str] | None = None) -> str:
    """The character before `index`, passing over combining marks (a vowel sign belongs
    to the letter before it) and over `skip`."""
    index -= 1
    while index >= 0 and (
        unicodedata.category(text[index]).startswith("M") or (skip and text[index] in skip)
    ):
        index -= 1
    return text[index] if index >= 0 else ""


def _keeps_joiner(text: str, index: int) -> bool:
    """Is the ZWNJ or ZWJ at `index` one that the script (or the emoji) needs?"""
    joiner = text[index]
    # A run of the same joiner counts as one: look past it on both sides.
    end = index + 1
    while end < len(text) and text[end] == joiner:
        end += 1
    after = text[end] if end < len(text) else ""
    if not after:
        return False
    if joiner == ZERO_WIDTH_NON_JOINER:
        before = _letter_before(text, index, frozenset(joiner))
        return bool(before) and _is_arabic_letter(before) and _is_arabic_letter(after)
    before = _letter_before(text, index, _EMOJI_MODIFIERS | {joiner})
    return bool(before) and _is_pictograph(before) and _is_pictograph(after)


def _is_removed_format(char: str) -> bool:
    # Every bidi control (U+200E/F, U+202A–E, U+2066–9, U+061C) is "Cf" too.
    return unicodedata.category(char) == "Cf"


def clean_text(text: str, *, multiline: bool = False) -> str:
    """`text` in NFC without bidi controls or invisible format characters.

    Raises UnacceptableCharacter for NUL and every other control character (tab and
    line breaks are allowed when `multiline`).
    """
    if text.isascii() and text.isprintable():
        return text  # the common case, and nothing to do
    for char in text:
        if is_control(char, multiline=multiline):
            raise UnacceptableCharacter(char)
    kept: list[str] = []
    for index, char in enumerate(text):
        if not _is_removed_format(char):
            kept.append(char)
        elif char in (ZERO_WIDTH_NON_JOINER, ZERO_WIDTH_JOINER) and _keeps_joiner(text, index):
            # One joiner is enough: a second one in a row adds nothing but a difference.
            if not kept or kept[-1] != char:
                kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def clean_fields(
    values: Mapping[str, str], *, multiline: frozenset[str] = frozenset()
) -> tuple[dict[str, str], dict[str, UnacceptableCharacter]]:
    """Every value of a record (an import row, a CSV line, a JSON body) cleaned, and a
    refusal per field that holds a control character (its value is left out)."""
    cleaned: dict[str, str] = {}
    refused: dict[str, UnacceptableCharacter] = {}
    for name, value in values.items():
        try:
            cleaned[name] = clean_text(value, multiline=name in multiline)
        except UnacceptableCharacter as refusal:
            refused[name] = refusal
    return cleaned, refused
