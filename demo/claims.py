"""Demo claims: realistic Iraqi intake data with planted conflicts, made from a seed.

`iter_demo_claims(n, seed)` yields `ClaimInput`s with import refs `demo-1` … `demo-n`;
the same n and seed give the same claims (dates count back from `today`). What is in
them:

- four-part Arabic-script names (given, father, grandfather, family or tribe), often
  with a Latin spelling that varies as real forms do: Mohammed/Muhammad/Mohamed,
  Abdul Rahman/Abd al-Rahman/Abdulrahman, al-/el-/Al;
- parcels in the governorates where most restitution claims arise (Nineveh, Kirkuk,
  Diyala, Salah ad-Din, Anbar, Baghdad …), with muqata'a names and numbers, parcel
  numbers with sub-numbers and some written in Arabic-Indic digits (٣٤٥/٦);
- claim bases that fit their time and place: confiscation 1970–2003, forced
  relocation (Arabisation) 1975–2002, conflict displacement June 2014–2017;
- co-claimants who are heirs of a deceased owner, with shares adding up to 100;
- planted conflicts: another family claiming a parcel already claimed (competing),
  the same claimant filing again with the name spelled in Latin letters (duplicate),
  and the occupant of a claimed parcel filing against the earlier claimant
  (counterclaim). `planted` on each `DemoClaim` says which, for tests and training.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.domain import (
    ClaimBasis,
    ClaimInput,
    IdentityDocument,
    ParcelInput,
    PartyInput,
    PartyRole,
    PropertyType,
    Remedy,
)
from claims.files import EvidenceStore
from claims.interchange import party_from_name
from claims.matching.normalise import fold_digits
from claims.models import Claim
from claims.operations import register_claim
from commission.accounts.models import Office, User

DEMO_REF_PREFIX = "demo-"
#: The seed `flask seed-demo --claims N` uses, so every installation gets the same claims.
DEMO_SEED = 2026

#: Arabic given names with the Latin spellings people use for them.
MALE_NAMES = [
    ("محمد", ("Mohammed", "Muhammad", "Mohamed", "Mohamad", "Muhammed")),
    ("أحمد", ("Ahmed", "Ahmad")),
    ("علي", ("Ali",)),
    ("حسين", ("Hussein", "Husain", "Hussain", "Hussien")),
    ("حسن", ("Hassan", "Hasan")),
    ("عبد الرحمن", ("Abdul Rahman", "Abd al-Rahman", "Abdulrahman", "Abdel Rahman")),
    ("عبد الله", ("Abdullah", "Abd Allah", "Abdallah", "Abdulla")),
    ("عبد الكريم", ("Abdul Karim", "Abd al-Karim", "Abdulkareem")),
    ("عبد الأمير", ("Abdul Amir", "Abd al-Amir", "Abdulameer")),
    ("عمر", ("Omar", "Umar")),
    ("خالد", ("Khalid", "Khaled")),
    ("محمود", ("Mahmoud", "Mahmud", "Mahmood")),
    ("إبراهيم", ("Ibrahim", "Ebrahim")),
    ("يوسف", ("Yousif", "Yusuf", "Youssef")),
    ("جاسم", ("Jassim", "Jasim", "Jasem")),
    ("كاظم", ("Kadhim", "Kazim", "Kathim")),
    ("حيدر", ("Haider", "Hayder", "Haidar")),
    ("مصطفى", ("Mustafa", "Moustafa", "Mustapha")),
    ("صالح", ("Saleh", "Salih")),
    ("سعد", ("Saad", "Sa'ad")),
    ("فاضل", ("Fadhil", "Fadel", "Fadil")),
    ("نوري", ("Nouri", "Nuri")),
    ("عباس", ("Abbas",)),
    ("قاسم", ("Qasim", "Kasim", "Qassem")),
    ("نور الدين", ("Nour al-Din", "Nuraddin", "Noureddine")),
    ("آزاد", ("Azad",)),
    ("شيرزاد", ("Shirzad", "Sherzad")),
    ("يوحنا", ("Youhanna", "Yohanna")),
    ("خضر", ("Khidr", "Khudhur", "Khider")),
]
FEMALE_NAMES = [
    ("فاطمة", ("Fatima", "Fatma", "Fatimah")),
    ("زينب", ("Zainab", "Zaynab", "Zeinab")),
    ("مريم", ("Maryam", "Mariam")),
    ("خديجة", ("Khadija", "Khadeeja")),
    ("هدى", ("Huda", "Hoda")),
    ("سعاد", ("Suad", "Souad")),
    ("نور", ("Noor", "Nour")),
    ("رقية", ("Ruqaya", "Roqaya")),
    ("شيماء", ("Shaimaa", "Shayma")),
]
#: Families and tribes, with the article spelled the ways forms spell it.
FAMILIES = [
    ("الجبوري", ("al-Jubouri", "el-Jubouri", "Al Jubouri", "al-Juburi", "Aljubouri")),
    ("التميمي", ("al-Tamimi", "el-Tamimi", "al-Tamimy", "Al-Tamimi")),
    ("الدليمي", ("al-Dulaimi", "al-Dulaymi", "el-Dulaimi")),
    ("العبيدي", ("al-Obaidi", "al-Ubaidi", "Al Obaidy")),
    ("الشمري", ("al-Shammari", "al-Shamari", "el-Shammary")),
    ("الزبيدي", ("al-Zubaidi", "al-Zubaydi")),
    ("الساعدي", ("al-Saadi", "al-Sa'idi", "el-Saadi")),
    ("الخزرجي", ("al-Khazraji", "el-Khazraji")),
    ("البياتي", ("al-Bayati", "el-Bayati", "Al Bayaty")),
    ("الحمداني", ("al-Hamdani", "el-Hamdani")),
    ("الكبيسي", ("al-Kubaisi", "al-Kubaysi")),
    ("الربيعي", ("al-Rubaie", "al-Rubaiy", "Al Rubaye")),
    ("العزاوي", ("al-Azzawi", "el-Azzawi")),
    ("الطائي", ("al-Tai", "al-Ta'i")),
    ("البرزنجي", ("al-Barzanji", "Barzinji")),
    ("الهركي", ("al-Harki", "Herki")),
    ("الصابئي", ("al-Sabi", "al-Sabaee")),
    ("الكلداني", ("al-Kaldani", "Kaldany")),
]

#: Governorate, weight, and (district, muqata'a name) pairs where its claims arise.
AREAS = [
    (
        "IQ-NI",
        22,
        [
            ("Mosul", "الموصل القديمة"),
            ("Sinjar", "سنجار"),
            ("Tel Afar", "تلعفر"),
            ("Hamdaniya", "قره قوش"),
            ("Bashiqa", "بعشيقة"),
        ],
    ),
    ("IQ-KI", 15, [("Kirkuk", "كركوك"), ("Hawija", "الحويجة"), ("Daquq", "داقوق")]),
    ("IQ-DI", 10, [("Baqubah", "بعقوبة"), ("Khanaqin", "خانقين"), ("Muqdadiya", "المقدادية")]),
    ("IQ-SD", 10, [("Tikrit", "تكريت"), ("Samarra", "سامراء"), ("Baiji", "بيجي")]),
    ("IQ-AN", 9, [("Ramadi", "الرمادي"), ("Fallujah", "الفلوجة"), ("Hit", "هيت")]),
    (
        "IQ-BG",
        14,
        [
            ("Karrada", "الكرادة"),
            ("Adhamiya", "الأعظمية"),
            ("Mansour", "المنصور"),
            ("Kadhimiya", "الكاظمية"),
            ("Dora", "الدورة"),
        ],
    ),
    ("IQ-BA", 5, [("Zubair", "الزبير"), ("Abu al-Khasib", "أبو الخصيب")]),
    ("IQ-BB", 3, [("Hilla", "الحلة"), ("Musayyib", "المسيب")]),
    ("IQ-AR", 3, [("Makhmour", "مخمور"), ("Erbil", "أربيل")]),
    ("IQ-DA", 2, [("Zakho", "زاخو"), ("Duhok", "دهوك")]),
    ("IQ-SU", 2, [("Sulaymaniyah", "السليمانية")]),
    ("IQ-HALABJA", 1, [("Halabja", "حلبجة")]),
    ("IQ-WA", 1, [("Kut", "الكوت")]),
    ("IQ-NA", 1, [("Najaf", "النجف")]),
    ("IQ-KA", 1, [("Karbala", "كربلاء")]),
    ("IQ-QA", 1, [("Diwaniyah", "الديوانية")]),
    ("IQ-MA", 1, [("Amarah", "العمارة")]),
    ("IQ-DQ", 1, [("Nasiriyah", "الناصرية")]),
    ("IQ-MU", 1, [("Samawah", "السماوة")]),
]
_CONFLICT_AREAS = {"IQ-NI", "IQ-KI", "IQ-DI", "IQ-SD", "IQ-AN", "IQ-BG"}
_RELOCATION_AREAS = {"IQ-KI", "IQ-DI", "IQ-NI", "IQ-SD"}

PROPERTY_TYPES = [
    (PropertyType.HOUSE, 45),
    (PropertyType.RESIDENTIAL_LAND, 15),
    (PropertyType.AGRICULTURAL_LAND, 20),
    (PropertyType.APARTMENT, 8),
    (PropertyType.COMMERCIAL, 10),
    (PropertyType.OTHER, 2),
]
DESCRIPTIONS = {
    ClaimBasis.CONFISCATION: "مصادرة بقرار مجلس قيادة الثورة المنحل",
    ClaimBasis.FORCED_RELOCATION: "ترحيل قسري ضمن سياسة التعريب",
    ClaimBasis.CONFLICT_DISPLACEMENT: "نزوح بسبب العمليات الإرهابية بعد حزيران 2014",
    ClaimBasis.OTHER: "استيلاء بلا سند قانوني",
}
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclasses.dataclass(frozen=True)
class Person:
    given: tuple[str, tuple[str, ...]]
    father: tuple[str, tuple[str, ...]]
    grandfather: tuple[str, tuple[str, ...]]
    family: tuple[str, tuple[str, ...]]
    #: The unified national card (12 digits) or, for many, the older civil status ID.
    id_type: IdentityDocument
    id_number: str

    @property
    def arabic(self) -> str:
        return " ".join(
            part[0] for part in (self.given, self.father, self.grandfather, self.family)
        )

    def latin(self, rng: random.Random) -> str:
        parts = (self.given, self.father, self.grandfather, self.family)
        return " ".join(rng.choice(part[1]) for part in parts)


@dataclasses.dataclass
class DemoClaim:
    claim: ClaimInput
    #: "" for an ordinary claim, else competing, duplicate or counterclaim (of `of_ref`).
    planted: str = ""
    of_ref: str = ""


@dataclasses.dataclass
class _Earlier:
    ref: str
    parcel: ParcelInput
    claimant: Person
    respondent: Person | None


class _Generator:
    def __init__(self, seed: int, today: date):
        self.rng = random.Random(seed)
        self.today = today
        self.pool: list[_Earlier] = []
        self.area_weights = [weight for _code, weight, _places in AREAS]

    def person(self, family=None, *, female=False, father=None) -> Person:
        rng = self.rng
        given = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        father = father or rng.choice(MALE_NAMES)
        grandfather = rng.choice(MALE_NAMES)
        family = family or rng.choice(FAMILIES)
        if rng.random() < 0.25:
            id_type, id_number = IdentityDocument.CIVIL_STATUS_ID, rng.randint(10**6, 10**7 - 1)
        else:
            id_type, id_number = IdentityDocument.NATIONAL_ID, rng.randint(10**11, 10**12 - 1)
        return Person(given, father, grandfather, family, id_type, str(id_number))

    def digits(self, text: str, share: float) -> str:
        return text.translate(_ARABIC_INDIC) if self.rng.random() < share else text

    def parcel(self) -> ParcelInput:
        rng = self.rng
        code, _weight, places = rng.choices(AREAS, weights=self.area_weights)[0]
        district, muqataa_name = rng.choice(places)
        number = str(rng.randint(1, 4000))
        if rng.random() < 0.3:
            number += f"/{rng.randint(1, 12)}"
        property_type = rng.choices(
            [kind for kind, _ in PROPERTY_TYPES], weights=[w for _, w in PROPERTY_TYPES]
        )[0]
        if property_type == PropertyType.AGRICULTURAL_LAND:
            area = rng.randint(1, 40) * 2500  # whole dunams
        else:
            area = rng.randint(80, 800)
        return ParcelInput(
            governorate_code=code,
            muqataa_no=self.digits(str(rng.randint(1, 60)), 0.1),
            muqataa_name=muqataa_name,
            parcel_no=self.digits(number, 0.15),
            property_type=property_type,
            district=district,
            area_m2=Decimal(area),
        )

    def basis_and_date(self, governorate_code: str) -> tuple[ClaimBasis, date]:
        rng = self.rng
        options = [(ClaimBasis.CONFISCATION, 40), (ClaimBasis.OTHER, 5)]
        if governorate_code in _CONFLICT_AREAS:
            options.append((ClaimBasis.CONFLICT_DISPLACEMENT, 45))
        if governorate_code in _RELOCATION_AREAS:
            options.append((ClaimBasis.FORCED_RELOCATION, 30))
        basis = rng.choices([b for b, _ in options], weights=[w for _, w in options])[0]
        start, end = {
            ClaimBasis.CONFISCATION: (date(1970, 1, 1), date(2003, 4, 8)),
            ClaimBasis.FORCED_RELOCATION: (date(1975, 1, 1), date(2002, 12, 31)),
            ClaimBasis.CONFLICT_DISPLACEMENT: (date(2014, 6, 10), date(2017, 12, 9)),
            ClaimBasis.OTHER: (date(2003, 4, 9), date(2013, 12, 31)),
        }[basis]
        return basis, start + timedelta(days=rng.randint(0, (end - start).days))

    def claimant_parties(self, person: Person, *, latin_script: bool) -> list[PartyInput]:
        rng = self.rng
        if latin_script:
            name, latin = person.latin(rng), ""
        else:
            name, latin = person.arabic, person.latin(rng) if rng.random() < 0.6 else ""
        main = party_from_name(
            PartyRole.CLAIMANT,
            name,
            latin_name=latin,
            id_document_type=person.id_type,
            id_document_number=person.id_number,
            contact=f"07{rng.randint(700000000, 909999999)}" if rng.random() < 0.7 else "",
        )
        if latin_script or rng.random() >= 0.15:
            return [main]
        # Heirs of a deceased owner: the claimant and a sibling or two, shares to 100.
        deceased = person.father
        owner = f"{deceased[0]} {person.grandfather[0]} {person.family[0]}"
        siblings = [
            self.person(person.family, female=rng.random() < 0.5, father=person.father)
            for _ in range(rng.choice((1, 2)))
        ]
        shares = {2: ("50", "50"), 3: ("40", "30", "30")}[len(siblings) + 1]
        parties = []
        for heir, share in zip([person, *siblings], shares, strict=True):
            party = main if heir is person else party_from_name(PartyRole.CLAIMANT, heir.arabic)
            party.share_percent = Decimal(share)
            party.is_heir = True
            party.deceased_owner_name = owner
            parties.append(party)
        return parties

    def address(self, parcel: ParcelInput) -> str:
        rng = self.rng
        if parcel.property_type == PropertyType.AGRICULTURAL_LAND:
            return f"{parcel.muqataa_name}، مقاطعة {parcel.muqataa_no}، قطعة {parcel.parcel_no}"
        return f"محلة {rng.randint(100, 999)}، زقاق {rng.randint(1, 60)}، دار {rng.randint(1, 90)}"

    def claim(self, index: int) -> DemoClaim:
        rng = self.rng
        ref = f"{DEMO_REF_PREFIX}{index}"
        roll = rng.random()
        planted, of = "", None
        if self.pool and roll < 0.15:
            of = rng.choice(self.pool)
            planted = "competing" if roll < 0.08 else "duplicate" if roll < 0.12 else "counterclaim"
        parcel = self.parcel()
        claimant = self.person(female=rng.random() < 0.2)
        respondent = self.person() if rng.random() < 0.35 else None
        latin_script = False
        if of is not None:
            # Another clerk types the same parcel number, maybe in the other digits.
            number = self.digits(fold_digits(of.parcel.parcel_no), 0.3)
            parcel = dataclasses.replace(of.parcel, parcel_no=number)
            if planted == "competing":
                while claimant.family == of.claimant.family:
                    claimant = self.person()
            elif planted == "duplicate":
                claimant, latin_script = of.claimant, True
            else:
                claimant = of.respondent or self.person()
                respondent = of.claimant
        basis, dispossessed = self.basis_and_date(parcel.governorate_code)
        filed = self.today - timedelta(days=rng.randint(0, 730))
        parties = self.claimant_parties(claimant, latin_script=latin_script)
        if respondent is not None:
            name = respondent.arabic
            parties.append(party_from_name(PartyRole.RESPONDENT, name))
        claim = ClaimInput(
            parcel=parcel,
            parties=parties,
            claim_basis=basis,
            remedy=Remedy.COMPENSATION if rng.random() < 0.2 else Remedy.RESTITUTION,
            filed_on=filed,
            dispossession_on=dispossessed if rng.random() < 0.9 else None,
            address=self.address(parcel),
            description=DESCRIPTIONS[basis],
            import_ref=ref,
        )
        earlier = _Earlier(ref, parcel, claimant, respondent)
        if len(self.pool) < 5000:
            self.pool.append(earlier)
        else:
            self.pool[rng.randrange(len(self.pool))] = earlier
        return DemoClaim(claim, planted, of.ref if of else "")


def iter_demo_claims(
    n: int, seed: int = DEMO_SEED, *, today: date | None = None
) -> Iterator[DemoClaim]:
    """`DemoClaim`s demo-1 … demo-n, one at a time (for benchmarks of a million)."""
    generator = _Generator(seed, today or date.today())
    for index in range(1, n + 1):
        yield generator.claim(index)


def generate_demo_claims(
    n: int, seed: int = DEMO_SEED, *, today: date | None = None
) -> list[ClaimInput]:
    """n demo claims as `ClaimInput`s, import refs demo-1 … demo-n."""
    return [demo.claim for demo in iter_demo_claims(n, seed, today=today)]


def seed_demo_claims(
    session: Session,
    n: int,
    *,
    by: User | None,
    today: date,
    store: EvidenceStore,
    seed: int = DEMO_SEED,
) -> list[tuple[DemoClaim, Claim]]:
    """Register demo-1 … demo-n through `register_claim`, each at the office of its
    governorate; refs already present are skipped. Returns the claims this call
    registered, with what was planted in each."""
    offices = {
        office.governorate_code: office
        for office in session.scalars(select(Office).where(Office.is_headquarters.is_(False)))
    }
    existing = set(
        session.scalars(
            select(Claim.import_ref).where(Claim.import_ref.startswith(DEMO_REF_PREFIX))
        )
    )
    created = []
    for demo in iter_demo_claims(n, seed, today=today):
        if demo.claim.import_ref in existing:
            continue
        office = offices[demo.claim.parcel.governorate_code]
        claim = register_claim(session, demo.claim, by=by, office=office, today=today, store=store)
        created.append((demo, claim))
    return created
