"""Claims out to the interchange columns (`flask claims export`), streamed.

The export writes a value that starts with = + - or @ behind an apostrophe, so a
spreadsheet shows it as text instead of running it as a formula; the import takes the
apostrophe off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from typing import IO, TYPE_CHECKING

from claims.domain import PartyRole
from claims.interchange.columns import claimant_columns, export_columns

if TYPE_CHECKING:
    from claims.models import Claim

#: A cell starting with one of these is a formula to a spreadsheet program.
_FORMULA_STARTS = ("=", "+", "-", "@")


def cell_safe(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def cell_unsafe(value: str) -> str:
    """A cell as the import reads it: the apostrophe the export put before a formula
    character taken off again."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS) else value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def claim_record(claim: Claim) -> dict[str, str]:
    """One claim in the interchange columns, with the property as the claim states it
    (the import reads it back unchanged), then its number and state."""
    record = {
        "ref": claim.import_ref or claim.number,
        "governorate": claim.stated_governorate_code,
        "district": claim.stated_district,
        "muqataa_no": claim.stated_muqataa_no,
        "muqataa_name": claim.stated_muqataa_name,
        "parcel_no": claim.stated_parcel_no,
        "property_type": _text(claim.property_type),
        "address": claim.address,
        "claim_basis": _text(claim.claim_basis),
        "dispossession_date": _text(claim.dispossession_on),
        "filed_date": _text(claim.filed_on),
        "office": claim.office.code,
        "remedy": _text(claim.remedy),
        "area_m2": _text(claim.area_m2),
        "description": claim.description,
    }
    for index, party in enumerate(claim.claimants, start=1):
        name, latin, id_no, id_type, share, contact, heir_of = claimant_columns(index)
        record[name] = party.full_name
        record[latin] = party.latin_name
        record[id_no] = party.id_document_number
        record[id_type] = _text(party.id_document_type)
        record[share] = _text(party.share_percent)
        record[contact] = party.contact
        record[heir_of] = party.deceased_owner_name if party.is_heir else ""
    respondents = claim.parties_in(PartyRole.RESPONDENT)
    if respondents:
        record["respondent_name"] = respondents[0].full_name
        record["respondent_latin_name"] = respondents[0].latin_name
    record["number"] = claim.number
    record["state"] = _text(claim.state)
    return record


def write_claims_csv(claims: Iterable[Claim], handle: IO[str], *, max_claimants: int = 1) -> int:
    """Write a header and one row per claim as they come (streamed); return the count.

    Open `handle` with encoding="utf-8-sig" (so spreadsheet programs read the Arabic)
    and newline="".
    """
    columns = export_columns(max_claimants)
    writer = csv.DictWriter(handle, fieldnames=columns, restval="", extrasaction="raise")
    writer.writeheader()
    count = 0
    for claim in claims:
        if len(claim.claimants) > max_claimants:
            raise ValueError(f"{claim.number} has more than {max_claimants} claimants")
        writer.writerow({key: cell_safe(value) for key, value in claim_record(claim).items()})
        count += 1
    return count


def claims_csv_text(claims: Iterable[Claim], *, max_claimants: int = 1) -> str:
    """The CSV as a string (small exports, tests)."""
    buffer = io.StringIO()
    write_claims_csv(claims, buffer, max_claimants=max_claimants)
    return buffer.getvalue()
