"""The batch conflict scan (`flask conflicts scan`): every claim of the workspace against
the others, for pairs not yet known.

Two claims in different governorates are never the same parcel, so the scan works one
governorate (shard) at a time, with the same blocking and scoring as `match-csv`, in
worker processes while the next shard is read. Each shard's new pairs are stored together
with a row saying the shard is done, in one commit, so an interrupted scan continues with
the shards it had not finished rather than starting again. Memory is bounded by the shards
in flight, never the whole workspace.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from claims.conflicts import fields_per_claimant, name_of
from claims.matching import ClaimFields, MatchThresholds, normalise_claim, score_pair
from claims.matching.csv_matcher import candidate_pairs
from claims.models import (
    Claim,
    ConflictCandidate,
    ConflictScan,
    ConflictScanShard,
    Parcel,
    Party,
    PartyRole,
)
from commission.db import utcnow

#: (claim_a_id, claim_b_id, kind, score, reasons) with claim_a_id < claim_b_id.
ScoredPair = tuple[int, int, str, int, str]


@dataclasses.dataclass(frozen=True)
class ShardDone:
    governorate_code: str
    claims: int
    new_pairs: int


def start_scan(session: Session, *, restart: bool = False) -> ConflictScan:
    """The workspace's unfinished scan, to continue, or a new one (always new with
    `restart`: the unfinished one is then left as it stopped)."""
    if not restart:
        unfinished = session.scalar(
            select(ConflictScan)
            .where(ConflictScan.finished_at.is_(None))
            .order_by(ConflictScan.id.desc())
            .limit(1)
        )
        if unfinished is not None:
            return unfinished
    scan = ConflictScan()
    session.add(scan)
    session.flush()
    return scan


def shard_sizes(session: Session, scan: ConflictScan) -> tuple[dict[str, int], int]:
    """Claims per governorate still to scan, largest first, and the claims already done."""
    done = {shard.governorate_code for shard in scan.shards}
    sizes = session.execute(
        select(Claim.governorate_code, func.count()).group_by(Claim.governorate_code)
    ).all()
    todo = {code: count for code, count in sorted(sizes, key=lambda row: -row[1]) if code}
    done_claims = sum(todo.pop(code, 0) for code in done)
    return todo, done_claims


def scan_shards(
    session: Session,
    scan: ConflictScan,
    thresholds: MatchThresholds,
    *,
    workers: int = 1,
) -> Iterator[ShardDone]:
    """Scan the shards not yet done, yielding after each one's pairs and its done-row
    are in the session: the caller commits there (one shard, one commit)."""
    todo, _ = shard_sizes(session, scan)
    if workers <= 1:
        for code in todo:
            fields, versions = _shard_fields(session, code)
            yield _store_shard(session, scan, code, versions, _score_shard(fields, thresholds))
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        in_flight: list[tuple[str, dict[int, int], Future]] = []
        for code in todo:
            fields, versions = _shard_fields(session, code)
            in_flight.append((code, versions, pool.submit(_score_shard, fields, thresholds)))
            del fields
            if len(in_flight) >= workers:
                done_code, done_versions, future = in_flight.pop(0)
                yield _store_shard(session, scan, done_code, done_versions, future.result())
        for done_code, done_versions, future in in_flight:
            yield _store_shard(session, scan, done_code, done_versions, future.result())


def finish_scan(session: Session, scan: ConflictScan) -> None:
    scan.finished_at = utcnow()
    session.flush()


def _shard_fields(session: Session, code: str) -> tuple[list[ClaimFields], dict[int, int]]:
    """The claims of one governorate as the matcher sees them (ref = the claim's id), read
    as plain rows in two queries, and each claim's version."""
    claims = session.execute(
        select(
            Claim.id,
            Claim.version,
            Claim.address,
            Parcel.governorate_code,
            Parcel.muqataa_no,
            Parcel.muqataa_name,
            Parcel.parcel_no_entered,
            Parcel.property_type,
        )
        .join(Claim.parcel)
        .where(Claim.governorate_code == code)
        .order_by(Claim.id)
    ).all()
    claimants: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
    respondents: dict[int, str] = {}
    parties = session.execute(
        select(
            Party.claim_id,
            Party.role,
            Party.given_name,
            Party.father_name,
            Party.grandfather_name,
            Party.family_name,
            Party.latin_name,
            Party.id_document_number,
        )
        .join(Claim, Claim.id == Party.claim_id)
        .where(
            Claim.governorate_code == code,
            or_(Party.role == PartyRole.CLAIMANT, Party.role == PartyRole.RESPONDENT),
        )
        .order_by(Party.id)
    )
    for party in parties:
        if party.role == PartyRole.CLAIMANT:
            claimants[party.claim_id].append((name_of(party), party.id_document_number))
        else:
            respondents.setdefault(party.claim_id, name_of(party))
    fields = [
        one
        for claim in claims
        for one in fields_per_claimant(
            ref=str(claim.id),
            governorate=claim.governorate_code,
            muqataa_no=claim.muqataa_no,
            muqataa_name=claim.muqataa_name,
            parcel_no=claim.parcel_no_entered,
            property_type=str(claim.property_type),
            address=claim.address,
            claimants=claimants.pop(claim.id, []),
            respondent_name=respondents.pop(claim.id, ""),
        )
    ]
    return fields, {claim.id: claim.version for claim in claims}


def _score_shard(fields: list[ClaimFields], thresholds: MatchThresholds) -> list[ScoredPair]:
    """Every pair of one shard scoring at least the threshold, best score per pair of
    claims (a claim with co-claimants appears once per claimant). Runs in a worker."""
    normalised = [normalise_claim(one) for one in fields]
    best = {}
    for first, second in candidate_pairs(normalised, thresholds):
        a, b = normalised[first], normalised[second]
        id_a, id_b = int(a.fields.ref), int(b.fields.ref)
        if id_a == id_b:
            continue
        if id_a > id_b:
            a, b, id_a, id_b = b, a, id_b, id_a
        result = score_pair(a, b, thresholds)
        known = best.get((id_a, id_b))
        if result.score >= thresholds.min_score and (known is None or result.score > known.score):
            best[(id_a, id_b)] = result
    return [
        (id_a, id_b, result.kind.value, result.score, "\n".join(result.reasons))
        for (id_a, id_b), result in sorted(best.items())
    ]


def _store_shard(
    session: Session,
    scan: ConflictScan,
    code: str,
    versions: dict[int, int],
    pairs: list[ScoredPair],
) -> ShardDone:
    """Add the pairs not yet known (in any status: a reviewed pair stays reviewed) and
    the shard's done-row."""
    known = set(
        session.execute(
            select(ConflictCandidate.claim_a_id, ConflictCandidate.claim_b_id)
            .join(Claim, Claim.id == ConflictCandidate.claim_a_id)
            .where(Claim.governorate_code == code)
        ).tuples()
    )
    new = [pair for pair in pairs if (pair[0], pair[1]) not in known]
    session.add_all(
        ConflictCandidate(
            claim_a_id=id_a,
            claim_b_id=id_b,
            kind=kind,
            score=score,
            reasons=reasons,
            claim_a_version=versions[id_a],
            claim_b_version=versions[id_b],
        )
        for id_a, id_b, kind, score, reasons in new
    )
    claims = len(versions)
    scan.shards.append(ConflictScanShard(governorate_code=code, claims=claims, new_pairs=len(new)))
    scan.new_pairs += len(new)
    session.flush()
    return ShardDone(code, claims, len(new))
