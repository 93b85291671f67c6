"""Normalisation: names, parcel numbers, addresses and governorates to comparable forms.

Clerks type the same name in Arabic script and in a dozen Latin spellings, parcel numbers
in Arabic-Indic or Western digits, addresses with or without the words "mahalla" and
"zuqaq". Matching only works on forms where those differences are gone, so every field
goes through one of the functions here before it is blocked or scored.

Names go to a *skeleton*: a Latin consonant outline shared by both scripts. Short vowels
are not written in Arabic, so vowels are dropped from Latin; letters that transliterate
the same way (ث/ت, kh/gh/q/k) fall into one class; a word-initial vowel, alef or ayn
becomes "a" so that "Ali" and "Lu'ay" stay apart. "محمد عبد الرحمن" and
"Mohamed Abdulrahman" both become "mhmd abdrhmn".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from commission.governorates import UnknownGovernorate, resolve_governorate
from commission.refusals import N_, Refusal, RefusalKind

# --------------------------------------------------------------------------- Arabic script

#: Marks that change pronunciation but not identity: harakat, tanwin, shadda, sukun,
#: superscript alef, Quranic annotation marks, tatweel, and invisible joiners/direction marks.
_ARABIC_DROPPED = (
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c"]
)

#: Letter variants folded to one Arabic letter: alef forms, taa marbuta, alef maqsura,
#: hamza carriers, and the Persian/Kurdish letters clerks in the north type.
_ARABIC_FOLDED = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ة": "ه",
    "ى": "ي",
    "ؤ": "و",
    "ئ": "ي",
    "ک": "ك",
    "گ": "ك",
    "ی": "ي",
    "ێ": "ي",
    "ە": "ه",
    "ھ": "ه",
    "ہ": "ه",
    "ۀ": "ه",
    "ڕ": "ر",
    "ڵ": "ل",
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ڤ": "ف",
    "ۆ": "و",
    "ۇ": "و",
}

_ARABIC_FOLD_TABLE = str.maketrans({**dict.fromkeys(_ARABIC_DROPPED, None), **_ARABIC_FOLDED})

#: Digits of every script Iraqi forms use, to ASCII.
_DIGIT_TABLE = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def fold_digits(text: str) -> str:
    """Arabic-Indic (٣٤٥) and Persian (۳۴۵) digits to ASCII (345)."""
    return text.translate(_DIGIT_TABLE)


def fold_arabic(text: str) -> str:
    """Arabic text with diacritics, tatweel and letter variants folded away.

    NFKC first, so presentation forms (ﻻ, ﷲ) become ordinary letters.
    """
    return unicodedata.normalize("NFKC", text).translate(_ARABIC_FOLD_TABLE)


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in word)


# --------------------------------------------------------------------------- skeletons

#: Folded Arabic letter -> skeleton class. Empty: a vowel carrier, dropped unless initial.
_ARABIC_SKELETON = {
    "ا": "",
    "ء": "",
    "ع": "",
    "ب": "b",
    "ت": "t",
    "ث": "t",
    "ط": "t",
    "ج": "j",
    "ح": "h",
    "ه": "h",
    "خ": "k",
    "غ": "k",
    "ق": "k",
    "ك": "k",
    "د": "d",
    "ذ": "d",
    "ض": "d",
    "ظ": "d",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ص": "s",
    "ش": "x",
    "ف": "f",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "و": "w",
    "ي": "y",
}

#: Latin digraphs first (kh before k), then single letters. "x" is the skeleton's ش, so a
#: typed "x" is spelled out first.
_LATIN_DIGRAPHS = re.compile(r"kh|gh|sh|ch|th|dh|zh|ph|ck")
_LATIN_DIGRAPH_CLASS = {
    "kh": "k",
    "gh": "k",
    "sh": "x",
    "ch": "x",
    "th": "t",
    "dh": "d",
    "zh": "z",
    "ph": "f",
    "ck": "k",
}
_LATIN_SINGLE_TABLE = str.maketrans("qgcpv", "kkkbf")
_VOWELS = frozenset("aeiou")
_SEMIVOWELS = frozenset("wy")

#: Connectors between a person's name and their father's: not part of either.
_CONNECTORS = frozenset({"bin", "ibn", "ben", "bint", "بن", "ابن", "بنت"})
#: The Latin article, written apart ("al Rubaie", "al-Rubaie") or assimilated ("ar-Rubaie").
_LATIN_ARTICLES = frozenset({"al", "el", "il", "ul", "at", "az", "as", "ad", "ar", "an", "ash"})
#: Abbreviations of Muhammad seen on ID cards and in legacy registers; "Allah" written
#: apart (Abd Allah, Fadl Allah) carries the article that الله loses in Arabic.
_LATIN_ALIASES = {"mohd": "muhammad", "mhd": "muhammad", "md": "muhammad", "allah": "lah"}
#: Arabic words that begin with ال but where it is not the article (Ilyas, Ilham).
_ARABIC_NOT_ARTICLE = frozenset({"الياس", "الهام"})

#: The skeleton of الدين / Din, the second half of compound names (Nur al-Din, Salah al-Din).
_DIN = "dn"

_ABD_WITH_ARTICLE = re.compile(r"^abd[aeiou]?l(?=[a-z]{3})")
_ABD_WITH_ASSIMILATED_ARTICLE = re.compile(r"^abd[aeiou](?=([b-df-hj-np-tv-z])\1)")
_ABD_ALONE = re.compile(r"^abd[aeiou]?l?$")
_GLUED_LATIN_ARTICLE = re.compile(r"^[ae]l(?=[b-df-hj-np-tv-z])(?=[a-z]{5,}$)")
_LATIN_WORD_SPLIT = re.compile(r"[^a-z]+")
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u02bf\u02be`\u00b4]")


def _outline(classes: list[str], initial_is_vowel: bool) -> str:
    """Consonant classes of one word to its skeleton.

    Doubled letters collapse (Hassan, حسّان after the shadda is gone); w and y are kept
    only word-initially, because elsewhere they usually spell a long vowel (Yousif, يوسف);
    a final h goes because Latin often drops it (Abdulla, Fatima for فاطمة).
    """
    collapsed: list[str] = []
    for cls in classes:
        if not collapsed or collapsed[-1] != cls:
            collapsed.append(cls)
    kept = [
        cls
        for position, cls in enumerate(collapsed)
        if cls and (position == 0 or cls not in _SEMIVOWELS)
    ]
    word = ("a" if initial_is_vowel else "") + "".join(kept)
    if len(word) > 1 and word.endswith("h"):
        word = word[:-1]
    return word


@lru_cache(maxsize=65536)
def _arabic_word_skeleton(word: str) -> str:
    classes = [_ARABIC_SKELETON.get(char, "") for char in word if char in _ARABIC_SKELETON]
    initial_is_vowel = bool(word) and _ARABIC_SKELETON.get(word[0]) == ""
    return _outline(classes, initial_is_vowel)


@lru_cache(maxsize=65536)
def _latin_word_skeleton(word: str) -> str:
    spelled = word.replace("x", "ks")
    spelled = _LATIN_DIGRAPHS.sub(lambda match: _LATIN_DIGRAPH_CLASS[match.group()], spelled)
    spelled = spelled.translate(_LATIN_SINGLE_TABLE)
    classes = ["" if char in _VOWELS else char for char in spelled]
    return _outline(classes, initial_is_vowel=bool(word) and word[0] in _VOWELS)


def _split_arabic_words(text: str) -> list[str]:
    """Arabic words with the article and connectors removed, عبدالرحمن split at the article."""
    words: list[str] = []
    for word in re.split(r"[^\u0621-\u064a]+", fold_arabic(text)):
        if not word or word in _CONNECTORS:
            continue
        if word.startswith("عبدال") and len(word) > 5:
            words.extend(["عبد", word[5:]])
            continue
        if word.startswith("ال") and len(word) > 3 and word not in _ARABIC_NOT_ARTICLE:
            word = word[2:]
        words.append(word)
    return words


def _latin_letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", text))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _split_latin_words(text: str) -> list[str]:
    """Latin words with articles and connectors removed, Abdulrahman split after "abd"."""
    words: list[str] = []
    for word in _LATIN_WORD_SPLIT.split(_latin_letters(text)):
        if not word or word in _CONNECTORS or word in _LATIN_ARTICLES:
            continue
        word = _LATIN_ALIASES.get(word, word)
        if _ABD_ALONE.match(word):
            words.append("abd")
            continue
        split = _ABD_WITH_ARTICLE.match(word) or _ABD_WITH_ASSIMILATED_ARTICLE.match(word)
        if split:
            words.extend(["abd", word[split.end() :]])
            continue
        words.append(_GLUED_LATIN_ARTICLE.sub("", word))
    return words


def _join_compounds(skeletons: list[str]) -> list[str]:
    """ "Abd" belongs to the next word and "al-Din" to the one before: Abd al-Rahman and
    Nur al-Din are one name each, as in the glued spellings Abdulrahman and Nuraddin."""
    joined: list[str] = []
    for skeleton in skeletons:
        if joined and (joined[-1] == "abd" or skeleton == _DIN):
            joined[-1] += skeleton
        else:
            joined.append(skeleton)
    return joined


#: Latin t, d and z each stand for more than one Arabic letter: Iraqis say ذ, ظ and ض
#: alike, and write them dh, th, z or d (كاظم: Kadhim, Kathim, Kazim, Kadim; ظاهر: Dhahir,
#: Thahir, Zahir), while th is also ث (Thamer) and z also ز. Skeletons keep the three apart
#: (Hamza is not Hamid); comparisons and name keys also look at them folded together.
_INTERDENTAL_TABLE = str.maketrans("tz", "dd")


def fold_interdentals(skeleton: str) -> str:
    """A skeleton with t, d and z as one letter: "kzm" (Kazim) and "ktm" (Kathim) -> "kdm"."""
    return skeleton.translate(_INTERDENTAL_TABLE)


@lru_cache(maxsize=262144)
def name_skeleton(name: str) -> str:
    """One comparable outline of a personal name, whatever the script or spelling.

    >>> name_skeleton("محمد عبد الرحمن") == name_skeleton("Mohamed Abdulrahman")
    True
    """
    text = fold_digits(name or "")
    if _is_arabic(text):
        skeletons = [_arabic_word_skeleton(word) for word in _split_arabic_words(text)]
    else:
        skeletons = [_latin_word_skeleton(word) for word in _split_latin_words(text)]
    return " ".join(word for word in _join_compounds(skeletons) if word)


# --------------------------------------------------------------------------- parcels


class InvalidParcelNumber(Refusal, ValueError):
    """A parcel number that cannot be read; the message quotes what was entered."""

    kind = RefusalKind.INPUT
    message = N_(
        "“%(entered)s” is not a parcel number: write the number, "
        "optionally with a sub-number, e.g. 345 or 345/6."
    )

    def __init__(self, entered: str, problem: str) -> None:
        self.entered = entered
        #: What is wrong with it, for logs and the CSV matcher's report.
        self.problem = problem
        super().__init__(entered=entered)


@dataclass(frozen=True, slots=True)
class ParcelNumber:
    """A parcel number within its muqata'a, with the optional sub-number of a split parcel."""

    main: int
    sub: int | None = None

    def __str__(self) -> str:
        return f"{self.main}/{self.sub}" if self.sub else str(self.main)


#: Separators clerks put between a parcel number and its sub-number, in both scripts.
_PARCEL_SEPARATORS = "/\\-.\u066b\u066c\u060c,"
_PARCEL_SHAPE = re.compile(
    r"^(\d+)(?:\s*[" + re.escape(_PARCEL_SEPARATORS) + r"\s]\s*(\d+))?$", re.ASCII
)


def parse_parcel_number(entered: str) -> ParcelNumber:
    """'٣٤٥/٦' -> 345/6; '0345' -> 345; '345-06' -> 345/6. A sub-number of 0 means none.

    Raises InvalidParcelNumber for anything else (letters, three parts, zero, empty).
    """
    text = fold_digits(unicodedata.normalize("NFKC", entered or "")).strip()
    if not text:
        raise InvalidParcelNumber(entered, "it is empty")
    match = _PARCEL_SHAPE.match(text)
    if not match:
        raise InvalidParcelNumber(entered, "only digits and one separator are allowed")
    main = int(match.group(1))
    if main == 0:
        raise InvalidParcelNumber(entered, "parcel numbers start at 1")
    sub = int(match.group(2)) if match.group(2) else 0
    return ParcelNumber(main, sub or None)


def parse_muqataa_number(entered: str) -> str:
    """A muqata'a number as digits without leading zeros, or "" if none was given."""
    match = re.search(r"\d+", fold_digits(entered or ""), re.ASCII)
    return (match.group().lstrip("0") or "0") if match else ""


# --------------------------------------------------------------------------- addresses

#: Address words to one canonical word each, so "محلة 612 زقاق 14 دار 7" and
#: "Mahalla 612, Zuqaq 14, House 7" read alike. Matched after Arabic folding and lowercasing.
_ADDRESS_WORDS = {
    "mahalla": ("محله", "mahalla", "mahallah", "mahala", "mahalat", "mahalle", "mhl", "m"),
    "zuqaq": ("زقاق", "zuqaq", "zukak", "zoqaq", "zqaq", "zuqak", "alley", "lane", "z"),
    "dar": ("دار", "بيت", "منزل", "dar", "house", "home", "bait", "bayt", "beit", "h"),
    "street": ("شارع", "street", "st", "str", "shari", "sharia", "road", "rd"),
    "hay": ("حي", "hay", "hai", "hayy", "quarter", "neighbourhood", "neighborhood"),
    "village": ("قريه", "qarya", "qaryat", "qariya", "village"),
    "flat": ("شقه", "flat", "apartment", "apt"),
}
_ADDRESS_CANONICAL = {
    variant: word for word, variants in _ADDRESS_WORDS.items() for variant in variants
}
#: Words that say where, not which: dropped.
_ADDRESS_FILLER = frozenset(
    {"قرب", "مقابل", "خلف", "منطقه", "near", "opposite", "behind", "area", "no", "رقم", "number"}
)
_ADDRESS_TOKENS = re.compile(r"\d+|[\u0621-\u064a]+|[a-z]+")


#: Address words whose number identifies a place, from the widest to the narrowest.
ADDRESS_NUMBER_LABELS = ("mahalla", "zuqaq", "dar")


@dataclass(frozen=True, slots=True)
class NormalisedAddress:
    """An address as comparable words and its numbers, each labelled by the word before it
    (mahalla 612, zuqaq 14, dar 7); a number with no label is labelled by its position."""

    words: str
    numbers: tuple[tuple[str, int], ...]

    def number(self, label: str) -> int | None:
        return next((value for name, value in self.numbers if name == label), None)


def normalise_address(address: str) -> NormalisedAddress:
    """Address words canonicalised, place names skeletonised, numbers read in any script."""
    text = _latin_letters(fold_arabic(fold_digits(address or "")))
    words: list[str] = []
    numbers: list[tuple[str, int]] = []
    label = ""
    for token in _ADDRESS_TOKENS.findall(text):
        if token.isdigit():
            position_label = f"n{len(numbers) + 1}"
            numbers.append((label or position_label, int(token)))
            words.append(str(int(token)))
            label = ""
        elif token in _ADDRESS_CANONICAL:
            label = _ADDRESS_CANONICAL[token]
            words.append(label)
        elif token not in _ADDRESS_FILLER:
            skeleton = name_skeleton(token)
            if skeleton:
                words.append(skeleton)
    return NormalisedAddress(" ".join(words), tuple(numbers))


# --------------------------------------------------------------------------- whole claims

#: Property types in either language to one word; anything else is compared as typed.
_PROPERTY_KINDS = {
    "house": ("house", "dar", "دار", "بيت", "منزل"),
    "apartment": ("apartment", "flat", "شقه"),
    "residential_land": ("residential land", "residential_land", "land", "plot", "ارض سكنيه"),
    "agricultural_land": (
        "agricultural land",
        "agricultural_land",
        "farm",
        "orchard",
        "ارض زراعيه",
        "بستان",
    ),
    "shop": ("shop", "store", "commercial", "دكان", "محل", "محل تجاري"),
}
_PROPERTY_KIND_BY_WORDS = {
    variant: kind for kind, variants in _PROPERTY_KINDS.items() for variant in variants
}


def normalise_property_type(entered: str) -> str:
    """ "دار", "House" and "house" are one property type; unknown text is kept, folded."""
    words = " ".join(_latin_letters(fold_arabic(entered or "")).replace("_", " ").split())
    return _PROPERTY_KIND_BY_WORDS.get(words, words)


def normalise_id_number(entered: str) -> str:
    """Identity document numbers compared without spaces, dashes or digit-script differences."""
    return "".join(char for char in fold_digits(entered or "").upper() if char.isalnum())


@dataclass(frozen=True, slots=True)
class ClaimFields:
    """One claim as entered (interchange CSV columns the matcher uses), any script."""

    ref: str
    governorate: str = ""
    muqataa_no: str = ""
    muqataa_name: str = ""
    parcel_no: str = ""
    property_type: str = ""
    address: str = ""
    claimant_name: str = ""
    claimant_id_no: str = ""
    respondent_name: str = ""


@dataclass(frozen=True, slots=True)
class NormalisedClaim:
    """A claim reduced to what blocking and scoring compare, with the entered text kept
    where a reviewer needs to see it in the reasons."""

    fields: ClaimFields
    #: Governorate code, or None when missing or unreadable.
    governorate: str | None
    #: Muqata'a number without leading zeros, or "" when not given.
    muqataa: str
    #: The muqata'a name as "name:" and its skeleton, or "": a second identity for claims
    #: that give the name but not the number.
    muqataa_by_name: str
    #: None when missing or unreadable: the CSV matcher treats both as unknown.
    parcel: ParcelNumber | None
    address: NormalisedAddress
    property_type: str
    claimant: str
    claimant_id: str
    respondent: str


def _muqataa_name_identity(name: str) -> str:
    skeleton = name_skeleton(name).replace(" ", "")
    return f"name:{skeleton}" if skeleton else ""


def _governorate_or_none(entered: str) -> str | None:
    try:
        return resolve_governorate(entered).code
    except UnknownGovernorate:
        return None


def _parcel_or_none(entered: str) -> ParcelNumber | None:
    try:
        return parse_parcel_number(entered)
    except InvalidParcelNumber:
        return None


def normalise_claim(fields: ClaimFields) -> NormalisedClaim:
    """Every field in its comparable form; unreadable parcel numbers and governorates
    count as missing, so one bad cell never stops a batch."""
    return NormalisedClaim(
        fields=fields,
        governorate=_governorate_or_none(fields.governorate) if fields.governorate else None,
        muqataa=parse_muqataa_number(fields.muqataa_no),
        muqataa_by_name=_muqataa_name_identity(fields.muqataa_name),
        parcel=_parcel_or_none(fields.parcel_no) if fields.parcel_no else None,
        address=normalise_address(fields.address),
        property_type=normalise_property_type(fields.property_type),
        claimant=name_skeleton(fields.claimant_name),
        claimant_id=normalise_id_number(fields.claimant_id_no),
        respondent=name_skeleton(fields.respondent_name),
    )
