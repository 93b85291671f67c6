"""One row of an import file as a `ClaimInput`, or every reason it cannot be one.

Each field has its own small parser that returns the value or raises `FieldError`;
`parse_record` runs them through a `RowCheck`, which keeps the first error per column
and a stand-in value so the rules of registration can still be checked on the rest.

Values:

- `ref` is required and unique within the file; it becomes `Claim.import_ref`, which
  makes imports idempotent (a field submission's ref is its instanceID, kept as
  `Claim.submission_id` instead).
- `governorate`: anything `commission.governorates.resolve_governorate` reads: ISO
  3166-2 code (IQ-BG, IQ BG, BG), office code (BGD), or a name in English (Baghdad,
  Ninawa, Salah al-Din …), Arabic (بغداد، محافظة نينوى …) or Kurdish (هەولێر …).
- Dates: YYYY-MM-DD, or day first as Iraqi forms write them (DD/MM/YYYY, DD-MM-YYYY,
  DD.MM.YYYY); Arabic-Indic digits are accepted. In XLSX a date cell is used as is.
- `property_type`, `claim_basis`, `remedy`, `claimant_id_type`: the value names (spaces
  or hyphens for underscores), or a few common Arabic words (دار، أرض زراعية، مصادرة،
  تهجير قسري …).
- Parcel numbers in any digits, with an optional sub-number: 345, ٣٤٥/٦, 345-6. A row
  without muqata'a or parcel number is a claim whose parcel is to be identified.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import TypeVar

from claims.domain import (
    ClaimBasis,
    ClaimInput,
    IdentityDocument,
    ParcelInput,
    PartyInput,
    PartyRole,
    PropertyType,
    QualityFlag,
    Remedy,
)
from claims.interchange.columns import claimant_columns, column_key
from claims.interchange.export import cell_unsafe
from claims.interchange.names import party_from_name
from claims.matching.normalise import fold_digits
from claims.operations import validate_claim
from claims.parcels import parse_decimal
from commission.governorates import UnknownGovernorate, resolve_governorate
from commission.text import clean_fields

T = TypeVar("T")


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
    #: The governorate's code, when the row names one the import knows.
    governorate_code: str
    claim: ClaimInput | None
    errors: list[RowError]
    #: The documents of a field submission, found among its attachments and checked
    #: (`claims.interchange.field.FieldDocument`); evidence of the claim once published.
    documents: list = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class FieldError(ValueError):
    """One field of a row cannot be read; the message says why, for the clerk."""


# ---------------------------------------------------------------------- governorates


def parse_governorate(entered: str) -> str:
    """The governorate's code, read as every other path reads it (`resolve_governorate`)."""
    if not entered:
        raise FieldError("is missing")
    try:
        return resolve_governorate(entered).code
    except UnknownGovernorate:
        raise FieldError(f"unknown governorate {entered!r}") from None


# ---------------------------------------------------------------------- plain values

_HOUSE, _APARTMENT, _LAND, _FARM, _SHOP = (
    PropertyType.HOUSE,
    PropertyType.APARTMENT,
    PropertyType.RESIDENTIAL_LAND,
    PropertyType.AGRICULTURAL_LAND,
    PropertyType.COMMERCIAL,
)
#: The words legacy files and field forms use for a property, in English and Arabic,
#: as `word_key` folds them. A plot or land without a qualifier is taken as residential
#: land: agricultural land is named as such (farm, orchard, بستان, أرض زراعية).
_PROPERTY_TYPE_WORDS = {
    **dict.fromkeys(("house", "home", "dwelling", "residence", "villa"), _HOUSE),
    **dict.fromkeys(("flat", "apartment", "appartment"), _APARTMENT),
    **dict.fromkeys(
        ("land", "plot", "vacant_plot", "vacant_land", "empty_plot", "residential_land"), _LAND
    ),
    **dict.fromkeys(("residential_plot", "building_plot", "housing_plot"), _LAND),
    **dict.fromkeys(
        ("farm", "farmland", "orchard", "agricultural_land", "agricultural", "grove"), _FARM
    ),
    **dict.fromkeys(("shop", "store", "commercial", "commercial_shop", "business"), _SHOP),
    **dict.fromkeys(("دار", "بيت", "منزل", "دار_سكن", "بيت_سكن", "دار_سكنيه"), _HOUSE),
    **dict.fromkeys(("شقه", "شقه_سكنيه"), _APARTMENT),
    **dict.fromkeys(("ارض", "قطعه_ارض", "ارض_سكنيه", "قطعه_ارض_سكنيه", "ارض_فارغه", "قطعه"), _LAND),
    **dict.fromkeys(("بستان", "مزرعه", "ارض_زراعيه", "قطعه_ارض_زراعيه"), _FARM),
    **dict.fromkeys(("محل", "دكان", "محل_تجاري", "تجاري", "متجر"), _SHOP),
}
_CLAIM_BASIS_WORDS = {
    "مصادره": ClaimBasis.CONFISCATION,
    "استملاك": ClaimBasis.CONFISCATION,
    "تهجير": ClaimBasis.FORCED_RELOCATION,
    "تهجير_قسري": ClaimBasis.FORCED_RELOCATION,
    "ترحيل": ClaimBasis.FORCED_RELOCATION,
    "نزوح": ClaimBasis.CONFLICT_DISPLACEMENT,
    "displacement": ClaimBasis.CONFLICT_DISPLACEMENT,
    "relocation": ClaimBasis.FORCED_RELOCATION,
    "اخري": ClaimBasis.OTHER,
}
_REMEDY_WORDS = {
    "استرداد": Remedy.RESTITUTION,
    "اعاده": Remedy.RESTITUTION,
    "تعويض": Remedy.COMPENSATION,
}


def _choices_text(enum_class) -> str:
    return ", ".join(member.value for member in enum_class)


#: Arabic diacritics and tatweel, which do not change a word.
_ARABIC_MARKS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
_WORD_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})


def word_key(text: str) -> str:
    """A choice as written, folded: case, spacing and hyphens, Arabic diacritics,
    tatweel, alef forms, taa marbuta and alef maqsura (أرض = ارض, شقة = شقه)."""
    return _ARABIC_MARKS_RE.sub("", column_key(text)).translate(_WORD_FOLD)


def parse_choice(entered: str, enum_class: type[T], words: dict[str, T]) -> T:
    """A value of `enum_class` by its name or one of `words` (keys as `word_key` folds)."""
    key = column_key(entered)
    try:
        return enum_class(key)
    except ValueError:
        folded = word_key(entered)
        if folded in words:
            return words[folded]
    raise FieldError(f"{entered!r} is not one of {_choices_text(enum_class)}")


_PROPERTY_TYPE_CODES = frozenset(member.value for member in PropertyType)


def parse_property_type(entered: str) -> tuple[PropertyType, list[QualityFlag]]:
    """The type by its code or a common word (flagged as read from text); a missing
    type is `other`, flagged."""
    if not entered:
        return PropertyType.OTHER, [QualityFlag.PROPERTY_TYPE_MISSING]
    if column_key(entered) in _PROPERTY_TYPE_CODES:
        return PropertyType(column_key(entered)), []
    return parse_choice(entered, PropertyType, _PROPERTY_TYPE_WORDS), [
        QualityFlag.PROPERTY_TYPE_FROM_TEXT
    ]


def parse_claim_basis(entered: str) -> tuple[ClaimBasis, list[QualityFlag]]:
    if not entered:
        return ClaimBasis.OTHER, [QualityFlag.CLAIM_BASIS_MISSING]
    return parse_choice(entered, ClaimBasis, _CLAIM_BASIS_WORDS), []


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


_YEAR_RE = re.compile(r"^(\d{4})$")


def parse_optional_date(entered: str) -> tuple[date | None, list[QualityFlag]]:
    """A date, or a year alone (legacy files often know no more), taken as 1 January of
    that year and flagged."""
    if not entered:
        return None, []
    year_only = _YEAR_RE.match(fold_digits(entered).strip())
    try:
        if year_only:
            return date(int(year_only.group(1)), 1, 1), [QualityFlag.DATE_YEAR_ONLY]
        return parse_date(entered), []
    except ValueError:
        raise FieldError(f"{entered!r} is not a date (write YYYY-MM-DD or DD/MM/YYYY)") from None


def parse_required_date(entered: str) -> tuple[date, list[QualityFlag]]:
    if not entered:
        raise FieldError("is missing")
    return parse_optional_date(entered)


def parse_optional_decimal(entered: str) -> Decimal | None:
    if not entered:
        return None
    try:
        return parse_decimal(entered)
    except ValueError:
        raise FieldError(f"{entered!r} is not a number") from None


def parse_ref(entered: str) -> str:
    if not entered:
        raise FieldError("is missing: every row needs its own ref")
    if len(entered) > 100:
        raise FieldError("is longer than 100 characters")
    return entered


# ------------------------------------------------------------------------------ rows

#: Columns stored in length-limited fields, and their limits (the models' String(n)).
_MAX_LENGTHS = {
    "district": 100,
    "muqataa_no": 20,
    "muqataa_name": 100,
    "parcel_no": 40,
    "office": 8,
}
#: Per claimant column (by its field name), the limit of the party's column.
_CLAIMANT_MAX_LENGTHS = {"id_no": 50, "contact": 200, "heir_of": 200}

#: validate_claim's field names, as the columns a clerk fixes in the file.
_FIELD_COLUMNS = {
    "filed_on": "filed_date",
    "dispossession_on": "dispossession_date",
    "claimants": "claimant_name",
    "shares": "claimant_share",
}
_PARTY_FIELD_RE = re.compile(r"^(claimant|respondent|representative)\.(\d+)\.")


#: Columns whose cells may run over several lines.
_MULTILINE_COLUMNS = frozenset({"address", "description"})


class RowCheck:
    """The cells of one row and the errors found in them, one per column.

    Every cell is cleaned as the web forms clean text (`commission.text.clean_text`:
    NFC, no bidi controls or invisible format characters). A cell holding a control
    character is an error of its column; the rest of the row is checked without it, so
    every other fault is reported too.
    """

    def __init__(self, values: dict[str, str]):
        self.errors: dict[str, str] = {}
        self.values, refused = clean_fields(
            {column: value or "" for column, value in values.items()},
            multiline=_MULTILINE_COLUMNS,
        )
        for column, refusal in refused.items():
            self.report(column, str(refusal))

    def cell(self, column: str) -> str:
        return cell_unsafe((self.values.get(column) or "").strip())

    def field(self, column: str, parse: Callable[[str], T], *args, fallback: T = None) -> T:
        """`parse` of the column's cell, or `fallback` with the column's error noted."""
        try:
            return parse(self.cell(column), *args)
        except FieldError as error:
            self.report(column, str(error))
            return fallback

    def report(self, column: str, message: str) -> None:
        self.errors.setdefault(column, message)


def _claimant(check: RowCheck, index: int) -> PartyInput | None:
    """The index-th claimant of the row, or None when its columns are empty."""
    name_col, latin_col, id_col, type_col, share_col, contact_col, heir_col = claimant_columns(
        index
    )
    name = check.cell(name_col)
    if not name:
        filled = [col for col in claimant_columns(index)[1:] if check.cell(col)]
        if filled:
            check.report(name_col, f"is missing but {', '.join(filled)} is filled")
        return None
    id_type = None
    if check.cell(type_col):
        id_type = check.field(type_col, parse_choice, IdentityDocument, {})
    return party_from_name(
        PartyRole.CLAIMANT,
        name,
        latin_name=check.cell(latin_col),
        id_document_type=id_type,
        id_document_number=check.cell(id_col),
        contact=check.cell(contact_col),
        share_percent=check.field(share_col, parse_optional_decimal),
        is_heir=bool(check.cell(heir_col)),
        deceased_owner_name=check.cell(heir_col),
    )


def _check_lengths(
    check: RowCheck, parties: list[PartyInput], party_columns: list[str], claimant_indexes
) -> None:
    for column, limit in _MAX_LENGTHS.items():
        if len(check.cell(column)) > limit:
            check.report(column, f"is longer than {limit} characters")
    for party, column in zip(parties, party_columns, strict=True):
        parts = (party.given_name, party.father_name, party.grandfather_name, party.family_name)
        if any(len(part) > 100 for part in parts) or len(party.latin_name) > 200:
            check.report(column, "the name is too long")
    for index in claimant_indexes:
        columns = dict(
            zip(
                ("name", "latin_name", "id_no", "id_type", "share", "contact", "heir_of"),
                claimant_columns(index),
                strict=True,
            )
        )
        for field, limit in _CLAIMANT_MAX_LENGTHS.items():
            if len(check.cell(columns[field])) > limit:
                check.report(columns[field], f"is longer than {limit} characters")


def parse_record(
    values: dict[str, str], line: int, *, today: date, claimant_indexes: Iterable[int] = (1,)
) -> ParsedRow:
    """One row as a ClaimInput, or every reason it cannot be one."""
    check = RowCheck(values)
    ref = check.field("ref", parse_ref, fallback=check.cell("ref"))
    governorate_code = check.field("governorate", parse_governorate, fallback="")
    property_type, type_flags = check.field(
        "property_type", parse_property_type, fallback=(PropertyType.OTHER, [])
    )
    claim_basis, basis_flags = check.field(
        "claim_basis", parse_claim_basis, fallback=(ClaimBasis.OTHER, [])
    )
    remedy = Remedy.RESTITUTION
    if check.cell("remedy"):
        remedy = check.field("remedy", parse_choice, Remedy, _REMEDY_WORDS, fallback=remedy)
    filed_on, filed_flags = check.field("filed_date", parse_required_date, fallback=(today, []))
    dispossession_on, dispossession_flags = check.field(
        "dispossession_date", parse_optional_date, fallback=(None, [])
    )
    area_m2 = check.field("area_m2", parse_optional_decimal)
    flags = [*type_flags, *basis_flags, *filed_flags, *dispossession_flags]

    parties: list[PartyInput] = []
    party_columns: list[str] = []
    for index in claimant_indexes:
        party = _claimant(check, index)
        if party is not None:
            parties.append(party)
            party_columns.append(claimant_columns(index)[0])
    if check.cell("respondent_name"):
        parties.append(
            party_from_name(
                PartyRole.RESPONDENT,
                check.cell("respondent_name"),
                latin_name=check.cell("respondent_latin_name"),
            )
        )
        party_columns.append("respondent_name")

    if any(not party.id_document_number for party in parties if party.role == PartyRole.CLAIMANT):
        flags.append(QualityFlag.NO_IDENTITY_NUMBER)
    claim = ClaimInput(
        parcel=ParcelInput(
            governorate_code=governorate_code or "IQ-BG",
            muqataa_no=check.cell("muqataa_no"),
            parcel_no=check.cell("parcel_no"),
            property_type=property_type,
            district=check.cell("district"),
            muqataa_name=check.cell("muqataa_name"),
            area_m2=area_m2,
        ),
        parties=parties,
        claim_basis=claim_basis,
        remedy=remedy,
        filed_on=filed_on,
        dispossession_on=dispossession_on,
        address=check.cell("address"),
        description=check.cell("description"),
        import_ref=ref or None,
        property_type_as_entered=(
            check.cell("property_type") if QualityFlag.PROPERTY_TYPE_FROM_TEXT in flags else ""
        ),
        quality_flags=sorted(set(flags)),
    )
    # The rules of registration, checked now so a dry run finds every bad row; a column
    # already reported (and filled with a stand-in above) is not reported twice.
    for field, message in validate_claim(claim, today=today).items():
        column = _FIELD_COLUMNS.get(field, field)
        party_field = _PARTY_FIELD_RE.match(field)
        if party_field:
            column = party_columns[int(party_field.group(2))]
        check.report(column, str(message))
    _check_lengths(check, parties, party_columns, claimant_indexes)

    errors = [RowError(line, ref, column, message) for column, message in check.errors.items()]
    return ParsedRow(
        line=line,
        ref=ref,
        office_code=check.cell("office").upper(),
        governorate_code=governorate_code,
        claim=None if errors else claim,
        errors=errors,
    )
