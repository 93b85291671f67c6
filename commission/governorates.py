"""Reference data: Iraq's governorates, the office code each branch uses, and the one
resolver that reads a governorate however a clerk, a legacy file or a field form wrote it.

ISO 3166-2:IQ lists eighteen governorates (pycountry has them, a test keeps this table in
step); it has no Arabic or Kurdish names, no office codes and no Halabja (made a
governorate in 2014), which this table adds. Forms, the import, the matcher, `match-csv`
and the letters all read governorates here and nowhere else.

Plain Python: the matcher imports it without Flask.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Governorate:
    #: ISO 3166-2 code, or a local code for a governorate ISO does not list yet.
    code: str
    #: Three letters that begin the claim numbers of the branch office.
    office_code: str
    name_en: str
    name_ar: str
    #: The Kurdish (Sorani) name, for the governorates where Kurdish is in official use.
    name_ku: str = ""
    #: Other spellings clerks write: transliterations, older names, the capital where no
    #: other governorate shares its name.
    aliases: tuple[str, ...] = ()
    is_iso: bool = True


HALABJA_CODE = "IQ-HALABJA"

GOVERNORATES: tuple[Governorate, ...] = (
    Governorate(
        "IQ-AN",
        "ANB",
        "Anbar",
        "الأنبار",
        aliases=("Al Anbar", "Ramadi", "Al Ramadi", "الرمادي"),
    ),
    Governorate(
        "IQ-AR",
        "ERB",
        "Erbil",
        "أربيل",
        "هەولێر",
        aliases=("Arbil", "Irbil", "Hawler", "Hewler", "Hawlir", "اربيل"),
    ),
    Governorate(
        "IQ-BA",
        "BSR",
        "Basra",
        "البصرة",
        aliases=("Basrah", "Al Basrah", "Al Basra"),
    ),
    Governorate(
        "IQ-BB",
        "BBL",
        "Babil",
        "بابل",
        aliases=("Babylon", "Babel", "Hillah", "Hilla", "Al Hillah", "الحلة"),
    ),
    Governorate("IQ-BG", "BGD", "Baghdad", "بغداد", aliases=("Bagdad",)),
    Governorate(
        "IQ-DA",
        "DHK",
        "Duhok",
        "دهوك",
        "دهۆک",
        aliases=("Dohuk", "Dahuk", "Dihok", "Dahok"),
    ),
    Governorate(
        "IQ-DI",
        "DYL",
        "Diyala",
        "ديالى",
        aliases=("Diyalah", "Diala", "Baqubah", "Baquba", "Baqouba", "بعقوبة"),
    ),
    Governorate(
        "IQ-DQ",
        "DQR",
        "Dhi Qar",
        "ذي قار",
        aliases=("Thi Qar", "Zi Qar", "Dhiqar", "Nasiriyah", "Nasiriya", "الناصرية"),
    ),
    Governorate("IQ-KA", "KRB", "Karbala", "كربلاء", aliases=("Kerbala", "Karbalaa")),
    Governorate(
        "IQ-KI",
        "KRK",
        "Kirkuk",
        "كركوك",
        "کەرکووک",
        aliases=("Kerkuk", "Tamim", "Al Tamim", "At Ta'mim", "التأميم"),
    ),
    Governorate(
        "IQ-MA",
        "MSN",
        "Maysan",
        "ميسان",
        aliases=("Missan", "Misan", "Amarah", "Amara", "Al Amarah", "العمارة"),
    ),
    Governorate(
        "IQ-MU",
        "MTN",
        "Muthanna",
        "المثنى",
        aliases=("Al Muthanna", "Muthana", "Samawah", "Samawa", "السماوة"),
    ),
    Governorate("IQ-NA", "NJF", "Najaf", "النجف", aliases=("An Najaf", "Al Najaf")),
    Governorate(
        "IQ-NI",
        "NIN",
        "Nineveh",
        "نينوى",
        aliases=("Ninawa", "Ninewa", "Nineva", "Niniveh", "Ninevah", "Mosul", "الموصل"),
    ),
    Governorate(
        "IQ-QA",
        "QDS",
        "Qadisiyah",
        "القادسية",
        aliases=(
            "Al Qadisiyyah",
            "Qadisiyyah",
            "Qadisiya",
            "Diwaniyah",
            "Diwaniya",
            "الديوانية",
        ),
    ),
    Governorate(
        "IQ-SD",
        "SLD",
        "Salah ad-Din",
        "صلاح الدين",
        aliases=("Salah al-Din", "Salahuddin", "Salahaddin", "Salahadin", "Saladin", "Tikrit"),
    ),
    Governorate(
        "IQ-SU",
        "SLM",
        "Sulaymaniyah",
        "السليمانية",
        "سلێمانی",
        aliases=("Sulaimaniya", "Sulaimaniyah", "Sulaymaniyya", "Suleimaniyah", "Slemani"),
    ),
    Governorate("IQ-WA", "WST", "Wasit", "واسط", aliases=("Wassit", "Kut", "Al Kut", "الكوت")),
    Governorate(
        HALABJA_CODE,
        "HLB",
        "Halabja",
        "حلبجة",
        "هەڵەبجە",
        aliases=("Halabjah",),
        is_iso=False,
    ),
)

BY_CODE: dict[str, Governorate] = {governorate.code: governorate for governorate in GOVERNORATES}

#: The headquarters office: sees every branch's claims.
HEADQUARTERS = ("HQ", "Headquarters", "المقر الرئيسي", "IQ-BG")


class UnknownGovernorate(ValueError):
    """A governorate that is not one of Iraq's nineteen under any name we know."""

    def __init__(self, entered: str) -> None:
        self.entered = entered
        super().__init__(f"{entered!r} is not an Iraqi governorate name, ISO code or office code")


#: Marks that do not change a name (harakat, superscript alef, tatweel) and the invisible
#: direction and joining marks that copied text carries.
_DROPPED = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640\u200b-\u200f\u061c\u202a-\u202e]")
#: Arabic-script letters folded to one form: alef and hamza forms, taa marbuta, alef
#: maqsura, and the Kurdish and Persian letters.
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ی": "ي",
        "ێ": "ي",
        "ک": "ك",
        "ە": "ه",
        "ھ": "ه",
        "ڵ": "ل",
        "ڕ": "ر",
        "ۆ": "و",
    }
)
#: Words around a name that do not identify it: "محافظة نينوى", "Ninawa Governorate".
_FRAME_WORDS = frozenset({"محافظه", "governorate", "province", "muhafazat", "muhafaza"})
#: Latin articles before a name: "Al Anbar", "an-Najaf", "At Ta'mim".
_ARTICLES = frozenset({"al", "el", "an", "as", "ad", "at"})
_WORD = re.compile(r"[a-z]+|[\u0621-\u064a]+")
#: IQ-BG, IQ BG, iq_bg, IQBG, and Halabja's local code.
_CODE_SHAPE = re.compile(r"^IQ[-\s_]*([A-Z]{2}|HALABJA)$")


def _lookup_key(text: str) -> str:
    """A spelling reduced to what identifies it: case, diacritics, hyphens, spaces,
    articles and the word "governorate" in either language do not count."""
    text = _DROPPED.sub("", unicodedata.normalize("NFKC", text).casefold()).translate(_LETTERS)
    text = text.replace("'", "").replace("’", "")
    words = [word for word in _WORD.findall(text) if word not in _FRAME_WORDS]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    key = "".join(words)
    return key.removeprefix("ال") if key.startswith("ال") and len(key) > 4 else key


def _spellings(governorate: Governorate) -> list[str]:
    names = (governorate.name_en, governorate.name_ar, governorate.name_ku)
    return [name for name in (*names, *governorate.aliases) if name]


def _build_index() -> dict[str, Governorate]:
    index: dict[str, Governorate] = {}
    for governorate in GOVERNORATES:
        codes = [governorate.code, governorate.office_code]
        if governorate.is_iso:
            codes.append(governorate.code.removeprefix("IQ-"))
        keys = [code.casefold() for code in codes]
        keys += [_lookup_key(name) for name in _spellings(governorate)]
        for key in keys:
            if index.setdefault(key, governorate) is not governorate:
                raise ValueError(f"{key!r} names two governorates")
    return index


_INDEX = _build_index()


@lru_cache(maxsize=4096)
def resolve_governorate(entered: str) -> Governorate:
    """The governorate for an ISO code (IQ-BG, IQ BG, iq_bg, BG), an office code (BGD) or
    a name in English, Arabic or Kurdish, with or without "محافظة"/"Governorate".

    Raises UnknownGovernorate for anything else, the empty string included.
    """
    text = (entered or "").strip()
    code_shape = _CODE_SHAPE.match(text.upper())
    if code_shape:
        found = BY_CODE.get(f"IQ-{code_shape.group(1)}")
    else:
        found = _INDEX.get(text.casefold()) or _INDEX.get(_lookup_key(text))
    if found is None or not text:
        raise UnknownGovernorate(entered)
    return found
