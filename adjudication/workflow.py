"""The claim state machine: one explicit transition table, plain Python.

Each rule says: in this state, this action leads to that state, for these roles, if
these guards pass. `adjudication.operations.perform` is the one function that applies a
rule to a claim; screens ask `available_actions` which buttons to show. Guards look only
at `ClaimFacts` (what the database says about the claim, gathered by the service) and the
acting user, so the whole table can be checked without a database.

Beyond the arrows of DESIGN.md, a commission needs:

- `admit` (screening -> under_review) for a claim that names no respondent to serve
  (state land, an owner who cannot be found);
- `close_answer_window` (respondent_notice -> under_review), once the 45 days have
  passed without an answer, next to `record_answer`;
- annulment of an incomplete claim only once its documents deadline has passed;
- `finalise` of an appeal decided without remand (by the reviewer, or the daily tick),
  as well as of a decision, annulment or inadmissibility whose appeal window closed;
- the appeal is decided by a reviewer who neither drafted nor approved the decision.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from datetime import date

from adjudication.domain import AppealOutcome
from claims.domain import ClaimState
from commission.refusals import N_
from commission.roles import Role


class Action(enum.StrEnum):
    START_SCREENING = "start_screening"
    SERVE_RESPONDENT = "serve_respondent"
    ADMIT = "admit"
    REQUEST_DOCUMENTS = "request_documents"
    DOCUMENTS_RECEIVED = "documents_received"
    ANNUL = "annul"
    DECLARE_INADMISSIBLE = "declare_inadmissible"
    RECORD_ANSWER = "record_answer"
    CLOSE_ANSWER_WINDOW = "close_answer_window"
    SCHEDULE_HEARING = "schedule_hearing"
    RECORD_HEARING = "record_hearing"
    DRAFT_DECISION = "draft_decision"
    APPROVE_DECISION = "approve_decision"
    RETURN_DRAFT = "return_draft"
    LODGE_APPEAL = "lodge_appeal"
    DECIDE_APPEAL = "decide_appeal"
    REMAND = "remand"
    FINALISE = "finalise"
    CLOSE = "close"
    WITHDRAW = "withdraw"


#: The daily tick (`flask adjudication tick`) acts as this role; no user holds it.
SYSTEM = "system"


@dataclasses.dataclass(frozen=True)
class GroupMember:
    number: str
    state: ClaimState
    assigned_to: int | None


@dataclasses.dataclass(frozen=True)
class ClaimFacts:
    """What the guards may know about a claim, gathered from the database."""

    state: ClaimState
    assigned_to: int | None = None
    has_respondent: bool = False
    open_conflicts: int = 0
    #: The deadline the current state waits for: documents, the respondent's answer, or
    #: the appeal window.
    deadline: date | None = None
    #: The other claims of its conflict group (decided together with this one).
    group: tuple[GroupMember, ...] = ()
    #: Of the decision pending approval, or of the decision under appeal.
    drafted_by: int | None = None
    approved_by: int | None = None
    appeal_outcome: AppealOutcome | None = None


@dataclasses.dataclass(frozen=True)
class Acting:
    """Who acts: a user with roles, or the system (user_id None, roles {SYSTEM})."""

    user_id: int | None
    roles: frozenset[str]


SYSTEM_ACTING = Acting(None, frozenset({SYSTEM}))


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Why an action is refused: a message marked for translation, and its values."""

    message: str
    values: dict = dataclasses.field(default_factory=dict)


Guard = Callable[[ClaimFacts, Acting, date], Refusal | None]


def assigned_adjudicator(claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    if claim.assigned_to is None:
        return Refusal(N_("The claim is not assigned to an adjudicator yet."))
    if claim.assigned_to != acting.user_id:
        return Refusal(N_("Only the adjudicator assigned to this claim may do this."))
    return None


def no_open_conflicts(claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    if claim.open_conflicts:
        return Refusal(
            N_("%(count)s possible conflicting claims are still open: review them first."),
            {"count": claim.open_conflicts},
        )
    return None


def group_ready(claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    """Competing claims are decided together: all under review, all with this adjudicator."""
    for member in claim.group:
        if member.state != ClaimState.UNDER_REVIEW:
            return Refusal(
                N_("Claim %(number)s of the same conflict group is not under review yet."),
                {"number": member.number},
            )
        if member.assigned_to != acting.user_id:
            return Refusal(
                N_("Claim %(number)s of the same conflict group is assigned to someone else."),
                {"number": member.number},
            )
    return None


def not_the_drafter(claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    if claim.drafted_by == acting.user_id:
        return Refusal(N_("A decision is approved or returned by someone other than its drafter."))
    return None


def not_involved_in_decision(claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    if acting.user_id in (claim.drafted_by, claim.approved_by):
        return Refusal(
            N_("An appeal is decided by someone who did not draft or approve the decision.")
        )
    return None


def names_a_respondent(claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    if not claim.has_respondent:
        return Refusal(N_("The claim names no respondent to serve."))
    return None


def names_no_respondent(claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    if claim.has_respondent:
        return Refusal(N_("The claim names a respondent: serve the respondent first."))
    return None


def deadline_passed(claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    if claim.deadline is not None and today <= claim.deadline:
        return Refusal(
            N_("The deadline of %(deadline)s has not passed yet."), {"deadline": claim.deadline}
        )
    return None


def within_deadline(claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    if claim.deadline is not None and today > claim.deadline:
        return Refusal(
            N_("The appeal deadline passed on %(deadline)s."), {"deadline": claim.deadline}
        )
    return None


def appeal_remanded(claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    if claim.appeal_outcome != AppealOutcome.REMANDED:
        return Refusal(N_("Only a remanded appeal sends the claim back to review."))
    return None


def appeal_not_remanded(claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    if claim.appeal_outcome == AppealOutcome.REMANDED:
        return Refusal(N_("The appeal was remanded: the claim goes back to review."))
    return None


@dataclasses.dataclass(frozen=True)
class Rule:
    state: ClaimState
    action: Action
    to: ClaimState
    roles: frozenset[str]
    guards: tuple[Guard, ...] = ()


S = ClaimState
ADJUDICATOR = frozenset({Role.ADJUDICATOR})
REVIEWER = frozenset({Role.REVIEWER})
CLERK = frozenset({Role.CLERK})
#: States in which no decision has been issued yet: a claimant may still withdraw.
BEFORE_DECISION = (
    S.REGISTERED,
    S.SCREENING,
    S.INCOMPLETE,
    S.RESPONDENT_NOTICE,
    S.UNDER_REVIEW,
    S.HEARING_SCHEDULED,
    S.DECISION_DRAFTED,
)
#: States that end in an appeal window: the notification starts it.
APPEALABLE = (S.DECISION_ISSUED, S.ANNULLED, S.INADMISSIBLE)
_MINE = (assigned_adjudicator,)

RULES: tuple[Rule, ...] = (
    Rule(S.REGISTERED, Action.START_SCREENING, S.SCREENING, ADJUDICATOR, _MINE),
    Rule(
        S.SCREENING,
        Action.SERVE_RESPONDENT,
        S.RESPONDENT_NOTICE,
        ADJUDICATOR,
        (*_MINE, names_a_respondent),
    ),
    Rule(S.SCREENING, Action.ADMIT, S.UNDER_REVIEW, ADJUDICATOR, (*_MINE, names_no_respondent)),
    Rule(S.SCREENING, Action.REQUEST_DOCUMENTS, S.INCOMPLETE, ADJUDICATOR, _MINE),
    Rule(S.SCREENING, Action.ANNUL, S.ANNULLED, ADJUDICATOR, _MINE),
    Rule(S.SCREENING, Action.DECLARE_INADMISSIBLE, S.INADMISSIBLE, ADJUDICATOR, _MINE),
    Rule(S.INCOMPLETE, Action.DOCUMENTS_RECEIVED, S.SCREENING, ADJUDICATOR, _MINE),
    Rule(S.INCOMPLETE, Action.ANNUL, S.ANNULLED, ADJUDICATOR, (*_MINE, deadline_passed)),
    Rule(S.RESPONDENT_NOTICE, Action.RECORD_ANSWER, S.UNDER_REVIEW, ADJUDICATOR, _MINE),
    Rule(
        S.RESPONDENT_NOTICE,
        Action.CLOSE_ANSWER_WINDOW,
        S.UNDER_REVIEW,
        ADJUDICATOR,
        (*_MINE, deadline_passed),
    ),
    Rule(S.UNDER_REVIEW, Action.SCHEDULE_HEARING, S.HEARING_SCHEDULED, ADJUDICATOR, _MINE),
    Rule(S.HEARING_SCHEDULED, Action.RECORD_HEARING, S.UNDER_REVIEW, ADJUDICATOR, _MINE),
    Rule(
        S.UNDER_REVIEW,
        Action.DRAFT_DECISION,
        S.DECISION_DRAFTED,
        ADJUDICATOR,
        (*_MINE, no_open_conflicts, group_ready),
    ),
    Rule(
        S.DECISION_DRAFTED,
        Action.APPROVE_DECISION,
        S.DECISION_ISSUED,
        REVIEWER,
        (not_the_drafter, no_open_conflicts),
    ),
    Rule(S.DECISION_DRAFTED, Action.RETURN_DRAFT, S.UNDER_REVIEW, REVIEWER, (not_the_drafter,)),
    *(
        Rule(state, Action.LODGE_APPEAL, S.APPEALED, CLERK, (within_deadline,))
        for state in APPEALABLE
    ),
    *(
        Rule(state, Action.FINALISE, S.FINAL, frozenset({SYSTEM}), (deadline_passed,))
        for state in APPEALABLE
    ),
    Rule(S.APPEALED, Action.DECIDE_APPEAL, S.APPEAL_DECIDED, REVIEWER, (not_involved_in_decision,)),
    Rule(S.APPEAL_DECIDED, Action.REMAND, S.UNDER_REVIEW, REVIEWER, (appeal_remanded,)),
    Rule(
        S.APPEAL_DECIDED,
        Action.FINALISE,
        S.FINAL,
        frozenset({Role.REVIEWER, SYSTEM}),
        (appeal_not_remanded,),
    ),
    Rule(S.FINAL, Action.CLOSE, S.CLOSED, ADJUDICATOR, _MINE),
    *(Rule(state, Action.WITHDRAW, S.WITHDRAWN, CLERK) for state in BEFORE_DECISION),
)

#: The table by (state, action); a state has at most one rule per action.
TABLE: dict[tuple[ClaimState, Action], Rule] = {(rule.state, rule.action): rule for rule in RULES}
assert len(TABLE) == len(RULES), "two rules for one state and action"


def rule_for(state: ClaimState, action: Action) -> Rule | None:
    return TABLE.get((state, action))


def refusal(rule: Rule | None, claim: ClaimFacts, acting: Acting, today: date) -> Refusal | None:
    """Why `acting` may not apply `rule` to the claim now, or None if it may."""
    if rule is None or rule.state != claim.state:
        return Refusal(
            N_("This is not possible while the claim is %(state)s."), {"state": claim.state}
        )
    if not acting.roles & rule.roles:
        return Refusal(N_("Your role does not allow this action."))
    for guard in rule.guards:
        refused = guard(claim, acting, today)
        if refused is not None:
            return refused
    return None


def available_actions(claim: ClaimFacts, acting: Acting, today: date) -> list[Action]:
    """The actions `acting` may take on the claim now, in table order: the buttons to show."""
    return [
        rule.action
        for rule in RULES
        if rule.state == claim.state and refusal(rule, claim, acting, today) is None
    ]
