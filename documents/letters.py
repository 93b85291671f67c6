"""What a letter says, as plain values: no database rows, no Flask.

The enums are the domain's own (claims.domain, adjudication.domain). Names are
printed as entered, in whichever script. Every letter shares the header fields of
`LetterContent`; each kind adds its own (`ReceiptContent`, `DecisionLetterContent`, …).
The records are named for what they carry on paper (`PartyLine`, `ParcelFacts`,
`OfficeHeading`, `EvidenceItem`, `OutcomeLine`) so they are never mistaken for the
database models of the same things. Decisions may cover a conflict group: several
claims, one outcome each.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from adjudication.domain import AppealOutcome, Outcome
from claims.domain import ClaimBasis, EvidenceKind, PartyRole, PropertyType, Remedy
from commission.bilingual import Bilingual


class LetterKind(enum.StrEnum):
    RECEIPT = "receipt"
    RESPONDENT_NOTICE = "respondent_notice"
    DOCUMENT_REQUEST = "document_request"
    HEARING_NOTICE = "hearing_notice"
    DECISION = "decision"
    APPEAL_OUTCOME = "appeal_outcome"
    REGISTRY_EXTRACT_REQUEST = "registry_extract_request"


@dataclass(frozen=True, slots=True)
class OfficeHeading:
    code: str
    name: Bilingual


@dataclass(frozen=True, slots=True)
class PartyLine:
    name: str
    role: PartyRole


@dataclass(frozen=True, slots=True)
class ParcelFacts:
    governorate: Bilingual
    muqataa_no: str
    muqataa_name: str
    #: As registered, sub-number included: "345/6"; empty (like the muqata'a) while the
    #: parcel is to be identified.
    parcel_no: str
    property_type: PropertyType
    address: str


@dataclass(frozen=True, slots=True)
class Signatory:
    #: The signer's name in Latin (`en`) and Arabic (`ar`) script, as their account
    #: records it; both empty for a line left to sign by hand.
    name: Bilingual
    title: Bilingual


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    kind: EvidenceKind
    filename: str
    #: The first 12 hex digits of the file's SHA-256.
    sha256_prefix: str


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    #: ISO 4217 code: IQD or USD.
    currency: str


@dataclass(frozen=True, slots=True)
class OutcomeLine:
    claim_number: str
    outcome: Outcome
    #: Only for Outcome.COMPENSATION, and there optional (amount fixed later).
    compensation: Money | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class LetterContent:
    """The fields every letter carries in its header and opening sections."""

    commission: Bilingual
    office: OfficeHeading
    #: One claim, or every claim of a conflict group decided together.
    claim_numbers: tuple[str, ...]
    issued_on: date
    #: The letter's own reference, printed on every page.
    document_id: str
    parties: tuple[PartyLine, ...]
    parcel: ParcelFacts

    kind: ClassVar[LetterKind]


@dataclass(frozen=True, kw_only=True, slots=True)
class ReceiptContent(LetterContent):
    filed_on: date
    claim_basis: ClaimBasis
    remedy: Remedy
    evidence: tuple[EvidenceItem, ...]
    next_steps: str
    registered_by: Signatory

    kind = LetterKind.RECEIPT


@dataclass(frozen=True, kw_only=True, slots=True)
class RespondentNoticeContent(LetterContent):
    filed_on: date
    claim_basis: ClaimBasis
    remedy: Remedy
    #: The end of the answer window (45 days from notification).
    answer_deadline: date
    signed_by: Signatory

    kind = LetterKind.RESPONDENT_NOTICE


@dataclass(frozen=True, kw_only=True, slots=True)
class DocumentRequestContent(LetterContent):
    #: Each missing document, as the adjudicator wrote it.
    documents: tuple[str, ...]
    deadline: date
    signed_by: Signatory

    kind = LetterKind.DOCUMENT_REQUEST


@dataclass(frozen=True, kw_only=True, slots=True)
class RegistryExtractRequestContent(LetterContent):
    """To the real estate registry: the extract of a claimed property whose muqata'a and
    parcel number the claimant did not know."""

    #: The claim's own description of the property (the address is in `parcel`).
    description: str
    #: What the adjudicator adds for the registry's search.
    note: str
    signed_by: Signatory

    kind = LetterKind.REGISTRY_EXTRACT_REQUEST


@dataclass(frozen=True, kw_only=True, slots=True)
class HearingNoticeContent(LetterContent):
    hearing_at: datetime
    place: Bilingual
    signed_by: Signatory

    kind = LetterKind.HEARING_NOTICE


@dataclass(frozen=True, kw_only=True, slots=True)
class DecisionLetterContent(LetterContent):
    outcomes: tuple[OutcomeLine, ...]
    #: Free text in either language; blank lines separate paragraphs.
    reasons: str
    #: Labels of the provisions applied ("Law 13 of 2010, art. 4").
    legal_provisions: tuple[str, ...]
    legal_basis: str
    drafted_by: Signatory
    approved_by: Signatory
    notified_on: date
    appeal_deadline: date
    appeal_venue: Bilingual

    kind = LetterKind.DECISION


@dataclass(frozen=True, kw_only=True, slots=True)
class AppealOutcomeContent(LetterContent):
    appeal_outcome: AppealOutcome
    reasons: str
    decided_by: Signatory

    kind = LetterKind.APPEAL_OUTCOME
