"""The claim side's vocabulary as plain values: enums and the verbs' input records.

No Flask and no database session: the models, the operations, the letter renderer,
training scenarios, import and matching all import these, so each exists once.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claims.files import CheckedUpload


class ClaimState(enum.StrEnum):
    REGISTERED = "registered"
    SCREENING = "screening"
    INCOMPLETE = "incomplete"
    ANNULLED = "annulled"
    INADMISSIBLE = "inadmissible"
    RESPONDENT_NOTICE = "respondent_notice"
    UNDER_REVIEW = "under_review"
    HEARING_SCHEDULED = "hearing_scheduled"
    DECISION_DRAFTED = "decision_drafted"
    DECISION_ISSUED = "decision_issued"
    APPEALED = "appealed"
    APPEAL_DECIDED = "appeal_decided"
    FINAL = "final"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class ClaimBasis(enum.StrEnum):
    CONFISCATION = "confiscation"
    FORCED_RELOCATION = "forced_relocation"
    CONFLICT_DISPLACEMENT = "conflict_displacement"
    OTHER = "other"


class Remedy(enum.StrEnum):
    RESTITUTION = "restitution"
    COMPENSATION = "compensation"


class PropertyType(enum.StrEnum):
    HOUSE = "house"
    APARTMENT = "apartment"
    RESIDENTIAL_LAND = "residential_land"
    AGRICULTURAL_LAND = "agricultural_land"
    COMMERCIAL = "commercial"
    OTHER = "other"


class PartyRole(enum.StrEnum):
    CLAIMANT = "claimant"
    RESPONDENT = "respondent"
    REPRESENTATIVE = "representative"


class IdentityDocument(enum.StrEnum):
    NATIONAL_ID = "national_id"
    CIVIL_STATUS_ID = "civil_status_id"
    NATIONALITY_CERTIFICATE = "nationality_certificate"
    PASSPORT = "passport"
    OTHER = "other"


class EvidenceKind(enum.StrEnum):
    TITLE_DEED = "title_deed"
    COURT_RULING = "court_ruling"
    IDENTITY_DOCUMENT = "identity_document"
    POWER_OF_ATTORNEY = "power_of_attorney"
    PHOTO = "photo"
    OTHER = "other"


class QualityFlag(enum.StrEnum):
    """What a claim lacks or had guessed, for the clerks who complete it."""

    #: Registered without muqata'a or parcel number; dropped when the parcel is identified.
    PARCEL_UNIDENTIFIED = "parcel_unidentified"
    NO_IDENTITY_NUMBER = "no_identity_number"
    #: A date given only as a year, taken as 1 January of that year.
    DATE_YEAR_ONLY = "date_year_only"
    #: The property type read from a common word (vacant plot, دار …), not a code.
    PROPERTY_TYPE_FROM_TEXT = "property_type_from_text"
    PROPERTY_TYPE_MISSING = "property_type_missing"
    CLAIM_BASIS_MISSING = "claim_basis_missing"


@dataclasses.dataclass(frozen=True)
class FlaggedFacts:
    """The facts of a claim that its data-quality flags are about."""

    parcel_identified: bool
    #: Every claimant has an identity document number.
    claimants_identified: bool
    property_type: PropertyType
    claim_basis: ClaimBasis
    filed_on: date
    dispossession_on: date | None

    def _year_only_dates(self) -> set[tuple[str, date]]:
        # A date given as a year alone was taken as 1 January of that year.
        dates = {"filed_on": self.filed_on, "dispossession_on": self.dispossession_on}
        return {
            (name, day) for name, day in dates.items() if day and (day.month, day.day) == (1, 1)
        }


def quality_flags_after_edit(
    flags: set[QualityFlag], before: FlaggedFacts, after: FlaggedFacts
) -> set[QualityFlag]:
    """A claim's flags once an edit turned `before` into `after`. What the claim lacks is
    read from `after`; a guess stays flagged only while the field it was about is left as
    it was: a clerk who sets the field has settled it."""
    kept = set(flags)
    kept.discard(QualityFlag.PARCEL_UNIDENTIFIED)
    kept.discard(QualityFlag.NO_IDENTITY_NUMBER)
    if not after.parcel_identified:
        kept.add(QualityFlag.PARCEL_UNIDENTIFIED)
    if not after.claimants_identified:
        kept.add(QualityFlag.NO_IDENTITY_NUMBER)
    if after.property_type != before.property_type:
        kept -= {QualityFlag.PROPERTY_TYPE_FROM_TEXT, QualityFlag.PROPERTY_TYPE_MISSING}
    if after.claim_basis != before.claim_basis:
        kept.discard(QualityFlag.CLAIM_BASIS_MISSING)
    if not before._year_only_dates() & after._year_only_dates():
        kept.discard(QualityFlag.DATE_YEAR_ONLY)
    return kept


class CandidateStatus(enum.StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class ReviewFinding(enum.StrEnum):
    """What the reviewer of a candidate pair found: one claim filed twice (consolidated
    under a lead), two claims competing for one property (decided together), or two
    properties (the pair is dismissed)."""

    DUPLICATE_FILING = "duplicate_filing"
    COMPETING_CLAIMS = "competing_claims"
    NOT_THE_SAME_PROPERTY = "not_the_same_property"


class EvidenceStatus(enum.StrEnum):
    """Evidence is never deleted: a file replaced by a better copy is superseded, a file
    that should not have been filed is void; both keep the file and say why."""

    CURRENT = "current"
    SUPERSEDED = "superseded"
    VOID = "void"


@dataclasses.dataclass
class PartyInput:
    role: PartyRole
    given_name: str
    father_name: str = ""
    grandfather_name: str = ""
    family_name: str = ""
    latin_name: str = ""
    id_document_type: IdentityDocument | None = None
    id_document_number: str = ""
    contact: str = ""
    share_percent: Decimal | None = None
    is_heir: bool = False
    deceased_owner_name: str = ""
    authority_document: str = ""


class ParcelChangeKind(enum.StrEnum):
    #: A claim registered without muqata'a and parcel number is linked to its parcel.
    IDENTIFIED = "identified"
    #: A claim is moved to another parcel, or the shared parcel row itself is corrected.
    CORRECTED = "corrected"


@dataclasses.dataclass
class ParcelInput:
    """The property as a claim describes it. The muqata'a and parcel numbers may be empty
    (claimants rarely know them): the claim is then registered with its parcel to be
    identified."""

    governorate_code: str
    muqataa_no: str
    parcel_no: str
    property_type: PropertyType
    district: str = ""
    muqataa_name: str = ""
    area_m2: Decimal | None = None

    @property
    def names_a_parcel(self) -> bool:
        """Whether the claim says which cadastral parcel it is about."""
        return bool(self.muqataa_no.strip() and self.parcel_no.strip())


@dataclasses.dataclass
class ParcelIdentity:
    """A cadastral parcel as the commission identified it (from a registry extract)."""

    governorate_code: str
    muqataa_no: str
    parcel_no: str
    district: str = ""
    muqataa_name: str = ""
    area_m2: Decimal | None = None


@dataclasses.dataclass
class ClaimInput:
    parcel: ParcelInput
    parties: list[PartyInput]
    claim_basis: ClaimBasis
    remedy: Remedy
    filed_on: date
    dispossession_on: date | None = None
    address: str = ""
    description: str = ""
    import_ref: str | None = None
    #: The ODK/KoboToolbox instanceID of a claim collected in the field.
    submission_id: str | None = None
    #: The property type as the source wrote it, when that was not the code itself.
    property_type_as_entered: str = ""
    quality_flags: list[QualityFlag] = dataclasses.field(default_factory=list)

    def in_role(self, role: PartyRole) -> list[PartyInput]:
        return [party for party in self.parties if party.role == role]


@dataclasses.dataclass
class EvidenceInput:
    kind: EvidenceKind
    upload: CheckedUpload


class ImportStatus(enum.StrEnum):
    #: Rows are being read, checked and written to the staging table.
    STAGING = "staging"
    #: Every row checked; a dry run stops here.
    STAGED = "staged"
    #: Some row was bad and the import was all-or-nothing: nothing was published.
    REFUSED = "refused"
    PUBLISHED = "published"


class RowVerdict(enum.StrEnum):
    GOOD = "good"
    BAD = "bad"
    #: The row's ref is already a claim's: skipped, so importing twice is harmless.
    ALREADY_IMPORTED = "already_imported"
