"""perform() on the database: every rule of the table, the refusals, the records each
action writes, group decisions, appeals, remand and the daily tick."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from adjudication.domain import AppealOutcome, DecisionStatus, Outcome
from adjudication.models import Appeal, Decision, Hearing, Transition
from adjudication.operations import (
    ActionNotAllowed,
    ActionRefused,
    ClaimOutcome,
    InvalidActionInput,
    assign_claims,
    claims_due_for_final,
    finalise_if_due,
)
from adjudication.workflow import (
    RULES,
    SYSTEM,
    Action,
    appeal_not_remanded,
    appeal_remanded,
    deadline_passed,
    names_no_respondent,
    rule_for,
)
from claims.domain import ClaimState
from claims.operations import StaleClaim, review_candidate
from claims.queries import open_candidates_of
from commission.audit import AuditEntry
from commission.extensions import db
from tests.support.adjudication import SETTINGS
from tests.support.claims import TODAY


def _history(claim) -> list[tuple[str, str, str]]:
    return list(
        db.session.execute(
            select(Transition.from_state, Transition.to_state, Transition.action)
            .where(Transition.claim_id == claim.id)
            .order_by(Transition.id)
        ).tuples()
    )


def _claim_for(rule, cases):
    guards = set(rule.guards)
    outcome = None
    if appeal_remanded in guards:
        outcome = AppealOutcome.REMANDED
    elif appeal_not_remanded in guards:
        outcome = AppealOutcome.UPHELD
    return cases.in_state(
        rule.state,
        with_respondent=names_no_respondent not in guards,
        deadline_passed=deadline_passed in guards,
        appeal_outcome=outcome,
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.state}-{rule.action}")
def test_every_rule_moves_the_claim_for_each_role_it_allows(rule, cases, staff):
    for role in sorted(rule.roles):
        claim = _claim_for(rule, cases)
        db.session.commit()
        by = None if role == SYSTEM else staff.for_role(role)
        version = claim.version
        [transition] = cases.act(claim, rule.action, by)
        db.session.commit()
        assert claim.state == rule.to
        assert claim.version == version + 1
        assert _history(claim) == [(rule.state, rule.to, rule.action)]
        assert transition.actor_id == (by.id if by else None)
        audited = db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.entity == "transition", AuditEntry.entity_id == str(transition.id))
        )
        assert audited == 1


@pytest.mark.parametrize("state", list(ClaimState))
def test_every_action_outside_the_table_is_refused_and_changes_nothing(state, cases, staff):
    claim = cases.in_state(state)
    db.session.commit()
    for action in Action:
        if rule_for(state, action) is not None:
            continue
        for by in (staff.adjudicator, staff.reviewer, staff.clerk, None):
            with pytest.raises(ActionRefused):
                cases.act(claim, action, by)
            db.session.rollback()
            assert claim.state == state and _history(claim) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.state}-{rule.action}")
def test_roles_the_rule_does_not_name_are_refused(rule, cases, staff):
    claim = _claim_for(rule, cases)
    db.session.commit()
    for role in ("adjudicator", "reviewer", "clerk", SYSTEM):
        if role in rule.roles:
            continue
        by = None if role == SYSTEM else staff.for_role(role)
        with pytest.raises(ActionNotAllowed):
            cases.act(claim, rule.action, by)
        db.session.rollback()
    assert claim.state == rule.state and _history(claim) == []


def test_a_stale_version_is_refused(cases, staff):
    claim = cases.in_state(ClaimState.REGISTERED)
    db.session.commit()
    from adjudication.operations import perform

    with pytest.raises(StaleClaim):
        perform(
            db.session,
            claim,
            Action.START_SCREENING,
            by=staff.adjudicator,
            expected_version=claim.version - 1,
            today=TODAY,
            settings=SETTINGS,
        )
    assert claim.state == ClaimState.REGISTERED


def test_bad_input_names_the_field_and_changes_nothing(cases, staff):
    claim = cases.in_state(ClaimState.SCREENING)
    db.session.commit()
    with pytest.raises(InvalidActionInput) as refused:
        cases.act(claim, Action.ANNUL, staff.adjudicator, reason_code="made_up")
    assert set(refused.value.errors) == {"reason_code"}
    with pytest.raises(InvalidActionInput) as refused:
        cases.act(claim, Action.REQUEST_DOCUMENTS, staff.adjudicator, comment=" ")
    assert set(refused.value.errors) == {"comment"}
    db.session.rollback()
    assert claim.state == ClaimState.SCREENING and _history(claim) == []


def test_deadlines_follow_the_state(cases, staff):
    claim = cases.in_state(ClaimState.SCREENING)
    cases.act(claim, Action.SERVE_RESPONDENT, staff.adjudicator)
    assert claim.deadline_on == TODAY + timedelta(days=SETTINGS.answer_days)
    cases.act(claim, Action.RECORD_ANSWER, staff.adjudicator, comment="Bought in good faith.")
    assert claim.deadline_on is None

    documents = cases.in_state(ClaimState.SCREENING)
    cases.act(documents, Action.REQUEST_DOCUMENTS, staff.adjudicator, comment="Title deed")
    assert documents.deadline_on == TODAY + timedelta(days=SETTINGS.documents_days)

    annulled = cases.in_state(ClaimState.SCREENING)
    cases.act(annulled, Action.ANNUL, staff.adjudicator)
    assert annulled.deadline_on == TODAY + timedelta(days=SETTINGS.appeal_days)
    [transition] = db.session.scalars(select(Transition).where(Transition.claim_id == annulled.id))
    assert transition.reason_code == "no_identity"


def test_draft_and_four_eyes_approval(cases, staff, make_user):
    from commission.accounts.models import Role, User

    # An adjudicator who is also a reviewer drafts: someone else must approve.
    both = db.session.get(User, make_user(Role.ADJUDICATOR, Role.REVIEWER).id)
    claim = cases.in_state(ClaimState.UNDER_REVIEW)
    claim.assigned_to_id = both.id
    cases.act(
        claim,
        Action.DRAFT_DECISION,
        both,
        comment="Compensation: the current occupant bought in good faith.",
        outcomes={claim.id: ClaimOutcome(Outcome.COMPENSATION, "", Decimal("45000000"), "IQD")},
    )
    db.session.commit()
    decision = db.session.scalar(select(Decision).order_by(Decision.id.desc()))
    assert decision.status == DecisionStatus.DRAFT and decision.drafted_by_id == both.id
    with pytest.raises(ActionRefused, match="other than its drafter"):
        cases.act(claim, Action.APPROVE_DECISION, both)
    db.session.rollback()

    cases.act(claim, Action.APPROVE_DECISION, staff.reviewer)
    db.session.commit()
    assert claim.state == ClaimState.DECISION_ISSUED
    assert decision.status == DecisionStatus.ISSUED and decision.approved_by_id == staff.reviewer.id
    assert decision.notified_on == TODAY
    assert decision.appeal_deadline == TODAY + timedelta(days=SETTINGS.appeal_days)
    assert claim.deadline_on == decision.appeal_deadline
    [outcome] = decision.outcomes
    assert outcome.compensation_amount == Decimal("45000000.00")


def test_a_returned_draft_stays_on_record(cases, staff):
    claim = cases.in_state(ClaimState.DECISION_DRAFTED)
    cases.act(claim, Action.RETURN_DRAFT, staff.reviewer, comment="Cite the 1975 deed.")
    db.session.commit()
    decision = db.session.scalar(select(Decision).order_by(Decision.id.desc()))
    assert claim.state == ClaimState.UNDER_REVIEW
    assert decision.status == DecisionStatus.RETURNED
    assert decision.return_note == "Cite the 1975 deed."


def _confirmed_group(cases, staff, size: int = 2):
    claims = [cases.register(family=family) for family in ("الجبوري", "الموسوي", "الربيعي")[:size]]
    db.session.commit()
    for claim in claims[1:]:
        for pair in open_candidates_of(db.session, claim):
            if pair.status == "open":
                review_candidate(
                    db.session, pair, confirm=True, note="same house", by=staff.adjudicator
                )
    db.session.commit()
    return claims


def test_a_conflict_group_is_decided_together_in_one_decision(cases, staff):
    first, second = _confirmed_group(cases, staff)
    for claim in (first, second):
        cases.in_state(ClaimState.UNDER_REVIEW, claim=claim)
    db.session.commit()
    transitions = cases.act(
        first,
        Action.DRAFT_DECISION,
        staff.adjudicator,
        comment="The first family holds the 1975 deed; the second bought from the state.",
        outcomes={
            first.id: ClaimOutcome(Outcome.RESTITUTION),
            second.id: ClaimOutcome(Outcome.COMPENSATION, "", Decimal("12000"), "USD"),
        },
    )
    db.session.commit()
    assert {transition.claim_id for transition in transitions} == {first.id, second.id}
    assert first.state == second.state == ClaimState.DECISION_DRAFTED
    decision = db.session.scalar(select(Decision).order_by(Decision.id.desc()))
    assert {outcome.claim_id: outcome.outcome for outcome in decision.outcomes} == {
        first.id: Outcome.RESTITUTION,
        second.id: Outcome.COMPENSATION,
    }
    # Approving from either claim issues the one decision for both.
    cases.act(second, Action.APPROVE_DECISION, staff.reviewer)
    db.session.commit()
    assert first.state == second.state == ClaimState.DECISION_ISSUED


def test_a_group_decision_needs_every_claim_ready_and_an_outcome_for_each(cases, staff):
    first, second = _confirmed_group(cases, staff)
    cases.in_state(ClaimState.UNDER_REVIEW, claim=first)
    cases.in_state(ClaimState.SCREENING, claim=second)
    db.session.commit()
    with pytest.raises(ActionRefused, match="not under review"):
        cases.act(first, Action.DRAFT_DECISION, staff.adjudicator)
    db.session.rollback()
    cases.in_state(ClaimState.UNDER_REVIEW, claim=second)
    db.session.commit()
    with pytest.raises(InvalidActionInput) as refused:
        cases.act(first, Action.DRAFT_DECISION, staff.adjudicator)  # first's outcome only
    assert f"outcome.{second.id}" in refused.value.errors


def test_an_open_conflict_blocks_the_decision(cases, staff):
    first = cases.register(family="الجبوري")
    second = cases.register(family="الموسوي")
    db.session.commit()
    assert open_candidates_of(db.session, second)
    cases.in_state(ClaimState.UNDER_REVIEW, claim=second)
    db.session.commit()
    with pytest.raises(ActionRefused, match="still open"):
        cases.act(second, Action.DRAFT_DECISION, staff.adjudicator)
    assert first.state == ClaimState.REGISTERED


def test_appeal_within_the_deadline_then_remand(cases, staff):
    claim = cases.in_state(ClaimState.DECISION_ISSUED)
    cases.act(claim, Action.LODGE_APPEAL, staff.clerk, comment="The deed was forged.")
    db.session.commit()
    appeal = db.session.scalar(select(Appeal).where(Appeal.claim_id == claim.id))
    assert appeal.decision_id is not None and appeal.lodged_on == TODAY

    # The reviewer who approved the decision may not decide the appeal.
    with pytest.raises(ActionRefused, match="did not draft or approve"):
        cases.act(claim, Action.DECIDE_APPEAL, staff.second_reviewer)
    db.session.rollback()
    cases.act(
        claim,
        Action.DECIDE_APPEAL,
        staff.reviewer,
        appeal_outcome=AppealOutcome.REMANDED,
        comment="Hear the respondent's witness.",
    )
    db.session.commit()
    with pytest.raises(ActionRefused, match="goes back to review"):
        cases.act(claim, Action.FINALISE, staff.reviewer)
    db.session.rollback()
    cases.act(claim, Action.REMAND, staff.reviewer)
    db.session.commit()
    assert claim.state == ClaimState.UNDER_REVIEW
    assert appeal.outcome == AppealOutcome.REMANDED  # the appeal decision stays on record


def test_no_appeal_after_the_deadline(cases, staff):
    claim = cases.in_state(ClaimState.DECISION_ISSUED, deadline_passed=True)
    with pytest.raises(ActionRefused, match="appeal deadline passed"):
        cases.act(claim, Action.LODGE_APPEAL, staff.clerk)


def test_tick_finalises_what_is_due_and_only_once(cases, staff):
    due = cases.in_state(ClaimState.DECISION_ISSUED, deadline_passed=True)
    annulled = cases.in_state(ClaimState.ANNULLED, deadline_passed=True)
    open_window = cases.in_state(ClaimState.DECISION_ISSUED)
    upheld = cases.in_state(ClaimState.APPEAL_DECIDED, appeal_outcome=AppealOutcome.UPHELD)
    remanded = cases.in_state(ClaimState.APPEAL_DECIDED, appeal_outcome=AppealOutcome.REMANDED)
    db.session.commit()
    due_ids = claims_due_for_final(db.session, TODAY)
    assert {due.id, annulled.id, upheld.id} <= set(due_ids)
    assert open_window.id not in due_ids and remanded.id not in due_ids
    for claim_id in due_ids:
        assert finalise_if_due(db.session, claim_id, TODAY, SETTINGS)
        db.session.commit()
    assert due.state == annulled.state == upheld.state == ClaimState.FINAL
    # A second run (tomorrow's cron, or two at once) changes nothing.
    for claim_id in due_ids:
        assert not finalise_if_due(db.session, claim_id, TODAY, SETTINGS)
    assert claims_due_for_final(db.session, TODAY) == []
    assert len(_history(due)) == 1 and _history(due)[0][1] == ClaimState.FINAL


def test_hearings_are_scheduled_and_recorded(cases, staff):
    claim = cases.in_state(ClaimState.UNDER_REVIEW)
    cases.act(claim, Action.SCHEDULE_HEARING, staff.adjudicator)
    db.session.commit()
    hearing = db.session.scalar(select(Hearing).where(Hearing.claim_id == claim.id))
    assert hearing.place == "Baghdad office, room 2" and hearing.parties_notified
    assert hearing.held_at is None
    cases.act(claim, Action.RECORD_HEARING, staff.adjudicator, comment="Minutes: both heard.")
    db.session.commit()
    assert hearing.held_at is not None and hearing.minutes == "Minutes: both heard."
    assert claim.state == ClaimState.UNDER_REVIEW


def test_assignment_takes_the_group_along_and_checks_the_office(cases, staff, make_user):
    from commission.accounts.models import Role, User

    first, second = _confirmed_group(cases, staff)
    assigned = assign_claims(db.session, [first], staff.other_adjudicator, by=staff.reviewer)
    db.session.commit()
    assert {claim.id for claim in assigned} == {first.id, second.id}
    assert second.assigned_to_id == staff.other_adjudicator.id

    basra = db.session.get(User, make_user(Role.ADJUDICATOR, office="BSR").id)
    from adjudication.operations import AssignmentRefused

    with pytest.raises(AssignmentRefused, match="does not work at the office"):
        assign_claims(db.session, [first], basra, by=staff.reviewer)
    with pytest.raises(ActionNotAllowed):
        assign_claims(db.session, [first], staff.adjudicator, by=staff.clerk)
