"""Verbs that change claims. They validate, change rows and flush; the boundary
(a request, a CLI command, one imported file) commits once."""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from claims.domain import (
    CandidateStatus,
    ClaimInput,
    ClaimState,
    EvidenceInput,
    EvidenceKind,
    EvidenceStatus,
    FlaggedFacts,
    ParcelChangeKind,
    ParcelIdentity,
    ParcelInput,
    PartyInput,
    PartyRole,
    QualityFlag,
    ReviewFinding,
    quality_flags_after_edit,
)
from claims.files import CheckedUpload, EvidenceStore
from claims.matching import ConflictKind, MatchThresholds, normalise_claim
from claims.matching.blocking import blocking_keys, parcel_key
from claims.matching.normalise import (
    InvalidParcelNumber,
    ParcelNumber,
    parse_muqataa_number,
    parse_parcel_number,
)
from claims.models import (
    Claim,
    ClaimCounter,
    ClaimMatchKey,
    ClaimQualityFlag,
    ConflictCandidate,
    ConflictGroup,
    ConflictGroupMember,
    Evidence,
    Parcel,
    ParcelChange,
    Party,
    PartySearchKey,
    RegistryExtractRequest,
)
from claims.queries import claim_fields, find_candidates, search_keys_of
from commission.accounts.models import Office, User
from commission.db import utcnow
from commission.refusals import N_, Refusal, RefusalKind
from commission.roles import Role
from commission.workspaces import ALL_WORKSPACES, current_workspace_id
from config import Config

logger = logging.getLogger(__name__)

#: Limits of the database columns: parcel numbers are 32-bit integers, areas Numeric(12, 2).
MAX_PARCEL_NUMBER = 2**31 - 1
MAX_AREA = Decimal(10) ** 10

#: The matcher's own defaults, equal to config.py's MATCH_*; the web and CLI boundaries
#: pass the configured thresholds.
DEFAULT_THRESHOLDS = MatchThresholds()


class ClaimInvalid(Refusal, ValueError):
    """The input breaks a rule; `errors` maps each field to a message a clerk can read."""

    kind = RefusalKind.INPUT
    message = N_("Correct the marked fields.")

    def __init__(self, errors: dict[str, object]):
        super().__init__(fields=errors)

    @property
    def errors(self) -> dict[str, object]:
        return self.fields


class StaleClaim(Refusal):
    """Someone saved the claim after this form was opened."""

    kind = RefusalKind.STALE
    message = N_(
        "Someone else changed this claim after you opened it. "
        "Nothing was saved: reload it, then make your change again."
    )


#: `<OFFICE>-<YYYY>-<6 digits>`: what receipts, letters and searches expect.
CLAIM_NUMBER_SHAPE = re.compile(r"[A-Z][A-Z0-9]{1,7}-[0-9]{4}-[0-9]{6}")


class ClaimNumberUnavailable(Refusal):
    """The next number would not have the commission's shape (a year before 1000 or
    after 9999, a millionth claim of one office in one year, an office code not in
    capitals): no claim is registered under a number that would be misread."""

    message = N_("No claim number of the form OFFICE-YYYY-000000 is left for %(number)s.")


class ClaimNotEditable(Refusal):
    message = N_("Only a claim that is still registered can be edited.")


def validate_claim(data: ClaimInput, *, today: date) -> dict[str, object]:
    """Every rule a claim must meet, as {field: message}; empty when it is valid."""
    errors: dict[str, object] = {}
    if data.filed_on > today:
        errors["filed_on"] = _l("The filing date cannot be in the future.")
    elif data.filed_on < Config.FILED_ON_EARLIEST:
        errors["filed_on"] = _l(
            "The filing date cannot be before %(date)s.",
            date=Config.FILED_ON_EARLIEST.isoformat(),
        )
    if data.dispossession_on is not None:
        if data.dispossession_on < Config.DISPOSSESSION_ON_EARLIEST:
            errors["dispossession_on"] = _l(
                "The dispossession date cannot be before %(date)s.",
                date=Config.DISPOSSESSION_ON_EARLIEST.isoformat(),
            )
        elif data.dispossession_on > today:
            errors["dispossession_on"] = _l("The dispossession date cannot be in the future.")
        elif data.dispossession_on > data.filed_on:
            errors["dispossession_on"] = _l("The dispossession must come before the filing.")
    # Without muqata'a or parcel number the claim is registered with its parcel to be
    # identified; a number the claimant does give must still be one.
    if data.parcel.parcel_no.strip():
        errors.update(_parcel_number_errors(data.parcel.parcel_no))
    errors.update(_area_errors(data.parcel.area_m2))

    claimants = data.in_role(PartyRole.CLAIMANT)
    if not claimants:
        errors["claimants"] = _l("A claim needs at least one claimant.")
    for index, party in enumerate(data.parties):
        if not party.given_name.strip():
            errors[f"{party.role}.{index}.given_name"] = _l("The given name is required.")
        if party.share_percent is not None and not 0 < party.share_percent <= 100:
            errors[f"{party.role}.{index}.share_percent"] = _l(
                "A share is more than 0 and at most 100."
            )
        if party.is_heir and not party.deceased_owner_name.strip():
            errors[f"{party.role}.{index}.deceased_owner_name"] = _l(
                "Name the deceased owner the heir claims for."
            )
    if len(claimants) > 1:
        shares = [party.share_percent for party in claimants]
        if any(share is None for share in shares):
            errors["shares"] = _l("Give every co-claimant's share.")
        elif sum(shares) != 100:
            errors["shares"] = _l(
                "Co-claimants' shares must add up to 100 %% (they add up to %(total)s %%).",
                total=f"{sum(shares):g}",
            )
    for representative in data.in_role(PartyRole.REPRESENTATIVE):
        if not representative.authority_document.strip():
            errors["authority_document"] = _l(
                "A representative needs proof of authority (e.g. a power of attorney)."
            )
    return errors


def _parcel_number_errors(entered: str) -> dict[str, object]:
    try:
        number = parse_parcel_number(entered)
    except InvalidParcelNumber as invalid:
        return {"parcel_no": invalid}
    if max(number.main, number.sub or 0) > MAX_PARCEL_NUMBER:
        return {"parcel_no": _l("This parcel number is too long.")}
    return {}


def _area_errors(area_m2: Decimal | None) -> dict[str, object]:
    if area_m2 is not None and area_m2 <= 0:
        return {"area_m2": _l("The area must be more than zero.")}
    if area_m2 is not None and area_m2 >= MAX_AREA:
        return {"area_m2": _l("This area is too large.")}
    return {}


def parcel_identity(data: ParcelIdentity | ParcelInput) -> tuple[ParcelNumber, str]:
    """The parcel number the input names and its parcel key."""
    number = parse_parcel_number(data.parcel_no)
    key = parcel_key(data.governorate_code.upper(), parse_muqataa_number(data.muqataa_no), number)
    return number, key


def find_or_create_parcel(session: Session, data: ParcelIdentity | ParcelInput) -> Parcel:
    """The parcel of this key, or a new one with these facts. An existing row is never
    changed here: what a claim says about its property stays on the claim, and the
    shared row changes only through `correct_parcel`."""
    number, key = parcel_identity(data)
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        # Two clerks registering the first claims on one parcel at once: the second
        # waits here until the first commits, then finds its parcel row.
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:lock))"),
            {"lock": f"parcel:{current_workspace_id()}:{key}"},
        )
    parcel = session.scalar(select(Parcel).where(Parcel.parcel_key == key))
    if parcel is not None:
        return parcel
    parcel = new_parcel(data, number=number, key=key)
    if not postgresql:
        session.add(parcel)
        return parcel
    # An import publishing takes no parcel lock: its new parcel, not yet committed, is
    # not found above. The insert waits for the import's commit, and then the claim
    # joins the parcel the import created.
    try:
        with session.begin_nested():
            session.add(parcel)
    except IntegrityError:
        created_meanwhile = session.scalar(select(Parcel).where(Parcel.parcel_key == key))
        if created_meanwhile is None:
            raise
        return created_meanwhile
    return parcel


def new_parcel(data: ParcelIdentity | ParcelInput, *, number: ParcelNumber, key: str) -> Parcel:
    """The parcel row of a key no stored parcel has yet, with the facts of the first
    claim (or identification) that names it (not yet added to a session)."""
    return Parcel(**parcel_columns(data, number=number, key=key))


def parcel_columns(data: ParcelIdentity | ParcelInput, *, number: ParcelNumber, key: str) -> dict:
    """The columns of `new_parcel`'s row."""
    return {
        "parcel_key": key,
        "parcel_no": number.main,
        "parcel_sub": number.sub,
        "governorate_code": data.governorate_code.upper(),
        "muqataa_no": data.muqataa_no.strip(),
        "district": data.district.strip(),
        "muqataa_name": data.muqataa_name.strip(),
        "area_m2": data.area_m2,
    }


def _stated_property(data: ParcelInput) -> dict:
    """The claim's own columns for the property as it describes it."""
    return {
        "property_type": data.property_type,
        "stated_governorate_code": data.governorate_code.upper(),
        "stated_district": data.district.strip(),
        "stated_muqataa_no": data.muqataa_no.strip(),
        "stated_muqataa_name": data.muqataa_name.strip(),
        "stated_parcel_no": data.parcel_no.strip(),
        "area_m2": data.area_m2,
    }


def _parcel_stated_by(session: Session, data: ParcelInput) -> Parcel | None:
    """The parcel a claim names (found or created), or None: to be identified."""
    return find_or_create_parcel(session, data) if data.names_a_parcel else None


def next_claim_number(session: Session, office: Office, year: int) -> tuple[int, str]:
    """Advance the office's counter for the year inside this transaction.

    One INSERT … ON CONFLICT DO UPDATE … RETURNING: the row lock it takes serialises
    concurrent registrations at one office, and a rollback gives the number back.
    """
    seq = reserve_claim_numbers(session, office, year, 1)
    return seq, claim_number(office, year, seq)


def claim_number(office: Office, year: int, seq: int) -> str:
    """OFFICE-YYYY-NNNNNN; refused rather than given in any other shape (a year before
    1000 or a sequence past 999,999 would break every reader of claim numbers)."""
    number = f"{office.code}-{year}-{seq:06d}"
    if not CLAIM_NUMBER_SHAPE.fullmatch(number):
        raise ClaimNumberUnavailable(number=number)
    return number


def reserve_claim_numbers(session: Session, office: Office, year: int, count: int) -> int:
    """Advance the office's counter for the year by `count`; return the last number
    reserved (the first is that minus count, plus one)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = ClaimCounter.__table__
    statement = (
        insert(table)
        .values(workspace_id=current_workspace_id(), office_id=office.id, year=year, last_seq=count)
        .on_conflict_do_update(
            index_elements=["workspace_id", "office_id", "year"],
            set_={"last_seq": table.c.last_seq + count},
        )
        .returning(table.c.last_seq)
    )
    return session.execute(statement).scalar_one()


def _party(data: PartyInput) -> Party:
    return Party(**{field.name: getattr(data, field.name) for field in dataclasses.fields(data)})


def strip_party(data: PartyInput) -> PartyInput:
    return dataclasses.replace(
        data,
        **{
            field.name: getattr(data, field.name).strip()
            for field in dataclasses.fields(data)
            if isinstance(getattr(data, field.name), str)
        },
    )


def attach_evidence(
    session: Session,
    claim: Claim,
    items: list[EvidenceInput],
    *,
    by: User | None,
    store: EvidenceStore,
) -> list[Evidence]:
    rows = []
    for item in items:
        store.put(session, item.upload)
        evidence = Evidence(
            claim=claim,
            kind=item.kind,
            original_filename=item.upload.display_name,
            size_bytes=item.upload.size_bytes,
            sha256=item.upload.sha256,
            media_type=item.upload.media_type,
            uploaded_by_id=by.id if by else None,
        )
        session.add(evidence)
        rows.append(evidence)
    return rows


def claim_columns(
    data: ClaimInput,
    *,
    parcel_governorate_code: str | None,
    office: Office,
    number: str,
    seq: int,
    by: User | None,
) -> dict:
    """The columns of a registration's claim row but its parcel: the governorate is the
    identified parcel's when it has one (`parcel_governorate_code`), else the stated one."""
    return {
        "number": number,
        "office_id": office.id,
        "year": data.filed_on.year,
        "seq": seq,
        "state": ClaimState.REGISTERED,
        "filed_on": data.filed_on,
        "claim_basis": data.claim_basis,
        "dispossession_on": data.dispossession_on,
        "remedy": data.remedy,
        "governorate_code": parcel_governorate_code or data.parcel.governorate_code.upper(),
        **_stated_property(data.parcel),
        "address": data.address.strip(),
        "description": data.description.strip(),
        "import_ref": data.import_ref,
        "submission_id": data.submission_id,
        "property_type_as_entered": data.property_type_as_entered.strip(),
        "registered_by_id": by.id if by else None,
    }


def registration_flags(data: ClaimInput, *, parcel_identified: bool) -> list[QualityFlag]:
    """The quality flags a registered claim carries, sorted."""
    flags = set(data.quality_flags)
    if not parcel_identified:
        flags.add(QualityFlag.PARCEL_UNIDENTIFIED)
    if any(
        not party.id_document_number.strip()
        for party in data.parties
        if party.role == PartyRole.CLAIMANT
    ):
        flags.add(QualityFlag.NO_IDENTITY_NUMBER)
    return sorted(flags)


def new_claim(
    data: ClaimInput,
    *,
    parcel: Parcel | None,
    office: Office,
    number: str,
    seq: int,
    by: User | None,
) -> Claim:
    """The claim row of a registration (not yet added to a session): on `parcel`, or
    with its parcel to be identified (and flagged so) when that is None."""
    return Claim(
        **claim_columns(
            data,
            parcel_governorate_code=parcel.governorate_code if parcel else None,
            office=office,
            number=number,
            seq=seq,
            by=by,
        ),
        parcel=parcel,
        parties=[_party(strip_party(party)) for party in data.parties],
        quality_flags=[
            ClaimQualityFlag(flag=flag)
            for flag in registration_flags(data, parcel_identified=parcel is not None)
        ],
    )


def _flagged_facts(claim: Claim) -> FlaggedFacts:
    return FlaggedFacts(
        parcel_identified=claim.parcel is not None,
        claimants_identified=all(party.id_document_number.strip() for party in claim.claimants),
        property_type=claim.property_type,
        claim_basis=claim.claim_basis,
        filed_on=claim.filed_on,
        dispossession_on=claim.dispossession_on,
    )


def _set_quality_flags(session: Session, claim: Claim, flags: set[QualityFlag]) -> None:
    """Add and remove flag rows one by one. A dropped row is deleted explicitly: an orphan
    removed by the flush alone would leave no entry in the audit log."""
    for row in list(claim.quality_flags):
        if row.flag not in flags:
            claim.quality_flags.remove(row)
            session.delete(row)
    present = {row.flag for row in claim.quality_flags}
    for flag in sorted(flags - present):
        claim.quality_flags.append(ClaimQualityFlag(flag=flag))


def _drop_parcel_unidentified(session: Session, claim: Claim) -> None:
    """The claim's parcel is identified: the list of claims to complete loses it."""
    flags = {row.flag for row in claim.quality_flags}
    _set_quality_flags(session, claim, flags - {QualityFlag.PARCEL_UNIDENTIFIED})


class EvidenceRefused(Refusal):
    pass


#: A claim decided for good (or consolidated under its lead) takes no more evidence.
EVIDENCE_CLOSED_STATES = frozenset({ClaimState.FINAL, ClaimState.CLOSED})


def _check_evidence_open(claim: Claim) -> None:
    if claim.state in EVIDENCE_CLOSED_STATES:
        raise EvidenceRefused(
            N_("Claim %(number)s is %(state)s: its evidence can no longer change."),
            number=claim.number,
            state=claim.state,
        )


def add_evidence(
    session: Session,
    claim: Claim,
    upload: CheckedUpload,
    *,
    kind: EvidenceKind,
    note: str,
    by: User,
    store: EvidenceStore,
) -> Evidence:
    """File a document that came in after registration (a requested deed, a court
    ruling), in any state before the claim is final; the file is stored with the
    transaction, the row records the stage it came in at."""
    _check_evidence_open(claim)
    store.put(session, upload)
    evidence = Evidence(
        claim=claim,
        kind=kind,
        original_filename=upload.display_name,
        size_bytes=upload.size_bytes,
        sha256=upload.sha256,
        media_type=upload.media_type,
        uploaded_by_id=by.id,
        note=note.strip(),
        added_in_state=claim.state,
    )
    session.add(evidence)
    session.flush()
    logger.info("evidence %s added to claim %s", evidence.id, claim.number)
    return evidence


def _mark_evidence(
    session: Session, evidence: Evidence, status: EvidenceStatus, *, reason: str, by: User
) -> Evidence:
    _check_evidence_open(evidence.claim)
    if not evidence.is_current:
        raise EvidenceRefused(
            N_("%(file)s is already marked %(status)s."),
            file=evidence.original_filename,
            status=evidence.status,
        )
    if not reason.strip():
        raise EvidenceRefused(N_("Give the reason."), kind=RefusalKind.INPUT)
    evidence.status = status
    evidence.status_reason = reason.strip()
    evidence.status_changed_by_id = by.id
    evidence.status_changed_at = utcnow()
    session.flush()
    return evidence


def supersede_evidence(session: Session, evidence: Evidence, *, reason: str, by: User) -> Evidence:
    """Mark a file replaced by a better copy; the file and its row stay."""
    return _mark_evidence(session, evidence, EvidenceStatus.SUPERSEDED, reason=reason, by=by)


def void_evidence(session: Session, evidence: Evidence, *, reason: str, by: User) -> Evidence:
    """Mark a file that should not have been filed; the file and its row stay."""
    return _mark_evidence(session, evidence, EvidenceStatus.VOID, reason=reason, by=by)


def register_claim(
    session: Session,
    data: ClaimInput,
    *,
    by: User | None,
    office: Office,
    today: date,
    evidence: list[EvidenceInput] = (),
    store: EvidenceStore,
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
) -> Claim:
    """Register a new claim in `registered` with the next number of the office.

    A claim whose `data.parcel` names no muqata'a or parcel number is registered with its
    parcel to be identified (see `identify_parcel`), and matched on what it has."""
    errors = validate_claim(data, today=today)
    if errors:
        raise ClaimInvalid(errors)
    parcel = _parcel_stated_by(session, data.parcel)
    seq, number = next_claim_number(session, office, data.filed_on.year)
    claim = new_claim(data, parcel=parcel, office=office, number=number, seq=seq, by=by)
    session.add(claim)
    attach_evidence(session, claim, list(evidence), by=by, store=store)
    session.flush()
    # A new claim has no stored keys and no pairs yet: nothing to replace or re-score.
    refresh_match_keys(session, claim, is_new=True)
    record_candidates(session, claim, thresholds, is_new=True)
    logger.info("registered claim %s", claim.number)
    return claim


def update_claim(
    session: Session,
    claim: Claim,
    data: ClaimInput,
    *,
    expected_version: int,
    by: User | None,
    today: date,
    evidence: list[EvidenceInput] = (),
    store: EvidenceStore,
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
) -> Claim:
    """Change a registered claim; refuse if it changed since the form showed it."""
    if claim.version != expected_version:
        raise StaleClaim()
    if not claim.is_editable:
        raise ClaimNotEditable()
    errors = validate_claim(data, today=today)
    if errors:
        raise ClaimInvalid(errors)
    before = _flagged_facts(claim)
    claim.parcel = _parcel_stated_by(session, data.parcel)
    claim.governorate_code = (
        claim.parcel.governorate_code if claim.parcel else data.parcel.governorate_code.upper()
    )
    for column, value in _stated_property(data.parcel).items():
        setattr(claim, column, value)
    claim.filed_on = data.filed_on
    claim.claim_basis = data.claim_basis
    claim.dispossession_on = data.dispossession_on
    claim.remedy = data.remedy
    claim.address = data.address.strip()
    claim.description = data.description.strip()
    claim.updated_at = utcnow()
    claim.updated_by_id = by.id if by else None
    claim.parties = [_party(strip_party(party)) for party in data.parties]
    _set_quality_flags(
        session,
        claim,
        quality_flags_after_edit(
            {row.flag for row in claim.quality_flags}, before, _flagged_facts(claim)
        ),
    )
    attach_evidence(session, claim, list(evidence), by=by, store=store)
    try:
        session.flush()
    except StaleDataError:
        # Another save landed between our read and our write (the version check in SQL).
        raise StaleClaim() from None
    refresh_match_keys(session, claim)
    record_candidates(session, claim, thresholds)
    return claim


# ------------------------------------------------------------------ conflict candidates


#: The rows of one claim (its keys, its pairs) are found by the claim's own id, which is
#: of the current workspace. A workspace condition beside it would add nothing but offer
#: the planner the workspace's index, which before the tables have statistics (a fresh or
#: bulk-loaded database) looks as selective as the claim's and reads every row of the
#: workspace: a second per registration at a million claims.
_BY_OWNER_ID = {ALL_WORKSPACES: True}


def refresh_match_keys(session: Session, claim: Claim, *, is_new: bool = False) -> None:
    """Replace the claim's stored blocking keys, and its parties' search keys, with those
    of its current data (`is_new`: the claim was just inserted and has none to replace)."""
    keys = sorted(
        {key for fields in claim_fields(claim) for key in blocking_keys(normalise_claim(fields))}
    )
    if not is_new:
        session.execute(
            delete(ClaimMatchKey).where(ClaimMatchKey.claim_id == claim.id),
            execution_options=_BY_OWNER_ID,
        )
    if keys:
        session.execute(
            insert(ClaimMatchKey),
            [
                {"workspace_id": current_workspace_id(), "claim_id": claim.id, "key": key}
                for key in keys
            ],
        )
    refresh_search_keys(session, claim, is_new=is_new)


def refresh_search_keys(session: Session, claim: Claim, *, is_new: bool = False) -> None:
    """Replace the search keys of the claim's parties (a replaced party's keys went with
    it, by the foreign key's cascade)."""
    party_ids = [party.id for party in claim.parties]
    if not party_ids:
        return
    if not is_new:
        session.execute(
            delete(PartySearchKey).where(PartySearchKey.party_id.in_(party_ids)),
            execution_options=_BY_OWNER_ID,
        )
    rows = [
        {
            "workspace_id": current_workspace_id(),
            "party_id": party.id,
            "claim_id": claim.id,
            "key": key,
        }
        for party in claim.parties
        for key in search_keys_of(party)
    ]
    if rows:
        session.execute(insert(PartySearchKey), rows)


def record_candidates(
    session: Session, claim: Claim, thresholds: MatchThresholds, *, is_new: bool = False
) -> list[ConflictCandidate]:
    """Store the claim's candidates (after registration or an edit) and return the open
    ones. A pair already open is re-scored; a dismissed pair stays dismissed unless one
    of its claims changed since the dismissal (`is_new`: a claim just registered is in
    no pair yet)."""
    session.flush()
    found = find_candidates(session, claim, thresholds)
    existing = {}
    if not is_new and found:
        existing = {
            (pair.claim_a_id, pair.claim_b_id): pair
            for pair in session.scalars(
                select(ConflictCandidate).where(
                    or_(
                        ConflictCandidate.claim_a_id == claim.id,
                        ConflictCandidate.claim_b_id == claim.id,
                    )
                ),
                execution_options=_BY_OWNER_ID,
            )
        }
    open_pairs = []
    for candidate in found:
        a, b = sorted((claim, candidate.claim), key=lambda one: one.id)
        pair = existing.get((a.id, b.id))
        if pair is None:
            pair = ConflictCandidate(claim_a_id=a.id, claim_b_id=b.id)
            session.add(pair)
        elif pair.status == CandidateStatus.DISMISSED and (
            pair.claim_a_version,
            pair.claim_b_version,
        ) == (a.version, b.version):
            continue
        elif pair.status == CandidateStatus.CONFIRMED:
            continue
        pair.kind = candidate.score.kind
        pair.score = candidate.score.score
        pair.reasons = "\n".join(candidate.score.reasons)
        pair.status = CandidateStatus.OPEN
        pair.claim_a_version, pair.claim_b_version = a.version, b.version
        open_pairs.append(pair)
    session.flush()
    return open_pairs


class ReviewRefused(Refusal, ValueError):
    pass


def review_candidate(
    session: Session, pair: ConflictCandidate, *, confirm: bool, note: str, by: User
) -> ConflictCandidate:
    """Confirm the pair as what the matcher found it to be, or dismiss it (the
    scenarios' and the demo's yes or no); `record_review` takes the finding itself."""
    return record_review(session, pair, finding_of(pair, confirm=confirm), note=note, by=by)


def finding_of(pair: ConflictCandidate, *, confirm: bool) -> ReviewFinding:
    """The finding a plain confirmation of the matcher's pair amounts to."""
    if not confirm:
        return ReviewFinding.NOT_THE_SAME_PROPERTY
    if pair.kind == ConflictKind.DUPLICATE:
        return ReviewFinding.DUPLICATE_FILING
    return ReviewFinding.COMPETING_CLAIMS


def record_review(
    session: Session, pair: ConflictCandidate, finding: ReviewFinding, *, note: str, by: User
) -> ConflictCandidate:
    """Record what the review of an open pair found, with the reviewer's reason.

    Competing claims join one conflict group (decided together). A duplicate filing is
    confirmed here and consolidated by the caller (adjudication.operations.review_pair
    closes one claim as the duplicate of its lead)."""
    if pair.status != CandidateStatus.OPEN:
        raise ReviewRefused(N_("This pair was already reviewed."))
    if not note.strip():
        raise ReviewRefused(N_("Give the reason for the decision."), kind=RefusalKind.INPUT)
    # Read everything first: a load may autoflush, and a half-reviewed pair would break
    # the CHECK that ties a review to its reviewer and reason.
    versions = (pair.claim_a.version, pair.claim_b.version)
    reviewer_id = by.id
    confirmed = finding != ReviewFinding.NOT_THE_SAME_PROPERTY
    pair.status = CandidateStatus.CONFIRMED if confirmed else CandidateStatus.DISMISSED
    pair.finding = finding
    pair.review_note = note.strip()
    pair.reviewed_by_id = reviewer_id
    pair.reviewed_at = utcnow()
    pair.claim_a_version, pair.claim_b_version = versions
    if finding == ReviewFinding.COMPETING_CLAIMS:
        _join_group(session, pair)
    session.flush()
    return pair


def _join_group(session: Session, pair: ConflictCandidate) -> None:
    """Put both claims of a confirmed pair in one group: a new one, the group one of
    them is in, or (when each is in its own) the older group, which takes in the other."""
    groups = {
        member.claim_id: member.group
        for member in session.scalars(
            select(ConflictGroupMember).where(
                ConflictGroupMember.claim_id.in_((pair.claim_a_id, pair.claim_b_id))
            )
        )
    }
    found = sorted({group.id: group for group in groups.values()}.values(), key=lambda g: g.id)
    if not found:
        group = ConflictGroup()
        session.add(group)
    else:
        group, *absorbed = found
        for other in absorbed:
            for member in list(other.members):
                member.group = group
            session.flush()
            session.delete(other)
    for claim_id in (pair.claim_a_id, pair.claim_b_id):
        if claim_id not in groups:
            group.members.append(ConflictGroupMember(claim_id=claim_id, pair_id=pair.id))


# --------------------------------------------------------------------------- parcels


class ParcelChangeRefused(Refusal):
    """An identification, correction or registry request refused."""


#: States after which a claim's parcel is part of a decision and no longer changes.
_DECIDED = frozenset(
    {
        ClaimState.DECISION_ISSUED,
        ClaimState.APPEALED,
        ClaimState.APPEAL_DECIDED,
        ClaimState.FINAL,
        ClaimState.CLOSED,
        ClaimState.WITHDRAWN,
        ClaimState.ANNULLED,
        ClaimState.INADMISSIBLE,
    }
)


def parcel_line(parcel: Parcel) -> str:
    """The parcel on one line, as the claim's history records it."""
    parts = [parcel.governorate_code, parcel.district]
    parts.append(f"{parcel.muqataa_no} {parcel.muqataa_name}".strip())
    parts.append(parcel.number_display)
    if parcel.area_m2 is not None:
        parts.append(f"{parcel.area_m2.normalize():f} m²")
    return " · ".join(part for part in parts if part)


def _may_work_on(claim: Claim, user: User) -> bool:
    """The adjudicator assigned to the claim, or a senior adjudicator (reviewer)."""
    return Role.REVIEWER in user.roles or (
        Role.ADJUDICATOR in user.roles and claim.assigned_to_id == user.id
    )


def _identity_errors(data: ParcelIdentity) -> dict[str, object]:
    errors: dict[str, object] = {}
    if not data.governorate_code.strip():
        errors["governorate_code"] = _l("Choose the governorate.")
    if not data.muqataa_no.strip():
        errors["muqataa_no"] = _l("The muqata'a (cadastral district) number is required.")
    if not data.parcel_no.strip():
        errors["parcel_no"] = _l("The parcel number is required.")
    else:
        errors.update(_parcel_number_errors(data.parcel_no))
    errors.update(_area_errors(data.area_m2))
    return errors


def _rematch(session: Session, claim: Claim, thresholds: MatchThresholds) -> None:
    refresh_match_keys(session, claim)
    record_candidates(session, claim, thresholds)


def request_registry_extract(
    session: Session, claim: Claim, *, by: User, note: str = ""
) -> RegistryExtractRequest:
    """Record a request to the real estate registry for the extract of the claim's
    property (its letter is `registry_extract_request`)."""
    if not _may_work_on(claim, by):
        raise ParcelChangeRefused(
            N_("Only the adjudicator assigned to this claim or a reviewer may do this.")
        )
    if claim.is_parcel_identified:
        raise ParcelChangeRefused(N_("The parcel of this claim is already identified."))
    if claim.state in _DECIDED:
        raise ParcelChangeRefused(N_("The claim has been decided or closed."))
    request = RegistryExtractRequest(claim=claim, note=note.strip(), requested_by_id=by.id)
    session.add(request)
    session.flush()
    return request


def identify_parcel(
    session: Session,
    claim: Claim,
    data: ParcelIdentity,
    *,
    by: User,
    reason: str,
    expected_version: int,
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
) -> ParcelChange:
    """Link the claim to the parcel the commission identified (found by its key, or
    created), record the change in the claim's history and check the claim for conflicts
    again on the parcel. Also moves a claim registered on the wrong parcel; the parcel
    rows themselves are not changed (that is `correct_parcel`)."""
    if claim.version != expected_version:
        raise StaleClaim()
    if not _may_work_on(claim, by):
        raise ParcelChangeRefused(
            N_("Only the adjudicator assigned to this claim or a reviewer may do this.")
        )
    if claim.state in _DECIDED:
        raise ParcelChangeRefused(N_("The claim has been decided or closed."))
    errors = _identity_errors(data)
    if not reason.strip():
        errors["reason"] = _l("Say how the parcel was identified (e.g. the registry extract).")
    if errors:
        raise ClaimInvalid(errors)
    before = claim.parcel
    parcel = find_or_create_parcel(session, data)
    if before is not None and before.parcel_key == parcel.parcel_key:
        raise ParcelChangeRefused(N_("The claim is already on this parcel."))
    change = ParcelChange(
        claim_id=claim.id,
        parcel=parcel,
        kind=ParcelChangeKind.IDENTIFIED if before is None else ParcelChangeKind.CORRECTED,
        before=parcel_line(before) if before else "",
        after=parcel_line(parcel),
        reason=reason.strip(),
        changed_by_id=by.id,
    )
    claim.parcel = parcel
    claim.governorate_code = parcel.governorate_code
    _drop_parcel_unidentified(session, claim)
    claim.updated_at = utcnow()
    claim.updated_by_id = by.id
    session.add(change)
    try:
        session.flush()
    except StaleDataError:
        raise StaleClaim() from None
    _rematch(session, claim, thresholds)
    logger.info("%s: parcel %s by %s", claim.number, parcel.parcel_key, by.id)
    return change


def correct_parcel(
    session: Session,
    parcel: Parcel,
    data: ParcelIdentity,
    *,
    by: User,
    reason: str,
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
) -> list[ParcelChange]:
    """Correct the shared parcel row (a mistyped muqata'a name, the area from the
    registry extract, a wrong number), as a reviewer. Every claim on the parcel gets the
    change in its history and is checked for conflicts again."""
    if Role.REVIEWER not in by.roles:
        raise ParcelChangeRefused(
            N_("A parcel shared by claims is corrected by a senior adjudicator (reviewer).")
        )
    errors = _identity_errors(data)
    if not reason.strip():
        errors["reason"] = _l("Give the reason for the correction.")
    if errors:
        raise ClaimInvalid(errors)
    number, key = parcel_identity(data)
    if key != parcel.parcel_key and session.scalar(
        select(Parcel.id).where(Parcel.parcel_key == key)
    ):
        raise ParcelChangeRefused(
            N_(
                "Another parcel already has this number: identify each claim's parcel "
                "on its own claim page instead."
            )
        )
    before = parcel_line(parcel)
    claims = list(parcel.claims)
    parcel.governorate_code = data.governorate_code.upper()
    parcel.district = data.district.strip()
    parcel.muqataa_no = data.muqataa_no.strip()
    parcel.muqataa_name = data.muqataa_name.strip()
    parcel.parcel_no, parcel.parcel_sub = number.main, number.sub
    parcel.parcel_key = key
    parcel.area_m2 = data.area_m2
    after = parcel_line(parcel)
    if after == before:
        raise ParcelChangeRefused(N_("Nothing was changed."))
    changes = []
    for claim in claims:
        claim.governorate_code = parcel.governorate_code
        claim.updated_at = utcnow()
        claim.updated_by_id = by.id
        change = ParcelChange(
            claim_id=claim.id,
            parcel_id=parcel.id,
            kind=ParcelChangeKind.CORRECTED,
            before=before,
            after=after,
            reason=reason.strip(),
            changed_by_id=by.id,
        )
        session.add(change)
        changes.append(change)
    session.flush()
    for claim in claims:
        _rematch(session, claim, thresholds)
    logger.info("parcel %s corrected by %s for %d claims", key, by.id, len(claims))
    return changes
