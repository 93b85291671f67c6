"""Scoring: a training workspace read against its scenario's model answer.

Each item of the model answer becomes one scored Item: passed (all its points) or not
(none), with what was expected, what the trainee did, and why it matters. Only the
trainee's acts count: the cast's starting history never does, and when `trainee_id` is
given neither does anyone else's (a trainer's, say). Letters are the exception: a
letter of the trainee's decision counts whoever issued it. Reads only; never commits.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from adjudication.domain import DecisionStatus
from adjudication.models import Appeal, Decision, DecisionClaim, Transition
from claims.domain import CandidateStatus, ClaimState
from claims.models import Claim, ConflictCandidate
from commission.bilingual import Bilingual
from documents.letters import LetterKind
from documents.models import Letter, LetterClaim
from training.cast import cast_ids
from training.scenarios.model import (
    AppealAnswer,
    ConflictAnswer,
    DeadlineAnswer,
    ExpectedOutcome,
    GroupAnswer,
    LetterAnswer,
    OutcomeAnswer,
    Scenario,
)

#: Claim states an outcome is read from instead of a decision: the claim set aside.
_SET_ASIDE = {
    ClaimState.WITHDRAWN: ExpectedOutcome.WITHDRAWN,
    ClaimState.ANNULLED: ExpectedOutcome.ANNULLED,
    ClaimState.INADMISSIBLE: ExpectedOutcome.INADMISSIBLE,
}


@dataclasses.dataclass(frozen=True)
class Item:
    """One scored item of the model answer."""

    #: conflict, group, outcome, appeal, deadline or letter.
    kind: str
    refs: tuple[str, ...]
    points: int
    max_points: int
    passed: bool
    expected: str
    did: str
    why: Bilingual


@dataclasses.dataclass(frozen=True)
class ScoreReport:
    scenario_id: str
    trainee_id: int | None
    items: tuple[Item, ...]

    @property
    def points(self) -> int:
        return sum(item.points for item in self.items)

    @property
    def max_points(self) -> int:
        return sum(item.max_points for item in self.items)

    @property
    def percent(self) -> int:
        """Whole percent, rounded down: 100 only when nothing was missed."""
        return self.points * 100 // self.max_points

    @property
    def missed(self) -> list[Item]:
        return [item for item in self.items if not item.passed]

    def as_dict(self) -> dict:
        """The report as plain values (JSON-ready), for storing with a seat."""
        return {
            "scenario_id": self.scenario_id,
            "trainee_id": self.trainee_id,
            "points": self.points,
            "max_points": self.max_points,
            "percent": self.percent,
            "items": [
                {
                    **dataclasses.asdict(item),
                    "refs": list(item.refs),
                    "why": {"en": item.why.en, "ar": item.why.ar},
                }
                for item in self.items
            ],
        }


class _Workspace:
    """What the scorer reads from the current workspace, by scenario ref."""

    def __init__(self, session: Session, scenario: Scenario, trainee_id: int | None):
        self.session = session
        self.trainee_id = trainee_id
        self.cast = cast_ids(session)
        by_import_ref = {
            claim.import_ref: claim
            for claim in session.scalars(
                select(Claim).where(
                    Claim.import_ref.in_([scenario.import_ref(c.ref) for c in scenario.claims])
                )
            )
        }
        self.claims = {
            data.ref: by_import_ref.get(scenario.import_ref(data.ref)) for data in scenario.claims
        }

    def counts(self, actor_id: int | None) -> bool:
        """Whether an act by this user is the trainee's."""
        if actor_id is None or actor_id in self.cast:
            return False
        return self.trainee_id is None or actor_id == self.trainee_id

    def pair(self, first: Claim, second: Claim) -> ConflictCandidate | None:
        low, high = sorted((first.id, second.id))
        return self.session.scalar(
            select(ConflictCandidate).where(
                ConflictCandidate.claim_a_id == low, ConflictCandidate.claim_b_id == high
            )
        )

    def decision_outcome(self, claim: Claim) -> DecisionClaim | None:
        """The claim's outcome in the trainee's latest decision, drafted or issued."""
        outcomes = self.session.scalars(
            select(DecisionClaim)
            .join(Decision)
            .where(
                DecisionClaim.claim_id == claim.id,
                Decision.status.in_((DecisionStatus.DRAFT, DecisionStatus.ISSUED)),
            )
            .order_by(Decision.id.desc())
        )
        return next(
            (one for one in outcomes if self.counts(one.decision.drafted_by_id)),
            None,
        )

    def set_aside_by(self, claim: Claim) -> Transition | None:
        """The trainee's transition that put the claim where it is, if it is set aside."""
        if claim.state not in _SET_ASIDE:
            return None
        transition = self.session.scalar(
            select(Transition)
            .where(Transition.claim_id == claim.id, Transition.to_state == claim.state)
            .order_by(Transition.id.desc())
            .limit(1)
        )
        return transition if transition and self.counts(transition.actor_id) else None

    def appeal(self, claim: Claim) -> Appeal | None:
        """The trainee's latest appeal decision on the claim."""
        appeals = self.session.scalars(
            select(Appeal)
            .where(Appeal.claim_id == claim.id, Appeal.outcome.is_not(None))
            .order_by(Appeal.id.desc())
        )
        return next((one for one in appeals if self.counts(one.decided_by_id)), None)

    def first_transition(self, claim: Claim, answer: DeadlineAnswer) -> Transition | None:
        transitions = self.session.scalars(
            select(Transition)
            .where(Transition.claim_id == claim.id, Transition.action == answer.action)
            .order_by(Transition.id)
        )
        return next((one for one in transitions if self.counts(one.actor_id)), None)

    def letters(self, claim: Claim, kind: LetterKind) -> list[Letter]:
        return list(
            self.session.scalars(
                select(Letter)
                .join(LetterClaim, LetterClaim.letter_id == Letter.id)
                .where(LetterClaim.claim_id == claim.id, Letter.kind == kind)
                .order_by(Letter.id)
            )
        )


def _item(answer, kind: str, refs, passed: bool, expected: str, did: str) -> Item:
    return Item(
        kind=kind,
        refs=tuple(refs),
        points=answer.points if passed else 0,
        max_points=answer.points,
        passed=passed,
        expected=expected,
        did=did,
        why=answer.why,
    )


def _missing(answer, kind: str, refs, expected: str) -> Item:
    return _item(answer, kind, refs, False, expected, "the claim is not in this workspace")


def _conflict(ws: _Workspace, answer: ConflictAnswer) -> Item:
    first, second = answer.refs
    verb = "confirm" if answer.confirm else "dismiss"
    expected = f"{verb} the candidate pair {first} ~ {second}"
    claims = [ws.claims[ref] for ref in answer.refs]
    if None in claims:
        return _missing(answer, "conflict", answer.refs, expected)
    pair = ws.pair(*claims)
    if pair is None:
        did = "the pair was never raised"
    elif pair.status == CandidateStatus.OPEN:
        did = "left the pair open"
    elif not ws.counts(pair.reviewed_by_id):
        did = f"the pair was {pair.status} by someone else"
    else:
        did = f"{pair.status} the pair"
    wanted = CandidateStatus.CONFIRMED if answer.confirm else CandidateStatus.DISMISSED
    passed = pair is not None and pair.status == wanted and ws.counts(pair.reviewed_by_id)
    return _item(answer, "conflict", answer.refs, passed, expected, did)


def _group(ws: _Workspace, answer: GroupAnswer) -> Item:
    expected = f"decide {', '.join(answer.refs)} together in one decision"
    claims = [ws.claims[ref] for ref in answer.refs]
    if None in claims:
        return _missing(answer, "group", answer.refs, expected)
    decisions = {}
    for ref, claim in zip(answer.refs, claims, strict=True):
        outcome = ws.decision_outcome(claim)
        decisions[ref] = outcome.decision_id if outcome else None
    undecided = [ref for ref, decision in decisions.items() if decision is None]
    together = not undecided and len(set(decisions.values())) == 1
    if together:
        did = "decided them in one decision"
    elif undecided:
        did = f"no decision on {', '.join(undecided)}"
    else:
        did = "decided them in separate decisions"
    return _item(answer, "group", answer.refs, together, expected, did)


def _expected_outcome(answer: OutcomeAnswer) -> str:
    text = f"{answer.ref}: {answer.outcome}"
    if answer.reason_code:
        text += f" ({answer.reason_code})"
    if answer.compensation:
        amounts = answer.compensation
        text += f" of {amounts.minimum:,.0f} to {amounts.maximum:,.0f} {amounts.currency}"
    if answer.provisions:
        text += f", citing {', '.join(answer.provisions)}"
    return text


def _outcome(ws: _Workspace, answer: OutcomeAnswer) -> Item:
    expected = _expected_outcome(answer)
    claim = ws.claims[answer.ref]
    if claim is None:
        return _missing(answer, "outcome", [answer.ref], expected)
    set_aside = ws.set_aside_by(claim)
    decided = ws.decision_outcome(claim)
    if set_aside is not None:
        outcome, reason = _SET_ASIDE[claim.state], set_aside.reason_code
        did = f"claim {outcome}" + (f" ({reason})" if reason else "")
        passed = outcome == answer.outcome and (
            not answer.reason_code or reason == answer.reason_code
        )
    elif decided is not None:
        did, passed = _judge_decision(decided, answer)
    else:
        did, passed = "no decision", False
    return _item(answer, "outcome", [answer.ref], passed, expected, did)


def _judge_decision(decided: DecisionClaim, answer: OutcomeAnswer) -> tuple[str, bool]:
    did = f"decided {decided.outcome}"
    if decided.reason_code:
        did += f" ({decided.reason_code})"
    if decided.compensation_amount is not None:
        did += f" of {decided.compensation_amount:,.0f} {decided.compensation_currency}"
    cited = decided.decision.provisions
    if cited:
        did += f", citing {', '.join(cited)}"
    passed = decided.outcome == answer.outcome
    if answer.reason_code:
        passed = passed and decided.reason_code == answer.reason_code
    if answer.compensation:
        amounts = answer.compensation
        passed = (
            passed
            and decided.compensation_currency == amounts.currency
            and amounts.minimum <= decided.compensation_amount <= amounts.maximum
        )
    passed = passed and set(answer.provisions) <= set(cited)
    return did, passed


def _appeal(ws: _Workspace, answer: AppealAnswer) -> Item:
    expected = f"{answer.ref}: appeal {answer.outcome}"
    claim = ws.claims[answer.ref]
    if claim is None:
        return _missing(answer, "appeal", [answer.ref], expected)
    appeal = ws.appeal(claim)
    did = f"appeal {appeal.outcome}" if appeal else "no appeal decided"
    passed = appeal is not None and appeal.outcome == answer.outcome
    return _item(answer, "appeal", [answer.ref], passed, expected, did)


def _deadline(ws: _Workspace, answer: DeadlineAnswer) -> Item:
    expected = f"{answer.ref}: {answer.action} within {answer.within_days} days of the start"
    claim = ws.claims[answer.ref]
    if claim is None:
        return _missing(answer, "deadline", [answer.ref], expected)
    # The run starts when its claims are registered; both times are UTC.
    due = claim.registered_at + timedelta(days=answer.within_days)
    transition = ws.first_transition(claim, answer)
    if transition is None:
        did, passed = f"never took {answer.action}", False
    else:
        passed = transition.occurred_at <= due
        late = transition.occurred_at - claim.registered_at
        did = f"took {answer.action} after {late.days} days"
    return _item(answer, "deadline", [answer.ref], passed, expected, did)


def _letter(ws: _Workspace, answer: LetterAnswer) -> Item:
    expected = f"{answer.ref}: {answer.kind} letter issued"
    claim = ws.claims[answer.ref]
    if claim is None:
        return _missing(answer, "letter", [answer.ref], expected)
    letters = [letter for letter in ws.letters(claim, answer.kind) if letter.is_training]
    # A decision or appeal-outcome letter counts for the trainee's own decision only.
    if answer.kind == LetterKind.DECISION:
        decided = ws.decision_outcome(claim)
        record = decided.decision if decided else None
        if record is None or record.status != DecisionStatus.ISSUED:
            return _item(answer, "letter", [answer.ref], False, expected, "no decision issued")
        letters = [letter for letter in letters if letter.decision_id == record.id]
    elif answer.kind == LetterKind.APPEAL_OUTCOME:
        appeal = ws.appeal(claim)
        if appeal is None:
            return _item(answer, "letter", [answer.ref], False, expected, "no appeal decided")
        letters = [letter for letter in letters if letter.appeal_id == appeal.id]
    did = f"issued letter {letters[0].document_id}" if letters else "no letter issued"
    return _item(answer, "letter", [answer.ref], bool(letters), expected, did)


def score_workspace(
    session: Session, scenario: Scenario, *, trainee_id: int | None = None
) -> ScoreReport:
    """Score the current workspace (seeded from `scenario`) against its model answer."""
    ws = _Workspace(session, scenario, trainee_id)
    answer = scenario.model_answer
    items = [
        *(_conflict(ws, item) for item in answer.conflicts),
        *(_group(ws, item) for item in answer.groups),
        *(_outcome(ws, item) for item in answer.outcomes),
        *(_appeal(ws, item) for item in answer.appeals),
        *(_deadline(ws, item) for item in answer.deadlines),
        *(_letter(ws, item) for item in answer.letters),
    ]
    return ScoreReport(scenario_id=scenario.id, trainee_id=trainee_id, items=tuple(items))
