"""Conflict candidates for stored claims: the matching core over the database.

Each claim's blocking keys are stored in `claim_match_key` (indexed by workspace and
key); the candidates of a claim are the claims that share one of its probe keys, scored
by the same `score_pair` that `match-csv` uses. No step reads all claims.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from claims.domain import CandidateStatus, PartyRole
from claims.matching import (
    ClaimFields,
    ConflictKind,
    MatchThresholds,
    PairScore,
    normalise_claim,
    score_pair,
)
from claims.matching.blocking import UNCAPPED_FAMILIES, blocking_keys, probe_keys
from claims.models import (
    Claim,
    ClaimMatchKey,
    ConflictCandidate,
    ConflictGroup,
    ConflictGroupMember,
    Party,
)
from claims.queries import claim_visible_to
from commission.accounts.models import User
from commission.db import utcnow
from commission.workspaces import current_workspace_id

if TYPE_CHECKING:  # operations imports this module
    from claims.domain import ClaimInput, PartyInput


def match_thresholds(config) -> MatchThresholds:
    """The thresholds configured in config.py (MATCH_*), from an app's config mapping."""
    return MatchThresholds(
        min_score=config["MATCH_MIN_SCORE"],
        same_person=config["MATCH_SAME_PERSON"],
        max_block_size=config["MATCH_MAX_BLOCK_SIZE"],
    )


#: Both claims of a pair in one extra query per page, not two lazy loads per pair
#: (their parties and evidence then load by `selectin`, batched too).
_BOTH_CLAIMS = (
    selectinload(ConflictCandidate.claim_a).selectinload(Claim.evidence),
    selectinload(ConflictCandidate.claim_b).selectinload(Claim.evidence),
)


def pair_visible_to(pair: ConflictCandidate, user: User) -> bool:
    """A pair is someone's to see when either of its claims is."""
    return claim_visible_to(pair.claim_a, user) or claim_visible_to(pair.claim_b, user)


@dataclasses.dataclass(frozen=True)
class Candidate:
    claim: Claim
    score: PairScore


def claim_fields(claim: Claim) -> list[ClaimFields]:
    """The claim as the matcher sees it: one entry per claimant, so that a co-claimant
    filing alone elsewhere is found too."""
    parcel = claim.parcel
    respondents = claim.parties_in(PartyRole.RESPONDENT)
    # The identified parcel when there is one; else what the claim states, which may
    # be no more than a governorate, names and an address.
    return fields_per_claimant(
        ref=claim.number,
        governorate=claim.governorate_code,
        muqataa_no=parcel.muqataa_no if parcel else claim.stated_muqataa_no,
        muqataa_name=(parcel.muqataa_name if parcel else "") or claim.stated_muqataa_name,
        parcel_no=parcel.number_display if parcel else claim.stated_parcel_no,
        property_type=str(claim.property_type),
        address=claim.address,
        claimants=[(name_of(party), party.id_document_number) for party in claim.claimants],
        respondent_name=name_of(respondents[0]) if respondents else "",
    )


def input_fields(data: ClaimInput) -> list[ClaimFields]:
    """An unsaved claim (the registration or edit form) as the matcher sees it."""
    respondents = data.in_role(PartyRole.RESPONDENT)
    return fields_per_claimant(
        ref="",
        governorate=data.parcel.governorate_code,
        muqataa_no=data.parcel.muqataa_no,
        muqataa_name=data.parcel.muqataa_name,
        parcel_no=data.parcel.parcel_no,
        property_type=str(data.parcel.property_type),
        address=data.address,
        claimants=[
            (name_of(party), party.id_document_number) for party in data.in_role(PartyRole.CLAIMANT)
        ],
        respondent_name=name_of(respondents[0]) if respondents else "",
    )


def fields_per_claimant(*, claimants: list[tuple[str, str]], **claim) -> list[ClaimFields]:
    """One ClaimFields per (name, identity number) of `claimants`, the rest shared."""
    return [
        ClaimFields(**claim, claimant_name=name, claimant_id_no=id_no)
        for name, id_no in claimants or [("", "")]
    ]


def name_of(party: Party | PartyInput) -> str:
    """A party's name for matching: its Arabic parts, else its Latin spelling."""
    # The name in Arabic script as entered; a party entered only in Latin letters
    # (imports often are) is matched by that spelling instead.
    parts = (party.given_name, party.father_name, party.grandfather_name, party.family_name)
    return " ".join(part.strip() for part in parts if part and part.strip()) or party.latin_name


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


def find_candidates(session: Session, claim: Claim, thresholds: MatchThresholds) -> list[Candidate]:
    """Claims of the workspace that may be about the same parcel as a stored claim,
    best first."""
    return _candidates(session, claim_fields(claim), thresholds, exclude_id=claim.id)


def check_conflicts(
    session: Session,
    data: ClaimInput,
    thresholds: MatchThresholds,
    *,
    exclude: Claim | None = None,
) -> list[Candidate]:
    """The stored claims an unsaved claim would conflict with (the warning a clerk sees
    before saving); writes nothing. `exclude` is the claim being edited."""
    return _candidates(
        session, input_fields(data), thresholds, exclude_id=exclude.id if exclude else None
    )


def _candidates(
    session: Session,
    fields: list[ClaimFields],
    thresholds: MatchThresholds,
    *,
    exclude_id: int | None,
) -> list[Candidate]:
    normalised = [normalise_claim(one) for one in fields]
    probes = sorted({key for one in normalised for key in probe_keys(one)})
    if not probes:
        return []
    # As in match-csv: a key shared by very many claims (a ministry as respondent, a
    # common family name) says little, and is not expanded pair by pair; parcel keys
    # always are.
    sizes = session.execute(
        select(ClaimMatchKey.key, func.count())
        .where(ClaimMatchKey.key.in_(probes))
        .group_by(ClaimMatchKey.key)
    )
    usable = [
        key
        for key, size in sizes
        if key.split("|", 1)[0] in UNCAPPED_FAMILIES or size <= thresholds.max_block_size
    ]
    if not usable:
        return []
    other_ids = select(ClaimMatchKey.claim_id).where(ClaimMatchKey.key.in_(usable))
    if exclude_id is not None:
        other_ids = other_ids.where(ClaimMatchKey.claim_id != exclude_id)
    others = session.scalars(select(Claim).where(Claim.id.in_(other_ids))).all()
    candidates = []
    for other in others:
        theirs = [normalise_claim(one) for one in claim_fields(other)]
        best = max(
            (score_pair(mine, their, thresholds) for mine in normalised for their in theirs),
            key=lambda pair: pair.score,
        )
        if best.score >= thresholds.min_score:
            candidates.append(Candidate(other, best))
    candidates.sort(key=lambda candidate: (-candidate.score.score, candidate.claim.number))
    return candidates


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


def open_candidates_of(session: Session, claim: Claim) -> list[ConflictCandidate]:
    return list(
        session.scalars(
            select(ConflictCandidate)
            .options(*_BOTH_CLAIMS)
            .where(
                or_(
                    ConflictCandidate.claim_a_id == claim.id,
                    ConflictCandidate.claim_b_id == claim.id,
                ),
                ConflictCandidate.status == CandidateStatus.OPEN,
            )
            .order_by(ConflictCandidate.score.desc(), ConflictCandidate.id)
        )
    )


class ReviewRefused(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def review_candidate(
    session: Session, pair: ConflictCandidate, *, confirm: bool, note: str, by: User
) -> ConflictCandidate:
    """Confirm or dismiss an open pair, with the reviewer's reason."""
    if pair.status != CandidateStatus.OPEN:
        raise ReviewRefused(_l("This pair was already reviewed."))
    if not note.strip():
        raise ReviewRefused(_l("Give the reason for the decision."))
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


def group_of(session: Session, claim: Claim) -> ConflictGroup | None:
    """The claim's conflict group, with every member claim, or None."""
    return session.scalar(
        select(ConflictGroup)
        .join(ConflictGroupMember)
        .where(ConflictGroupMember.claim_id == claim.id)
        .options(selectinload(ConflictGroup.members).selectinload(ConflictGroupMember.claim))
    )


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


def review_queue(
    session: Session,
    viewer: User,
    *,
    after_id: int | None = None,
    claim: Claim | None = None,
    limit: int = 20,
) -> list[ConflictCandidate]:
    """Open pairs, oldest first by keyset, optionally only those of one claim; branch staff
    see pairs touching their office."""
    statement = (
        select(ConflictCandidate)
        .options(*_BOTH_CLAIMS)
        .where(ConflictCandidate.status == CandidateStatus.OPEN)
    )
    if claim is not None:
        statement = statement.where(
            or_(ConflictCandidate.claim_a_id == claim.id, ConflictCandidate.claim_b_id == claim.id)
        )
    if not viewer.sees_all_offices:
        own = select(Claim.id).where(Claim.office_id == viewer.office_id)
        statement = statement.where(
            or_(ConflictCandidate.claim_a_id.in_(own), ConflictCandidate.claim_b_id.in_(own))
        )
    if after_id is not None:
        statement = statement.where(ConflictCandidate.id > after_id)
    return list(session.scalars(statement.order_by(ConflictCandidate.id).limit(limit)))
