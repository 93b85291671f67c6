"""Stored blocking keys and the candidate look-up of one claim."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from claims.domain import CandidateStatus, PartyInput, PartyRole
from claims.matching import ConflictKind, MatchThresholds
from claims.models import ClaimMatchKey, ConflictGroup
from claims.operations import ReviewRefused, record_candidates, review_candidate
from claims.queries import find_candidates, group_of, open_candidates_of
from commission.extensions import db
from tests.support.claims import claim_input, claimant

THRESHOLDS = MatchThresholds()


def _keys(claim) -> set[str]:
    return set(
        db.session.scalars(select(ClaimMatchKey.key).where(ClaimMatchKey.claim_id == claim.id))
    )


def test_registration_stores_the_claims_blocking_keys(intake):
    claim = intake.register(claim_input())
    db.session.commit()
    keys = _keys(claim)
    assert "P|IQ-BG|12|345" in keys  # parcel family: governorate, muqata'a, number
    assert any(key.startswith("N|") for key in keys)  # name skeleton family


def test_an_edit_replaces_the_stored_keys(intake):
    claim = intake.register(claim_input())
    db.session.commit()
    before = _keys(claim)
    data = claim_input()
    data.parcel.parcel_no = "910"
    intake.edit(claim, data)
    db.session.commit()
    after = _keys(claim)
    assert after != before
    assert "P|IQ-BG|12|345" not in after
    assert "P|IQ-BG|12|910" in after


def test_other_family_on_the_same_parcel_is_a_competing_candidate(intake):
    first = intake.register(claim_input())
    other_family = claim_input(
        parties=[claimant(given="كاظم", father="جواد", grandfather="علي", family="الموسوي")]
    )
    other_family.parcel.parcel_no = "٣٤٥/٦"
    second = intake.register(other_family)
    db.session.commit()
    [candidate] = find_candidates(db.session, second, THRESHOLDS)
    assert candidate.claim.id == first.id
    assert candidate.score.kind == ConflictKind.COMPETING
    assert any("parcel" in reason for reason in candidate.score.reasons)


def test_same_claimant_in_latin_letters_is_a_duplicate_candidate(intake):
    first = intake.register(claim_input())
    latin = claim_input(
        parties=[
            PartyInput(
                role=PartyRole.CLAIMANT,
                given_name="Mohamed",
                father_name="Abdulrahman",
                grandfather_name="Hussein",
                family_name="al-Jubouri",
            )
        ],
        filed_on=date(2026, 4, 2),
    )
    second = intake.register(latin)
    db.session.commit()
    [candidate] = find_candidates(db.session, second, THRESHOLDS)
    assert candidate.claim.id == first.id
    assert candidate.score.kind == ConflictKind.DUPLICATE


def test_a_claim_on_another_parcel_far_away_is_not_a_candidate(intake):
    intake.register(claim_input())
    elsewhere = claim_input(
        parties=[claimant(given="زينب", father="حسن", grandfather="علي", family="الربيعي")],
        address="البصرة، العشار",
    )
    elsewhere.parcel.governorate_code = "IQ-BA"
    elsewhere.parcel.muqataa_no = "7"
    elsewhere.parcel.parcel_no = "1200"
    lonely = intake.register(elsewhere)
    db.session.commit()
    assert find_candidates(db.session, lonely, THRESHOLDS) == []


def test_candidates_never_come_from_another_workspace(app, intake, workspace):
    from commission.workspaces import Workspace, WorkspaceKind, use_workspace

    intake.register(claim_input())
    db.session.commit()
    other = Workspace(kind=WorkspaceKind.TRAINING, name=f"other-{workspace}")
    db.session.add(other)
    db.session.commit()
    with use_workspace(other.id):
        twin = intake.register(claim_input())
        db.session.commit()
        assert find_candidates(db.session, twin, THRESHOLDS) == []


def test_the_key_look_up_uses_its_index(intake):
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    plan = db.session.execute(
        text(
            "EXPLAIN QUERY PLAN SELECT claim_id FROM claim_match_key "
            "WHERE workspace_id = 1 AND key IN ('a', 'b')"
        )
    ).all()
    assert any("ix_claim_match_key_lookup" in str(row) for row in plan)


def _other_family():
    data = claim_input(
        parties=[claimant(given="كاظم", father="جواد", grandfather="علي", family="الموسوي")]
    )
    data.parcel.parcel_no = "٣٤٥/٦"
    return data


def test_registration_records_an_open_candidate_pair(intake):
    first = intake.register(claim_input())
    second = intake.register(_other_family())
    db.session.commit()
    [pair] = open_candidates_of(db.session, second)
    assert (pair.claim_a_id, pair.claim_b_id) == (first.id, second.id)
    assert pair.kind == "competing" and pair.status == CandidateStatus.OPEN
    assert pair.reason_lines and open_candidates_of(db.session, first) == [pair]


def test_a_dismissed_pair_is_not_raised_again_until_a_claim_changes(intake, reviewer):
    first = intake.register(claim_input())
    second = intake.register(_other_family())
    db.session.commit()
    [pair] = open_candidates_of(db.session, second)
    review_candidate(db.session, pair, confirm=False, note="Different plots", by=reviewer)
    db.session.commit()

    assert record_candidates(db.session, second, THRESHOLDS) == []
    assert open_candidates_of(db.session, first) == []

    intake.edit(first, claim_input(description="New facts"))
    db.session.commit()
    [raised_again] = open_candidates_of(db.session, first)
    assert raised_again.id == pair.id


def test_review_needs_a_reason_and_an_open_pair(intake, reviewer):
    intake.register(claim_input())
    second = intake.register(_other_family())
    db.session.commit()
    [pair] = open_candidates_of(db.session, second)
    with pytest.raises(ReviewRefused):
        review_candidate(db.session, pair, confirm=True, note="  ", by=reviewer)
    review_candidate(db.session, pair, confirm=True, note="Same house, two families", by=reviewer)
    db.session.commit()
    assert pair.status == CandidateStatus.CONFIRMED and pair.reviewed_by_id == reviewer.id
    with pytest.raises(ReviewRefused):
        review_candidate(db.session, pair, confirm=False, note="changed my mind", by=reviewer)


def _family(given: str, family: str):
    data = claim_input(parties=[claimant(given=given, father="جواد", family=family)])
    data.parcel.parcel_no = "345/6"
    return data


def test_confirmed_competing_pairs_form_one_group_shown_on_each_claim(intake, reviewer):
    first = intake.register(claim_input())
    second = intake.register(_family("كاظم", "الموسوي"))
    third = intake.register(_family("زينب", "الربيعي"))
    db.session.commit()
    pairs = {
        frozenset((pair.claim_a_id, pair.claim_b_id)): pair
        for pair in open_candidates_of(db.session, first) + open_candidates_of(db.session, third)
    }
    review_candidate(
        db.session,
        pairs[frozenset((first.id, second.id))],
        confirm=True,
        note="Same house, two families",
        by=reviewer,
    )
    db.session.commit()
    assert [claim.id for claim in group_of(db.session, first).claims] == [first.id, second.id]
    assert group_of(db.session, third) is None

    review_candidate(
        db.session,
        pairs[frozenset((second.id, third.id))],
        confirm=True,
        note="A third family on the same house",
        by=reviewer,
    )
    db.session.commit()
    group = group_of(db.session, third)
    assert [claim.id for claim in group.claims] == [first.id, second.id, third.id]
    assert group_of(db.session, first).id == group.id


def test_a_pair_joining_two_groups_merges_them(intake, reviewer):
    claims = [intake.register(_family(given, family)) for given, family in _FOUR_FAMILIES]
    db.session.commit()
    pair_of = {}
    for claim in claims:
        for pair in open_candidates_of(db.session, claim):
            pair_of[frozenset((pair.claim_a_id, pair.claim_b_id))] = pair
    a, b, c, d = (claim.id for claim in claims)
    for left, right in ((a, b), (c, d), (b, c)):
        review_candidate(
            db.session, pair_of[frozenset((left, right))], confirm=True, note="same", by=reviewer
        )
        db.session.commit()
    group = group_of(db.session, claims[0])
    assert [claim.id for claim in group.claims] == [a, b, c, d]
    assert db.session.scalar(select(func.count()).select_from(ConflictGroup)) == 1


_FOUR_FAMILIES = (("كاظم", "الموسوي"), ("زينب", "الربيعي"), ("علي", "التميمي"), ("سعاد", "الدليمي"))


def test_duplicates_and_dismissed_pairs_form_no_group(intake, reviewer):
    first = intake.register(claim_input())
    twin = intake.register(claim_input(filed_on=date(2026, 4, 2)))
    other = intake.register(_family("كاظم", "الموسوي"))
    db.session.commit()
    for pair in open_candidates_of(db.session, first):
        duplicate = pair.kind == ConflictKind.DUPLICATE
        review_candidate(db.session, pair, confirm=duplicate, note="checked", by=reviewer)
    db.session.commit()
    assert {pair.claim_b_id for pair in open_candidates_of(db.session, first)} == set()
    assert group_of(db.session, first) is None
    assert group_of(db.session, twin) is None
    assert group_of(db.session, other) is None


def test_group_changes_are_in_the_audit_log(intake, reviewer):
    from commission.audit import AuditEntry

    intake.register(claim_input())
    second = intake.register(_other_family())
    db.session.commit()
    [pair] = open_candidates_of(db.session, second)
    review_candidate(db.session, pair, confirm=True, note="Same house", by=reviewer)
    db.session.commit()
    entities = set(
        db.session.scalars(select(AuditEntry.entity).where(AuditEntry.action == "create"))
    )
    assert {"conflict_group", "conflict_group_member"} <= entities
