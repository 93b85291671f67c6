"""The demo seed's history (`flask seed-demo --claims N`): demo claims in every state,
each history a path through the transition table, made by the demo staff with the real
verbs. Seeded here in a workspace of the test's own, as the command does in the
operational one (tests/demo/test_claims.py runs the command itself)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pytest
from sqlalchemy import select

from adjudication.domain import DecisionStatus
from adjudication.models import Decision, Transition
from adjudication.operations import WorkflowSettings
from adjudication.workflow import RULES
from claims.domain import ClaimState
from claims.models import Claim
from commission.accounts.models import Role, User
from commission.extensions import db
from demo.claims import DEMO_SEED, seed_demo_claims
from demo.histories import advance_demo_claims, demo_state_counts
from demo.people import DemoStaff
from tests.support.app import commission_today

#: Enough claims for the deck of stories to deal every one of them.
DEMO_CLAIMS = 120
ALLOWED = {(rule.state, rule.action, rule.to) for rule in RULES}


@pytest.fixture
def demo_staff(intake, make_user) -> DemoStaff:
    def user(role: Role, office: str) -> User:
        return db.session.get(User, make_user(role, office=office).id)

    return DemoStaff(
        clerk=user(Role.CLERK, "BGD"),
        adjudicator=user(Role.ADJUDICATOR, "HQ"),
        reviewer=user(Role.REVIEWER, "HQ"),
        appeals_reviewer=user(Role.REVIEWER, "HQ"),
    )


def seed(app, intake, staff: DemoStaff, count: int) -> int:
    """What `flask seed-demo --claims count` does with the claims; returns how many it
    registered."""
    today = commission_today()
    registered = seed_demo_claims(
        db.session, count, by=staff.clerk, today=today, store=intake.store
    )
    advance_demo_claims(
        db.session,
        registered,
        staff=staff,
        settings=WorkflowSettings.from_config(app.config),
        today=today,
        seed=DEMO_SEED,
    )
    db.session.commit()
    return len(registered)


def histories() -> dict[Claim, list[Transition]]:
    claims = db.session.scalars(select(Claim).order_by(Claim.id)).all()
    history = defaultdict(list)
    for transition in db.session.scalars(select(Transition).order_by(Transition.id)):
        history[transition.claim_id].append(transition)
    return {claim: history[claim.id] for claim in claims}


def test_demo_claims_are_in_every_state(app, intake, demo_staff):
    assert seed(app, intake, demo_staff, DEMO_CLAIMS) == DEMO_CLAIMS
    counts = demo_state_counts(db.session)
    assert sum(counts.values()) == DEMO_CLAIMS
    assert [state for state, count in counts.items() if not count] == []


def test_each_demo_history_is_a_path_through_the_table(app, intake, demo_staff):
    seed(app, intake, demo_staff, DEMO_CLAIMS)
    staff_ids = {getattr(demo_staff, part.name).id for part in dataclasses.fields(demo_staff)}
    for claim, transitions in histories().items():
        state = ClaimState.REGISTERED
        for transition in transitions:
            step = (transition.from_state, transition.action, transition.to_state)
            assert step in ALLOWED, (claim.number, step)
            assert transition.from_state == state, (claim.number, step)
            state = transition.to_state
            # The demo staff act, and the system (the tick) only to make a claim final.
            assert transition.actor_id in staff_ids or (
                transition.actor_id is None and transition.to_state == ClaimState.FINAL
            )
        assert state == claim.state, claim.number
        times = [transition.occurred_at for transition in transitions]
        assert times == sorted(times), claim.number
        assert all(time.date() >= claim.filed_on for time in times), claim.number
        if transitions:
            assert claim.state_since == times[-1]
        if claim.state == ClaimState.REGISTERED and claim.assigned_to_id is None:
            assert not transitions


def test_demo_decisions_have_four_eyes_and_a_group_is_decided_together(app, intake, demo_staff):
    seed(app, intake, demo_staff, 300)
    decisions = db.session.scalars(select(Decision)).all()
    issued = [decision for decision in decisions if decision.status == DecisionStatus.ISSUED]
    assert issued
    assert all(decision.approved_by_id == demo_staff.reviewer.id for decision in issued)
    assert all(decision.drafted_by_id == demo_staff.adjudicator.id for decision in decisions)
    assert any(len(decision.outcomes) > 1 for decision in decisions)
    amounts = [
        outcome.compensation_amount
        for decision in decisions
        for outcome in decision.outcomes
        if outcome.compensation_amount is not None
    ]
    assert amounts and all(amount >= 1_000_000 for amount in amounts)


def test_seeding_again_adds_no_claim_and_no_history(app, intake, demo_staff):
    seed(app, intake, demo_staff, 40)
    before = {claim.id: (claim.state, claim.version, len(t)) for claim, t in histories().items()}
    assert seed(app, intake, demo_staff, 40) == 0
    after = {claim.id: (claim.state, claim.version, len(t)) for claim, t in histories().items()}
    assert after == before
