"""The transition table without a database: every state, action and role."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from adjudication.domain import AppealOutcome
from adjudication.workflow import (
    RULES,
    SYSTEM,
    Acting,
    Action,
    ClaimFacts,
    GroupMember,
    Rule,
    appeal_not_remanded,
    appeal_remanded,
    available_actions,
    confirmed_duplicate,
    deadline_passed,
    names_a_respondent,
    names_no_respondent,
    refusal,
    rule_for,
)
from claims.domain import ClaimState
from commission.roles import Role

TODAY = date(2026, 11, 24)
ME, OTHER = 7, 8
ALL_ROLES = [*Role, SYSTEM]


def facts_passing(rule: Rule, user_id: int | None) -> ClaimFacts:
    """Facts under which every guard of `rule` lets `user_id` act."""
    guards = set(rule.guards)
    passed = TODAY - timedelta(days=1)
    return ClaimFacts(
        state=rule.state,
        assigned_to=user_id,
        has_respondent=names_a_respondent in guards or names_no_respondent not in guards,
        deadline=passed if deadline_passed in guards else TODAY + timedelta(days=10),
        drafted_by=OTHER,
        approved_by=OTHER + 1,
        appeal_outcome=AppealOutcome.REMANDED
        if appeal_remanded in guards
        else AppealOutcome.UPHELD
        if appeal_not_remanded in guards
        else None,
        confirmed_duplicates=("BGD-2026-000009",) if confirmed_duplicate in guards else (),
    )


def acting(role: str) -> Acting:
    return Acting(None if role == SYSTEM else ME, frozenset({role}))


@pytest.mark.parametrize(
    ("state", "action", "role"), list(itertools.product(ClaimState, Action, ALL_ROLES))
)
def test_only_the_table_allows_a_state_action_role(state, action, role):
    rule = rule_for(state, action)
    who = acting(role)
    if rule is None:
        facts = ClaimFacts(state=state, assigned_to=ME)
        assert refusal(rule, facts, who, TODAY) is not None
        return
    allowed = role in rule.roles
    outcome = refusal(rule, facts_passing(rule, who.user_id), who, TODAY)
    assert (outcome is None) == allowed, (state, action, role, outcome)


def test_every_state_but_the_ends_has_a_way_out():
    ends = {ClaimState.CLOSED, ClaimState.WITHDRAWN}
    for state in ClaimState:
        leaving = [rule for rule in RULES if rule.state == state]
        assert bool(leaving) == (state not in ends), state


def test_every_state_can_be_reached_from_registered():
    reached, frontier = {ClaimState.REGISTERED}, [ClaimState.REGISTERED]
    while frontier:
        state = frontier.pop()
        for rule in RULES:
            if rule.state == state and rule.to not in reached:
                reached.add(rule.to)
                frontier.append(rule.to)
    assert reached == set(ClaimState)


def _refused(state, action, facts_changes, *, user=ME, roles=(Role.ADJUDICATOR,)):
    rule = rule_for(state, action)
    facts = facts_passing(rule, ME)
    facts = ClaimFacts(**{**facts.__dict__, **facts_changes})
    return refusal(rule, facts, Acting(user, frozenset(roles)), TODAY)


def test_only_the_assigned_adjudicator_screens_reviews_and_drafts():
    for state, action in (
        (ClaimState.REGISTERED, Action.START_SCREENING),
        (ClaimState.UNDER_REVIEW, Action.SCHEDULE_HEARING),
        (ClaimState.UNDER_REVIEW, Action.DRAFT_DECISION),
    ):
        assert _refused(state, action, {"assigned_to": OTHER}).message.startswith("Only the")
        assert "not assigned" in _refused(state, action, {"assigned_to": None}).message


def test_the_drafter_never_approves_or_returns_their_own_draft():
    for action in (Action.APPROVE_DECISION, Action.RETURN_DRAFT):
        refused = _refused(
            ClaimState.DECISION_DRAFTED, action, {"drafted_by": ME}, roles=(Role.REVIEWER,)
        )
        assert "other than its drafter" in refused.message
        assert (
            _refused(
                ClaimState.DECISION_DRAFTED, action, {"drafted_by": OTHER}, roles=(Role.REVIEWER,)
            )
            is None
        )


def test_no_decision_is_drafted_or_approved_while_a_conflict_is_open():
    assert (
        "open pair"
        in _refused(ClaimState.UNDER_REVIEW, Action.DRAFT_DECISION, {"open_conflicts": 1}).message
    )
    assert (
        "open pair"
        in _refused(
            ClaimState.DECISION_DRAFTED,
            Action.APPROVE_DECISION,
            {"open_conflicts": 2},
            roles=(Role.REVIEWER,),
        ).message
    )


def test_a_conflict_group_is_decided_together():
    waiting = GroupMember("BGD-2026-000002", ClaimState.SCREENING, ME)
    refused = _refused(ClaimState.UNDER_REVIEW, Action.DRAFT_DECISION, {"group": (waiting,)})
    assert refused.values == {"number": "BGD-2026-000002"}
    elsewhere = GroupMember("BGD-2026-000002", ClaimState.UNDER_REVIEW, OTHER)
    assert (
        "someone else"
        in _refused(ClaimState.UNDER_REVIEW, Action.DRAFT_DECISION, {"group": (elsewhere,)}).message
    )
    ready = GroupMember("BGD-2026-000002", ClaimState.UNDER_REVIEW, ME)
    assert _refused(ClaimState.UNDER_REVIEW, Action.DRAFT_DECISION, {"group": (ready,)}) is None


@pytest.mark.parametrize(
    ("deadline", "appeal_allowed"),
    [(TODAY + timedelta(days=1), True), (TODAY, True), (TODAY - timedelta(days=1), False)],
)
def test_appeal_only_within_the_deadline_and_final_only_after_it(deadline, appeal_allowed):
    for state in (ClaimState.DECISION_ISSUED, ClaimState.ANNULLED, ClaimState.INADMISSIBLE):
        facts = ClaimFacts(state=state, deadline=deadline)
        clerk = Acting(ME, frozenset({Role.CLERK}))
        appeal = refusal(rule_for(state, Action.LODGE_APPEAL), facts, clerk, TODAY)
        final = refusal(rule_for(state, Action.FINALISE), facts, acting(SYSTEM), TODAY)
        assert (appeal is None) == appeal_allowed
        assert (final is None) == (not appeal_allowed)


def test_remand_and_final_follow_the_appeal_outcome():
    reviewer = Acting(ME, frozenset({Role.REVIEWER}))
    for outcome, remand_ok in (
        (AppealOutcome.REMANDED, True),
        (AppealOutcome.UPHELD, False),
        (AppealOutcome.OVERTURNED, False),
    ):
        facts = ClaimFacts(state=ClaimState.APPEAL_DECIDED, appeal_outcome=outcome)
        remand = refusal(rule_for(facts.state, Action.REMAND), facts, reviewer, TODAY)
        final = refusal(rule_for(facts.state, Action.FINALISE), facts, reviewer, TODAY)
        assert (remand is None) == remand_ok
        assert (final is None) == (not remand_ok)


def test_an_appeal_is_decided_by_someone_outside_the_decision():
    reviewer = Acting(ME, frozenset({Role.REVIEWER}))
    for field in ("drafted_by", "approved_by"):
        facts = ClaimFacts(state=ClaimState.APPEALED, **{field: ME})
        assert refusal(rule_for(facts.state, Action.DECIDE_APPEAL), facts, reviewer, TODAY)


def test_withdrawal_only_before_a_decision_is_issued():
    clerk = Acting(ME, frozenset({Role.CLERK}))
    allowed = {
        state
        for state in ClaimState
        if refusal(rule_for(state, Action.WITHDRAW), ClaimFacts(state=state), clerk, TODAY) is None
    }
    assert ClaimState.DECISION_DRAFTED in allowed
    assert allowed.isdisjoint(
        {
            ClaimState.DECISION_ISSUED,
            ClaimState.APPEALED,
            ClaimState.FINAL,
            ClaimState.CLOSED,
            ClaimState.WITHDRAWN,
            ClaimState.ANNULLED,
        }
    )


def test_respondent_notice_or_admission_depends_on_a_respondent():
    assert _refused(ClaimState.SCREENING, Action.SERVE_RESPONDENT, {"has_respondent": False})
    assert _refused(ClaimState.SCREENING, Action.ADMIT, {"has_respondent": True})


def test_the_buttons_are_the_allowed_actions():
    facts = ClaimFacts(state=ClaimState.SCREENING, assigned_to=ME, has_respondent=True)
    adjudicator = Acting(ME, frozenset({Role.ADJUDICATOR}))
    assert available_actions(facts, adjudicator, TODAY) == [
        Action.SERVE_RESPONDENT,
        Action.REQUEST_DOCUMENTS,
        Action.ANNUL,
        Action.DECLARE_INADMISSIBLE,
    ]
    clerk = Acting(ME, frozenset({Role.CLERK}))
    assert available_actions(facts, clerk, TODAY) == [Action.WITHDRAW]
    assert available_actions(facts, Acting(OTHER, frozenset({Role.ADJUDICATOR})), TODAY) == []
