"""Two people acting on one claim at once: exactly one wins, the others get a clear
refusal, and the history shows the transition once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from adjudication.models import Transition
from adjudication.operations import perform
from adjudication.workflow import Action
from claims.domain import ClaimState
from claims.models import Claim
from claims.operations import StaleClaim
from commission.accounts.models import User
from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import use_workspace
from tests.support.adjudication import SETTINGS
from tests.support.claims import TODAY

RACERS = 20


def test_twenty_racing_transitions_give_one_success(app, workspace, cases, staff):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the race matters on PostgreSQL")
    claim = cases.in_state(ClaimState.REGISTERED)
    db.session.commit()
    claim_id, version, adjudicator_id = claim.id, claim.version, staff.adjudicator.id
    successes, refusals, errors = [], [], []
    barrier = threading.Barrier(RACERS)

    def race():
        with app.app_context(), use_workspace(workspace):
            set_actor(Actor(None, "race"))
            try:
                mine = db.session.get(Claim, claim_id)
                by = db.session.get(User, adjudicator_id)
                barrier.wait(timeout=60)  # every racer has read the claim
                perform(
                    db.session,
                    mine,
                    Action.START_SCREENING,
                    by=by,
                    expected_version=version,
                    today=TODAY,
                    settings=SETTINGS,
                )
                db.session.commit()
                successes.append(1)
            except StaleClaim as refused:
                db.session.rollback()
                refusals.append(str(refused.message))
            except Exception as error:  # collected and asserted below
                db.session.rollback()
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=race) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(successes) == 1 and len(refusals) == RACERS - 1
    assert all("Someone else changed this claim" in message for message in refusals)
    db.session.expire_all()
    assert db.session.get(Claim, claim_id).state == ClaimState.SCREENING
    transitions = db.session.scalar(
        select(func.count()).select_from(Transition).where(Transition.claim_id == claim_id)
    )
    assert transitions == 1
