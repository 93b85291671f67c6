"""The batch conflict scan (`flask conflicts scan`): every claim of the workspace against
the others, for pairs not yet known.

Two claims in different governorates are never the same parcel, so the scan works one
governorate (shard) at a time, with the same matcher as `match-csv`, in
worker processes while the next shard is read. Each shard's new pairs are stored together
with a row saying the shard is done, in one commit, so an interrupted scan continues with
the shards it had not finished rather than starting again. Memory is bounded by the shards
in flight, never the whole workspace.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from sqlalchemy import Connection, create_engine, func, select
from sqlalchemy.orm import Session

from claims.domain import PartyRole
from claims.matching import ClaimFields, MatchThresholds, match_claims
from claims.matching.csv_matcher import REASON_SEPARATOR
from claims.models import Claim, ConflictCandidate, ConflictScan, ConflictScanShard, Parcel, Party
from claims.queries import fields_per_claimant, name_of
from commission.db import utcnow
from commission.workspaces import current_workspace_id

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
    workspace_id = current_workspace_id()
    if workers <= 1:
        for code in todo:
            pairs, versions = _match_governorate(
                session.connection(), workspace_id, code, thresholds
            )
            yield _store_shard(session, scan, code, versions, pairs)
        return
    # Workers read their governorate themselves: nothing large passes through this
    # process, which only writes. A fresh interpreter each ("spawn"), so no worker holds a
    # copy of this process's database connections.
    url = session.get_bind().url.render_as_string(hide_password=False)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_connect_worker,
        initargs=(url,),
    )
    try:
        futures = [
            (code, pool.submit(_match_in_worker, workspace_id, code, thresholds)) for code in todo
        ]
        for code, future in futures:
            pairs, versions = future.result()
            yield _store_shard(session, scan, code, versions, pairs)
    finally:
        # An interrupted scan stops now; the shards it stored are kept.
        pool.shutdown(wait=False, cancel_futures=True)


_worker_engine = None


def _connect_worker(url: str) -> None:
    global _worker_engine
    _worker_engine = create_engine(url)


def _match_in_worker(
    workspace_id: int, code: str, thresholds: MatchThresholds
) -> tuple[list[ScoredPair], dict[int, int]]:
    with _worker_engine.connect() as connection:
        return _match_governorate(connection, workspace_id, code, thresholds)


def _match_governorate(
    connection: Connection, workspace_id: int, code: str, thresholds: MatchThresholds
) -> tuple[list[ScoredPair], dict[int, int]]:
    fields, versions = _shard_fields(connection, workspace_id, code)
    return _score_shard(fields, thresholds), versions


def finish_scan(session: Session, scan: ConflictScan) -> None:
    scan.finished_at = utcnow()
    session.flush()


def _shard_fields(
    connection: Connection, workspace_id: int, code: str
) -> tuple[list[ClaimFields], dict[int, int]]:
    """The claims of one governorate as the matcher sees them (ref = the claim's id), read
    as plain rows in two queries, and each claim's version. Core statements on a bare
    connection are not scoped by the session's workspace hook, so the workspace is named
    here explicitly."""
    claim_table, parcel_table, party_table = Claim.__table__, Parcel.__table__, Party.__table__
    claims = connection.execute(
        select(
            claim_table.c.id,
            claim_table.c.version,
            claim_table.c.address,
            parcel_table.c.governorate_code,
            parcel_table.c.muqataa_no,
            parcel_table.c.muqataa_name,
            parcel_table.c.parcel_no_entered,
            parcel_table.c.property_type,
        )
        .join(parcel_table, parcel_table.c.id == claim_table.c.parcel_id)
        .where(claim_table.c.workspace_id == workspace_id, claim_table.c.governorate_code == code)
        .order_by(claim_table.c.id)
    ).all()
    claimants: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
    respondents: dict[int, str] = {}
    parties = connection.execute(
        select(
            party_table.c.claim_id,
            party_table.c.role,
            party_table.c.given_name,
            party_table.c.father_name,
            party_table.c.grandfather_name,
            party_table.c.family_name,
            party_table.c.latin_name,
            party_table.c.id_document_number,
        )
        .join(claim_table, claim_table.c.id == party_table.c.claim_id)
        .where(
            claim_table.c.workspace_id == workspace_id,
            claim_table.c.governorate_code == code,
            party_table.c.role.in_((PartyRole.CLAIMANT, PartyRole.RESPONDENT)),
        )
        .order_by(party_table.c.id)
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
    """Every pair of one shard at or above the threshold, exactly as `match-csv` finds
    them (pairs linked through a third claim included), best score per pair of claims (a
    claim with co-claimants appears once per claimant). Runs in a worker."""
    rows, _ = match_claims(fields, thresholds)
    best: dict[tuple[int, int], tuple[str, int, str]] = {}
    for ref_a, ref_b, kind, score, reasons in rows:
        id_a, id_b = sorted((int(ref_a), int(ref_b)))
        if id_a != id_b and score > best.get((id_a, id_b), ("", -1, ""))[1]:
            best[id_a, id_b] = (kind, score, "\n".join(reasons.split(REASON_SEPARATOR)))
    return [(id_a, id_b, *found) for (id_a, id_b), found in sorted(best.items())]


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
