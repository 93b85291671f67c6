"""Verbs that change claims. They validate, change rows and flush; the boundary
(a request, a CLI command, one imported file) commits once."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from claims.domain import (
    CandidateStatus,
    ClaimInput,
    ClaimState,
    EvidenceInput,
    ParcelInput,
    PartyInput,
    PartyRole,
)
from claims.files import EvidenceStore
from claims.matching import ConflictKind, MatchThresholds, normalise_claim
from claims.matching.blocking import blocking_keys, parcel_key
from claims.matching.normalise import (
    InvalidParcelNumber,
    parse_muqataa_number,
    parse_parcel_number,
)
from claims.models import (
    Claim,
    ClaimCounter,
    ClaimMatchKey,
    ConflictCandidate,
    ConflictGroup,
    ConflictGroupMember,
    Evidence,
    Parcel,
    Party,
)
from claims.queries import claim_fields, find_candidates
from commission.accounts.models import Office, User
from commission.db import utcnow
from commission.refusals import N_, Refusal, RefusalKind
from commission.workspaces import current_workspace_id

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


class ClaimNotEditable(Refusal):
    message = N_("Only a claim that is still registered can be edited.")


def validate_claim(data: ClaimInput, *, today: date) -> dict[str, object]:
    """Every rule a claim must meet, as {field: message}; empty when it is valid."""
    errors: dict[str, object] = {}
    if data.filed_on > today:
        errors["filed_on"] = _l("The filing date cannot be in the future.")
    if data.dispossession_on is not None:
        if data.dispossession_on > today:
            errors["dispossession_on"] = _l("The dispossession date cannot be in the future.")
        elif data.dispossession_on > data.filed_on:
            errors["dispossession_on"] = _l("The dispossession must come before the filing.")
    try:
        number = parse_parcel_number(data.parcel.parcel_no)
    except InvalidParcelNumber as invalid:
        errors["parcel_no"] = invalid
    else:
        if max(number.main, number.sub or 0) > MAX_PARCEL_NUMBER:
            errors["parcel_no"] = _l("This parcel number is too long.")
    if not data.parcel.muqataa_no.strip():
        errors["muqataa_no"] = _l("The muqata'a (cadastral district) number is required.")
    if data.parcel.area_m2 is not None and data.parcel.area_m2 <= 0:
        errors["area_m2"] = _l("The area must be more than zero.")
    elif data.parcel.area_m2 is not None and data.parcel.area_m2 >= MAX_AREA:
        errors["area_m2"] = _l("This area is too large.")

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


def find_or_create_parcel(session: Session, data: ParcelInput) -> Parcel:
    number = parse_parcel_number(data.parcel_no)
    key = parcel_key(data.governorate_code.upper(), parse_muqataa_number(data.muqataa_no), number)
    if session.get_bind().dialect.name == "postgresql":
        # Two clerks registering the first claims on one parcel at once: the second
        # waits here until the first commits, then finds its parcel row.
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:lock))"),
            {"lock": f"parcel:{current_workspace_id()}:{key}"},
        )
    parcel = session.scalar(select(Parcel).where(Parcel.parcel_key == key))
    if parcel is None:
        parcel = Parcel(parcel_key=key, parcel_no=number.main, parcel_sub=number.sub)
        session.add(parcel)
    parcel.governorate_code = data.governorate_code.upper()
    parcel.muqataa_no = data.muqataa_no.strip()
    parcel.parcel_no_entered = data.parcel_no.strip()
    parcel.property_type = data.property_type
    parcel.district = parcel.district or data.district.strip()
    parcel.muqataa_name = parcel.muqataa_name or data.muqataa_name.strip()
    if data.area_m2 is not None:
        parcel.area_m2 = data.area_m2
    return parcel


def next_claim_number(session: Session, office: Office, year: int) -> tuple[int, str]:
    """Advance the office's counter for the year inside this transaction.

    One INSERT … ON CONFLICT DO UPDATE … RETURNING: the row lock it takes serialises
    concurrent registrations at one office, and a rollback gives the number back.
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = ClaimCounter.__table__
    statement = (
        insert(table)
        .values(workspace_id=current_workspace_id(), office_id=office.id, year=year, last_seq=1)
        .on_conflict_do_update(
            index_elements=["workspace_id", "office_id", "year"],
            set_={"last_seq": table.c.last_seq + 1},
        )
        .returning(table.c.last_seq)
    )
    seq = session.execute(statement).scalar_one()
    return seq, f"{office.code}-{year}-{seq:06d}"


def _party(data: PartyInput) -> Party:
    return Party(**{field.name: getattr(data, field.name) for field in dataclasses.fields(data)})


def _strip(data: PartyInput) -> PartyInput:
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
    """Register a new claim in `registered` with the next number of the office."""
    errors = validate_claim(data, today=today)
    if errors:
        raise ClaimInvalid(errors)
    parcel = find_or_create_parcel(session, data.parcel)
    seq, number = next_claim_number(session, office, data.filed_on.year)
    claim = Claim(
        number=number,
        office_id=office.id,
        year=data.filed_on.year,
        seq=seq,
        state=ClaimState.REGISTERED,
        filed_on=data.filed_on,
        claim_basis=data.claim_basis,
        dispossession_on=data.dispossession_on,
        remedy=data.remedy,
        parcel=parcel,
        governorate_code=parcel.governorate_code,
        address=data.address.strip(),
        description=data.description.strip(),
        import_ref=data.import_ref,
        registered_by_id=by.id if by else None,
        parties=[_party(_strip(party)) for party in data.parties],
    )
    session.add(claim)
    attach_evidence(session, claim, list(evidence), by=by, store=store)
    session.flush()
    refresh_match_keys(session, claim)
    record_candidates(session, claim, thresholds)
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
    claim.parcel = find_or_create_parcel(session, data.parcel)
    claim.governorate_code = claim.parcel.governorate_code
    claim.filed_on = data.filed_on
    claim.claim_basis = data.claim_basis
    claim.dispossession_on = data.dispossession_on
    claim.remedy = data.remedy
    claim.address = data.address.strip()
    claim.description = data.description.strip()
    claim.updated_at = utcnow()
    claim.updated_by_id = by.id if by else None
    claim.parties = [_party(_strip(party)) for party in data.parties]
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


def refresh_match_keys(session: Session, claim: Claim) -> None:
    """Replace the claim's stored blocking keys with those of its current data."""
    keys = sorted(
        {key for fields in claim_fields(claim) for key in blocking_keys(normalise_claim(fields))}
    )
    session.execute(delete(ClaimMatchKey).where(ClaimMatchKey.claim_id == claim.id))
    if keys:
        session.execute(
            insert(ClaimMatchKey),
            [
                {"workspace_id": current_workspace_id(), "claim_id": claim.id, "key": key}
                for key in keys
            ],
        )


def record_candidates(
    session: Session, claim: Claim, thresholds: MatchThresholds
) -> list[ConflictCandidate]:
    """Store the claim's candidates (after registration or an edit) and return the open
    ones. A pair already open is re-scored; a dismissed pair stays dismissed unless one
    of its claims changed since the dismissal."""
    session.flush()
    found = find_candidates(session, claim, thresholds)
    existing = {
        (pair.claim_a_id, pair.claim_b_id): pair
        for pair in session.scalars(
            select(ConflictCandidate).where(
                or_(
                    ConflictCandidate.claim_a_id == claim.id,
                    ConflictCandidate.claim_b_id == claim.id,
                )
            )
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
    """Confirm or dismiss an open pair, with the reviewer's reason."""
    if pair.status != CandidateStatus.OPEN:
        raise ReviewRefused(N_("This pair was already reviewed."))
    if not note.strip():
        raise ReviewRefused(N_("Give the reason for the decision."), kind=RefusalKind.INPUT)
    # Read everything first: a load may autoflush, and a half-reviewed pair would break
    # the CHECK that ties a review to its reviewer and reason.
    versions = (pair.claim_a.version, pair.claim_b.version)
    reviewer_id = by.id
    pair.status = CandidateStatus.CONFIRMED if confirm else CandidateStatus.DISMISSED
    pair.review_note = note.strip()
    pair.reviewed_by_id = reviewer_id
    pair.reviewed_at = utcnow()
    pair.claim_a_version, pair.claim_b_version = versions
    if confirm and pair.kind in GROUPED_KINDS:
        _join_group(session, pair)
    session.flush()
    return pair


#: Confirmed pairs of these kinds are claims on one parcel by different people: decided
#: together. A confirmed duplicate is one claimant filing twice, settled on its own.
GROUPED_KINDS = frozenset({ConflictKind.COMPETING, ConflictKind.COUNTERCLAIM})


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
