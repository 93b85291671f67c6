"""Reference data: Iraq's governorates and the office code each branch uses.

The list of ISO 3166-2:IQ governorates comes from pycountry; it has no Arabic names,
no office codes and no Halabja (made a governorate in 2014, not yet in ISO 3166-2),
which are added here. A test keeps this table and pycountry's list in step.
"""

from __future__ import annotations

import dataclasses

import pycountry


@dataclasses.dataclass(frozen=True)
class Governorate:
    #: ISO 3166-2 code, or a local code for a governorate ISO does not list yet.
    code: str
    name_en: str
    name_ar: str
    #: Three letters that begin the claim numbers of the branch office.
    office_code: str
    is_iso: bool = True


#: Per ISO code: English name as the commission writes it, Arabic name, office code.
_LOCAL_NAMES = {
    "IQ-AN": ("Anbar", "الأنبار", "ANB"),
    "IQ-AR": ("Erbil", "أربيل", "ERB"),
    "IQ-BA": ("Basra", "البصرة", "BSR"),
    "IQ-BB": ("Babil", "بابل", "BBL"),
    "IQ-BG": ("Baghdad", "بغداد", "BGD"),
    "IQ-DA": ("Duhok", "دهوك", "DHK"),
    "IQ-DI": ("Diyala", "ديالى", "DYL"),
    "IQ-DQ": ("Dhi Qar", "ذي قار", "DQR"),
    "IQ-KA": ("Karbala", "كربلاء", "KRB"),
    "IQ-KI": ("Kirkuk", "كركوك", "KRK"),
    "IQ-MA": ("Maysan", "ميسان", "MSN"),
    "IQ-MU": ("Muthanna", "المثنى", "MTN"),
    "IQ-NA": ("Najaf", "النجف", "NJF"),
    "IQ-NI": ("Nineveh", "نينوى", "NIN"),
    "IQ-QA": ("Qadisiyah", "القادسية", "QDS"),
    "IQ-SD": ("Salah ad-Din", "صلاح الدين", "SLD"),
    "IQ-SU": ("Sulaymaniyah", "السليمانية", "SLM"),
    "IQ-WA": ("Wasit", "واسط", "WST"),
}

HALABJA = Governorate("IQ-HALABJA", "Halabja", "حلبجة", "HLB", is_iso=False)


def iso_governorate_codes() -> list[str]:
    """ISO 3166-2:IQ codes of type Governorate (the Kurdistan Region is not one)."""
    return sorted(
        sub.code
        for sub in pycountry.subdivisions.get(country_code="IQ")
        if sub.type == "Governorate"
    )


def governorates() -> list[Governorate]:
    result = []
    for code in iso_governorate_codes():
        name_en, name_ar, office_code = _LOCAL_NAMES[code]
        result.append(Governorate(code, name_en, name_ar, office_code))
    result.append(HALABJA)
    return result


#: The headquarters office: sees every branch's claims.
HEADQUARTERS = ("HQ", "Headquarters", "المقر الرئيسي", "IQ-BG")
