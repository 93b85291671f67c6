"""clean_text: the one normalisation every input text passes at the boundary."""

from __future__ import annotations

import unicodedata

import pytest
import wtforms

import wsgi  # noqa: F401 - imports every form of the application
from commission.forms import CleanForm, CleanSubform
from commission.text import UnacceptableCharacter, clean_fields, clean_text

INVISIBLE = ["\u200b", "\u2060", "\u00ad", "\ufeff", "\u180e", "\u2061", "\U000e0041"]
BIDI = [
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\u200e",
    "\u200f",
    "\u061c",
]
CONTROLS = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\ud800"]


@pytest.mark.parametrize("char", INVISIBLE + BIDI, ids=lambda c: f"U+{ord(c):04X}")
def test_format_and_bidi_characters_are_removed(char):
    assert clean_text(f"Moh{char}ammed عب{char}د") == "Mohammed عبد"


@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_are_refused_naming_the_code_point(char):
    with pytest.raises(UnacceptableCharacter) as refused:
        clean_text(f"Ali{char}", multiline=True)
    assert f"U+{ord(char):04X}" in str(refused.value)


def test_tab_and_line_breaks_only_in_multiline_text():
    assert clean_text("Mahalla 903\r\nZuqaq 14\tDar 7", multiline=True) == (
        "Mahalla 903\r\nZuqaq 14\tDar 7"
    )
    for char in "\t\n\r":
        with pytest.raises(UnacceptableCharacter):
            clean_text(f"Ali{char}Hassan")


def test_zwnj_is_kept_inside_persian_and_kurdish_words_only():
    persian = "می\u200cخواهم"
    assert clean_text(persian) == persian
    assert clean_text("می\u200c\u200cخواهم") == persian  # one is enough
    assert clean_text("مُ\u200cخ") == "مُ\u200cخ"  # a vowel sign belongs to its letter
    assert clean_text("Ali\u200cHassan") == "AliHassan"
    assert clean_text("علي\u200c ") == "علي "
    assert clean_text("\u200cعلي") == "علي"


def test_zwj_is_kept_only_inside_an_emoji_sequence():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(family) == family
    assert clean_text("ل\u200dا") == "لا"


def test_result_is_nfc():
    decomposed = "Jose\u0301 e\u200b\u0301"
    assert clean_text(decomposed) == unicodedata.normalize("NFC", "José é")


def test_clean_fields_reports_each_refused_field_and_keeps_the_rest():
    cleaned, refused = clean_fields(
        {"name": "A\u200bli", "address": "line 1\nline 2", "ref": "R\x00"},
        multiline=frozenset({"address"}),
    )
    assert cleaned == {"name": "Ali", "address": "line 1\nline 2"}
    assert set(refused) == {"ref"}


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_of_the_application_cleans_its_text_fields():
    ours = [
        form
        for form in _all_subclasses(wtforms.Form)
        if form.__module__.split(".")[0]
        in {"claims", "adjudication", "commission", "documents", "training"}
        and form not in (CleanForm, CleanSubform)
    ]
    assert ours
    forgotten = [
        form.__qualname__ for form in ours if not issubclass(form, CleanForm | CleanSubform)
    ]
    assert forgotten == []
