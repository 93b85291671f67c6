"""Adjudication test helpers: a fresh workspace's staff, and claims put in any state
with the records that state implies (a draft, an issued decision, an appeal, a hearing).
Their fixtures, `staff` and `cases`, are in tests/conftest.py for every package's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adjudication.domain import AppealOutcome, DecisionStatus, Outcome
from adjudication.models import Appeal, Decision, DecisionClaim, Hearing
from adjudication.operations import ActionInput, ClaimOutcome, WorkflowSettings, perform
from adjudication.workflow import Action
from claims.domain import ClaimState, PartyInput, PartyRole
from claims.models import Claim
from commission.accounts.models import Role, User
from commission.extensions import db
from tests.support.claims import TODAY, claim_input, claimant

SETTINGS = WorkflowSettings(
    annulment_reasons=frozenset({"no_identity"}),
    inadmissibility_reasons=frozenset({"time_limit"}),
    rejection_reasons=frozenset({"no_proof_of_ownership"}),
    legal_provisions=frozenset({"law13_confiscation"}),
    currencies=frozenset({"IQD", "USD"}),
)


class Staff:
    """The people of one test: two adjudicators, two reviewers and a clerk, loaded in
    the test's session."""

    def __init__(self, make_user):
        def user(*roles):
            return db.session.get(User, make_user(*roles).id)

        self.adjudicator = user(Role.ADJUDICATOR)
        self.other_adjudicator = user(Role.ADJUDICATOR)
        self.reviewer = user(Role.REVIEWER)
        self.second_reviewer = user(Role.REVIEWER)
        self.clerk = user(Role.CLERK)

    def for_role(self, role: str) -> User | None:
        return {
            Role.ADJUDICATOR: self.adjudicator,
            Role.REVIEWER: self.reviewer,
            Role.CLERK: self.clerk,
        }.get(role)


def respondent() -> PartyInput:
    return PartyInput(
        role=PartyRole.RESPONDENT, given_name="سعد", father_name="جاسم", family_name="العبيدي"
    )


class Cases:
    """Claims of the test's workspace, put in a state directly (bypassing the service),
    with what that state implies on record."""

    def __init__(self, intake, staff: Staff):
        self.intake = intake
        self.staff = staff

    def register(self, *, with_respondent: bool = True, **overrides) -> Claim:
        parties = [claimant(family=overrides.pop("family", "الجبوري"))]
        if with_respondent:
            parties.append(respondent())
        data = claim_input(parties=parties, **overrides)
        return self.intake.register(data)

    def in_state(
        self,
        state: ClaimState,
        *,
        with_respondent: bool = True,
        deadline_passed: bool = False,
        appeal_outcome: AppealOutcome | None = None,
        claim: Claim | None = None,
    ) -> Claim:
        claim = claim or self.register(with_respondent=with_respondent)
        claim.state = state
        claim.assigned_to_id = self.staff.adjudicator.id
        claim.deadline_on = TODAY - timedelta(days=1) if deadline_passed else TODAY + timedelta(10)
        if state == ClaimState.HEARING_SCHEDULED:
            db.session.add(
                Hearing(
                    claim_id=claim.id,
                    office_id=claim.office_id,
                    starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
                    place="Baghdad office, room 2",
                    scheduled_by_id=self.staff.adjudicator.id,
                )
            )
        if state == ClaimState.DECISION_DRAFTED:
            self._decision(claim, DecisionStatus.DRAFT)
        if state in (ClaimState.DECISION_ISSUED, ClaimState.APPEALED, ClaimState.APPEAL_DECIDED):
            decision = self._decision(claim, DecisionStatus.ISSUED)
            if state != ClaimState.DECISION_ISSUED:
                db.session.add(
                    Appeal(
                        claim_id=claim.id,
                        decision_id=decision.id,
                        lodged_on=TODAY,
                        lodged_by_id=self.staff.clerk.id,
                        grounds="The respondent's deed is forged.",
                        outcome=appeal_outcome,
                        reasons="Decided." if appeal_outcome else "",
                        decided_by_id=self.staff.second_reviewer.id if appeal_outcome else None,
                        decided_at=datetime(2026, 11, 20, tzinfo=UTC) if appeal_outcome else None,
                    )
                )
        db.session.flush()
        return claim

    def _decision(self, claim: Claim, status: DecisionStatus) -> Decision:
        """Drafted by the other adjudicator, so the test's reviewer may act on it; an
        issued one approved by the second reviewer."""
        issued = status == DecisionStatus.ISSUED
        decision = Decision(
            status=status,
            reasons="The claimant proved ownership by the 1975 title deed.",
            legal_basis="law13_confiscation",
            drafted_by_id=self.staff.other_adjudicator.id,
            approved_by_id=self.staff.second_reviewer.id if issued else None,
            issued_at=datetime(2026, 11, 1, tzinfo=UTC) if issued else None,
            notified_on=TODAY - timedelta(days=20) if issued else None,
            appeal_deadline=TODAY + timedelta(days=10) if issued else None,
            outcomes=[DecisionClaim(claim_id=claim.id, outcome=Outcome.RESTITUTION)],
        )
        db.session.add(decision)
        db.session.flush()
        return decision

    def act(self, claim: Claim, action: Action, by: User | None, **data):
        """perform() with the claim's current version and valid input for the action."""
        return perform(
            db.session,
            claim,
            action,
            by=by,
            expected_version=claim.version if by is not None else None,
            today=TODAY,
            settings=SETTINGS,
            data=input_for(action, claim, **data),
        )


def input_for(action: Action, claim: Claim, **overrides) -> ActionInput:
    """Valid input for the action on this claim (and only this claim in a decision)."""
    values: dict = {"comment": "Recorded for the file."}
    if action == Action.ANNUL:
        values["reason_code"] = "no_identity"
    if action == Action.DECLARE_INADMISSIBLE:
        values["reason_code"] = "time_limit"
    if action == Action.SCHEDULE_HEARING:
        values.update(
            hearing_starts_at=datetime(2026, 12, 3, 9, 30, tzinfo=UTC),
            hearing_place="Baghdad office, room 2",
            parties_notified=True,
        )
    if action == Action.RECORD_HEARING:
        values["hearing_outcome"] = "Both parties heard; the respondent showed no deed."
    if action == Action.DRAFT_DECISION:
        values.update(
            outcomes={claim.id: ClaimOutcome(Outcome.RESTITUTION)},
            provisions=("law13_confiscation",),
        )
    if action == Action.DECIDE_APPEAL:
        values["appeal_outcome"] = AppealOutcome.UPHELD
    values.update(overrides)
    return ActionInput(**values)
