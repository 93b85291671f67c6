"""Benchmark of decision letter rendering: two-page bilingual letters, N of them.

Generates N decision letters the way a commission issues them: Iraqi names in Arabic
script or in Latin spellings, parcels in every governorate, now and then a conflict
group of two or three claims, reasons of several paragraphs in Arabic and English
(long enough for a second page), legal provisions in both languages. Every letter
differs, so the caches of shaped words help only as much as real wording repeats.

    python bench/letters.py --n 1000 --seed 7

Prints wall-clock ms per letter (p50, p95, max) and the process's CPU ms per letter
(p50, p95: the fair figure when other work shares the cores), letters per second, the
page count of the letters, and the process's peak memory. The first letter (font loading) is timed
apart. `--keep DIR` writes the first ten PDFs there to look at.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

# The repository root in place of bench/, where http.py would stand in for the standard
# library's `http` package.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from adjudication.domain import Outcome  # noqa: E402
from claims.domain import PartyRole, PropertyType  # noqa: E402
from commission.bilingual import Bilingual  # noqa: E402
from documents.letters import (  # noqa: E402
    DecisionLetterContent,
    Money,
    OfficeHeading,
    OutcomeLine,
    ParcelFacts,
    PartyLine,
    Signatory,
)
from documents.render import render_letter  # noqa: E402

FIRST_NAMES = [
    ("محمد", "Mohammed"),
    ("علي", "Ali"),
    ("حسين", "Hussein"),
    ("أحمد", "Ahmed"),
    ("عبد الرحمن", "Abdul Rahman"),
    ("عبد الله", "Abdullah"),
    ("خالد", "Khalid"),
    ("كاظم", "Kadhim"),
    ("جاسم", "Jassim"),
    ("يوسف", "Yousif"),
    ("عمر", "Omar"),
    ("زينب", "Zainab"),
    ("فاطمة", "Fatima"),
    ("هدى", "Huda"),
    ("ڕێبوار", "Rebwar"),
    ("شيلان", "Shilan"),
]
FAMILY_NAMES = [
    ("الجبوري", "Al-Jubouri"),
    ("العبيدي", "Al-Obaidi"),
    ("الدليمي", "Al-Dulaimi"),
    ("التميمي", "Al-Tamimi"),
    ("الموسوي", "Al-Musawi"),
    ("الحسيني", "Al-Husseini"),
    ("الشمري", "Al-Shammari"),
    ("البياتي", "Al-Bayati"),
    ("عەبدوڵڵا", "Abdullah"),
]
GOVERNORATES = [
    ("BGD", Bilingual("Baghdad", "بغداد"), ["الكرادة", "الأعظمية", "الدورة", "الكاظمية"]),
    ("NIN", Bilingual("Nineveh", "نينوى"), ["الموصل الجديدة", "الزهور", "تلعفر"]),
    ("BSR", Bilingual("Basra", "البصرة"), ["العشار", "الزبير", "أبو الخصيب"]),
    ("KRK", Bilingual("Kirkuk", "كركوك"), ["رحيم آوه", "الحويجة", "داقوق"]),
    ("DYL", Bilingual("Diyala", "ديالى"), ["بعقوبة", "المقدادية", "خانقين"]),
    ("ANB", Bilingual("Anbar", "الأنبار"), ["الرمادي", "الفلوجة", "هيت"]),
]
ARABIC_SENTENCES = [
    "ثبت للهيئة من سند الملكية المؤرخ في {year} أن العقار المرقم {parcel} كان مسجلاً باسم "
    "والد المدعي {claimant}.",
    "صودر العقار بموجب قرار مجلس قيادة الثورة (المنحل) رقم {number} لسنة 1980 دون تعويض.",
    "لم يقدم المدعى عليه {respondent} ما يثبت انتقال الملكية إليه بصورة قانونية.",
    "إن عقد البيع المؤرخ في 2004 لم يسجل في دائرة التسجيل العقاري، فلا ينقل الملكية.",
    "استمعت الهيئة إلى شهادة المختار وجيران العقار وتأيد لها أن المدعي كان يسكنه حتى {year}.",
    "اطلعت الهيئة على كتاب مديرية التسجيل العقاري في {governorate} المتضمن صحة القيد.",
    "نزح المدعي وأسرته من العقار عام 2014 بسبب العمليات العسكرية وعاد إليه بعد التحرير.",
    "قدّم المدعى عليه وصولات إيجار لا تثبت إلا الحيازة، والحيازة لا تكسب الملكية هنا.",
]
ENGLISH_SENTENCES = [
    "The registry extract of {year} shows parcel {parcel} in the name of {claimant}.",
    "The confiscation order No. {number} of 1980 was issued without compensation and for "
    "political reasons.",
    "The respondent, {respondent}, holds a sale contract that was never registered; an "
    "unregistered contract does not transfer ownership of real property.",
    "Neighbours heard by the Commission confirmed that the claimant's family lived in the "
    "house until {year}.",
    "The family was displaced in 2014 during military operations and returned after the "
    "area was liberated.",
    "Rent receipts produced by the respondent prove possession only, which does not "
    "establish a title.",
    "The real estate registry of {governorate} confirmed that the entry is authentic.",
]
PROVISIONS = [
    "Law No. 13 of 2010 (Property Claims Commission), article 4",
    "قانون هيئة دعاوى الملكية رقم 13 لسنة 2010، المادة 5/ثانياً",
    "Civil Code No. 40 of 1951, article 1126",
    "القانون المدني رقم 40 لسنة 1951، المادة 1126",
]
OUTCOMES = [Outcome.RESTITUTION, Outcome.COMPENSATION, Outcome.REJECTION, Outcome.INADMISSIBLE]


def _name(rng: random.Random) -> str:
    first, father = rng.sample(FIRST_NAMES, 2)
    family = rng.choice(FAMILY_NAMES)
    script = 0 if rng.random() < 0.6 else 1
    return " ".join(part[script] for part in (first, father, family))


def _staff_name(rng: random.Random) -> Bilingual:
    """A member of staff's name in both scripts, as their account records it."""
    parts = [*rng.sample(FIRST_NAMES, 2), rng.choice(FAMILY_NAMES)]
    return Bilingual(" ".join(latin for _, latin in parts), " ".join(arabic for arabic, _ in parts))


def _paragraph(rng: random.Random, sentences: list[str], facts: dict) -> str:
    return " ".join(sentence.format(**facts) for sentence in rng.sample(sentences, 4))


def make_letter(rng: random.Random, index: int) -> DecisionLetterContent:
    code, governorate, muqataas = rng.choice(GOVERNORATES)
    year = 2026
    group = rng.choices([1, 2, 3], weights=[8, 2, 1])[0]
    numbers = [f"{code}-{year}-{index * 3 + offset + 1:06d}" for offset in range(group)]
    parcel_no = f"{rng.randint(1, 2400)}/{rng.randint(1, 40)}"
    claimant, respondent = _name(rng), _name(rng)
    facts = dict(
        year=rng.randint(1960, 1990),
        parcel=parcel_no,
        claimant=claimant,
        respondent=respondent,
        number=rng.randint(1, 900),
        governorate=governorate.ar,
    )
    reasons = "\n\n".join(
        [
            _paragraph(rng, ARABIC_SENTENCES, facts),
            _paragraph(rng, ENGLISH_SENTENCES, {**facts, "governorate": governorate.en}),
            _paragraph(rng, ARABIC_SENTENCES, facts),
        ]
    )
    outcomes = []
    for number in numbers:
        outcome = rng.choice(OUTCOMES)
        money = None
        if outcome is Outcome.COMPENSATION:
            money = Money(Decimal(rng.randint(5, 400) * 1_000_000), "IQD")
        outcomes.append(OutcomeLine(number, outcome, money))
    issued = date(2026, 1, 5) + timedelta(days=rng.randint(0, 300))
    parties = [PartyLine(claimant, PartyRole.CLAIMANT), PartyLine(respondent, PartyRole.RESPONDENT)]
    parties += [PartyLine(_name(rng), PartyRole.CLAIMANT) for _ in range(group - 1)]
    return DecisionLetterContent(
        commission=Bilingual(
            "Commission for the Resolution of Real Property Disputes",
            "هيئة حل نزاعات الملكية العقارية",
        ),
        office=OfficeHeading(code, Bilingual(f"{governorate.en} Office", f"مكتب {governorate.ar}")),
        claim_numbers=tuple(numbers),
        issued_on=issued,
        document_id=f"{code}-L-{year}-{index + 1:06d}",
        parties=tuple(parties),
        parcel=ParcelFacts(
            governorate=governorate,
            muqataa_no=str(rng.randint(1, 60)),
            muqataa_name=rng.choice(muqataas),
            parcel_no=parcel_no,
            property_type=rng.choice(list(PropertyType)),
            address=(
                f"محلة {rng.randint(100, 999)}، زقاق {rng.randint(1, 60)}، دار {rng.randint(1, 90)}"
            ),
        ),
        outcomes=tuple(outcomes),
        reasons=reasons,
        legal_provisions=tuple(rng.sample(PROVISIONS, 2)),
        legal_basis="The taking was made for political reasons and without compensation.",
        drafted_by=Signatory(_staff_name(rng), Bilingual("Adjudicator", "المحقق القضائي")),
        approved_by=Signatory(_staff_name(rng), Bilingual("Senior adjudicator", "رئيس المحققين")),
        notified_on=issued + timedelta(days=2),
        appeal_deadline=issued + timedelta(days=32),
        appeal_venue=Bilingual(
            f"the Cassation Committee in {governorate.en}", f"هيئة التمييز في {governorate.ar}"
        ),
    )


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of letters")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generator")
    parser.add_argument("--keep", type=Path, help="directory to write the first ten PDFs to")
    arguments = parser.parse_args()

    rng = random.Random(arguments.seed)
    started = time.perf_counter()
    letters = [make_letter(rng, index) for index in range(arguments.n + 1)]
    generated = time.perf_counter() - started
    if arguments.keep:
        arguments.keep.mkdir(parents=True, exist_ok=True)

    url = "https://qayd.example.org/verify/"
    started = time.perf_counter()
    render_letter(letters[0], training=False, verify_base_url=url)
    first = time.perf_counter() - started

    timings, cpu_timings, pages, sizes = [], [], [], []
    for index, letter in enumerate(letters[1:]):
        started, cpu_started = time.perf_counter(), time.process_time()
        pdf = render_letter(letter, training=index % 10 == 0, verify_base_url=url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.process_time() - cpu_started) * 1000)
        pages.append(len(re.findall(rb"/Type /Page\b(?!s)", pdf)))
        sizes.append(len(pdf))
        if arguments.keep and index < 10:
            (arguments.keep / f"letter-{index + 1:02d}.pdf").write_bytes(pdf)

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    page_counts = {count: pages.count(count) for count in sorted(set(pages))}
    print(f"letters           {arguments.n:>10,}   (seed {arguments.seed}, every 10th training)")
    print(f"generated in      {generated:>10.2f} s   (not timed)")
    print(f"first letter      {first * 1000:>10.1f} ms  (fonts loaded, not counted)")
    print(f"p50 per letter    {statistics.median(timings):>10.1f} ms")
    print(f"p95 per letter    {_percentile(timings, 0.95):>10.1f} ms")
    print(f"max per letter    {max(timings):>10.1f} ms")
    print(
        f"CPU p50 / p95     {statistics.median(cpu_timings):>10.1f} / "
        f"{_percentile(cpu_timings, 0.95):.1f} ms  (what a busy machine cannot inflate)"
    )
    print(f"letters/s         {len(timings) / (sum(timings) / 1000):>10.1f}")
    print(f"pages             {page_counts}")
    print(f"PDF size p50      {statistics.median(sizes) / 1024:>10.1f} KiB")
    print(f"peak memory       {peak_mib:>10.0f} MiB  (whole process, letters included)")


if __name__ == "__main__":
    main()
