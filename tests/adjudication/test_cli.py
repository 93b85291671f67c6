"""`flask adjudication tick`: the daily job that makes decisions final."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import adjudication.cli
from adjudication.domain import AppealOutcome
from adjudication.models import Transition
from claims.domain import ClaimState
from claims.models import Claim
from claims.operations import StaleClaim
from commission.extensions import db
from commission.workspaces import operational_workspace_id
from tests.support.adjudication import Cases, Staff
from tests.support.app import commission_today
from tests.support.claims import IntakeContext


@pytest.fixture
def operational(app_ctx, make_user) -> Cases:
    """Claims put in a state in the operational workspace, where the CLI runs."""
    return Cases(IntakeContext(app_ctx, operational_workspace_id(db.session)), Staff(make_user))


def _in_state(cases: Cases, state: ClaimState, *, deadline: date | None = None, **kwargs):
    claim = cases.in_state(state, **kwargs)
    claim.deadline_on = deadline
    return claim


def _settle(*claims: Claim) -> dict[int, str]:
    """Commit, so the command (another session) sees the claims; their numbers by id."""
    numbers = {claim.id: claim.number for claim in claims}
    db.session.commit()
    return numbers


def _states(numbers: dict[int, str]) -> dict[str, ClaimState]:
    db.session.expire_all()
    rows = db.session.execute(select(Claim.number, Claim.state).where(Claim.id.in_(numbers)))
    result = dict(rows.all())
    db.session.commit()
    return result


def _final_transitions(claim_id: int) -> int:
    count = db.session.scalar(
        select(func.count())
        .select_from(Transition)
        .where(Transition.claim_id == claim_id, Transition.to_state == ClaimState.FINAL)
    )
    db.session.commit()
    return count


def test_tick_finalises_what_is_due_once_and_says_so(operational, runner):
    today = commission_today()
    yesterday = today - timedelta(days=1)
    due = _in_state(operational, ClaimState.DECISION_ISSUED, deadline=yesterday)
    annulled = _in_state(operational, ClaimState.ANNULLED, deadline=yesterday)
    window_open = _in_state(operational, ClaimState.DECISION_ISSUED, deadline=today)
    upheld = _in_state(operational, ClaimState.APPEAL_DECIDED, appeal_outcome=AppealOutcome.UPHELD)
    remanded = _in_state(
        operational, ClaimState.APPEAL_DECIDED, appeal_outcome=AppealOutcome.REMANDED
    )
    numbers = _settle(due, annulled, window_open, upheld, remanded)
    number = {claim: numbers[claim.id] for claim in (due, annulled, window_open, upheld, remanded)}

    first = runner.invoke(args=["adjudication", "tick"])
    assert first.exit_code == 0, first.output
    for claim in (due, annulled, upheld):
        assert f"{number[claim]}: final" in first.output
    assert number[window_open] not in first.output and number[remanded] not in first.output
    assert f"Tick as of {today}:" in first.output
    assert _states(numbers) == {
        number[due]: ClaimState.FINAL,
        number[annulled]: ClaimState.FINAL,
        number[window_open]: ClaimState.DECISION_ISSUED,
        number[upheld]: ClaimState.FINAL,
        number[remanded]: ClaimState.APPEAL_DECIDED,
    }

    again = runner.invoke(args=["adjudication", "tick"])
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    assert all(value not in again.output for value in numbers.values())
    assert [_final_transitions(claim_id) for claim_id in (due.id, annulled.id, upheld.id)] == [
        1,
        1,
        1,
    ]


def test_tick_as_of_an_earlier_day_finalises_only_what_was_due_then(operational, runner):
    today = commission_today()
    claim = _in_state(operational, ClaimState.DECISION_ISSUED, deadline=today - timedelta(3))
    numbers = _settle(claim)

    before = runner.invoke(args=["adjudication", "tick", "--today", str(today - timedelta(3))])
    assert before.exit_code == 0, before.output
    assert numbers[claim.id] not in before.output
    assert _states(numbers)[numbers[claim.id]] == ClaimState.DECISION_ISSUED

    after = runner.invoke(args=["adjudication", "tick", "--today", str(today - timedelta(2))])
    assert after.exit_code == 0, after.output
    assert f"{numbers[claim.id]}: final" in after.output
    assert _states(numbers)[numbers[claim.id]] == ClaimState.FINAL


def test_tick_refuses_a_day_after_today(runner):
    tomorrow = commission_today() + timedelta(days=1)
    result = runner.invoke(args=["adjudication", "tick", "--today", str(tomorrow)])
    assert result.exit_code == 2
    assert "cannot be after today" in result.output


def test_a_claim_that_fails_is_reported_and_the_others_still_become_final(
    operational, runner, monkeypatch
):
    yesterday = commission_today() - timedelta(days=1)
    failing = _in_state(operational, ClaimState.DECISION_ISSUED, deadline=yesterday)
    others = [_in_state(operational, ClaimState.INADMISSIBLE, deadline=yesterday) for _ in "ab"]
    failing_id = failing.id
    numbers = _settle(failing, *others)
    finalise = adjudication.cli.finalise_if_due

    def finalise_or_fail(session, claim_id, today, settings):
        if claim_id == failing_id:
            raise StaleClaim()
        return finalise(session, claim_id, today, settings)

    monkeypatch.setattr(adjudication.cli, "finalise_if_due", finalise_or_fail)
    result = runner.invoke(args=["adjudication", "tick"])
    assert result.exit_code == 1
    assert f"{numbers[failing_id]}: not finalised" in result.output
    states = _states(numbers)
    assert states.pop(numbers[failing_id]) == ClaimState.DECISION_ISSUED
    assert set(states.values()) == {ClaimState.FINAL}
