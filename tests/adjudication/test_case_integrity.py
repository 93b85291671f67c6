"""One decision per house: a confirmed duplicate filing is closed under its lead and can
no longer be decided; confirmed competing claims are decided together; an approval names
the draft it read."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from adjudication.models import Decision
from adjudication.operations import (
    ActionRefused,
    StaleDraft,
    available_to,
    draft_hash,
    offered_to,
    pending_decision,
    review_pair,
)
from adjudication.workflow import Action
from claims.domain import ClaimState, ReviewFinding
from claims.operations import record_review
from claims.queries import open_candidates_of
from commission.extensions import db
from commission.refusals import RefusalKind
from tests.support.adjudication import SETTINGS
from tests.support.claims import TODAY


def _decisions() -> int:
    return db.session.scalar(select(func.count()).select_from(Decision))


def test_a_confirmed_duplicate_is_closed_under_the_earlier_claim_and_never_decided(cases, staff):
    first = cases.register(filed_on=date(2026, 3, 1))
    second = cases.register(filed_on=date(2026, 3, 9))
    [pair] = open_candidates_of(db.session, second)
    assert pair.kind == "duplicate" and pair.score == 100
    review_pair(
        db.session,
        pair,
        ReviewFinding.DUPLICATE_FILING,
        note="Same claimant filed twice for the same house.",
        by=staff.adjudicator,
        today=TODAY,
        settings=SETTINGS,
    )
    assert second.state == ClaimState.CLOSED and second.duplicate_of == first
    assert first.duplicates == [second]
    # The lead is decided once, for both filings.
    cases.in_state(ClaimState.UNDER_REVIEW, claim=first)
    cases.act(first, Action.DRAFT_DECISION, staff.adjudicator)
    cases.act(first, Action.APPROVE_DECISION, staff.reviewer)
    assert first.state == ClaimState.DECISION_ISSUED and _decisions() == 1
    # Every path to a second decision goes through perform, which refuses a closed claim.
    for action, by in (
        (Action.DRAFT_DECISION, staff.adjudicator),
        (Action.APPROVE_DECISION, staff.second_reviewer),
    ):
        with pytest.raises(ActionRefused):
            cases.act(second, action, by)
    assert available_to(db.session, second, staff.adjudicator, TODAY) == []
    assert _decisions() == 1


def test_the_reviewer_may_choose_the_later_claim_as_lead(cases, staff):
    first = cases.register(filed_on=date(2026, 3, 1))
    second = cases.register(filed_on=date(2026, 3, 9))
    [pair] = open_candidates_of(db.session, second)
    review_pair(
        db.session,
        pair,
        ReviewFinding.DUPLICATE_FILING,
        note="The second filing has the deed.",
        by=staff.adjudicator,
        lead=second,
        today=TODAY,
        settings=SETTINGS,
    )
    assert first.state == ClaimState.CLOSED and first.duplicate_of == second


def test_a_duplicate_confirmed_without_consolidation_cannot_be_drafted(cases, staff):
    cases.register()
    second = cases.register()
    [pair] = open_candidates_of(db.session, second)
    record_review(
        db.session, pair, ReviewFinding.DUPLICATE_FILING, note="Filed twice.", by=staff.adjudicator
    )
    cases.in_state(ClaimState.UNDER_REVIEW, claim=second)
    with pytest.raises(ActionRefused, match="duplicate filing"):
        cases.act(second, Action.DRAFT_DECISION, staff.adjudicator)


def test_a_draft_that_does_not_cover_the_confirmed_group_is_not_approved(cases, staff):
    one = cases.register(family="الجبوري")
    other = cases.register(family="التميمي")
    cases.in_state(ClaimState.DECISION_DRAFTED, claim=one)
    cases.in_state(ClaimState.UNDER_REVIEW, claim=other)
    [pair] = open_candidates_of(db.session, one)
    record_review(
        db.session,
        pair,
        ReviewFinding.COMPETING_CLAIMS,
        note="Two families claim the same house.",
        by=staff.adjudicator,
    )
    with pytest.raises(ActionRefused, match="does not cover claim") as refused:
        cases.act(one, Action.APPROVE_DECISION, staff.reviewer)
    assert refused.value.values == {"number": other.number}
    assert one.state == ClaimState.DECISION_DRAFTED
    # The reviewer sees why, on a disabled button, instead of no button at all.
    offers = {offer.action: offer for offer in offered_to(db.session, one, staff.reviewer, TODAY)}
    assert offers[Action.APPROVE_DECISION].refused is not None
    assert offers[Action.RETURN_DRAFT].refused is None


def test_drafting_waits_for_open_pairs_and_says_so(cases, staff):
    cases.register(family="الجبوري")
    claim = cases.in_state(ClaimState.UNDER_REVIEW, claim=cases.register(family="التميمي"))
    [offer] = [
        offer
        for offer in offered_to(db.session, claim, staff.adjudicator, TODAY)
        if offer.action == Action.DRAFT_DECISION
    ]
    assert offer.refused.about == "open_conflicts" and offer.refused.values == {"count": 1}


def test_a_draft_changed_after_it_was_read_is_not_approved(cases, staff):
    claim = cases.in_state(ClaimState.DECISION_DRAFTED)
    draft = pending_decision(db.session, claim)
    read = draft_hash(draft)
    draft.reasons = "Changed after the reviewer opened it."
    db.session.flush()
    with pytest.raises(StaleDraft) as refused:
        cases.act(claim, Action.APPROVE_DECISION, staff.reviewer, draft_hash=read)
    assert refused.value.kind == RefusalKind.STALE and refused.value.status == 409
    assert claim.state == ClaimState.DECISION_DRAFTED
    cases.act(claim, Action.APPROVE_DECISION, staff.reviewer, draft_hash=draft_hash(draft))
    assert claim.state == ClaimState.DECISION_ISSUED
    assert draft.approved_draft_hash == draft_hash(draft)
