"""The verb of documents: `issue_letter` builds a letter from the database, renders it,
stores the PDF and records it, in the caller's transaction.

Each kind of letter is issued for one record: a claim's registration (receipt), the
transition that served the respondent or requested documents, a scheduled hearing, an
issued decision (one letter for every claim it covers), a decided appeal. Issuing the
letter of a record again returns the letter already issued, with its stored bytes.

Everything printed comes from the database, the letter's date included (the day of the
act it records, in the commission's time zone), so the content never depends on who
asks or when. Whether a letter is a training letter is read from the claim's workspace
and from nowhere else: no caller can ask for an unmarked letter in a training run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adjudication.models import Appeal, Decision, Hearing, Transition
from adjudication.operations import issued_decision, latest_appeal
from adjudication.workflow import Action
from claims.domain import ClaimState
from claims.models import Claim, RegistryExtractRequest
from commission.accounts.models import User
from commission.audit import chain_head_seq
from commission.bilingual import Bilingual
from commission.governorates import BY_CODE
from commission.refusals import N_, Refusal, RefusalKind
from commission.workspaces import Workspace
from documents import letters as content
from documents.files import LetterStore
from documents.labels import arabic_digits
from documents.letters import LetterKind
from documents.models import Letter, LetterClaim
from documents.render import render_letter
from documents.verification import verification_code

logger = logging.getLogger(__name__)

COMMISSION = Bilingual(
    "Commission for the Resolution of Real Property Disputes", "هيئة حل نزاعات الملكية العقارية"
)
APPEAL_VENUE = Bilingual("the Cassation Committee in Baghdad", "هيئة التمييز في بغداد")
#: Where the QR code points when VERIFY_BASE_URL is not configured and no request tells.
DEFAULT_VERIFY_BASE_URL = "http://127.0.0.1:5000/verify/"

TITLES = {
    "clerk": Bilingual("Registration clerk", "موظف التسجيل"),
    "adjudicator": Bilingual("Adjudicator", "المحقق القضائي"),
    "reviewer": Bilingual("Senior adjudicator", "رئيس المحققين"),
}

#: The letter of the document reference: BGD-2026-000123-D17 is decision 17's letter.
REFERENCE_LETTERS = {
    LetterKind.RECEIPT: "R",
    LetterKind.RESPONDENT_NOTICE: "N",
    LetterKind.DOCUMENT_REQUEST: "Q",
    LetterKind.HEARING_NOTICE: "H",
    LetterKind.DECISION: "D",
    LetterKind.APPEAL_OUTCOME: "A",
    LetterKind.REGISTRY_EXTRACT_REQUEST: "X",
}

_NO_RECORD = {
    LetterKind.RESPONDENT_NOTICE: N_("The respondent has not been served on this claim."),
    LetterKind.DOCUMENT_REQUEST: N_("No documents were requested on this claim."),
    LetterKind.HEARING_NOTICE: N_("No hearing was scheduled on this claim."),
    LetterKind.DECISION: N_("No decision has been issued on this claim."),
    LetterKind.APPEAL_OUTCOME: N_("No appeal on this claim has been decided."),
    LetterKind.REGISTRY_EXTRACT_REQUEST: N_("No registry extract was requested on this claim."),
}
_NOT_NOW = {
    LetterKind.RESPONDENT_NOTICE: N_(
        "The notice to the respondent is issued while the claim awaits the answer."
    ),
    LetterKind.DOCUMENT_REQUEST: N_(
        "The request for documents is issued while the claim waits for them."
    ),
    LetterKind.HEARING_NOTICE: N_("The hearing notice is issued before the hearing is held."),
    LetterKind.REGISTRY_EXTRACT_REQUEST: N_(
        "The request for a registry extract is issued while the parcel is to be identified."
    ),
}


class LetterNotAvailable(Refusal):
    """The claim has no record this kind of letter could be issued for, now."""


class LetterAlreadyIssued(LetterNotAvailable):
    """The same letter was issued by someone else at the same moment: theirs stands."""

    kind = RefusalKind.STALE
    message = N_("This letter was issued a moment ago by someone else.")


@dataclasses.dataclass(frozen=True)
class LetterSettings:
    """What letters print besides the database: the configured labels and places."""

    verify_base_url: str
    answer_days: int
    timezone: ZoneInfo
    #: code -> (English, Arabic), as in config.py.
    legal_provisions: Mapping[str, tuple[str, str]]
    reason_labels: Mapping[str, tuple[str, str]]
    commission: Bilingual = COMMISSION
    appeal_venue: Bilingual = APPEAL_VENUE

    @classmethod
    def from_config(cls, config: Mapping, *, verify_base_url: str) -> LetterSettings:
        """`verify_base_url` is used unless VERIFY_BASE_URL is configured."""
        return cls(
            verify_base_url=config.get("VERIFY_BASE_URL") or verify_base_url,
            answer_days=config["RESPONDENT_ANSWER_DAYS"],
            timezone=ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"]),
            legal_provisions=config["LEGAL_PROVISIONS"],
            reason_labels={**config["REJECTION_REASONS"], **config["INADMISSIBILITY_REASONS"]},
        )


@dataclasses.dataclass(frozen=True)
class Source:
    """The record a letter is issued for, and the claims the letter covers."""

    kind: LetterKind
    #: The record's id; a receipt's record is the claim.
    record_id: int
    claims: tuple[Claim, ...]
    transition: Transition | None = None
    hearing: Hearing | None = None
    decision: Decision | None = None
    appeal: Appeal | None = None
    extract_request: RegistryExtractRequest | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record_id}"


# --------------------------------------------------------------------------- sources


def _latest_transition(session: Session, claim: Claim, action: Action) -> Transition | None:
    return session.scalar(
        select(Transition)
        .where(Transition.claim_id == claim.id, Transition.action == action)
        .order_by(Transition.id.desc())
        .limit(1)
    )


def find_source(session: Session, claim: Claim, kind: LetterKind) -> Source | None:
    """The latest record of the claim a letter of `kind` is issued for, or None."""
    if kind == LetterKind.RECEIPT:
        return Source(kind, claim.id, (claim,))
    if kind in (LetterKind.RESPONDENT_NOTICE, LetterKind.DOCUMENT_REQUEST):
        action = (
            Action.SERVE_RESPONDENT
            if kind == LetterKind.RESPONDENT_NOTICE
            else Action.REQUEST_DOCUMENTS
        )
        transition = _latest_transition(session, claim, action)
        if transition is None:
            return None
        return Source(kind, transition.id, (claim,), transition=transition)
    if kind == LetterKind.REGISTRY_EXTRACT_REQUEST:
        request = session.scalar(
            select(RegistryExtractRequest)
            .where(RegistryExtractRequest.claim_id == claim.id)
            .order_by(RegistryExtractRequest.id.desc())
            .limit(1)
        )
        if request is None:
            return None
        return Source(kind, request.id, (claim,), extract_request=request)
    if kind == LetterKind.HEARING_NOTICE:
        hearing = session.scalar(
            select(Hearing).where(Hearing.claim_id == claim.id).order_by(Hearing.id.desc()).limit(1)
        )
        scheduled = _latest_transition(session, claim, Action.SCHEDULE_HEARING)
        if hearing is None or scheduled is None:
            return None
        return Source(kind, hearing.id, (claim,), transition=scheduled, hearing=hearing)
    if kind == LetterKind.DECISION:
        decision = issued_decision(session, claim)
        if decision is None:
            return None
        covered = sorted((outcome.claim for outcome in decision.outcomes), key=_by_number)
        return Source(kind, decision.id, tuple(covered), decision=decision)
    appeal = latest_appeal(session, claim)
    if appeal is None or appeal.outcome is None:
        return None
    return Source(kind, appeal.id, (claim,), appeal=appeal)


def _by_number(claim: Claim) -> str:
    return claim.number


def _not_issuable_now(claim: Claim, source: Source) -> str | None:
    """Why the letter of `source` cannot be issued for the first time now: a notice's
    deadline is the claim's current one, so it is issued while that deadline runs."""
    waiting_for = {
        LetterKind.RESPONDENT_NOTICE: ClaimState.RESPONDENT_NOTICE,
        LetterKind.DOCUMENT_REQUEST: ClaimState.INCOMPLETE,
        LetterKind.HEARING_NOTICE: ClaimState.HEARING_SCHEDULED,
    }.get(source.kind)
    if source.kind == LetterKind.REGISTRY_EXTRACT_REQUEST and claim.is_parcel_identified:
        return _NOT_NOW[source.kind]
    if waiting_for is None:
        return None
    if claim.state != waiting_for or (
        source.hearing.held_at is not None if source.hearing else claim.deadline_on is None
    ):
        return _NOT_NOW[source.kind]
    return None


def issued_letter(session: Session, source: Source) -> Letter | None:
    return session.scalar(select(Letter).where(Letter.source_key == source.key))


def kinds_to_issue(session: Session, claim: Claim) -> list[LetterKind]:
    """The letters that could be issued for the claim now and have not been yet."""
    kinds = []
    for kind in LetterKind:
        source = find_source(session, claim, kind)
        if (
            source is not None
            and _not_issuable_now(claim, source) is None
            and issued_letter(session, source) is None
        ):
            kinds.append(kind)
    return kinds


# --------------------------------------------------------------------------- issue


def issue_letter(
    session: Session,
    claim: Claim,
    kind: LetterKind,
    *,
    by: User | None,
    settings: LetterSettings,
    store: LetterStore,
) -> Letter:
    """The letter of `kind` for the claim's latest record of that kind: the one issued
    before, or a new one rendered, stored and recorded now (`by` None: a batch). Raises
    `LetterNotAvailable`. Never commits; the file is in the store once the transaction commits.
    """
    source = find_source(session, claim, kind)
    if source is None:
        raise LetterNotAvailable(_NO_RECORD[kind])
    letter = issued_letter(session, source)
    if letter is not None:
        return letter
    refused = _not_issuable_now(claim, source)
    if refused is not None:
        raise LetterNotAvailable(refused)

    training = session.get(Workspace, claim.workspace_id).is_training
    printed = letter_content(session, source, settings)
    pdf = render_letter(printed, training=training, verify_base_url=settings.verify_base_url)
    letter = Letter(
        kind=kind,
        claim_id=source.claims[0].id,
        transition_id=source.transition.id
        if kind in (LetterKind.RESPONDENT_NOTICE, LetterKind.DOCUMENT_REQUEST)
        else None,
        hearing_id=source.hearing.id if source.hearing else None,
        decision_id=source.decision.id if source.decision else None,
        appeal_id=source.appeal.id if source.appeal else None,
        registry_extract_request_id=source.extract_request.id if source.extract_request else None,
        source_key=source.key,
        document_id=printed.document_id,
        verification_code=verification_code(printed, training=training),
        sha256=hashlib.sha256(pdf).hexdigest(),
        size_bytes=len(pdf),
        issued_on=printed.issued_on,
        issued_by_id=by.id if by else None,
        is_training=training,
        audit_seq=chain_head_seq(session, claim.workspace_id),
        covered=[LetterClaim(claim_id=covered.id) for covered in source.claims],
    )
    session.add(letter)
    # The row first: a concurrent issue of the same letter fails here, before any file.
    try:
        session.flush()
    except IntegrityError:
        raise LetterAlreadyIssued() from None
    store.put_pdf(session, pdf)
    logger.info("%s: %s letter %s issued", claim.number, kind, letter.verification_code)
    return letter


# --------------------------------------------------------------------------- draft


def render_draft_decision_letter(
    session: Session,
    decision: Decision,
    settings: LetterSettings,
    *,
    today: date,
    appeal_days: int,
) -> bytes:
    """The decision letter a draft would become if approved today, marked DRAFT on every
    page, for the reviewer to read before approving. Nothing is stored or recorded and
    the letter gets no verification code: only issued letters are verified."""
    covered = sorted((outcome.claim for outcome in decision.outcomes), key=_by_number)
    source = Source(LetterKind.DECISION, decision.id, tuple(covered), decision=decision)
    printed = _decision_content(
        source,
        settings,
        issued_on=today,
        notified_on=today,
        appeal_deadline=today + timedelta(days=appeal_days),
    )
    training = session.get(Workspace, covered[0].workspace_id).is_training
    return render_letter(
        printed, training=training, verify_base_url=settings.verify_base_url, draft=True
    )


# --------------------------------------------------------------------------- content


def letter_content(
    session: Session, source: Source, settings: LetterSettings
) -> content.LetterContent:
    """What the letter of `source` says, read from the database."""
    return _BUILDERS[source.kind](session, source, settings)


def _local_date(moment: datetime, settings: LetterSettings) -> date:
    return moment.astimezone(settings.timezone).date()


def _signatory(user: User | None, title: str) -> content.Signatory:
    # A claim imported in bulk has no registering clerk: the line is left to sign by hand.
    name = Bilingual(user.full_name, user.name_ar) if user else Bilingual("", "")
    return content.Signatory(name, TITLES[title])


def _header(source: Source, issued_on: date, settings: LetterSettings) -> dict:
    first = source.claims[0]
    office = first.office
    parcel = first.parcel
    governorate = BY_CODE.get(first.governorate_code)
    parties: list[content.PartyLine] = []
    for claim in source.claims:
        for party in claim.parties:
            printed = content.PartyLine(
                party.full_name or party.latin_name, content.PartyRole(party.role)
            )
            if printed not in parties:  # one respondent of competing claims, printed once
                parties.append(printed)
    reference = REFERENCE_LETTERS[source.kind]
    return dict(
        commission=settings.commission,
        office=content.OfficeHeading(office.code, Bilingual(office.name_en, office.name_ar)),
        claim_numbers=tuple(claim.number for claim in source.claims),
        issued_on=issued_on,
        document_id=f"{first.number}-{reference}"
        if source.kind == LetterKind.RECEIPT
        else f"{first.number}-{reference}{source.record_id}",
        parties=tuple(parties),
        # The identified parcel; before identification, what the claim states.
        parcel=content.ParcelFacts(
            governorate=Bilingual(governorate.name_en, governorate.name_ar)
            if governorate
            else Bilingual(first.governorate_code, first.governorate_code),
            muqataa_no=parcel.muqataa_no if parcel else first.stated_muqataa_no,
            muqataa_name=(parcel.muqataa_name if parcel else "") or first.stated_muqataa_name,
            parcel_no=parcel.number_display if parcel else first.stated_parcel_no,
            property_type=content.PropertyType(first.property_type),
            address=first.address,
        ),
    )


def _receipt(session: Session, source: Source, settings: LetterSettings) -> content.ReceiptContent:
    claim = source.claims[0]
    days = str(settings.answer_days)
    next_steps = (
        "An adjudicator will examine the claim and its documents. A respondent named in the "
        f"claim will be notified and given {days} days to answer. You will be informed in "
        "writing of any request for documents, any hearing and the decision."
        "\n\n"
        "سيتولى محقق قضائي دراسة المطالبة ومستنداتها، ويُبلَّغ المدعى عليه المذكور فيها "
        f"وتُمنح له مهلة {arabic_digits(days)} يوماً للرد. وستُبلَّغون كتابياً بأي طلب "
        "مستندات أو موعد جلسة وبالقرار."
    )
    return content.ReceiptContent(
        **_header(source, _local_date(claim.registered_at, settings), settings),
        filed_on=claim.filed_on,
        claim_basis=content.ClaimBasis(claim.claim_basis),
        remedy=content.Remedy(claim.remedy),
        evidence=tuple(
            content.EvidenceItem(
                content.EvidenceKind(item.kind), item.original_filename, item.sha256[:12]
            )
            for item in claim.evidence
        ),
        next_steps=next_steps,
        registered_by=_signatory(claim.registered_by, "clerk"),
    )


def _respondent_notice(
    session: Session, source: Source, settings: LetterSettings
) -> content.RespondentNoticeContent:
    claim, served = source.claims[0], source.transition
    return content.RespondentNoticeContent(
        **_header(source, _local_date(served.occurred_at, settings), settings),
        filed_on=claim.filed_on,
        claim_basis=content.ClaimBasis(claim.claim_basis),
        remedy=content.Remedy(claim.remedy),
        answer_deadline=claim.deadline_on,
        signed_by=_signatory(served.actor, "adjudicator"),
    )


def _document_request(
    session: Session, source: Source, settings: LetterSettings
) -> content.DocumentRequestContent:
    claim, requested = source.claims[0], source.transition
    # The adjudicator lists the documents one per line, perhaps as a bulleted list.
    documents = tuple(
        line.strip().lstrip("-*•").strip()
        for line in requested.comment.splitlines()
        if line.strip().lstrip("-*•").strip()
    )
    return content.DocumentRequestContent(
        **_header(source, _local_date(requested.occurred_at, settings), settings),
        documents=documents,
        deadline=claim.deadline_on,
        signed_by=_signatory(requested.actor, "adjudicator"),
    )


def _registry_extract_request(
    session: Session, source: Source, settings: LetterSettings
) -> content.RegistryExtractRequestContent:
    claim, request = source.claims[0], source.extract_request
    return content.RegistryExtractRequestContent(
        **_header(source, _local_date(request.requested_at, settings), settings),
        description=claim.description,
        note=request.note,
        signed_by=_signatory(request.requested_by, "adjudicator"),
    )


def _hearing_notice(
    session: Session, source: Source, settings: LetterSettings
) -> content.HearingNoticeContent:
    hearing, scheduled = source.hearing, source.transition
    return content.HearingNoticeContent(
        **_header(source, _local_date(scheduled.occurred_at, settings), settings),
        hearing_at=hearing.starts_at.astimezone(settings.timezone),
        place=Bilingual(hearing.place, hearing.place),
        signed_by=_signatory(session.get(User, hearing.scheduled_by_id), "adjudicator"),
    )


def _decision(session: Session, source: Source, settings: LetterSettings) -> content.LetterContent:
    decision = source.decision
    return _decision_content(
        source,
        settings,
        issued_on=_local_date(decision.issued_at, settings),
        notified_on=decision.notified_on,
        appeal_deadline=decision.appeal_deadline,
    )


def _decision_content(
    source: Source,
    settings: LetterSettings,
    *,
    issued_on: date,
    notified_on: date,
    appeal_deadline: date,
) -> content.DecisionLetterContent:
    decision = source.decision
    outcomes = sorted(decision.outcomes, key=lambda outcome: outcome.claim.number)
    reasons = [decision.reasons]
    for outcome in outcomes:
        if outcome.reason_code:
            english, arabic = settings.reason_labels.get(
                outcome.reason_code, (outcome.reason_code, outcome.reason_code)
            )
            # Each paragraph starts in its own script, so it runs in its own direction.
            reasons += [
                f"Claim {outcome.claim.number}: {english}.",
                f"{arabic}: المطالبة {outcome.claim.number}.",
            ]
    provisions = []
    for code in decision.provisions:
        provisions += settings.legal_provisions.get(code, (code,))
    return content.DecisionLetterContent(
        **_header(source, issued_on, settings),
        outcomes=tuple(
            content.OutcomeLine(
                outcome.claim.number,
                content.Outcome(outcome.outcome),
                content.Money(outcome.compensation_amount, outcome.compensation_currency)
                if outcome.compensation_amount is not None
                else None,
            )
            for outcome in outcomes
        ),
        reasons="\n\n".join(reasons),
        legal_provisions=tuple(provisions),
        legal_basis=decision.legal_basis_note,
        drafted_by=_signatory(decision.drafted_by, "adjudicator"),
        approved_by=_signatory(decision.approved_by, "reviewer"),
        notified_on=notified_on,
        appeal_deadline=appeal_deadline,
        appeal_venue=settings.appeal_venue,
    )


def _appeal_outcome(
    session: Session, source: Source, settings: LetterSettings
) -> content.AppealOutcomeContent:
    appeal = source.appeal
    return content.AppealOutcomeContent(
        **_header(source, _local_date(appeal.decided_at, settings), settings),
        appeal_outcome=content.AppealOutcome(appeal.outcome),
        reasons=appeal.reasons,
        decided_by=_signatory(appeal.decided_by, "reviewer"),
    )


_BUILDERS = {
    LetterKind.RECEIPT: _receipt,
    LetterKind.RESPONDENT_NOTICE: _respondent_notice,
    LetterKind.DOCUMENT_REQUEST: _document_request,
    LetterKind.HEARING_NOTICE: _hearing_notice,
    LetterKind.DECISION: _decision,
    LetterKind.APPEAL_OUTCOME: _appeal_outcome,
    LetterKind.REGISTRY_EXTRACT_REQUEST: _registry_extract_request,
}
assert set(_BUILDERS) == set(LetterKind), "every kind of letter has its builder"
