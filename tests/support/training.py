"""A player that works a seeded scenario through the service layer the way a trainee
would, following the model answer or a plan with deliberate mistakes."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import flask
from sqlalchemy import select

from adjudication.domain import AppealOutcome, Outcome
from adjudication.operations import (
    ActionInput,
    ClaimOutcome,
    WorkflowSettings,
    assign_claims,
    members_of_decision,
    perform,
)
from adjudication.workflow import Action
from claims.domain import CandidateStatus, ClaimState, PartyRole
from claims.files import EvidenceStore
from claims.matching import MatchThresholds
from claims.models import Claim, ConflictCandidate
from claims.operations import review_candidate
from commission.accounts.models import Role, User
from commission.extensions import db
from config import TestConfig
from documents.files import LetterStore
from documents.letters import LetterKind
from documents.operations import LetterSettings, issue_letter
from tests.support.claims import TODAY
from training.cast import training_cast
from training.scenarios.loading import load_scenarios
from training.scenarios.model import ExpectedOutcome, Scenario
from training.scenarios.schema import ScenarioVocabulary
from training.seeding import seed_scenario


def _test_vocabulary() -> ScenarioVocabulary:
    config = flask.Config(".")
    config.from_object(TestConfig())
    return ScenarioVocabulary.from_config(config)


#: The vocabulary of the test configuration, known before any app exists (parametrize).
VOCABULARY = _test_vocabulary()
SCENARIOS = load_scenarios(VOCABULARY)


class Seeder:
    def __init__(self, app, workspace_id: int):
        self.app = app
        self.workspace_id = workspace_id
        self.store = EvidenceStore(app.config["QAYD_DATA_DIR"])
        self.settings = WorkflowSettings.from_config(app.config)

    def cast(self):
        return training_cast(db.session, hasher=self.app.extensions["qayd_password_hasher"])

    def seed(self, scenario: Scenario) -> dict[str, Claim]:
        claims = seed_scenario(
            db.session,
            scenario,
            cast=self.cast(),
            today=TODAY,
            store=self.store,
            settings=self.settings,
            thresholds=MatchThresholds.from_config(self.app.config),
        )
        db.session.commit()
        return claims


@dataclasses.dataclass(frozen=True)
class Target:
    """How the player ends one claim."""

    outcome: ExpectedOutcome
    reason_code: str = ""
    amount: Decimal | None = None
    currency: str = ""
    provisions: tuple[str, ...] = ()


@dataclasses.dataclass
class Plan:
    """What the player does: the model answer, unless a test changes it."""

    confirm: dict[frozenset[str], bool]
    targets: dict[str, Target]
    appeals: dict[str, AppealOutcome]
    lodge: set[str]
    letters: set[tuple[str, LetterKind]]

    @classmethod
    def from_model_answer(cls, scenario: Scenario) -> Plan:
        answer = scenario.model_answer
        targets = {}
        for item in answer.outcomes:
            amounts = item.compensation
            targets[item.ref] = Target(
                outcome=item.outcome,
                reason_code=item.reason_code,
                amount=(amounts.minimum + amounts.maximum) / 2 if amounts else None,
                currency=amounts.currency if amounts else "",
                provisions=item.provisions,
            )
        return cls(
            confirm={frozenset(item.refs): item.confirm for item in answer.conflicts},
            targets=targets,
            appeals={item.ref: item.outcome for item in answer.appeals},
            lodge={item.ref for item in answer.deadlines if item.action == Action.LODGE_APPEAL},
            letters={(item.ref, item.kind) for item in answer.letters},
        )


class Player:
    """A trainee (clerk, adjudicator and reviewer in the run) and a colleague who approves
    the trainee's drafts, working a seeded scenario with the real verbs."""

    def __init__(self, seeder: Seeder, make_user, claims: dict[str, Claim]):
        self.seeder = seeder
        self.claims = claims
        self.refs = {claim.id: ref for ref, claim in claims.items()}
        trainee = make_user(Role.CLERK, Role.ADJUDICATOR, Role.REVIEWER, office="HQ")
        approver = make_user(Role.REVIEWER, office="HQ")
        self.trainee = db.session.get(User, trainee.id)
        self.approver = db.session.get(User, approver.id)
        self.letter_settings = LetterSettings.from_config(
            seeder.app.config, verify_base_url="http://127.0.0.1:5000/verify/"
        )
        self.letter_store = LetterStore(seeder.app.config["QAYD_DATA_DIR"])
        #: Inadmissible claims are declared so at screening; False: by a decision.
        self.screen_out = True

    def play(self, plan: Plan) -> None:
        self.review(plan)
        for ref, outcome in plan.appeals.items():
            self.appeal(ref, outcome, plan)
        for ref, target in plan.targets.items():
            self.settle(ref, target, plan)
        db.session.commit()

    def act(self, claim: Claim, action: Action, by: User | None = None, **data) -> None:
        data.setdefault("comment", f"{action} recorded for the file.")
        perform(
            db.session,
            claim,
            action,
            by=by or self.trainee,
            expected_version=claim.version,
            today=TODAY,
            settings=self.seeder.settings,
            data=ActionInput(**data),
        )

    def letter(self, ref: str, kind: LetterKind, plan: Plan) -> None:
        if (ref, kind) in plan.letters:
            issue_letter(
                db.session,
                self.claims[ref],
                kind,
                by=self.trainee,
                settings=self.letter_settings,
                store=self.letter_store,
            )

    def review(self, plan: Plan) -> None:
        pairs = db.session.scalars(
            select(ConflictCandidate).where(ConflictCandidate.status == CandidateStatus.OPEN)
        ).all()
        for pair in pairs:
            refs = frozenset({self.refs[pair.claim_a_id], self.refs[pair.claim_b_id]})
            confirm = plan.confirm[refs]
            note = "Same parcel, same house." if confirm else "Different parcels and deeds."
            review_candidate(db.session, pair, confirm=confirm, note=note, by=self.trainee)

    def appeal(self, ref: str, outcome: AppealOutcome, plan: Plan) -> None:
        claim = self.claims[ref]
        if ref in plan.lodge:
            self.act(claim, Action.LODGE_APPEAL, comment="The deed was on file all along.")
        self.act(claim, Action.DECIDE_APPEAL, appeal_outcome=outcome)
        self.letter(ref, LetterKind.APPEAL_OUTCOME, plan)
        if outcome == AppealOutcome.REMANDED:
            self.act(claim, Action.REMAND)

    def settle(self, ref: str, target: Target, plan: Plan) -> None:
        claim = self.claims[ref]
        if claim.state not in (ClaimState.REGISTERED, ClaimState.UNDER_REVIEW):
            return  # decided with its group, or its appeal was not remanded
        if target.outcome == ExpectedOutcome.WITHDRAWN:
            self.act(claim, Action.WITHDRAW, comment="The claimant withdrew it in writing.")
            return
        assign_claims(db.session, [claim], self.trainee, by=self.trainee)
        if target.outcome == ExpectedOutcome.INADMISSIBLE and self.screen_out:
            self.act(claim, Action.START_SCREENING)
            self.act(claim, Action.DECLARE_INADMISSIBLE, reason_code=target.reason_code)
            return
        members = members_of_decision(db.session, claim)
        for member in members:
            self.to_review(member, plan)
        self.act(
            claim,
            Action.DRAFT_DECISION,
            comment="Decided on the evidence in the file.",
            outcomes={member.id: self.outcome(self.target(member, plan)) for member in members},
            provisions=tuple(
                sorted({code for member in members for code in self.provisions(member, plan)})
            ),
        )
        self.act(claim, Action.APPROVE_DECISION, by=self.approver)
        self.letter(ref, LetterKind.DECISION, plan)

    def to_review(self, claim: Claim, plan: Plan) -> None:
        ref = self.refs[claim.id]
        if claim.state == ClaimState.REGISTERED:
            self.act(claim, Action.START_SCREENING)
            if claim.parties_in(PartyRole.RESPONDENT):
                self.act(claim, Action.SERVE_RESPONDENT)
                self.letter(ref, LetterKind.RESPONDENT_NOTICE, plan)
                self.act(claim, Action.RECORD_ANSWER, comment="Bought in good faith in 2004.")
            else:
                self.act(claim, Action.ADMIT)

    def target(self, claim: Claim, plan: Plan) -> Target:
        return plan.targets[self.refs[claim.id]]

    def provisions(self, claim: Claim, plan: Plan) -> tuple[str, ...]:
        return self.target(claim, plan).provisions or ("civil_code",)

    @staticmethod
    def outcome(target: Target) -> ClaimOutcome:
        return ClaimOutcome(
            outcome=Outcome(target.outcome),
            reason_code=target.reason_code,
            compensation_amount=target.amount,
            compensation_currency=target.currency,
        )
