"""Claims in and out of files: the interchange columns as CSV or XLSX.

No Flask here: `ClaimFile`/`read_claims` turn a file into `ClaimInput`s (or row errors
saying which line and why) without touching the database; `import_claims` registers
the good rows with `register_claim` in a session it never commits; `write_claims_csv`
turns `Claim` rows back into the same columns. The CLI (`flask claims import|export`,
claims/cli.py) is the boundary: it picks the workspace and commits once or rolls back.

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
and state are the commission's to give, not the file's.

Values:

- `ref` is required and unique within the file; it becomes `Claim.import_ref`, which
  makes imports idempotent.
- `governorate`: anything `commission.governorates.resolve_governorate` reads: ISO
  3166-2 code (IQ-BG, IQ BG, BG), office code (BGD), or a name in English (Baghdad,
  Ninawa, Salah al-Din …), Arabic (بغداد، محافظة نينوى …) or Kurdish (هەولێر …).
- Names are one string in either script. Arabic script is split at spaces into the
  four-part Iraqi name (given, father, grandfather, family/tribe; anything after the
  third part goes into the family name), keeping compounds such as عبد الرحمن or
  نور الدين together. A Latin-script name is split the same way (Abdul Rahman,
  Abd al-Rahman, Abu Bakr stay one part) and is also kept whole as the Latin name.
- Dates: YYYY-MM-DD, or day first as Iraqi forms write them (DD/MM/YYYY, DD-MM-YYYY,
  DD.MM.YYYY); Arabic-Indic digits are accepted. In XLSX a date cell is used as is.
- `property_type`, `claim_basis`, `remedy`, `claimant_id_type`: the value names above
  (spaces or hyphens for underscores), or a few common Arabic words (دار، أرض زراعية،
  مصادرة، تهجير قسري …).
- Parcel numbers in any digits, with an optional sub-number: 345, ٣٤٥/٦, 345-6.
- The export writes a value that starts with = + - or @ behind an apostrophe, so a
  spreadsheet shows it as text instead of running it as a formula; the import takes
  the apostrophe off again.

XLSX files are read with openpyxl in read-only mode (defusedxml installed, so the XML
parsers refuse entity tricks). Before openpyxl sees an archive, its central directory is
checked: more members or more uncompressed bytes than `ArchiveLimits` allows and the
file is refused unopened. Python's zipfile never inflates a member past its declared
size, so the declared sizes checked here bound the real ones.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO

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
from claims.matching import MatchThresholds
from claims.matching.normalise import fold_digits
from claims.models import Claim
from claims.operations import DEFAULT_THRESHOLDS, ClaimInvalid, register_claim, validate_claim
from claims.parcels import parse_decimal
from commission.accounts.models import Office, User
from commission.governorates import UnknownGovernorate, resolve_governorate

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
_OLD_RECORD_COLUMNS = ("claim_number",)
_NUMBERED_CLAIMANT_RE = re.compile(r"^claimant_(" + "|".join(CLAIMANT_FIELDS) + r")_(\d+)$")

#: Import files larger than this are refused; the CLI reads overrides from the app
#: config keys QAYD_IMPORT_MAX_XLSX_BYTES and QAYD_IMPORT_MAX_XLSX_MEMBERS.
MAX_XLSX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_XLSX_MEMBERS = 1000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclasses.dataclass(frozen=True)
class ArchiveLimits:
    max_uncompressed_bytes: int = MAX_XLSX_UNCOMPRESSED_BYTES
    max_members: int = MAX_XLSX_MEMBERS


class InterchangeError(ValueError):
    """The file as a whole cannot be read (format, encoding, header, size)."""


@dataclasses.dataclass(frozen=True)
class RowError:
    line: int
    ref: str
    #: The column at fault (or a rule's name, e.g. `ref` for a duplicate).
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" (ref {self.ref})" if self.ref else "")
        return f"{where}: {self.column}: {self.message}"


@dataclasses.dataclass
class ParsedRow:
    line: int
    ref: str
    #: The `office` column, upper-cased; empty when the file has none.
    office_code: str
    claim: ClaimInput | None
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


def claimant_columns(index: int) -> tuple[str, ...]:
    """The columns of the index-th claimant (1 is the first: no suffix)."""
    suffix = "" if index == 1 else f"_{index}"
    return tuple(f"claimant_{field}{suffix}" for field in CLAIMANT_FIELDS)


def export_columns(max_claimants: int = 1) -> list[str]:
    columns = [*BASE_COLUMNS, *EXTRA_COLUMNS]
    for index in range(2, max_claimants + 1):
        columns.extend(claimant_columns(index))
    return [*columns, *RECORD_COLUMNS]


# ---------------------------------------------------------------------------- names

_ARABIC_LETTER_RE = re.compile(
    "[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"
)
_LATIN_LETTER_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
#: Words that belong with the word after them (عبد الرحمن، أبو بكر، Abd al-Rahman).
_NAME_PREFIXES = frozenset(
    {"عبد", "ابو", "أبو", "ابي", "أبي", "ام", "أم", "بن", "ابن", "آل"}
    | {"abd", "abdul", "abdel", "abdal", "abu", "abou", "umm", "um", "bin", "ibn", "ben"}
    | {"al", "el", "ul", "ad", "ud"}
)
#: Words that belong with the word before them (نور الدين، جار الله, Nur al-Din).
_NAME_SUFFIXES = frozenset(
    {"الدين", "الله"} | {"al-din", "ad-din", "ud-din", "el-din", "eddin", "uddin", "allah", "ullah"}
)


def is_arabic_script(text: str) -> bool:
    return bool(_ARABIC_LETTER_RE.search(text))


def is_latin_script(text: str) -> bool:
    return not is_arabic_script(text) and bool(_LATIN_LETTER_RE.search(text))


def name_parts(name: str) -> list[str]:
    """Split a name at spaces, keeping compound names (عبد الرحمن, Abu Bakr) whole."""
    parts: list[str] = []
    glue_next = False
    for word in name.split():
        lowered = word.casefold()
        if parts and (glue_next or lowered in _NAME_SUFFIXES):
            parts[-1] = f"{parts[-1]} {word}"
        else:
            parts.append(word)
        glue_next = lowered in _NAME_PREFIXES
    return parts


def split_name(name: str) -> tuple[str, str, str, str]:
    """The four-part Iraqi name: given, father, grandfather, family (the rest)."""
    parts = name_parts(name)
    parts += [""] * (4 - len(parts))
    return parts[0], parts[1], parts[2], " ".join(part for part in parts[3:] if part)


def party_from_name(role: PartyRole, name: str, *, latin_name: str = "", **fields) -> PartyInput:
    """A party from one name string in either script (see the module docstring)."""
    name = " ".join(name.split())
    given, father, grandfather, family = split_name(name)
    if is_latin_script(name):
        latin_name = latin_name or name
    return PartyInput(
        role=role,
        given_name=given,
        father_name=father,
        grandfather_name=grandfather,
        family_name=family,
        latin_name=" ".join(latin_name.split()),
        **fields,
    )


# ---------------------------------------------------------------------- plain values


def _choice_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


_PROPERTY_TYPE_WORDS = {
    "دار": PropertyType.HOUSE,
    "بيت": PropertyType.HOUSE,
    "منزل": PropertyType.HOUSE,
    "شقة": PropertyType.APARTMENT,
    "ارض_سكنية": PropertyType.RESIDENTIAL_LAND,
    "أرض_سكنية": PropertyType.RESIDENTIAL_LAND,
    "ارض_زراعية": PropertyType.AGRICULTURAL_LAND,
    "أرض_زراعية": PropertyType.AGRICULTURAL_LAND,
    "بستان": PropertyType.AGRICULTURAL_LAND,
    "محل": PropertyType.COMMERCIAL,
    "تجاري": PropertyType.COMMERCIAL,
    "land": PropertyType.RESIDENTIAL_LAND,
    "farmland": PropertyType.AGRICULTURAL_LAND,
    "shop": PropertyType.COMMERCIAL,
}
_CLAIM_BASIS_WORDS = {
    "مصادرة": ClaimBasis.CONFISCATION,
    "استملاك": ClaimBasis.CONFISCATION,
    "تهجير": ClaimBasis.FORCED_RELOCATION,
    "تهجير_قسري": ClaimBasis.FORCED_RELOCATION,
    "ترحيل": ClaimBasis.FORCED_RELOCATION,
    "نزوح": ClaimBasis.CONFLICT_DISPLACEMENT,
    "displacement": ClaimBasis.CONFLICT_DISPLACEMENT,
    "relocation": ClaimBasis.FORCED_RELOCATION,
    "اخرى": ClaimBasis.OTHER,
    "أخرى": ClaimBasis.OTHER,
}
_REMEDY_WORDS = {
    "استرداد": Remedy.RESTITUTION,
    "اعادة": Remedy.RESTITUTION,
    "إعادة": Remedy.RESTITUTION,
    "تعويض": Remedy.COMPENSATION,
}


def _choice(enum_class, words: dict, entered: str):
    key = _choice_key(entered)
    try:
        return enum_class(key)
    except ValueError:
        return words.get(key)


def _choices_text(enum_class) -> str:
    return ", ".join(member.value for member in enum_class)


_YMD_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]00:00(?::00)?)?$")
_DMY_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def parse_date(entered: str) -> date:
    """YYYY-MM-DD (also with / or .), or day first: DD/MM/YYYY; any digits."""
    text = fold_digits(entered).strip()
    match = _YMD_RE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _DMY_RE.match(text)
        if not match:
            raise ValueError(entered)
        day, month, year = (int(part) for part in match.groups())
    return date(year, month, day)


# --------------------------------------------------------------------------- reading


def check_archive(path: str | Path, limits: ArchiveLimits) -> None:
    """Refuse an XLSX whose central directory promises too much, before opening it."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise InterchangeError(f"not a readable XLSX file ({error})") from None
    if len(members) > limits.max_members:
        raise InterchangeError(
            f"the XLSX archive has {len(members)} parts, more than the "
            f"{limits.max_members} allowed: refused unopened"
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed_bytes:
        raise InterchangeError(
            f"the XLSX archive unpacks to {total:,} bytes, more than the "
            f"{limits.max_uncompressed_bytes:,} allowed: refused unopened"
        )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_records(path: Path, limits: ArchiveLimits) -> Iterator[tuple[int, list[str]]]:
    check_archive(path, limits)
    from openpyxl import load_workbook  # only imported when an XLSX is read

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise InterchangeError(f"not a readable XLSX file ({error})") from None
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _csv_dialect(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter]) if any(counts.values()) else ","


def _csv_records(handle: IO[str]) -> Iterator[tuple[int, list[str]]]:
    first_line = handle.readline()
    handle.seek(0)
    reader = csv.reader(handle, delimiter=_csv_dialect(first_line))
    line = 1
    try:
        for record in reader:
            yield line, [value.strip() for value in record]
            line = reader.line_num + 1
    except csv.Error as error:
        raise InterchangeError(f"line {reader.line_num}: not valid CSV ({error})") from None


def _records(path: Path, limits: ArchiveLimits) -> Iterator[tuple[int, list[str]]]:
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == _ZIP_MAGIC:
        yield from _xlsx_records(path, limits)
        return
    if magic == _OLE_MAGIC:
        raise InterchangeError("old Excel (.xls) files are not read: save it as .xlsx or CSV")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from _csv_records(handle)
    except UnicodeDecodeError as error:
        raise InterchangeError(
            f"the file is not UTF-8 text (byte {error.start}): save it as CSV UTF-8 or XLSX"
        ) from None


def _header(values: list[str]) -> list[str]:
    names = [_choice_key(value) for value in values]
    seen = set()
    for name in names:
        if name and name in seen:
            raise InterchangeError(f"the column {name!r} appears twice in the header")
        seen.add(name)
    if "ref" not in seen:
        raise InterchangeError("the header has no `ref` column (the first row must name columns)")
    return names


class ClaimFile:
    """An import file, read row by row: `columns`, `warnings`, then iterate `rows()`."""

    def __init__(self, path: str | Path, *, today: date, limits: ArchiveLimits | None = None):
        self.path = Path(path)
        self.today = today
        self.limits = limits or ArchiveLimits()
        self.warnings: list[str] = []
        self._records = _records(self.path, self.limits)
        try:
            _line, header = next(self._records)
        except StopIteration:
            raise InterchangeError("the file is empty") from None
        self.columns = _header(header)
        known = {*BASE_COLUMNS, *EXTRA_COLUMNS, *RECORD_COLUMNS, *_OLD_RECORD_COLUMNS}
        self.claimant_indexes = [1]
        for column in self.columns:
            match = _NUMBERED_CLAIMANT_RE.match(column)
            if match and int(match.group(2)) >= 2:
                if int(match.group(2)) not in self.claimant_indexes:
                    self.claimant_indexes.append(int(match.group(2)))
            elif column and column not in known:
                self.warnings.append(f"column {column!r} is not an interchange column: ignored")
        self.claimant_indexes.sort()
        missing = [column for column in BASE_COLUMNS if column not in self.columns]
        if missing:
            self.warnings.append(f"columns missing (read as empty): {', '.join(missing)}")

    def close(self) -> None:
        self._records.close()

    def __enter__(self) -> ClaimFile:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def rows(self) -> Iterator[ParsedRow]:
        """Every non-blank row, parsed and validated; a ref seen before is an error."""
        seen_refs: dict[str, int] = {}
        for line, values in self._records:
            if not any(values):
                continue
            record = dict(zip(self.columns, values, strict=False))
            row = parse_record(
                record, line, today=self.today, claimant_indexes=self.claimant_indexes
            )
            if row.ref:
                if row.ref in seen_refs:
                    row.errors.insert(
                        0,
                        RowError(
                            line,
                            row.ref,
                            "ref",
                            f"duplicate of the ref on line {seen_refs[row.ref]}",
                        ),
                    )
                    row.claim = None
                else:
                    seen_refs[row.ref] = line
            yield row


def read_claims(
    path: str | Path, *, today: date, limits: ArchiveLimits | None = None
) -> list[ParsedRow]:
    """All rows of a file at once (small files, tests); the CLI streams `ClaimFile.rows`."""
    with ClaimFile(path, today=today, limits=limits) as claim_file:
        return list(claim_file.rows())


#: Columns stored in length-limited fields, and their limits (the models' String(n)).
_MAX_LENGTHS = {
    "district": 100,
    "muqataa_no": 20,
    "muqataa_name": 100,
    "parcel_no": 40,
    "office": 8,
}

#: validate_claim's field names, as the columns a clerk fixes in the file.
_FIELD_COLUMNS = {
    "filed_on": "filed_date",
    "dispossession_on": "dispossession_date",
    "claimants": "claimant_name",
    "shares": "claimant_share",
}


def parse_record(
    values: dict[str, str], line: int, *, today: date, claimant_indexes: Iterable[int] = (1,)
) -> ParsedRow:
    """One row as a ClaimInput, or every reason it cannot be one."""
    errors: dict[str, str] = {}

    def get(column: str) -> str:
        return _cell_unsafe((values.get(column) or "").strip())

    ref = get("ref")
    if not ref:
        errors["ref"] = "is missing: every row needs its own ref"
    elif len(ref) > 100:
        errors["ref"] = "is longer than 100 characters"

    governorate_code = ""
    if not get("governorate"):
        errors["governorate"] = "is missing"
    else:
        try:
            governorate_code = resolve_governorate(get("governorate")).code
        except UnknownGovernorate:
            errors["governorate"] = f"unknown governorate {get('governorate')!r}"

    def choice(column, enum_class, words, default=None):
        entered = get(column)
        if not entered:
            if default is None:
                errors[column] = f"is missing (one of {_choices_text(enum_class)})"
            return default
        value = _choice(enum_class, words, entered)
        if value is None:
            errors[column] = f"{entered!r} is not one of {_choices_text(enum_class)}"
        return value

    def a_date(column, *, required):
        entered = get(column)
        if not entered:
            if required:
                errors[column] = "is missing"
            return None
        try:
            return parse_date(entered)
        except ValueError:
            errors[column] = f"{entered!r} is not a date (write YYYY-MM-DD or DD/MM/YYYY)"
            return None

    def a_decimal(column):
        entered = get(column)
        if not entered:
            return None
        try:
            return parse_decimal(entered)
        except ValueError:
            errors[column] = f"{entered!r} is not a number"
            return None

    property_type = choice("property_type", PropertyType, _PROPERTY_TYPE_WORDS)
    claim_basis = choice("claim_basis", ClaimBasis, _CLAIM_BASIS_WORDS)
    remedy = choice("remedy", Remedy, _REMEDY_WORDS, default=Remedy.RESTITUTION)
    filed_on = a_date("filed_date", required=True)
    dispossession_on = a_date("dispossession_date", required=False)
    area_m2 = a_decimal("area_m2")

    parties: list[PartyInput] = []
    claimant_columns_by_position: dict[int, str] = {}
    for index in claimant_indexes:
        name_col, latin_col, id_col, type_col, share_col, contact_col, heir_col = claimant_columns(
            index
        )
        name = get(name_col)
        if not name:
            filled = [col for col in claimant_columns(index)[1:] if get(col)]
            if filled:
                errors[name_col] = f"is missing but {', '.join(filled)} is filled"
            continue
        id_type = None
        if get(type_col):
            id_type = _choice(IdentityDocument, {}, get(type_col))
            if id_type is None:
                errors[type_col] = (
                    f"{get(type_col)!r} is not one of {_choices_text(IdentityDocument)}"
                )
        claimant_columns_by_position[len(parties)] = name_col
        parties.append(
            party_from_name(
                PartyRole.CLAIMANT,
                name,
                latin_name=get(latin_col),
                id_document_type=id_type,
                id_document_number=get(id_col),
                contact=get(contact_col),
                share_percent=a_decimal(share_col),
                is_heir=bool(get(heir_col)),
                deceased_owner_name=get(heir_col),
            )
        )
    if get("respondent_name"):
        claimant_columns_by_position[len(parties)] = "respondent_name"
        parties.append(
            party_from_name(
                PartyRole.RESPONDENT,
                get("respondent_name"),
                latin_name=get("respondent_latin_name"),
            )
        )

    claim = ClaimInput(
        parcel=ParcelInput(
            governorate_code=governorate_code or "IQ-BG",
            muqataa_no=get("muqataa_no"),
            parcel_no=get("parcel_no"),
            property_type=property_type or PropertyType.OTHER,
            district=get("district"),
            muqataa_name=get("muqataa_name"),
            area_m2=area_m2,
        ),
        parties=parties,
        claim_basis=claim_basis or ClaimBasis.OTHER,
        remedy=remedy or Remedy.RESTITUTION,
        filed_on=filed_on or today,
        dispossession_on=dispossession_on,
        address=get("address"),
        description=get("description"),
        import_ref=ref or None,
    )
    # The rules of registration, checked now so a dry run finds every bad row; a column
    # already reported (and filled with a stand-in above) is not reported twice.
    for field, message in validate_claim(claim, today=today).items():
        column = _FIELD_COLUMNS.get(field, field)
        role_index = re.match(r"^(claimant|respondent|representative)\.(\d+)\.", field)
        if role_index:
            column = claimant_columns_by_position.get(int(role_index.group(2)), column)
        errors.setdefault(column, str(message))

    for column, limit in _MAX_LENGTHS.items():
        if len(get(column)) > limit:
            errors.setdefault(column, f"is longer than {limit} characters")
    for position, party in enumerate(parties):
        parts = (party.given_name, party.father_name, party.grandfather_name, party.family_name)
        if any(len(part) > 100 for part in parts) or len(party.latin_name) > 200:
            errors.setdefault(claimant_columns_by_position[position], "the name is too long")
    for index in claimant_indexes:
        _name, latin, id_no, _type, _share, contact, heir_of = claimant_columns(index)
        for column, limit in ((id_no, 50), (contact, 200), (heir_of, 200)):
            if len(get(column)) > limit:
                errors.setdefault(column, f"is longer than {limit} characters")

    row_errors = [RowError(line, ref, column, message) for column, message in errors.items()]
    return ParsedRow(
        line=line,
        ref=ref,
        office_code=get("office").upper(),
        claim=None if row_errors else claim,
        errors=row_errors,
    )


# --------------------------------------------------------------------------- writing


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def claim_record(claim: Claim) -> dict[str, str]:
    """One claim in the interchange columns (the import reads it back unchanged), then
    its number and state."""
    parcel = claim.parcel
    record = {
        "ref": claim.import_ref or claim.number,
        "governorate": parcel.governorate_code,
        "district": parcel.district,
        "muqataa_no": parcel.muqataa_no,
        "muqataa_name": parcel.muqataa_name,
        "parcel_no": parcel.parcel_no_entered,
        "property_type": _text(parcel.property_type),
        "address": claim.address,
        "claim_basis": _text(claim.claim_basis),
        "dispossession_date": _text(claim.dispossession_on),
        "filed_date": _text(claim.filed_on),
        "office": claim.office.code,
        "remedy": _text(claim.remedy),
        "area_m2": _text(parcel.area_m2),
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


#: A cell starting with one of these is a formula to a spreadsheet program; the export
#: writes it behind an apostrophe (shown as text) and the import takes that off again.
_FORMULA_STARTS = ("=", "+", "-", "@")


def _cell_safe(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _cell_unsafe(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS) else value


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
        writer.writerow({key: _cell_safe(value) for key, value in claim_record(claim).items()})
        count += 1
    return count


def claims_csv_text(claims: Iterable[Claim], *, max_claimants: int = 1) -> str:
    """The CSV as a string (small exports, tests)."""
    buffer = io.StringIO()
    write_claims_csv(claims, buffer, max_claimants=max_claimants)
    return buffer.getvalue()


# ------------------------------------------------------------------------- importing


@dataclasses.dataclass
class ImportReport:
    rows: int = 0
    #: Rows registered (or, in a dry run, that would be).
    imported: int = 0
    #: Rows whose ref the workspace already has: skipped, so importing twice is harmless.
    already_imported: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    numbers: list[str] = dataclasses.field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({error.line for error in self.errors})


#: Rows registered between two flushes that also empty the session, bounding memory.
IMPORT_BATCH_SIZE = 500


def import_claims(
    session: Session,
    claim_file: ClaimFile,
    *,
    office_code: str | None,
    by: User | None,
    today: date,
    store: EvidenceStore,
    dry_run: bool = False,
    partial: bool = False,
    keep_numbers: bool = False,
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
) -> ImportReport:
    """Register every good row of `claim_file` with `register_claim`; never commits.

    All rows are read and checked whatever happens, so the report names every bad
    row. Without `partial`, registration stops at the first bad row (the boundary then
    rolls everything back); with `dry_run` nothing is registered at all. A row whose
    ref is already a claim's `import_ref` in this workspace is skipped and counted.
    """
    offices = {office.code: office for office in session.scalars(select(Office))}
    forced_office = None
    if office_code:
        forced_office = offices.get(office_code.strip().upper())
        if forced_office is None:
            raise InterchangeError(f"no office with code {office_code!r}")
    report = ImportReport()
    registering = not dry_run
    # One query for every ref imported before, instead of one per row.
    imported_refs = set(
        session.scalars(select(Claim.import_ref).where(Claim.import_ref.is_not(None)))
    )
    for row in claim_file.rows():
        report.rows += 1
        errors = list(row.errors)
        office = forced_office
        if office is None:
            if not row.office_code:
                errors.append(
                    RowError(row.line, row.ref, "office", "no office: give --office or fill it")
                )
            elif row.office_code not in offices:
                errors.append(
                    RowError(row.line, row.ref, "office", f"unknown office {row.office_code!r}")
                )
            else:
                office = offices[row.office_code]
        if not errors and row.ref in imported_refs:
            report.already_imported += 1
            continue
        if not errors and registering:
            try:
                claim = register_claim(
                    session,
                    row.claim,
                    by=by,
                    office=office,
                    today=today,
                    store=store,
                    thresholds=thresholds,
                )
            except ClaimInvalid as invalid:  # checked when parsed; kept for safety
                errors.extend(
                    RowError(row.line, row.ref, field, str(message))
                    for field, message in invalid.errors.items()
                )
            else:
                if keep_numbers:
                    report.numbers.append(claim.number)
                if (report.imported + 1) % IMPORT_BATCH_SIZE == 0:
                    # Otherwise the identity map would hold every claim of the file.
                    session.flush()
                    session.expunge_all()
        if errors:
            report.errors.extend(errors)
            # Without --partial one bad row dooms the file: check the rest, write nothing.
            registering = registering and partial
        else:
            report.imported += 1
    return report
