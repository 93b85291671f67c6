"""Conflict candidates for stored claims: the matching core over the database.

Each claim's blocking keys are stored in `claim_match_key` (indexed by workspace and
key); the candidates of a claim are the claims that share one of its probe keys, scored
by the same `score_pair` that `match-csv` uses. No step reads all claims.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from claims.matching import ClaimFields, MatchThresholds, PairScore, normalise_claim, score_pair
from claims.matching.blocking import blocking_keys, probe_keys
from claims.models import Claim, ClaimMatchKey, PartyRole
from commission.workspaces import current_workspace_id


@dataclasses.dataclass(frozen=True)
class Candidate:
    claim: Claim
    score: PairScore


def claim_fields(claim: Claim) -> list[ClaimFields]:
    """The claim as the matcher sees it: one entry per claimant, so that a co-claimant
    filing alone elsewhere is found too."""
    parcel = claim.parcel
    respondents = claim.parties_in(PartyRole.RESPONDENT)
    respondent_name = respondents[0].full_name if respondents else ""
    claimants = claim.claimants or [None]
    return [
        ClaimFields(
            ref=claim.number,
            governorate=parcel.governorate_code,
            muqataa_no=parcel.muqataa_no,
            muqataa_name=parcel.muqataa_name,
            parcel_no=parcel.parcel_no_entered,
            property_type=str(parcel.property_type),
            address=claim.address,
            claimant_name=_name_with_latin(claimant) if claimant else "",
            claimant_id_no=claimant.id_document_number if claimant else "",
            respondent_name=respondent_name,
        )
        for claimant in claimants
    ]


def _name_with_latin(party) -> str:
    # The Arabic-script name is what the matcher compares first; the Latin spelling,
    # where given, is another way the same person may appear in other claims.
    return party.full_name or party.latin_name


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
    """Claims of the workspace that may be about the same parcel, best first."""
    normalised = [normalise_claim(fields) for fields in claim_fields(claim)]
    probes = sorted({key for one in normalised for key in probe_keys(one)})
    if not probes:
        return []
    other_ids = select(ClaimMatchKey.claim_id).where(
        ClaimMatchKey.key.in_(probes), ClaimMatchKey.claim_id != claim.id
    )
    others = session.scalars(select(Claim).where(Claim.id.in_(other_ids))).all()
    candidates = []
    for other in others:
        theirs = [normalise_claim(fields) for fields in claim_fields(other)]
        best = max(
            (score_pair(mine, their, thresholds) for mine in normalised for their in theirs),
            key=lambda pair: pair.score,
        )
        if best.score >= thresholds.min_score:
            candidates.append(Candidate(other, best))
    candidates.sort(key=lambda candidate: (-candidate.score.score, candidate.claim.number))
    return candidates
