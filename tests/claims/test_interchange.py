"""Import and export of claims: `flask claims import|export` and claims/interchange.py.

The CLI runs in the operational workspace, which other tests share: every test fills
the fixture files' `{p}` with its own ref prefix and `{m}` with its own muqata'a
number, and asserts only on the claims it made.
"""

from __future__ import annotations

import csv
import dataclasses
import random
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from claims.domain import PartyRole, PropertyType
from claims.interchange import (
    BASE_COLUMNS,
    ArchiveLimits,
    InterchangeError,
    check_archive,
    claims_csv_text,
    parse_date,
    read_claims,
    split_name,
)
from claims.models import Claim
from claims.operations import register_claim
from commission.extensions import db
from demo.claims import generate_demo_claims
from tests.support.app import unique
from tests.support.claims import TODAY, claim_input, claimant

DATA = Path(__file__).parent / "data"


def fill(name: str, tmp_path: Path, *, prefix: str, muqataa: str, suffix=".csv") -> Path:
    text = (DATA / name).read_text(encoding="utf-8")
    path = tmp_path / f"{prefix}{suffix}"
    path.write_text(text.replace("{p}", prefix).replace("{m}", muqataa), encoding="utf-8")
    return path


@pytest.fixture
def prefix():
    return unique("imp")


@pytest.fixture
def muqataa():
    return str(random.randint(100_000, 999_999))


def claims_with(app, prefix: str) -> list[Claim]:
    with app.app_context():
        from commission.workspaces import operational_workspace_id, use_workspace

        with use_workspace(operational_workspace_id(db.session)):
            claims = db.session.scalars(
                select(Claim).where(Claim.import_ref.startswith(prefix)).order_by(Claim.id)
            ).all()
            for claim in claims:
                db.session.expunge(claim)
        db.session.remove()
    return claims


def run(runner, *args):
    return runner.invoke(args=["claims", *map(str, args)])


# ---------------------------------------------------------------------------- import


def test_dry_run_names_every_bad_row_and_reason_and_changes_nothing(
    app, runner, tmp_path, prefix, muqataa
):
    path = fill("claims_bad.csv", tmp_path, prefix=prefix, muqataa=muqataa)
    result = run(runner, "import", path, "--dry-run")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()

    def reasons(line):
        return [text for text in lines if text.startswith((f"line {line} ", f"line {line}:"))]

    assert "is not a date" in reasons(3)[0] and "dispossession_date" in reasons(3)[0]
    assert "unknown governorate 'Atlantis'" in reasons(4)[0]
    assert "parcel_no" in reasons(5)[0] and "34a" in reasons(5)[0]
    assert "ref: is missing" in reasons(6)[0]
    assert "duplicate of the ref on line 2" in reasons(7)[0]
    assert {"claimant_name", "dispossession_date"} <= {text.split(": ")[1] for text in reasons(8)}
    assert not reasons(2) and not reasons(9)
    assert "Dry run: 8 rows read, 6 bad, 0 already imported (skipped), 2 would be imported" in (
        result.output
    )
    assert claims_with(app, prefix) == []


def test_one_bad_row_and_nothing_is_imported(app, runner, tmp_path, prefix, muqataa):
    path = fill("claims_bad.csv", tmp_path, prefix=prefix, muqataa=muqataa)
    result = run(runner, "import", path)
    assert result.exit_code == 1
    assert "Nothing imported" in result.output
    assert "line 3 (ref " in result.output
    assert claims_with(app, prefix) == []


def test_partial_imports_the_good_rows_and_reports_the_bad(app, runner, tmp_path, prefix, muqataa):
    path = fill("claims_bad.csv", tmp_path, prefix=prefix, muqataa=muqataa)
    result = run(runner, "import", path, "--partial")
    assert result.exit_code == 1
    assert "Imported 2 claims: 8 rows read, 6 bad" in result.output
    assert "line 4 (ref" in result.output
    assert [claim.import_ref for claim in claims_with(app, prefix)] == [
        f"{prefix}-001",
        f"{prefix}-008",
    ]


def test_importing_the_same_file_twice_creates_nothing_new(app, runner, tmp_path, prefix, muqataa):
    path = fill("claims_good.csv", tmp_path, prefix=prefix, muqataa=muqataa)
    first = run(runner, "import", path)
    assert first.exit_code == 0, first.output
    assert "Imported 4 claims: 4 rows read, 0 bad, 0 already imported" in first.output
    numbers = [claim.number for claim in claims_with(app, prefix)]
    second = run(runner, "import", path)
    assert second.exit_code == 0, second.output
    assert "Imported 0 claims: 4 rows read, 0 bad, 4 already imported (skipped)" in second.output
    assert [claim.number for claim in claims_with(app, prefix)] == numbers


def test_a_csv_import_registers_parties_parcels_and_offices(app, runner, tmp_path, prefix, muqataa):
    path = fill("claims_good.csv", tmp_path, prefix=prefix, muqataa=muqataa)
    result = run(runner, "import", path)
    assert result.exit_code == 0, result.output
    first, sinjar, heirs, diyala = claims_with(app, prefix)

    assert first.number.startswith("BGD-2026-")
    assert first.parcel.parcel_key == f"IQ-BG|{muqataa}|345/6"
    assert first.stated_parcel_no == "٣٤٥/٦"
    assert first.dispossession_on == date(1991, 5, 12)  # 12/05/1991 is day first
    [claimant] = first.claimants
    assert (claimant.given_name, claimant.father_name, claimant.family_name) == (
        "محمد",
        "عبد الرحمن",
        "الجبوري",
    )
    assert claimant.latin_name == "Mohamed Abdulrahman Hussein al-Jubouri"
    assert claimant.id_document_number == "199012345678"
    [respondent] = first.parties_in(PartyRole.RESPONDENT)
    assert respondent.full_name == "علي حسن كاظم التميمي"

    assert sinjar.office.code == "NIN" and sinjar.parcel.governorate_code == "IQ-NI"
    assert sinjar.remedy == "compensation" and sinjar.area_m2 == Decimal(25000)
    assert sinjar.claimants[0].latin_name == "Khidr Elias Qasim al-Harki"
    assert sinjar.claimants[0].given_name == "Khidr"

    assert [party.share_percent for party in heirs.claimants] == [Decimal(60), Decimal(40)]
    assert all(party.is_heir for party in heirs.claimants)
    assert heirs.claim_basis == "forced_relocation"

    assert diyala.claim_basis == "forced_relocation"  # تهجير قسري
    assert diyala.dispossession_on == date(1988, 4, 3)
    assert diyala.claimants[0].given_name == "عبد الله"
    assert diyala.claimants[0].father_name == "نور الدين"


def test_office_option_registers_every_row_there(app, runner, tmp_path, prefix, muqataa):
    path = fill("claims_good.csv", tmp_path, prefix=prefix, muqataa=muqataa)
    result = run(runner, "import", path, "--office", "erb")
    assert result.exit_code == 0, result.output
    assert {claim.office.code for claim in claims_with(app, prefix)} == {"ERB"}


def test_a_row_without_an_office_is_registered_by_its_governorates_office(
    app, runner, tmp_path, prefix, muqataa
):
    path = fill("claims_good.csv", tmp_path, prefix=prefix, muqataa=muqataa)
    path.write_text(path.read_text(encoding="utf-8-sig").replace(",NIN,", ",,"), "utf-8")
    result = run(runner, "import", path)
    assert result.exit_code == 0, result.output
    sinjar = claims_with(app, prefix)[1]
    assert sinjar.parcel.governorate_code == "IQ-NI" and sinjar.office.code == "NIN"


def test_an_unknown_office_is_refused(app, runner, tmp_path, prefix, muqataa):
    path = fill("claims_good.csv", tmp_path, prefix=prefix, muqataa=muqataa)
    refused = run(runner, "import", path, "--office", "XYZ")
    assert refused.exit_code != 0
    assert "no office with code 'XYZ'" in refused.output
    path.write_text(path.read_text(encoding="utf-8-sig").replace(",NIN,", ",XYZ,"), "utf-8")
    result = run(runner, "import", path, "--dry-run")
    assert result.exit_code == 1
    assert f"line 3 (ref {prefix}-002): office: unknown office 'XYZ'" in result.output
    assert claims_with(app, prefix) == []


def xlsx_of_rows(path: Path, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_an_xlsx_file_imports_like_a_csv(app, runner, tmp_path, prefix, muqataa):
    header = list(BASE_COLUMNS) + ["claimant_latin_name"]
    rows = [
        header,
        # Excel keeps numbers as numbers and dates as dates.
        [f"{prefix}-1", "IQ-NI", "Mosul", int(muqataa), "الموصل القديمة", 345, "house"]
        + ["", "يوسف خضر الياس الحمداني", 199912345678, "", "conflict_displacement"]
        + [datetime(2014, 6, 10), datetime(2026, 1, 5), "Yousif Khidr Elias al-Hamdani"],
        [],
        [f"{prefix}-2", "Kirkuk", "Hawija", muqataa, "", "12/3", "house"]
        + ["", "Ahmed Saleh", "", "", "confiscation", "", "2026-02-01", ""],
    ]
    path = xlsx_of_rows(tmp_path / "claims.xlsx", rows)
    result = run(runner, "import", path, "--office", "NIN")
    assert result.exit_code == 0, result.output
    assert "Imported 2 claims" in result.output
    mosul, kirkuk = claims_with(app, prefix)
    assert mosul.parcel.parcel_key == f"IQ-NI|{muqataa}|345"
    assert mosul.dispossession_on == date(2014, 6, 10)
    assert mosul.filed_on == date(2026, 1, 5)
    assert mosul.claimants[0].id_document_number == "199912345678"
    assert kirkuk.parcel.governorate_code == "IQ-KI" and kirkuk.parcel.parcel_sub == 3


def test_xlsx_bad_rows_are_reported_by_sheet_row(app, runner, tmp_path, prefix):
    rows = [
        list(BASE_COLUMNS),
        [f"{prefix}-1", "Baghdad", "", "4", "", "1", "castle", "", "علي", "", "", "other"]
        + ["", "2026-01-01"],
    ]
    path = xlsx_of_rows(tmp_path / "bad.xlsx", rows)
    result = run(runner, "import", path, "--office", "BGD", "--dry-run")
    assert result.exit_code == 1
    assert f"line 2 (ref {prefix}-1): property_type: 'castle' is not one of" in result.output


def test_an_oversized_xlsx_is_refused_before_it_is_opened(
    app, runner, tmp_path, prefix, monkeypatch
):
    rows = [list(BASE_COLUMNS)] + [
        [f"{prefix}-{i}", "Baghdad", "", "4", "", str(i), "house", "", "علي حسن"]
        + ["", "", "other", "", "2026-01-01"]
        for i in range(1, 200)
    ]
    path = xlsx_of_rows(tmp_path / "big.xlsx", rows)

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl opened an archive that should have been refused")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_open)
    monkeypatch.setitem(app.config, "QAYD_IMPORT_MAX_XLSX_BYTES", 4096)
    result = run(runner, "import", path, "--office", "BGD")
    assert result.exit_code != 0
    assert "more than the 4,096 allowed: refused unopened" in result.output
    assert "Nothing was imported" in result.output
    assert claims_with(app, prefix) == []


def test_an_archive_of_too_many_parts_is_refused(tmp_path):
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(20):
            archive.writestr(f"xl/part{index}.xml", "<x/>")
    with pytest.raises(InterchangeError, match="20 parts, more than the 10 allowed"):
        check_archive(path, ArchiveLimits(max_members=10))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0 old excel", "old Excel"),
        ("ref,governorate\nr1,بغداد\n".encode("cp1256"), "not UTF-8"),
        (b"governorate,parcel_no\nBaghdad,1\n", "no `ref` column"),
        (b"", "empty"),
        (b"PK\x03\x04 broken zip", "not a readable XLSX"),
    ],
)
def test_unreadable_files_are_refused_whole(tmp_path, content, message):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    with pytest.raises(InterchangeError, match=message):
        read_claims(path, today=TODAY)


def test_csv_with_and_without_bom_and_with_semicolons_read_the_same(tmp_path):
    text = (DATA / "claims_good.csv").read_text(encoding="utf-8-sig")
    plain, bom, semicolons = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    plain.write_text(text, encoding="utf-8")
    bom.write_text(text, encoding="utf-8-sig")
    # Re-written with ; as some spreadsheet locales save CSV.
    import csv

    with (
        plain.open(encoding="utf-8", newline="") as source,
        semicolons.open("w", encoding="utf-8", newline="") as target,
    ):
        csv.writer(target, delimiter=";").writerows(csv.reader(source))
    parsed = [read_claims(path, today=TODAY) for path in (plain, bom, semicolons)]
    assert parsed[0] == parsed[1] == parsed[2]
    assert all(row.ok for row in parsed[0])


def test_unknown_columns_are_reported_as_warnings(runner, tmp_path, prefix, muqataa):
    path = fill("claims_good.csv", tmp_path, prefix=prefix, muqataa=muqataa)
    text = path.read_text(encoding="utf-8-sig").replace("area_m2", "area_sqm", 1)
    path.write_text(text, encoding="utf-8")
    result = run(runner, "import", path, "--dry-run")
    assert "warning: column 'area_sqm' is not an interchange column: ignored" in result.output


# ----------------------------------------------------------------------- the parsing


NAME_SPLITS = [
    ("محمد عبد الرحمن حسين الجبوري", ("محمد", "عبد الرحمن", "حسين", "الجبوري")),
    ("علي حسن", ("علي", "حسن", "", "")),
    ("علي حسن كاظم جاسم التميمي", ("علي", "حسن", "كاظم", "جاسم التميمي")),
    ("نور الدين أبو بكر جار الله آل سعود", ("نور الدين", "أبو بكر", "جار الله", "آل سعود")),
    (
        "Mohamed Abd al-Rahman Hussein el-Jubouri",
        ("Mohamed", "Abd al-Rahman", "Hussein", "el-Jubouri"),
    ),
    ("Ali  Abdul Karim   Al Tamimi", ("Ali", "Abdul Karim", "Al Tamimi", "")),
]


@pytest.mark.parametrize(("name", "parts"), NAME_SPLITS)
def test_names_split_into_four_parts_keeping_compounds(name, parts):
    assert split_name(name) == parts


@pytest.mark.parametrize(
    ("entered", "expected"),
    [
        ("2026-03-01", date(2026, 3, 1)),
        ("01/03/2026", date(2026, 3, 1)),
        ("1.3.2026", date(2026, 3, 1)),
        ("٠١/٠٣/٢٠٢٦", date(2026, 3, 1)),
        ("2026/03/01", date(2026, 3, 1)),
        ("2026-03-01 00:00:00", date(2026, 3, 1)),
    ],
)
def test_dates_iso_or_day_first_in_any_digits(entered, expected):
    assert parse_date(entered) == expected


@pytest.mark.parametrize("entered", ["31/02/2026", "2026-13-01", "March 1", "03/01/26"])
def test_impossible_or_ambiguous_dates_are_refused(entered):
    with pytest.raises(ValueError):
        parse_date(entered)


# ------------------------------------------------------------------------ round trip


def test_export_then_import_gives_back_the_same_claims(app, runner, tmp_path, prefix, muqataa):
    source = fill("claims_good.csv", tmp_path, prefix=prefix, muqataa=muqataa)
    assert run(runner, "import", source).exit_code == 0
    exported = tmp_path / "export.csv"
    result = run(runner, "export", exported)
    assert result.exit_code == 0, result.output
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Arabic

    ours = tmp_path / "ours.csv"
    lines = exported.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    ours.write_text(lines[0] + "".join(line for line in lines if line.startswith(prefix)))
    again = {row.ref: row for row in read_claims(ours, today=TODAY)}
    original = {row.ref: row for row in read_claims(source, today=TODAY)}
    assert again.keys() == original.keys()
    for ref, row in original.items():
        assert again[ref].ok, again[ref].errors
        assert again[ref].claim == row.claim
        assert again[ref].office_code == row.office_code

    # The export of an already imported file imports as nothing new.
    second = run(runner, "import", ours)
    assert "Imported 0 claims: 4 rows read, 0 bad, 4 already imported" in second.output


def test_the_export_ends_with_number_and_state_and_the_import_ignores_them(
    app, runner, tmp_path, prefix, muqataa
):
    source = fill("claims_good.csv", tmp_path, prefix=prefix, muqataa=muqataa)
    assert run(runner, "import", source).exit_code == 0
    exported = tmp_path / "export.csv"
    assert run(runner, "export", exported).exit_code == 0
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header[-2:] == ["number", "state"] and "claim_number" not in header
    ours = [row for row in rows if row[0].startswith(prefix)]
    numbers = {claim.import_ref: claim.number for claim in claims_with(app, prefix)}
    assert {row[0]: tuple(row[-2:]) for row in ours} == {
        ref: (number, "registered") for ref, number in numbers.items()
    }

    # Imported again under new refs, with made-up numbers and states and an older
    # export's claim_number: no warning, and the claims get their own number and state.
    again = unique("imp")
    reimport = tmp_path / "reimport.csv"
    with reimport.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, "claim_number"])
        for row in ours:
            row = [again + row[0].removeprefix(prefix), *row[1:-2]]
            writer.writerow([*row, "BGD-1999-000001", "final", "BGD-1999-000001"])
    result = run(runner, "import", reimport)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    imported = claims_with(app, again)
    assert len(imported) == len(ours)
    assert {claim.state for claim in imported} == {"registered"}
    assert not {claim.number for claim in imported} & {"BGD-1999-000001", *numbers.values()}


def test_demo_claims_survive_an_export_and_import(intake, tmp_path):
    """Hundreds of varied claims (heirs, Latin names, Arabic-Indic digits) in a fresh
    workspace: every field the import reads comes back from the export."""
    demo = generate_demo_claims(300, seed=7, today=TODAY)
    office = intake.office("NIN")
    for data in demo:
        register_claim(db.session, data, by=None, office=office, today=TODAY, store=intake.store)
    db.session.flush()
    claims = db.session.scalars(select(Claim).order_by(Claim.id)).all()
    most = max(len(claim.claimants) for claim in claims)
    path = tmp_path / "demo-export.csv"
    path.write_text(claims_csv_text(claims, max_claimants=most), encoding="utf-8")
    rows = read_claims(path, today=TODAY)
    assert [row.ref for row in rows] == [data.import_ref for data in demo]
    for row, data in zip(rows, demo, strict=True):
        assert row.ok, row.errors
        # Each claim's property comes back as it stated it, whoever else claims the parcel;
        # flags are what the file lacks, not part of the claim registered here.
        assert dataclasses.replace(row.claim, quality_flags=[]) == data
        lacks_id = any(not party.id_document_number for party in data.in_role(PartyRole.CLAIMANT))
        assert row.claim.quality_flags == (["no_identity_number"] if lacks_id else [])
    db.session.rollback()


def test_the_export_defuses_spreadsheet_formulas_and_the_import_restores_them(intake, tmp_path):
    data = claim_input(
        address='=HYPERLINK("http://evil.example","click")',
        description="-2+3",
        parties=[claimant(latin_name="@SUM(A1)"), claimant(given="علي", share_percent=None)],
        import_ref=unique("formula"),
    )
    data.parties[0].share_percent = Decimal(50)
    data.parties[1].share_percent = Decimal(50)
    claim = register_claim(
        db.session, data, by=None, office=intake.office(), today=TODAY, store=intake.store
    )
    path = tmp_path / "formulas.csv"
    path.write_text(claims_csv_text([claim], max_claimants=2), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'-2+3" in text and "'@SUM(A1)" in text
    [row] = read_claims(path, today=TODAY)
    assert row.ok, row.errors
    assert row.claim.address == data.address
    assert row.claim.description == data.description
    assert row.claim.parties[0].latin_name == "@SUM(A1)"
    db.session.rollback()


def test_an_export_to_a_missing_folder_says_so(runner, tmp_path):
    result = run(runner, "export", tmp_path / "no-such-folder" / "claims.csv")
    assert result.exit_code != 0
    assert "cannot write" in result.output


def test_two_claims_on_one_parcel_export_each_its_own_property_facts(intake, tmp_path):
    house = claim_input(import_ref=unique("own-facts"))
    land = claim_input(
        import_ref=unique("own-facts"),
        parties=[claimant(given="فاطمة", father="علي", family="الساعدي")],
        parcel=dataclasses.replace(
            house.parcel, property_type=PropertyType.RESIDENTIAL_LAND, area_m2=Decimal("300")
        ),
    )
    first, second = intake.register(house), intake.register(land)
    db.session.commit()
    assert first.parcel_id == second.parcel_id
    exported = tmp_path / "two.csv"
    exported.write_text(claims_csv_text([first, second]), encoding="utf-8")
    rows = {row.ref: row for row in read_claims(exported, today=TODAY)}
    assert rows[house.import_ref].claim.parcel.property_type == PropertyType.HOUSE
    assert rows[house.import_ref].claim.parcel.area_m2 == Decimal("250")
    assert rows[land.import_ref].claim.parcel.property_type == PropertyType.RESIDENTIAL_LAND
    assert rows[land.import_ref].claim.parcel.area_m2 == Decimal("300")
