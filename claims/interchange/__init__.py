"""Claims in and out of files: the interchange columns as CSV or XLSX, and the field
form's exports from KoboToolbox and ODK Central.

No Flask here. `columns` lists the columns; `readers` turns a CSV or XLSX file into
rows (`ClaimFile`, with the XLSX archive limits); `rows` turns one row into a
`ClaimInput` or the row's errors, without touching the database; `fieldform` is the
XLSForm for field collection, whose questions are named after the columns, and `field`
reads its exports (`FieldExport`: submissions, co-claimants, attachments) into the same
rows; `importing` registers the good rows in a session it never commits; `export`
writes `Claim` rows back into the same columns. The CLI (`flask claims
import|export`, claims/cli.py) is the boundary: it picks the workspace and commits or
rolls back.

Columns (header row, any order, names case-insensitive; UTF-8 with or without BOM).
The interchange columns of DESIGN.md:

    ref, governorate, district, muqataa_no, muqataa_name, parcel_no, property_type,
    address, claimant_name, claimant_id_no, respondent_name, claim_basis,
    dispossession_date, filed_date

and these optional ones:

    office                 office code that registers the row (BGD, NIN …); the
                           `--office` option of the import overrides it
    remedy                 restitution (default) or compensation
    area_m2                parcel area in square metres
    description            free text
    claimant_latin_name    the first claimant's name in Latin letters, as they spell it
    claimant_id_type       national_id, civil_status_id, nationality_certificate,
                           passport or other
    claimant_share         share in percent (needed when there are co-claimants)
    claimant_contact       phone or address for the claimant
    claimant_heir_of       name of the deceased owner when the claimant claims as heir
    respondent_latin_name  the respondent's name in Latin letters
    claimant_name_2, claimant_latin_name_2, claimant_id_no_2, claimant_id_type_2,
    claimant_share_2, claimant_contact_2, claimant_heir_of_2, then _3, _4 …
                           further co-claimants, as many as the header names; the
                           shares of all claimants must add up to 100

The export writes two more columns after all of these, `number` and `state` (the
claim's number and its state in the workflow), and the import ignores them, as it
ignores `claim_number`, which older exports wrote instead of `number`: a claim's number
and state are the commission's to give, not the file's. How each value is read is in
`rows`.
"""

from claims.interchange.columns import (
    BASE_COLUMNS,
    CLAIMANT_FIELDS,
    EXTRA_COLUMNS,
    RECORD_COLUMNS,
    claimant_columns,
    export_columns,
)
from claims.interchange.export import claim_record, claims_csv_text, write_claims_csv
from claims.interchange.field import FieldExport, FieldFormat, detect_format, open_import_file
from claims.interchange.importing import ImportReport, import_claims
from claims.interchange.names import is_arabic_script, is_latin_script, party_from_name, split_name
from claims.interchange.readers import (
    MAX_XLSX_MEMBERS,
    MAX_XLSX_UNCOMPRESSED_BYTES,
    ArchiveLimits,
    ClaimFile,
    InterchangeError,
    check_archive,
    read_claims,
)
from claims.interchange.rows import (
    ParsedRow,
    RowError,
    parse_date,
    parse_record,
)

__all__ = [
    "BASE_COLUMNS",
    "CLAIMANT_FIELDS",
    "EXTRA_COLUMNS",
    "MAX_XLSX_MEMBERS",
    "MAX_XLSX_UNCOMPRESSED_BYTES",
    "RECORD_COLUMNS",
    "ArchiveLimits",
    "ClaimFile",
    "FieldExport",
    "FieldFormat",
    "ImportReport",
    "InterchangeError",
    "ParsedRow",
    "RowError",
    "check_archive",
    "claim_record",
    "claimant_columns",
    "claims_csv_text",
    "detect_format",
    "export_columns",
    "import_claims",
    "is_arabic_script",
    "is_latin_script",
    "open_import_file",
    "parse_date",
    "parse_record",
    "party_from_name",
    "read_claims",
    "split_name",
    "write_claims_csv",
]
