"""Seeding: a fresh workspace gets exactly the scenario's claims, the conflict pairs its
model answer asks about, and its starting states; the operational workspace nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adjudication.models import Transition
from adjudication.operations import AssignmentRefused, assign_claims
from claims.domain import CandidateStatus, ClaimState
from claims.models import Claim, ConflictCandidate, Evidence, Party
from commission.accounts.models import User
from commission.audit import Actor, AuditEntry, set_actor
from commission.extensions import db
from commission.workspaces import operational_workspace_id, use_workspace
from tests.support.app import new_workspace
from tests.support.claims import TODAY
from tests.support.training import SCENARIOS
from training.cast import CAST_USERNAMES, training_cast

#: The state each claim starts in, where a starting history moves it.
STARTING_STATES = {("appeal-remanded", "A"): ClaimState.DECISION_ISSUED}


def _operational_claims() -> int:
    with use_workspace(operational_workspace_id(db.session)):
        return db.session.scalar(
            select(func.count()).select_from(Claim).where(Claim.import_ref.like("scenario:%"))
        )


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_seeding_creates_exactly_the_scenario(scenario_id, training):
    scenario = SCENARIOS[scenario_id]
    operational_before = _operational_claims()

    claims = training.seed(scenario)

    assert list(claims) == [claim.ref for claim in scenario.claims]
    stored = db.session.scalars(select(Claim).order_by(Claim.id)).all()
    assert [claim.import_ref for claim in stored] == [
        scenario.import_ref(claim.ref) for claim in scenario.claims
    ]
    for data in scenario.claims:
        claim = claims[data.ref]
        assert claim.parcel.parcel_no_entered == data.facts.parcel.parcel_no
        assert [(party.role, party.given_name, party.latin_name) for party in claim.parties] == [
            (party.role, party.given_name, party.latin_name) for party in data.facts.parties
        ]
        assert [item.kind for item in claim.evidence] == [item.kind for item in data.evidence]
        assert [item.media_type for item in claim.evidence] == [
            "application/pdf" if item.file_format == "pdf" else "image/png"
            for item in data.evidence
        ]
        for item in claim.evidence:
            assert training.store.path_for(item.sha256).is_file()
        assert claim.state == STARTING_STATES.get((scenario_id, data.ref), ClaimState.REGISTERED)
    counts = [
        db.session.scalar(select(func.count()).select_from(model)) for model in (Party, Evidence)
    ]
    assert counts == [
        sum(len(claim.facts.parties) for claim in scenario.claims),
        sum(len(claim.evidence) for claim in scenario.claims),
    ]
    assert _operational_claims() == operational_before


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_the_matcher_raises_exactly_the_pairs_the_model_answer_judges(scenario_id, training):
    """Every planted conflict is found, and every non-conflict the trainee must dismiss
    is really raised: the open pairs are the model answer's pairs, no more, no fewer."""
    scenario = SCENARIOS[scenario_id]
    claims = training.seed(scenario)
    refs = {claim.id: ref for ref, claim in claims.items()}

    open_pairs = db.session.scalars(
        select(ConflictCandidate).where(ConflictCandidate.status == CandidateStatus.OPEN)
    ).all()

    assert {frozenset({refs[pair.claim_a_id], refs[pair.claim_b_id]}) for pair in open_pairs} == {
        frozenset(item.refs) for item in scenario.model_answer.conflicts
    }


def test_the_duplicate_is_raised_as_a_duplicate_and_the_families_as_competing(training):
    kinds = {}
    for scenario_id in ("same-claimant-twice", "two-families"):
        claims = training.seed(SCENARIOS[scenario_id])
        pair = db.session.scalar(
            select(ConflictCandidate)
            .where(ConflictCandidate.claim_a_id == claims["A"].id)
            .where(ConflictCandidate.claim_b_id == claims["B"].id)
        )
        kinds[scenario_id] = pair.kind
    assert kinds == {"same-claimant-twice": "duplicate", "two-families": "competing"}


def test_the_starting_history_is_played_by_the_cast_through_the_workflow(training):
    claims = training.seed(SCENARIOS["appeal-remanded"])
    claim = claims["A"]

    history = db.session.execute(
        select(Transition.action, User.username)
        .join(User, User.id == Transition.actor_id)
        .where(Transition.claim_id == claim.id)
        .order_by(Transition.id)
    ).all()

    assert history == [
        ("start_screening", "training-adjudicator"),
        ("admit", "training-adjudicator"),
        ("draft_decision", "training-adjudicator"),
        ("approve_decision", "training-reviewer"),
    ]
    assert claim.assigned_to.username == "training-adjudicator"
    # The appeal window runs from the day of seeding.
    assert (claim.deadline_on - TODAY).days == training.settings.appeal_days


def _operational_audit_entries() -> int:
    with use_workspace(operational_workspace_id(db.session)):
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_the_cast_are_disabled_accounts_created_once(training):
    first = training.cast()
    db.session.commit()
    audited = _operational_audit_entries()

    training.seed(SCENARIOS["appeal-remanded"])
    db.session.expire_all()
    again = training.cast()

    assert first == again
    users = db.session.scalars(select(User).where(User.username.in_(CAST_USERNAMES))).all()
    assert len(users) == 4
    assert not any(user.is_active_account for user in users)
    assert {user.office.code for user in users} == {"HQ"}
    # Assigning claims to the disabled adjudicator changed nothing outside the run.
    assert _operational_audit_entries() == audited


def test_seeding_is_deterministic(app, training):
    scenario = SCENARIOS["two-families"]

    def snapshot(claims):
        return [
            (
                claim.number,
                claim.parcel.parcel_key,
                [party.full_name for party in claim.parties],
                [(item.original_filename, item.sha256) for item in claim.evidence],
            )
            for claim in claims.values()
        ]

    first = snapshot(training.seed(scenario))
    with use_workspace(new_workspace(app, "seed-again")):
        second = snapshot(training.seed(scenario))

    assert first == second


def test_claims_are_assigned_to_the_disabled_cast_adjudicator_inside_training(training):
    claims = training.seed(SCENARIOS["two-families"])
    cast = training.cast()
    reviewer = cast.reviewer

    assign_claims(
        db.session, [claims["A"]], cast.adjudicator, by=reviewer, allow_service_account=True
    )

    assert claims["A"].assigned_to_id == cast.adjudicator.id
    assert cast.adjudicator.is_active_account is False
    db.session.rollback()


def test_a_disabled_account_is_refused_without_the_explicit_permission(training):
    claims = training.seed(SCENARIOS["two-families"])
    cast = training.cast()

    with pytest.raises(AssignmentRefused):
        assign_claims(db.session, [claims["A"]], cast.adjudicator, by=cast.reviewer)
    assert claims["A"].assigned_to_id is None


def test_a_service_account_is_never_assigned_operational_claims(app):
    from tests.support.claims import IntakeContext, claim_input

    with app.app_context():
        set_actor(Actor(None, "test"))
        workspace_id = operational_workspace_id(db.session)
        cast = training_cast(db.session, hasher=app.extensions["qayd_password_hasher"])
        with use_workspace(workspace_id):
            claim = IntakeContext(app, workspace_id).register(claim_input())
            with pytest.raises(AssignmentRefused):
                assign_claims(
                    db.session,
                    [claim],
                    cast.adjudicator,
                    by=cast.reviewer,
                    allow_service_account=True,
                )
            assert claim.assigned_to_id is None
        db.session.rollback()
        db.session.remove()
