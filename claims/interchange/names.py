"""Names as files write them: one string in either script, split into the four-part
Iraqi name (given, father, grandfather, family) keeping compounds whole."""

from __future__ import annotations

import re

from claims.domain import PartyInput, PartyRole

_ARABIC_LETTER_RE = re.compile(
    "[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"
)
_LATIN_LETTER_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
#: Words that belong with the word after them (عبد الرحمن، أبو بكر، Abd al-Rahman).
_NAME_PREFIXES = frozenset(
    {"عبد", "ابو", "أبو", "ابي", "أبي", "ام", "أم", "بن", "ابن", "آل"}
    | {"abd", "abdul", "abdel", "abdal", "abu", "abou", "umm", "um", "bin", "ibn", "ben"}
    | {"al", "el", "ul", "ad", "ud"}
)
#: Words that belong with the word before them (نور الدين، جار الله, Nur al-Din).
_NAME_SUFFIXES = frozenset(
    {"الدين", "الله"} | {"al-din", "ad-din", "ud-din", "el-din", "eddin", "uddin", "allah", "ullah"}
)


def is_arabic_script(text: str) -> bool:
    return bool(_ARABIC_LETTER_RE.search(text))


def is_latin_script(text: str) -> bool:
    return not is_arabic_script(text) and bool(_LATIN_LETTER_RE.search(text))


def name_parts(name: str) -> list[str]:
    """Split a name at spaces, keeping compound names (عبد الرحمن, Abu Bakr) whole."""
    parts: list[str] = []
    glue_next = False
    for word in name.split():
        lowered = word.casefold()
        if parts and (glue_next or lowered in _NAME_SUFFIXES):
            parts[-1] = f"{parts[-1]} {word}"
        else:
            parts.append(word)
        glue_next = lowered in _NAME_PREFIXES
    return parts


def split_name(name: str) -> tuple[str, str, str, str]:
    """The four-part Iraqi name: given, father, grandfather, family (the rest)."""
    parts = name_parts(name)
    parts += [""] * (4 - len(parts))
    return parts[0], parts[1], parts[2], " ".join(part for part in parts[3:] if part)


def party_from_name(role: PartyRole, name: str, *, latin_name: str = "", **fields) -> PartyInput:
    """A party from one name string in either script; a Latin-script name is also kept
    whole as the Latin name."""
    name = " ".join(name.split())
    given, father, grandfather, family = split_name(name)
    if is_latin_script(name):
        latin_name = latin_name or name
    return PartyInput(
        role=role,
        given_name=given,
        father_name=father,
        grandfather_name=grandfather,
        family_name=family,
        latin_name=" ".join(latin_name.split()),
        **fields,
    )
