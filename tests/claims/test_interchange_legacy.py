"""Legacy files as they come: no office column, property types in words, facts missing,
dates known only by the year; each imported claim flagged with what it lacks."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from claims.domain import ImportStatus, PropertyType, QualityFlag, RowVerdict
from claims.interchange import claim_record, parse_record
from claims.models import ImportBatch, ImportRow, Parcel
from claims.queries import ClaimFilters, search_claims
from commission.accounts.models import User
from commission.extensions import db
from tests.support.app import unique
from tests.support.claims import TODAY, claim_input
from tests.support.import_rows import imported, legacy_row, run_import, write_rows


@pytest.fixture
def muqataa():
    return str(random.randint(100_000, 999_999))


def parsed(**overrides):
    return parse_record(legacy_row("r-1", "12", 7, **overrides), 2, today=TODAY)


@pytest.mark.parametrize(
    ("entered", "code"),
    [
        ("vacant plot", PropertyType.RESIDENTIAL_LAND),
        ("Plot", PropertyType.RESIDENTIAL_LAND),
        ("land", PropertyType.RESIDENTIAL_LAND),
        ("Home", PropertyType.HOUSE),
        ("dwelling", PropertyType.HOUSE),
        ("flat", PropertyType.APARTMENT),
        ("shop", PropertyType.COMMERCIAL),
        ("store", PropertyType.COMMERCIAL),
        ("farm", PropertyType.AGRICULTURAL_LAND),
        ("orchard", PropertyType.AGRICULTURAL_LAND),
        ("أرض", PropertyType.RESIDENTIAL_LAND),
        ("ارض", PropertyType.RESIDENTIAL_LAND),
        ("قطعة أرض", PropertyType.RESIDENTIAL_LAND),
        ("دار", PropertyType.HOUSE),
        ("بيت", PropertyType.HOUSE),
        ("منزل", PropertyType.HOUSE),
        ("شقة", PropertyType.APARTMENT),
        ("محل", PropertyType.COMMERCIAL),
        ("دكان", PropertyType.COMMERCIAL),
        ("بستان", PropertyType.AGRICULTURAL_LAND),
        ("مزرعة", PropertyType.AGRICULTURAL_LAND),
        ("أرض زراعية", PropertyType.AGRICULTURAL_LAND),
    ],
)
def test_property_words_in_english_and_arabic_map_to_the_codes_and_are_kept(entered, code):
    row = parsed(property_type=entered)
    assert row.ok, row.errors
    assert row.claim.parcel.property_type == code
    assert row.claim.property_type_as_entered == entered
    assert QualityFlag.PROPERTY_TYPE_FROM_TEXT in row.claim.quality_flags


@pytest.mark.parametrize("entered", ["residential_land", "Residential land", "agricultural-land"])
def test_a_property_code_in_any_spelling_is_not_flagged_and_an_unknown_word_is_an_error(entered):
    row = parsed(property_type=entered)
    assert row.claim.property_type_as_entered == ""
    assert QualityFlag.PROPERTY_TYPE_FROM_TEXT not in row.claim.quality_flags
    [error] = parsed(property_type="castle").errors
    assert (error.column, error.message[:24]) == ("property_type", "'castle' is not one of h")


@pytest.mark.parametrize("year", ["1991", "١٩٩١"])
def test_a_date_given_only_as_a_year_is_1_january_and_flagged(year):
    row = parsed(dispossession_date=year)
    assert row.ok, row.errors
    assert row.claim.dispossession_on == date(1991, 1, 1)
    assert QualityFlag.DATE_YEAR_ONLY in row.claim.quality_flags


def test_missing_optional_facts_are_flagged_not_refused():
    row = parsed(property_type="", claim_basis="", dispossession_date="", claimant_id_no="")
    assert row.ok, row.errors
    assert row.claim.parcel.property_type == PropertyType.OTHER
    assert row.claim.quality_flags == [
        QualityFlag.CLAIM_BASIS_MISSING,
        QualityFlag.NO_IDENTITY_NUMBER,
        QualityFlag.PROPERTY_TYPE_MISSING,
    ]


@pytest.mark.parametrize(
    ("column", "message"),
    [("claimant_name", "A claim needs at least one claimant."), ("governorate", "is missing")],
)
def test_a_missing_claimant_name_or_governorate_is_an_error(column, message):
    [error] = parsed(**{column: "", "claimant_id_no": ""}).errors
    assert (error.column, error.message) == (column, message)


def test_without_an_office_column_each_governorate_goes_to_its_branch_office(
    intake, tmp_path, muqataa
):
    prefix = unique("gov")
    spellings = {"Nineveh": "NIN", "البصرة": "BSR", "IQ-AR": "ERB", "kirkuk": "KRK"}
    spellings["محافظة بغداد"] = "BGD"  # headquarters is in Baghdad too, but not a branch
    rows = [
        legacy_row(f"{prefix}-{n}", muqataa, n, governorate=governorate, office="")
        for n, governorate in enumerate(spellings, start=1)
    ]
    report = run_import(write_rows(tmp_path / "no-office.csv", rows))
    assert report.published, report.errors
    assert [claim.office.code for claim in imported(prefix)] == list(spellings.values())


def test_an_office_column_or_the_office_option_overrides_the_governorate(intake, tmp_path, muqataa):
    prefix = unique("over")
    rows = [
        legacy_row(f"{prefix}-1", muqataa, 1, governorate="Nineveh", office="DHK"),
        legacy_row(f"{prefix}-2", muqataa, 2, governorate="Nineveh", office=""),
    ]
    path = write_rows(tmp_path / "over.csv", rows)
    run_import(path)
    assert [claim.office.code for claim in imported(prefix)] == ["DHK", "NIN"]
    other = unique("opt")
    rows = [legacy_row(f"{other}-1", muqataa, 3, governorate="Nineveh", office="DHK")]
    run_import(write_rows(tmp_path / "opt.csv", rows), office_code="erb")
    assert [claim.office.code for claim in imported(other)] == ["ERB"]


def test_an_imported_claim_keeps_its_words_and_flags_and_lists_can_filter_on_a_flag(
    intake, staff, tmp_path, muqataa
):
    prefix = unique("flag")
    rows = [
        legacy_row(
            f"{prefix}-1",
            muqataa,
            1,
            property_type="قطعة أرض",
            claimant_id_no="",
            dispossession_date="1991",
        ),
        legacy_row(f"{prefix}-2", muqataa, 2, property_type="house"),
    ]
    reviewer_id = staff.reviewer.id
    assert run_import(write_rows(tmp_path / "flags.csv", rows)).published
    reviewer = db.session.get(User, reviewer_id)  # the import's commits detached the fixture's
    vague, clear = imported(prefix)
    assert vague.property_type_as_entered == "قطعة أرض"
    assert vague.property_type == PropertyType.RESIDENTIAL_LAND
    assert vague.dispossession_on == date(1991, 1, 1)
    assert [flag.flag for flag in vague.quality_flags] == [
        QualityFlag.DATE_YEAR_ONLY,
        QualityFlag.NO_IDENTITY_NUMBER,
        QualityFlag.PROPERTY_TYPE_FROM_TEXT,
    ]
    assert clear.quality_flags == [] and clear.property_type_as_entered == ""
    for flag in QualityFlag:
        found = search_claims(db.session, ClaimFilters(quality_flag=flag), viewer=reviewer)
        expected = [vague.id] if flag in {row.flag for row in vague.quality_flags} else []
        assert [claim.id for claim in found if claim.import_ref.startswith(prefix)] == expected


def test_rows_without_parcel_or_muqataa_number_import_with_their_parcel_to_be_identified(
    intake, staff, tmp_path, muqataa
):
    prefix = unique("unid")
    rows = [
        legacy_row(f"{prefix}-1", muqataa, 1, parcel_no=""),
        legacy_row(f"{prefix}-2", "", 2, muqataa_name="الكرادة"),
        legacy_row(f"{prefix}-3", "", 3, parcel_no="", address="محلة ٩٠٣ زقاق ١٢ دار ٤"),
        legacy_row(f"{prefix}-4", muqataa, 4),
    ]
    path = write_rows(tmp_path / "unidentified.csv", rows)
    reviewer_id = staff.reviewer.id
    dry = run_import(path, dry_run=True)
    assert (dry.imported, dry.errors) == (4, [])
    assert run_import(path).published
    reviewer = db.session.get(User, reviewer_id)
    *unidentified, identified = imported(prefix)
    assert [claim.parcel for claim in unidentified] == [None, None, None]
    assert identified.parcel.parcel_key == f"IQ-BG|{muqataa}|4"
    # What the row did give stays on the claim, to be matched and identified by.
    assert [(c.stated_muqataa_no, c.stated_parcel_no) for c in unidentified] == [
        (muqataa, ""),
        ("", "2"),
        ("", ""),
    ]
    assert unidentified[1].stated_muqataa_name == "الكرادة"
    for claim in unidentified:
        assert QualityFlag.PARCEL_UNIDENTIFIED in {row.flag for row in claim.quality_flags}
    assert QualityFlag.PARCEL_UNIDENTIFIED not in {row.flag for row in identified.quality_flags}
    to_identify = search_claims(
        db.session,
        ClaimFilters(quality_flag=QualityFlag.PARCEL_UNIDENTIFIED),
        viewer=reviewer,
    )
    assert {claim.id for claim in to_identify} >= {claim.id for claim in unidentified}
    assert identified.id not in {claim.id for claim in to_identify}
    # The export writes each claim's facts as it stated them, empty numbers too.
    exported = {record["ref"]: record for record in map(claim_record, imported(prefix))}
    assert [
        (exported[row["ref"]]["muqataa_no"], exported[row["ref"]]["parcel_no"]) for row in rows
    ] == [(row["muqataa_no"], row["parcel_no"]) for row in rows]


def test_an_import_links_a_stored_parcel_and_never_rewrites_it(intake, tmp_path, muqataa):
    stored_parcel = dataclasses.replace(
        claim_input().parcel,
        muqataa_no=muqataa,
        parcel_no="7",
        district="الكرخ",
        muqataa_name="الكرادة",
        area_m2=Decimal(300),
    )
    parcel_id = intake.register(claim_input(parcel=stored_parcel)).parcel_id
    prefix = unique("keep")
    row = legacy_row(
        f"{prefix}-1",
        muqataa,
        7,
        parcel_no="٠٠٧",
        district="الرصافة",
        muqataa_name="كرادة مريم",
        area_m2="450",
        property_type="shop",
    )
    assert run_import(write_rows(tmp_path / "same-parcel.csv", [row])).published
    [claim] = imported(prefix)
    parcel = db.session.get(Parcel, parcel_id)
    assert claim.parcel_id == parcel.id
    assert (parcel.district, parcel.muqataa_name, parcel.area_m2) == (
        "الكرخ",
        "الكرادة",
        Decimal(300),
    )
    assert (claim.stated_district, claim.stated_muqataa_name, claim.stated_parcel_no) == (
        "الرصافة",
        "كرادة مريم",
        "٠٠٧",
    )
    assert (claim.area_m2, claim.property_type) == (Decimal(450), PropertyType.COMMERCIAL)
    assert claim.parcel_differences() == {"district", "muqataa_name", "area_m2"}


def mixed_rows(prefix: str, muqataa: str, count: int) -> list[dict]:
    """Good rows and rows with every kind of fault, shuffled, as a legacy file has them."""
    faults = [
        {"governorate": "Atlantis"},
        {"governorate": ""},
        {"claimant_name": ""},
        {"property_type": "castle"},
        {"filed_date": "2031-02-01"},
        {"dispossession_date": "31/02/1991"},
        {"claimant_name": "علي\x00 حسن"},
        {"parcel_no": "34a"},
        {"office": "XYZ"},
        {"property_type": "vacant plot", "dispossession_date": "1988", "office": ""},
        {"claim_basis": "", "claimant_id_no": ""},
    ]
    pick = random.Random(prefix)
    rows = []
    for n in range(1, count + 1):
        fault = pick.choice(faults) if pick.random() < 0.4 else {}
        rows.append(legacy_row(f"{prefix}-{n}", muqataa, n, seed=n, **fault))
    rows.append(dict(rows[5]))  # a ref twice
    return rows


def verdicts(batch_id: int) -> list[tuple[int, str, str, list]]:
    return [
        (line, ref, "bad" if verdict == RowVerdict.BAD else "good", json.loads(errors or "[]"))
        for line, ref, verdict, errors in db.session.execute(
            select(ImportRow.line, ImportRow.ref, ImportRow.verdict, ImportRow.errors)
            .where(ImportRow.batch_id == batch_id)
            .order_by(ImportRow.line)
        )
    ]


def test_the_dry_run_and_the_real_import_give_the_same_verdict_row_by_row(
    intake, tmp_path, muqataa
):
    prefix = unique("mix")
    path = write_rows(tmp_path / "mixed.csv", mixed_rows(prefix, muqataa, 300))
    dry = run_import(path, dry_run=True)
    real = run_import(path, partial=True)
    assert [str(error) for error in dry.errors] == [str(error) for error in real.errors]
    assert dry.imported == real.imported > 0 and dry.bad_rows == real.bad_rows > 0
    batches = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(2))
    real_batch, dry_batch = batches.all()
    assert (dry_batch.is_dry_run, dry_batch.status) == (True, ImportStatus.STAGED)
    assert real_batch.status == ImportStatus.PUBLISHED
    assert verdicts(dry_batch.id) == verdicts(real_batch.id)
    good_refs = [
        ref for _line, ref, verdict, _errors in verdicts(real_batch.id) if verdict == "good"
    ]
    assert [claim.import_ref for claim in imported(prefix)] == good_refs
