"""Rows of import files as a commission's legacy spreadsheets hold them, for the tests."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from sqlalchemy import select

from claims.interchange import BASE_COLUMNS, ClaimFile, import_claims
from claims.models import Claim
from commission.extensions import db
from tests.support.claims import TODAY

GIVEN = ["محمد", "أحمد", "علي", "حسين", "عبد الله", "Khidr", "Yousif", "Ahmed", "Omar", "Sara"]
FATHERS = ["حسن", "كاظم", "عبد الرحمن", "Elias", "Saleh", "Jasim", "نور الدين"]
FAMILIES = ["الجبوري", "التميمي", "al-Harki", "al-Dulaimi", "الحمداني", "al-Obeidi"]


def legacy_row(ref: str, muqataa: str, number: int, *, seed: int = 0, **overrides) -> dict:
    """One good row, names in either script, its own parcel `number` in `muqataa`."""
    pick = random.Random(f"{ref}-{seed}")
    row = {
        "ref": ref,
        "governorate": pick.choice(["Baghdad", "بغداد", "IQ-BG"]),
        "district": "Karrada",
        "muqataa_no": muqataa,
        "muqataa_name": "الكرادة",
        "parcel_no": str(number),
        "property_type": pick.choice(["house", "apartment", "دار"]),
        "address": f"محلة {pick.randint(100, 999)}، زقاق {pick.randint(1, 60)}، دار {number}",
        "claimant_name": " ".join(
            (pick.choice(GIVEN), pick.choice(FATHERS), "حسين", pick.choice(FAMILIES))
        ),
        "claimant_id_no": str(pick.randint(10**11, 10**12 - 1)),
        "respondent_name": "",
        "claim_basis": pick.choice(["confiscation", "مصادرة", "forced_relocation"]),
        "dispossession_date": f"{pick.randint(1, 28):02d}/{pick.randint(1, 12):02d}/1991",
        "filed_date": "2026-03-01",
        "office": "BGD",
    }
    row.update(overrides)
    return row


def write_rows(path: Path, rows: list[dict]) -> Path:
    columns = list(BASE_COLUMNS) + [
        column for row in rows for column in row if column not in BASE_COLUMNS
    ]
    columns = list(dict.fromkeys(columns))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(path, **options):
    """`flask claims import` in the current workspace, its session's commit the boundary."""
    with ClaimFile(path, today=TODAY) as claim_file:
        return import_claims(
            db.session,
            claim_file,
            office_code=options.pop("office_code", None),
            by=None,
            commit=db.session.commit,
            **options,
        )


def imported(prefix: str) -> list[Claim]:
    """The claims imported from rows whose ref starts with `prefix`, in file order."""
    return db.session.scalars(
        select(Claim).where(Claim.import_ref.startswith(prefix)).order_by(Claim.id)
    ).all()
