"""Scoring: a perfect play-through scores 100, and known mistakes cost exactly the
points the model answer gives the items they miss."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from adjudication.domain import AppealOutcome
from commission.extensions import db
from documents.letters import LetterKind
from tests.support.training import SCENARIOS, Plan
from training.scenarios.model import ExpectedOutcome
from training.scoring import score_workspace


def _missed(report) -> set[tuple[str, tuple[str, ...]]]:
    return {(item.kind, item.refs) for item in report.missed}


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_nothing_done_scores_nothing(scenario_id, training):
    scenario = SCENARIOS[scenario_id]
    training.seed(scenario)

    report = score_workspace(db.session, scenario)

    assert report.points == 0
    assert report.percent == 0
    assert report.max_points == scenario.model_answer.max_points
    assert len(report.missed) == len(report.items)


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_a_perfect_play_through_scores_100(scenario_id, play):
    scenario = SCENARIOS[scenario_id]
    player = play(scenario_id)

    player.play(Plan.from_model_answer(scenario))

    report = score_workspace(db.session, scenario, trainee_id=player.trainee.id)
    assert report.missed == []
    assert (report.points, report.max_points, report.percent) == (
        scenario.model_answer.max_points,
        scenario.model_answer.max_points,
        100,
    )
    # Another user's score in the same workspace: none of the trainee's acts are theirs.
    assert score_workspace(db.session, scenario, trainee_id=player.approver.id).percent < 100


def test_dismissing_the_real_conflict_costs_the_pair_and_the_group_decision(play):
    scenario = SCENARIOS["two-families"]
    player = play("two-families")
    plan = Plan.from_model_answer(scenario)
    plan.confirm[frozenset({"A", "B"})] = False

    player.play(plan)

    report = score_workspace(db.session, scenario)
    assert _missed(report) == {("conflict", ("A", "B")), ("group", ("A", "B"))}
    assert report.points == 105 - 20 - 15
    assert report.percent == 70 * 100 // 105 == 66
    group = next(item for item in report.items if item.kind == "group")
    assert group.did == "decided them in separate decisions"
    assert group.why.ar


def test_eviction_instead_of_compensation_and_a_notice_not_issued(play):
    scenario = SCENARIOS["good-faith-occupant"]
    player = play("good-faith-occupant")
    plan = Plan.from_model_answer(scenario)
    plan.targets["A"] = dataclasses.replace(
        plan.targets["A"], outcome=ExpectedOutcome.RESTITUTION, amount=None, currency=""
    )
    plan.letters.discard(("B", LetterKind.RESPONDENT_NOTICE))

    player.play(plan)

    report = score_workspace(db.session, scenario)
    assert _missed(report) == {("outcome", ("A",)), ("letter", ("B",))}
    assert report.points == 85 - 30 - 5
    outcome = next(item for item in report.missed if item.kind == "outcome")
    assert outcome.did.startswith("decided restitution")
    assert "90,000,000 to 150,000,000 IQD" in outcome.expected


def test_compensation_outside_the_range_or_without_the_provision_misses(play):
    scenario = SCENARIOS["good-faith-occupant"]
    player = play("good-faith-occupant")
    plan = Plan.from_model_answer(scenario)
    plan.targets["A"] = dataclasses.replace(plan.targets["A"], amount=Decimal(20_000_000))
    plan.targets["B"] = dataclasses.replace(plan.targets["B"], provisions=("law13_compensation",))

    player.play(plan)

    report = score_workspace(db.session, scenario)
    assert _missed(report) == {("outcome", ("A",)), ("outcome", ("B",))}
    assert report.points == 85 - 30 - 10


def test_the_duplicate_decided_instead_of_withdrawn(play):
    scenario = SCENARIOS["same-claimant-twice"]
    player = play("same-claimant-twice")
    plan = Plan.from_model_answer(scenario)
    plan.targets["B"] = plan.targets["A"]

    player.play(plan)

    report = score_workspace(db.session, scenario)
    assert _missed(report) == {("outcome", ("B",))}
    assert report.points == 95 - 20


def test_rejecting_on_the_merits_what_is_outside_jurisdiction(play):
    scenario = SCENARIOS["outside-jurisdiction"]
    player = play("outside-jurisdiction")
    plan = Plan.from_model_answer(scenario)
    plan.targets["A"] = dataclasses.replace(
        plan.targets["A"], outcome=ExpectedOutcome.REJECTION, reason_code="no_proof_of_ownership"
    )

    player.play(plan)

    report = score_workspace(db.session, scenario)
    assert _missed(report) == {("outcome", ("A",))}
    assert report.points == 60 - 30


def test_inadmissible_by_decision_counts_like_inadmissible_at_screening(play):
    """The model answer asks for the outcome, not the path: a decision declaring the
    claim inadmissible with the right reason is as good as screening it out."""
    scenario = SCENARIOS["outside-jurisdiction"]
    player = play("outside-jurisdiction")
    plan = Plan.from_model_answer(scenario)
    player.screen_out = False

    player.play(plan)

    assert score_workspace(db.session, scenario).percent == 100


def test_an_appeal_upheld_instead_of_remanded(play):
    scenario = SCENARIOS["appeal-remanded"]
    player = play("appeal-remanded")
    plan = Plan.from_model_answer(scenario)
    plan.appeals["A"] = AppealOutcome.UPHELD

    player.play(plan)

    report = score_workspace(db.session, scenario)
    assert _missed(report) == {
        ("appeal", ("A",)),
        ("outcome", ("A",)),
        ("letter", ("A",)),
    }
    # The appeal was lodged in time and its outcome notified: those still count.
    assert report.points == 80 - 30 - 20 - 10
    decision_letter = next(item for item in report.missed if item.kind == "letter")
    assert decision_letter.did == "no decision issued"


def test_the_appeal_never_lodged(play):
    scenario = SCENARIOS["appeal-remanded"]
    player = play("appeal-remanded")
    plan = Plan.from_model_answer(scenario)
    plan.appeals.clear()
    plan.lodge.clear()
    plan.targets.clear()

    player.play(plan)

    report = score_workspace(db.session, scenario)
    assert report.points == 0
    deadline = next(item for item in report.items if item.kind == "deadline")
    assert deadline.did == "never took lodge_appeal"
    # The cast's decision is the scenario's, not the trainee's.
    outcome = next(item for item in report.items if item.kind == "outcome")
    assert outcome.did == "no decision"


def test_the_report_is_plain_data(play):
    scenario = SCENARIOS["two-families"]
    player = play("two-families")
    player.play(Plan.from_model_answer(scenario))

    report = score_workspace(db.session, scenario, trainee_id=player.trainee.id)
    stored = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))

    assert stored["percent"] == 100
    assert stored["trainee_id"] == player.trainee.id
    assert {item["kind"] for item in stored["items"]} == {"conflict", "group", "outcome", "letter"}
    assert all(item["why"]["en"] and item["why"]["ar"] for item in stored["items"])
