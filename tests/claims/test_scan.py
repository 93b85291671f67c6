"""The batch conflict scan: the same pairs as registration finds, reviewed pairs left
alone, and an interrupted scan continued rather than restarted."""

from __future__ import annotations

from sqlalchemy import delete, select

from claims.domain import CandidateStatus
from claims.matching import MatchThresholds
from claims.models import ConflictCandidate, ConflictScanShard
from claims.operations import review_candidate
from claims.scan import finish_scan, scan_shards, shard_sizes, start_scan
from commission.extensions import db
from tests.support.claims import claim_input, claimant

THRESHOLDS = MatchThresholds()


def _competing(governorate: str, parcel_no: str) -> list:
    """Two families on one parcel of the governorate."""
    claims = []
    for given, family in (("محمد", "الجبوري"), ("كاظم", "الموسوي")):
        data = claim_input(parties=[claimant(given=given, family=family)], address="")
        data.parcel.governorate_code = governorate
        data.parcel.parcel_no = parcel_no
        claims.append(data)
    return claims


def _pairs() -> set[tuple[int, int, str, int, str]]:
    return set(
        db.session.execute(
            select(
                ConflictCandidate.claim_a_id,
                ConflictCandidate.claim_b_id,
                ConflictCandidate.kind,
                ConflictCandidate.score,
                ConflictCandidate.status,
            )
        ).tuples()
    )


def _register_conflicts(intake) -> None:
    for governorate, parcel_no in (("IQ-BG", "345/6"), ("IQ-BA", "1200"), ("IQ-NI", "77")):
        for data in _competing(governorate, parcel_no):
            intake.register(data)
    db.session.commit()


def _run_scan(workers: int = 1):
    scan = start_scan(db.session)
    for _ in scan_shards(db.session, scan, THRESHOLDS, workers=workers):
        db.session.commit()
    finish_scan(db.session, scan)
    db.session.commit()
    return scan


def test_the_scan_finds_the_pairs_registration_found(intake):
    _register_conflicts(intake)
    found_at_registration = _pairs()
    assert len(found_at_registration) == 3
    db.session.execute(delete(ConflictCandidate))
    db.session.commit()

    scan = _run_scan()
    assert _pairs() == found_at_registration
    assert scan.new_pairs == 3 and scan.finished_at is not None
    assert {shard.governorate_code for shard in scan.shards} == {"IQ-BG", "IQ-BA", "IQ-NI"}


def test_worker_processes_find_the_same_pairs(intake):
    _register_conflicts(intake)
    found_at_registration = _pairs()
    db.session.execute(delete(ConflictCandidate))
    db.session.commit()
    _run_scan(workers=2)
    assert _pairs() == found_at_registration


def test_known_pairs_are_left_as_reviewed(intake, reviewer):
    _register_conflicts(intake)
    pair = db.session.scalars(select(ConflictCandidate).order_by(ConflictCandidate.id)).first()
    review_candidate(db.session, pair, confirm=False, note="Different plots", by=reviewer)
    db.session.commit()
    before = _pairs()
    scan = _run_scan()
    assert scan.new_pairs == 0
    assert _pairs() == before
    assert db.session.get(ConflictCandidate, pair.id).status == CandidateStatus.DISMISSED


def test_an_interrupted_scan_continues_where_it_stopped(intake):
    _register_conflicts(intake)
    db.session.execute(delete(ConflictCandidate))
    db.session.commit()

    scan = start_scan(db.session)
    shards = scan_shards(db.session, scan, THRESHOLDS)
    first = next(shards)
    db.session.commit()
    shards.close()  # the operator pressed Ctrl-C
    db.session.rollback()

    resumed = start_scan(db.session)
    assert resumed.id == scan.id
    todo, done_claims = shard_sizes(db.session, resumed)
    assert first.governorate_code not in todo and len(todo) == 2
    assert done_claims == first.claims
    for shard in scan_shards(db.session, resumed, THRESHOLDS):
        assert shard.governorate_code != first.governorate_code
        db.session.commit()
    finish_scan(db.session, resumed)
    db.session.commit()

    assert len(_pairs()) == 3
    shard_rows = db.session.scalars(
        select(ConflictScanShard.governorate_code).where(ConflictScanShard.scan_id == scan.id)
    ).all()
    assert sorted(shard_rows) == ["IQ-BA", "IQ-BG", "IQ-NI"]
    assert start_scan(db.session).id != scan.id  # a finished scan is not continued


def test_the_scan_command_reports_what_it_found(runner):
    result = runner.invoke(args=["conflicts", "scan", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "done:" in result.output and "new candidate pairs" in result.output


def test_rekey_rewrites_stale_keys(app, runner):
    from claims.models import Claim, ClaimMatchKey
    from commission.workspaces import operational_workspace_id, use_workspace
    from tests.support.claims import IntakeContext

    with app.app_context(), use_workspace(operational_workspace_id(db.session)):
        claim = IntakeContext(app, operational_workspace_id(db.session)).register(claim_input())
        db.session.commit()
        claim_id = claim.id
        fresh = set(
            db.session.scalars(select(ClaimMatchKey.key).where(ClaimMatchKey.claim_id == claim_id))
        )
        db.session.execute(delete(ClaimMatchKey).where(ClaimMatchKey.claim_id == claim_id))
        db.session.add(ClaimMatchKey(claim_id=claim_id, key="P|old-format"))
        db.session.commit()
        db.session.remove()

    result = runner.invoke(args=["conflicts", "rekey"])
    assert result.exit_code == 0, result.output
    with app.app_context(), use_workspace(operational_workspace_id(db.session)):
        keys = set(
            db.session.scalars(select(ClaimMatchKey.key).where(ClaimMatchKey.claim_id == claim_id))
        )
        assert keys == fresh
        assert db.session.get(Claim, claim_id) is not None
        db.session.remove()
