"""The interchange columns: the base list of DESIGN.md, the optional ones, and the
numbered columns of co-claimants."""

from __future__ import annotations

import re

#: The interchange columns of DESIGN.md, in their order.
BASE_COLUMNS = (
    "ref",
    "governorate",
    "district",
    "muqataa_no",
    "muqataa_name",
    "parcel_no",
    "property_type",
    "address",
    "claimant_name",
    "claimant_id_no",
    "respondent_name",
    "claim_basis",
    "dispossession_date",
    "filed_date",
)
#: What each claimant carries; the first claimant's columns have no number suffix.
CLAIMANT_FIELDS = ("name", "latin_name", "id_no", "id_type", "share", "contact", "heir_of")
#: The optional columns, in the order the export writes them after the base ones.
EXTRA_COLUMNS = (
    "office",
    "remedy",
    "area_m2",
    "description",
    "claimant_latin_name",
    "claimant_id_type",
    "claimant_share",
    "claimant_contact",
    "claimant_heir_of",
    "respondent_latin_name",
)
#: Written by the export after every interchange column; ignored by the import.
RECORD_COLUMNS = ("number", "state")
#: Older exports wrote the claim's number under this name: still known, still ignored.
OLD_RECORD_COLUMNS = ("claim_number",)
KNOWN_COLUMNS = frozenset({*BASE_COLUMNS, *EXTRA_COLUMNS, *RECORD_COLUMNS, *OLD_RECORD_COLUMNS})
NUMBERED_CLAIMANT_RE = re.compile(r"^claimant_(" + "|".join(CLAIMANT_FIELDS) + r")_(\d+)$")


def claimant_columns(index: int) -> tuple[str, ...]:
    """The columns of the index-th claimant (1 is the first: no suffix)."""
    suffix = "" if index == 1 else f"_{index}"
    return tuple(f"claimant_{field}{suffix}" for field in CLAIMANT_FIELDS)


def export_columns(max_claimants: int = 1) -> list[str]:
    columns = [*BASE_COLUMNS, *EXTRA_COLUMNS]
    for index in range(2, max_claimants + 1):
        columns.extend(claimant_columns(index))
    return [*columns, *RECORD_COLUMNS]


def column_key(text: str) -> str:
    """A header cell or a choice as written (`Property Type`, `forced-relocation`) in the
    form the import compares."""
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())
