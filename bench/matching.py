"""Benchmark of the conflict matcher on generated, labelled claims.

Generates N claims on parcels across Iraq's governorates, the way branch offices type them:
names in Arabic script or one of many Latin spellings, typos, parcel numbers in
Arabic-Indic digits or missing or mistyped, addresses in either language with parts left
out. Hard negatives are built in: runs of neighbouring parcels (consecutive numbers, same
street, next house) with different owners, and common names on different parcels. Every
claim knows its true parcel, so the matcher's pairs can be scored against the truth.

    python bench/matching.py --n 100000 --seed 7

Prints precision, recall and F1 of "same parcel" pairs, kind accuracy on the true pairs
found, and the time and peak memory of ``match_csv`` (run in a child process so the
generator's memory does not count).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

# Each name: Arabic form, then Latin spellings seen in registers and on ID cards. A few
# spellings the matcher is not told about (Zahir for ظاهر, Chakir for شاكر) stay in on purpose.
MALE_NAMES = [
    ("محمد", "Mohammed", "Muhammad", "Mohamed", "Mohammad", "Mohamad", "Muhammed", "Mohd"),
    ("علي", "Ali", "Aly", "Alee"),
    ("حسين", "Hussein", "Husain", "Hussain", "Husayn", "Hossein"),
    ("حسن", "Hassan", "Hasan", "Hasson"),
    ("أحمد", "Ahmed", "Ahmad", "Ahmid"),
    ("عبد الرحمن", "Abd al-Rahman", "Abdul Rahman", "Abdulrahman", "Abdel Rahman", "Abdurrahman"),
    ("عبد الله", "Abdullah", "Abdallah", "Abd Allah", "Abdulla"),
    ("عبد الكريم", "Abdul Karim", "Abdulkareem", "Abd al-Karim", "Abdel Kareem"),
    ("عبد الأمير", "Abdul Ameer", "Abd al-Amir", "Abdulameer", "Abdel Amir"),
    ("عبد الحسين", "Abdul Hussein", "Abd al-Husayn", "Abdulhussain"),
    ("خالد", "Khalid", "Khaled", "Khalied"),
    ("كاظم", "Kadhim", "Kazim", "Kathim", "Kadim", "Kazem"),
    ("جاسم", "Jassim", "Jasim", "Jasem", "Jassem"),
    ("قاسم", "Qasim", "Kasim", "Qassim", "Gasim"),
    ("يوسف", "Yousif", "Yusuf", "Yousef", "Youssef", "Yosif"),
    ("عمر", "Omar", "Umar", "Omer"),
    ("سعد", "Saad", "Sa'ad", "Sa'd", "Saed"),
    ("صالح", "Salih", "Saleh", "Salah"),
    ("إبراهيم", "Ibrahim", "Ebrahim", "Ibraheem"),
    ("مصطفى", "Mustafa", "Mostafa", "Moustafa", "Mustapha"),
    ("كريم", "Karim", "Kareem", "Kerim"),
    ("جعفر", "Jaafar", "Ja'far", "Jafar", "Jaffar"),
    ("عباس", "Abbas", "Abas"),
    ("رعد", "Raad", "Ra'ad", "Rad"),
    ("ثامر", "Thamer", "Thamir", "Tamer"),
    ("ظاهر", "Dhahir", "Thahir", "Zahir"),
    ("فاضل", "Fadhil", "Fadil", "Fadel", "Fadhel"),
    ("ماجد", "Majid", "Majed", "Maged"),
    ("حيدر", "Haider", "Hayder", "Haidar", "Hyder"),
    ("مهدي", "Mahdi", "Mehdi", "Mahdy"),
    ("نوري", "Nouri", "Nuri", "Noori"),
    ("شاكر", "Shakir", "Shaker", "Chakir"),
    ("غازي", "Ghazi", "Gazi", "Ghazy"),
    ("زيد", "Zaid", "Zayd", "Zeid"),
    ("وليد", "Walid", "Waleed", "Walied"),
    ("رشيد", "Rashid", "Rasheed", "Racheed"),
    ("سلمان", "Salman", "Salmaan"),
    ("طارق", "Tariq", "Tarek", "Tareq"),
    ("فيصل", "Faisal", "Faysal", "Feisal"),
    ("منير", "Munir", "Mouneer", "Muneer"),
    ("هاشم", "Hashim", "Hashem", "Hachem"),
    ("ناصر", "Nasir", "Nasser", "Naser"),
    ("سامي", "Sami", "Samy", "Samee"),
    ("عادل", "Adil", "Adel", "'Adil"),
    ("جبار", "Jabbar", "Jabar", "Jebbar"),
    ("ستار", "Sattar", "Satar"),
    ("عدنان", "Adnan", "Adnaan"),
    ("حمزة", "Hamza", "Hamzah", "Hamzeh"),
    ("داود", "Dawood", "Dawud", "Daoud", "Dawoud"),
    ("إسماعيل", "Ismail", "Ismael", "Isma'il", "Esmail"),
]
FEMALE_NAMES = [
    ("فاطمة", "Fatima", "Fatimah", "Fatma", "Fatemah"),
    ("زينب", "Zainab", "Zaynab", "Zeinab", "Zainib"),
    ("مريم", "Maryam", "Mariam", "Mariem"),
    ("نور", "Nour", "Noor", "Nur"),
    ("هدى", "Huda", "Hoda", "Houda"),
    ("سعاد", "Suad", "Souad", "Su'ad"),
    ("خديجة", "Khadija", "Khadeeja", "Khadijah"),
    ("أمل", "Amal", "Amel"),
    ("ليلى", "Layla", "Leila", "Laila"),
    ("رقية", "Ruqaya", "Roqaya", "Ruqayyah"),
    ("حوراء", "Hawraa", "Hawra", "Haura"),
]
FAMILY_NAMES = [
    ("الجبوري", "al-Jubouri", "Al-Jubori", "Aljubouri", "el-Joubouri", "Al Jibouri"),
    ("الدليمي", "al-Dulaimi", "Al Dulaymi", "ad-Dulaimi", "Aldulaimi"),
    ("التميمي", "al-Tamimi", "at-Tamimi", "Al Tameemi", "Altamimi"),
    ("الشمري", "al-Shammari", "ash-Shammari", "Al Shamari", "Alshammary"),
    ("العبيدي", "al-Obaidi", "Al-Ubaidi", "Alobaidi", "el-Obeidi"),
    ("الخزرجي", "al-Khazraji", "Al Khazraji", "Alkhazraji"),
    ("الربيعي", "al-Rubaie", "ar-Rubai'i", "Al Rubaiee", "Alrubaie"),
    ("الزبيدي", "al-Zubaidi", "az-Zubaidi", "Al Zubaydi", "Alzubaidi"),
    ("الساعدي", "al-Saadi", "as-Sa'adi", "Al Saedi", "Alsaadi"),
    ("الكعبي", "al-Kaabi", "Al Ka'abi", "Alkaabi"),
    ("الحسيني", "al-Husseini", "Al Husaini", "Alhusseini"),
    ("العاني", "al-Ani", "Al Aani", "Alani"),
    ("الكبيسي", "al-Kubaisi", "Al Kubaysi", "Alkubaisi"),
    ("البياتي", "al-Bayati", "Al Bayyati", "Albayati"),
    ("السامرائي", "al-Samarrai", "as-Samarra'i", "Al Samarraie", "Alsamarrai"),
    ("الموسوي", "al-Musawi", "al-Moussawi", "Al Mousawi", "Almusawi"),
    ("الجنابي", "al-Janabi", "Al Jenabi", "Aljanabi"),
    ("العزاوي", "al-Azzawi", "Al Azawi", "Alazzawi"),
    ("البدري", "al-Badri", "Al Badry", "Albadri"),
    ("النعيمي", "al-Nuaimi", "an-Nu'aimi", "Al Noaimi", "Alnuaimi"),
    ("الدوري", "al-Douri", "ad-Duri", "Al Dory", "Aldouri"),
    ("الحلي", "al-Hilli", "Al Hili", "Alhilli"),
]
INSTITUTIONS = [
    ("وزارة المالية", "Ministry of Finance"),
    ("مديرية بلدية", "Municipality Directorate"),
    ("هيئة الاستثمار", "Investment Commission"),
]
GOVERNORATES = [
    # code, weight, English, Arabic
    ("IQ-BG", 30, "Baghdad", "بغداد"),
    ("IQ-NI", 14, "Nineveh", "نينوى"),
    ("IQ-BA", 8, "Basra", "البصرة"),
    ("IQ-AN", 8, "Anbar", "الأنبار"),
    ("IQ-SD", 7, "Salah ad-Din", "صلاح الدين"),
    ("IQ-DI", 6, "Diyala", "ديالى"),
    ("IQ-KI", 6, "Kirkuk", "كركوك"),
    ("IQ-BB", 4, "Babil", "بابل"),
    ("IQ-NA", 3, "Najaf", "النجف"),
    ("IQ-KA", 3, "Karbala", "كربلاء"),
    ("IQ-WA", 2, "Wasit", "واسط"),
    ("IQ-DQ", 2, "Dhi Qar", "ذي قار"),
    ("IQ-MA", 2, "Maysan", "ميسان"),
    ("IQ-QA", 2, "Qadisiyah", "القادسية"),
    ("IQ-MU", 1, "Muthanna", "المثنى"),
    ("IQ-AR", 1, "Erbil", "أربيل"),
    ("IQ-SU", 1, "Sulaymaniyah", "السليمانية"),
    ("IQ-DA", 1, "Duhok", "دهوك"),
]
PLACES = [
    ("الكرادة", "Karrada", "al-Karrada", "Karada"),
    ("المنصور", "Mansour", "al-Mansur", "Mansoor"),
    ("الأعظمية", "Adhamiya", "al-Adhamiyah", "Azamiya"),
    ("الكاظمية", "Kadhimiya", "al-Kazimiyah", "Kadhimiyah"),
    ("الدورة", "Dora", "al-Dawra", "Doura"),
    ("الزعفرانية", "Zafaraniya", "az-Za'faraniyah"),
    ("الموصل الجديدة", "New Mosul", "Mosul al-Jadida"),
    ("الزهور", "Zuhour", "al-Zuhur", "Zohour"),
    ("الجمهورية", "Jumhuriya", "al-Jumhuriyah"),
    ("العشار", "Ashar", "al-Ashar", "Ashshar"),
    ("الحي العسكري", "Military Quarter", "al-Hay al-Askari"),
    ("التأميم", "Tamim", "at-Ta'mim"),
]
PROPERTY_TYPES = [
    ("house", "دار", "House"),
    ("apartment", "شقة", "Apartment"),
    ("residential_land", "ارض سكنية", "Residential land"),
    ("agricultural_land", "ارض زراعية", "Agricultural land"),
    ("shop", "دكان", "Shop"),
]
CLAIM_BASES = ("confiscation", "forced_relocation", "conflict_displacement", "other")

ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
HARAKAT = "\u064e\u064f\u0650\u0651\u0652"
LATIN_TYPO_LETTERS = "abdehiklmnorstuy"
ARABIC_TYPO_LETTERS = "ابتحدرسعلمنهوي"


@dataclass(frozen=True)
class Person:
    uid: int
    name_parts: tuple[int, ...]  # indices: given (male or female table), father, grandfather
    female: bool
    family: int | None
    national_id: str
    institution: int | None = None


@dataclass
class Parcel:
    uid: int
    governorate: int
    muqataa: int
    muqataa_place: int
    number: int
    sub: int | None
    mahalla: int
    zuqaq: int
    house: int
    property_type: int
    occupant: Person | None
    claimants: list[Person] = field(default_factory=list)


@dataclass(frozen=True)
class Claim:
    parcel: Parcel
    claimant: Person
    respondent: Person | None


class ClaimGenerator:
    """Builds a world of parcels and people, then claims on them with clerks' variation."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.next_person = 0
        self.next_parcel = 0

    # -- people ---------------------------------------------------------------
    def person(self) -> Person:
        rng = self.rng
        self.next_person += 1
        female = rng.random() < 0.25
        given = rng.randrange(len(FEMALE_NAMES) if female else len(MALE_NAMES))
        # Iraqi name frequencies are very skewed: many Mohammeds and Alis, hence namesakes.
        father = min(rng.randrange(len(MALE_NAMES)), rng.randrange(len(MALE_NAMES)))
        grandfather = rng.randrange(len(MALE_NAMES))
        family = rng.randrange(len(FAMILY_NAMES)) if rng.random() < 0.7 else None
        national_id = "".join(rng.choice("0123456789") for _ in range(12))
        return Person(self.next_person, (given, father, grandfather), female, family, national_id)

    def namesake(self, other: Person) -> Person:
        """A different person with the same name: the classic false friend."""
        self.next_person += 1
        national_id = "".join(self.rng.choice("0123456789") for _ in range(12))
        return Person(self.next_person, other.name_parts, other.female, other.family, national_id)

    def institution(self) -> Person:
        self.next_person += 1
        return Person(self.next_person, (), False, None, "", self.rng.randrange(len(INSTITUTIONS)))

    # -- parcels --------------------------------------------------------------
    def parcels(self, count: int) -> list[Parcel]:
        """Parcels in runs of neighbours: consecutive numbers, same street, next house."""
        rng = self.rng
        weights = [weight for _, weight, _, _ in GOVERNORATES]
        muqataa_count = max(20, count // 1500)
        # Muqata'a numbers restart in each governorate, as in the cadastre.
        muqataas: list[tuple[int, int]] = []
        per_governorate: dict[int, int] = {}
        for _ in range(muqataa_count):
            governorate = rng.choices(range(len(GOVERNORATES)), weights)[0]
            per_governorate[governorate] = per_governorate.get(governorate, 0) + 1
            muqataas.append((governorate, per_governorate[governorate]))
        parcels: list[Parcel] = []
        taken: set[tuple[int, int]] = set()  # (muqataa, number): unique, as in the cadastre
        streets: dict[int, int] = {}  # muqata'a -> streets laid out so far
        while len(parcels) < count:
            identity = rng.randrange(len(muqataas))
            governorate, muqataa = muqataas[identity]
            place = (muqataa * 7 + governorate) % len(PLACES)
            number = rng.randrange(1, 4000)
            street = streets[identity] = streets.get(identity, 0) + 1
            mahalla = 100 + (identity * 37 + street // 80) % 900
            zuqaq = 1 + street % 80
            house = rng.randrange(1, 60)
            for _ in range(rng.choice((1, 2, 3, 5, 8, 12))):
                number += rng.choice((1, 1, 1, 2, 3))
                house += rng.choice((1, 2))
                if (identity, number) in taken:
                    continue
                taken.add((identity, number))
                self.next_parcel += 1
                sub = rng.randrange(1, 10) if rng.random() < 0.15 else None
                occupant = None
                if rng.random() < 0.75:
                    occupant = self.institution() if rng.random() < 0.05 else self.person()
                parcels.append(
                    Parcel(
                        self.next_parcel,
                        governorate,
                        muqataa,
                        place,
                        number,
                        sub,
                        mahalla,
                        zuqaq,
                        house,
                        rng.randrange(len(PROPERTY_TYPES)),
                        occupant,
                    )
                )
        return parcels[:count]

    def claims(self, count: int) -> list[Claim]:
        """Claims on parcels: competing, duplicate and counter-claims, and namesakes."""
        rng = self.rng
        parcels = self.parcels(int(count / 1.55) + 1)
        claims: list[Claim] = []
        previous_claimant: Person | None = None
        for parcel in parcels:
            claims_on_parcel = rng.choices((1, 2, 3, 4, 6), (62, 24, 9, 4, 1))[0]
            for _ in range(claims_on_parcel):
                roll = rng.random()
                respondent = parcel.occupant if rng.random() < 0.8 else None
                if parcel.claimants and roll < 0.15:
                    claimant = rng.choice(parcel.claimants)  # filed twice
                elif parcel.claimants and roll < 0.25 and is_person(parcel.occupant):
                    claimant, respondent = parcel.occupant, rng.choice(parcel.claimants)
                elif previous_claimant is not None and roll < 0.30:
                    claimant = self.namesake(previous_claimant)  # same name, next parcel
                else:
                    claimant = self.person()
                if claimant.institution is None:
                    parcel.claimants.append(claimant)
                claims.append(Claim(parcel, claimant, respondent))
            previous_claimant = parcel.claimants[-1] if parcel.claimants else None
            if len(claims) >= count:
                break
        rng.shuffle(claims)
        return claims[:count]

    # -- rendering as a clerk types it ----------------------------------------
    def arabic_noise(self, text: str) -> str:
        rng = self.rng
        if rng.random() < 0.1:
            text = text.replace("ة", "ه").replace("ى", "ي")
        if rng.random() < 0.1:
            text = text.replace("أ", "ا").replace("إ", "ا")
        if rng.random() < 0.05:
            position = rng.randrange(1, len(text) + 1)
            text = text[:position] + rng.choice(HARAKAT) + text[position:]
        if rng.random() < 0.02 and len(text) > 2:
            text = text[:2] + "ـ" + text[2:]
        return text

    def typo(self, text: str, letters: str) -> str:
        rng = self.rng
        if len(text) < 4:
            return text
        position = rng.randrange(1, len(text) - 1)
        if text[position] == " ":
            return text
        operation = rng.randrange(3)
        if operation == 0:
            return text[:position] + text[position + 1 :]
        if operation == 1:
            return text[:position] + rng.choice(letters) + text[position + 1 :]
        return text[:position] + text[position + 1] + text[position] + text[position + 2 :]

    def name(self, person: Person | None) -> str:
        rng = self.rng
        if person is None:
            return ""
        arabic = rng.random() < 0.5
        if person.institution is not None:
            return INSTITUTIONS[person.institution][0 if arabic else 1]
        given_table = FEMALE_NAMES if person.female else MALE_NAMES
        tables = [given_table, MALE_NAMES, MALE_NAMES]
        # Registers give two or three names; the family name may be left off.
        depth = 3 if rng.random() < 0.85 else 2
        variants = [tables[i][person.name_parts[i]] for i in range(depth)]
        if person.family is not None and rng.random() < 0.85:
            variants.append(FAMILY_NAMES[person.family])
        words = [forms[0] if arabic else rng.choice(forms[1:]) for forms in variants]
        if not arabic and rng.random() < 0.03:
            words.insert(1, rng.choice(("bin", "ibn")))
        text = " ".join(words)
        if arabic:
            text = self.arabic_noise(text)
        if rng.random() < 0.08:
            text = self.typo(text, ARABIC_TYPO_LETTERS if arabic else LATIN_TYPO_LETTERS)
        if not arabic and rng.random() < 0.3:
            text = text.upper() if rng.random() < 0.5 else text.lower()
        return text

    def digits(self, number: int) -> str:
        roll = self.rng.random()
        text = str(number)
        if roll < 0.35:
            return text.translate(ARABIC_DIGITS)
        if roll < 0.40:
            return text.translate(PERSIAN_DIGITS)
        return text

    def parcel_number(self, parcel: Parcel) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.04:
            return ""
        if roll < 0.05:
            return rng.choice(("n/a", "؟", "غير معروف", "345ب", "--"))
        number = str(parcel.number)
        if roll < 0.08:
            number = self.mistyped_digits(number)
        if rng.random() < 0.1:
            number = "0" + number
        text = number
        if parcel.sub is not None and rng.random() < 0.9:
            text += rng.choice(("/", "/", "-", "\\", ".", " / ")) + str(parcel.sub)
        return text.translate(ARABIC_DIGITS) if rng.random() < 0.35 else text

    def mistyped_digits(self, number: str) -> str:
        rng = self.rng
        position = rng.randrange(len(number))
        operation = rng.randrange(4)
        if operation == 0 and len(number) > 1:
            swap = min(position, len(number) - 2)
            return number[:swap] + number[swap + 1] + number[swap] + number[swap + 2 :]
        if operation == 1:
            return number[:position] + rng.choice("0123456789") + number[position + 1 :]
        if operation == 2 and len(number) > 1:
            return number[:position] + number[position + 1 :] or number
        return number[:position] + rng.choice("123456789") + number[position:]

    def address(self, parcel: Parcel) -> str:
        rng = self.rng
        if rng.random() < 0.05:
            return ""
        house = parcel.house
        if rng.random() < 0.02:
            house += rng.choice((-1, 1, 10))
        arabic = rng.random() < 0.55
        place_forms = PLACES[parcel.muqataa_place]
        parts: list[str] = []
        if arabic:
            parts = [
                f"محلة {self.digits(parcel.mahalla)}",
                f"زقاق {self.digits(parcel.zuqaq)}",
                f"{rng.choice(('دار', 'دار', 'بيت'))} {self.digits(house)}",
                place_forms[0],
            ]
        else:
            parts = [
                f"{rng.choice(('Mahalla', 'Mahallah', 'Mahalat', 'M.'))} {parcel.mahalla}",
                f"{rng.choice(('Zuqaq', 'Zukak', 'Alley', 'Z.'))} {parcel.zuqaq}",
                f"{rng.choice(('House', 'Dar', 'H.'))} {house}",
                rng.choice(place_forms[1:]),
            ]
        # Clerks leave out the place name often and the house number sometimes; which
        # parts survive decides whether the address can still pin the parcel.
        keep = [True, rng.random() > 0.05, rng.random() > 0.08, rng.random() > 0.4]
        kept = [part for part, wanted in zip(parts, keep, strict=True) if wanted]
        return ("، " if arabic else ", ").join(kept)

    def row(self, ref: str, claim: Claim) -> dict[str, str]:
        rng = self.rng
        parcel = claim.parcel
        code, _, english, arabic = GOVERNORATES[parcel.governorate]
        governorate = rng.choices((code, english, arabic, english.upper(), ""), (40, 25, 30, 4, 1))[
            0
        ]
        muqataa_no = "" if rng.random() < 0.03 else self.digits(parcel.muqataa)
        if muqataa_no and rng.random() < 0.1:
            muqataa_no = "0" + muqataa_no
        place = PLACES[parcel.muqataa_place]
        kind = PROPERTY_TYPES[parcel.property_type]
        if rng.random() < 0.02:
            kind = rng.choice(PROPERTY_TYPES)
        claimant_id = claim.claimant.national_id if rng.random() < 0.6 else ""
        return {
            "ref": ref,
            "governorate": governorate,
            "district": "",
            "muqataa_no": muqataa_no,
            "muqataa_name": rng.choice(place) if rng.random() < 0.8 else "",
            "parcel_no": self.parcel_number(parcel),
            "property_type": rng.choice(kind) if rng.random() < 0.9 else "",
            "address": self.address(parcel),
            "claimant_name": self.name(claim.claimant),
            "claimant_id_no": self.digits(int(claimant_id)) if claimant_id else "",
            "respondent_name": self.name(claim.respondent),
            "claim_basis": rng.choice(CLAIM_BASES),
            "dispossession_date": f"19{rng.randrange(68, 100)}-0{rng.randrange(1, 10)}-15",
            "filed_date": f"2026-{rng.randrange(1, 12):02d}-{rng.randrange(1, 29):02d}",
        }


def is_person(party: Person | None) -> bool:
    return party is not None and party.institution is None


def true_kind(first: Claim, second: Claim) -> str:
    if first.claimant.uid == second.claimant.uid:
        return "duplicate"
    respondents = {
        first.respondent and first.respondent.uid,
        second.respondent and second.respondent.uid,
    }
    if first.claimant.uid in respondents or second.claimant.uid in respondents:
        return "counterclaim"
    return "competing"


def write_dataset(path: Path, n: int, seed: int) -> dict[tuple[str, str], str]:
    """Write N claims to path; return the true same-parcel pairs and their kind."""
    generator = ClaimGenerator(seed)
    claims = generator.claims(n)
    refs = [f"C{index:07d}" for index in range(len(claims))]
    by_parcel: dict[int, list[int]] = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(generator.row("C", claims[0])))
        writer.writeheader()
        for index, (ref, claim) in enumerate(zip(refs, claims, strict=True)):
            writer.writerow(generator.row(ref, claim))
            by_parcel.setdefault(claim.parcel.uid, []).append(index)
    truth: dict[tuple[str, str], str] = {}
    for members in by_parcel.values():
        for first, second in combinations(sorted(members), 2):
            truth[(refs[first], refs[second])] = true_kind(claims[first], claims[second])
    return truth


MATCH_IN_CHILD = """
import json, sys, time
from claims.matching import match_csv
started = time.perf_counter()
summary = match_csv(sys.argv[1], sys.argv[2], workers=int(sys.argv[3]))
print(json.dumps({"seconds": time.perf_counter() - started, "claims": summary.claims,
                  "candidate_pairs": summary.candidate_pairs, "written": summary.pairs_written}))
"""


def tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants (the matcher's workers)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[1])
        rss[int(entry.name)] = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
    tree = {root}
    grew = True
    while grew:
        before = len(tree)
        tree |= {pid for pid, parent in parents.items() if parent in tree}
        grew = len(tree) > before
    return sum(rss.get(pid, 0) for pid in tree)


def run_matcher(in_path: Path, out_path: Path, workers: int) -> dict[str, float]:
    """match_csv in a child process; its whole process tree's memory sampled as it runs."""
    repository = Path(__file__).resolve().parent.parent
    child = subprocess.Popen(
        [sys.executable, "-c", MATCH_IN_CHILD, str(in_path), str(out_path), str(workers)],
        cwd=repository,
        env={"PYTHONPATH": str(repository), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        text=True,
    )
    peak_kib = 0
    while child.poll() is None:
        peak_kib = max(peak_kib, tree_rss_kib(child.pid))
        time.sleep(0.2)
    if child.returncode != 0:
        raise SystemExit(f"match_csv failed with exit code {child.returncode}")
    result = json.loads(child.stdout.read() if child.stdout else "{}")
    result["peak_kib"] = peak_kib
    return result


def evaluate(out_path: Path, truth: dict[tuple[str, str], str]) -> dict[str, float]:
    found = 0
    kind_right = 0
    reported = 0
    with out_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            reported += 1
            expected = truth.get((row["ref_a"], row["ref_b"]))
            if expected is not None:
                found += 1
                kind_right += row["kind"] == expected
    precision = found / reported if reported else 0.0
    recall = found / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "kind_accuracy": kind_right / found if found else 0.0,
        "true_pairs": len(truth),
        "reported": reported,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of claims")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generator")
    parser.add_argument("--workers", type=int, default=2, help="matcher processes")
    parser.add_argument("--keep", type=Path, help="directory to keep claims.csv and pairs.csv in")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        directory = arguments.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        in_path, out_path = directory / "claims.csv", directory / "pairs.csv"
        started = time.perf_counter()
        truth = write_dataset(in_path, arguments.n, arguments.seed)
        generated = time.perf_counter() - started
        run = run_matcher(in_path, out_path, arguments.workers)
        quality = evaluate(out_path, truth)

    print(f"claims            {run['claims']:>12,}   (seed {arguments.seed})")
    print(f"generated in      {generated:>12.1f} s   (not part of the matcher's time)")
    print(f"workers           {arguments.workers:>12}")
    print(f"true pairs        {quality['true_pairs']:>12,}")
    print(f"candidate pairs   {run['candidate_pairs']:>12,}")
    print(f"reported pairs    {quality['reported']:>12,}")
    print(f"precision         {quality['precision']:>12.4f}")
    print(f"recall            {quality['recall']:>12.4f}")
    print(f"F1                {quality['f1']:>12.4f}")
    print(f"kind accuracy     {quality['kind_accuracy']:>12.4f}   (on true pairs found)")
    print(f"match_csv time    {run['seconds']:>12.1f} s")
    print(f"match_csv peak    {run['peak_kib'] / 1024:>12.0f} MiB   (sum over its processes)")
    print(f"match_csv cpu     {resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime:>12.1f} s")


if __name__ == "__main__":
    main()
