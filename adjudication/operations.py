"""The verbs of adjudication: `perform` (every state change), assignment, the daily tick.

`perform` is the only function that changes a claim's state. It finds the rule of the
transition table, checks the acting user's role and the rule's guards on facts read
from the database, checks the action's own input, applies the action's effects (a
hearing, a decision, an appeal, a deadline), and writes the new state and one Transition
row per claim — all in the caller's transaction, which commits once or not at all.

Concurrency: the claim row is updated with the version the user saw (`version_id_col`,
so the UPDATE carries `WHERE version = :seen`); when two people act at once, the second
UPDATE matches no row and `StaleClaim` is raised before anything is written. A decision
on a conflict group changes several claims: their rows are locked first (FOR UPDATE on
PostgreSQL, in id order, so two reviewers cannot deadlock).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from adjudication.domain import AppealOutcome, DecisionStatus, Outcome
from adjudication.models import Appeal, Decision, DecisionClaim, Hearing, Transition
from adjudication.workflow import (
    APPEALABLE,
    BEFORE_DECISION,
    N_,
    SYSTEM_ACTING,
    Acting,
    Action,
    ClaimFacts,
    GroupMember,
    Offer,
    Rule,
    available_actions,
    merits_refusal,
    offered_actions,
    refusal,
    rule_for,
)
from claims.domain import CandidateStatus, ClaimState, PartyRole, ReviewFinding
from claims.matching import ConflictKind
from claims.models import Claim, ConflictCandidate
from claims.operations import ReviewRefused, StaleClaim, record_review
from claims.queries import group_of
from commission.accounts.models import Role, User
from commission.db import utcnow
from commission.refusals import Refusal, RefusalKind
from commission.workspaces import Workspace, WorkspaceKind
from config import Config

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class WorkflowSettings:
    """The configured deadlines and code lists (config.py), as the service needs them."""

    answer_days: int = Config.RESPONDENT_ANSWER_DAYS
    appeal_days: int = Config.APPEAL_DAYS
    documents_days: int = Config.DOCUMENTS_DAYS
    annulment_reasons: frozenset[str] = frozenset()
    inadmissibility_reasons: frozenset[str] = frozenset()
    rejection_reasons: frozenset[str] = frozenset()
    legal_provisions: frozenset[str] = frozenset()
    currencies: frozenset[str] = frozenset(Config.CURRENCIES)

    @classmethod
    def from_config(cls, config: Mapping) -> WorkflowSettings:
        return cls(
            answer_days=config["RESPONDENT_ANSWER_DAYS"],
            appeal_days=config["APPEAL_DAYS"],
            documents_days=config["DOCUMENTS_DAYS"],
            annulment_reasons=frozenset(config["ANNULMENT_REASONS"]),
            inadmissibility_reasons=frozenset(config["INADMISSIBILITY_REASONS"]),
            rejection_reasons=frozenset(config["REJECTION_REASONS"]),
            legal_provisions=frozenset(config["LEGAL_PROVISIONS"]),
            currencies=frozenset(config["CURRENCIES"]),
        )


#: States in which nobody acts on a claim any more.
_SETTLED = (ClaimState.CLOSED, ClaimState.WITHDRAWN)


class WorkflowError(Refusal):
    """An action refused; `message` is marked for translation, with its values."""


class ActionNotAllowed(WorkflowError):
    """The user's roles do not include one the rule allows."""

    kind = RefusalKind.FORBIDDEN


class ActionRefused(WorkflowError):
    """Not possible now: the claim's state or a guard of the rule."""


class StaleDraft(WorkflowError):
    """The draft changed after the reviewer opened it: it is read again before approval."""

    kind = RefusalKind.STALE
    message = N_(
        "The draft was changed after you opened it. Nothing was approved: "
        "read the draft again, then approve it."
    )


class InvalidActionInput(WorkflowError):
    """The action's input is incomplete or wrong; `errors` names the fields."""

    kind = RefusalKind.INPUT
    message = N_("Correct the marked fields.")

    def __init__(self, errors: dict[str, str]):
        super().__init__(fields=errors)

    @property
    def errors(self) -> dict[str, object]:
        return self.fields


@dataclasses.dataclass(frozen=True)
class ClaimOutcome:
    """One claim's outcome in a decision being drafted."""

    outcome: Outcome
    reason_code: str = ""
    compensation_amount: Decimal | None = None
    compensation_currency: str = ""


@dataclasses.dataclass
class ActionInput:
    """What an action may need besides the claim; each action reads its own fields."""

    comment: str = ""
    reason_code: str = ""
    #: request_documents: when the documents are due (default: DOCUMENTS_DAYS from today).
    deadline: date | None = None
    #: schedule_hearing
    hearing_starts_at: datetime | None = None
    hearing_place: str = ""
    parties_notified: bool = False
    #: record_hearing: the outcome in a line; the minutes go in `comment`.
    hearing_outcome: str = ""
    #: draft_decision: each claim's outcome by claim id, the reasons (in `comment`),
    #: the provisions cited and a free-text note on the legal basis.
    outcomes: dict[int, ClaimOutcome] = dataclasses.field(default_factory=dict)
    provisions: tuple[str, ...] = ()
    legal_basis_note: str = ""
    #: approve_decision: the day the parties are notified (default today), and the
    #: content hash of the draft the reviewer read (`draft_hash`).
    notified_on: date | None = None
    draft_hash: str = ""
    #: close_as_duplicate: the id of the lead claim (default: the earliest filed of
    #: the claims confirmed as duplicates of this one).
    duplicate_of: int | None = None
    #: decide_appeal (its reasons go in `comment`).
    appeal_outcome: AppealOutcome | None = None


# --------------------------------------------------------------------------- facts


def acting_of(user: User | None) -> Acting:
    if user is None:
        return SYSTEM_ACTING
    return Acting(user.id, frozenset(user.roles))


def pending_decision(session: Session, claim: Claim) -> Decision | None:
    """The draft awaiting approval that covers the claim. Ordered by the claim's own rows
    (decision_claim), so that the claim's few are read, not every decision walked newest
    first until one covers the claim."""
    return session.scalar(
        select(Decision)
        .join(DecisionClaim)
        .where(DecisionClaim.claim_id == claim.id, Decision.status == DecisionStatus.DRAFT)
        .order_by(DecisionClaim.decision_id.desc())
        .limit(1)
    )


def issued_decision(session: Session, claim: Claim) -> Decision | None:
    """The claim's latest issued decision."""
    return session.scalar(
        select(Decision)
        .join(DecisionClaim)
        .where(DecisionClaim.claim_id == claim.id, Decision.status == DecisionStatus.ISSUED)
        .order_by(DecisionClaim.decision_id.desc())
        .limit(1)
    )


def latest_appeal(session: Session, claim: Claim) -> Appeal | None:
    return session.scalar(
        select(Appeal).where(Appeal.claim_id == claim.id).order_by(Appeal.id.desc()).limit(1)
    )


def _open_conflicts(session: Session, claim_ids: list[int]) -> int:
    return session.scalar(
        select(func.count())
        .select_from(ConflictCandidate)
        .where(
            ConflictCandidate.status == CandidateStatus.OPEN,
            ConflictCandidate.touching(claim_ids),
        )
    )


def _confirmed_duplicates(session: Session, claim: Claim) -> list[Claim]:
    """The claims confirmed as the same claimant's filings for the same property, not
    consolidated with this one yet: a claim closed as a duplicate stands for its lead, and
    a withdrawn filing needs no consolidation."""
    pairs = session.scalars(
        select(ConflictCandidate).where(
            ConflictCandidate.status == CandidateStatus.CONFIRMED,
            or_(
                ConflictCandidate.finding == ReviewFinding.DUPLICATE_FILING,
                ConflictCandidate.finding.is_(None)
                & (ConflictCandidate.kind == ConflictKind.DUPLICATE),
            ),
            ConflictCandidate.touching([claim.id]),
        )
    )
    others = {
        other.id: other
        for other in (_consolidated(pair.other(claim)) for pair in pairs)
        if other.id != claim.id and other.state != ClaimState.WITHDRAWN
    }
    return sorted(others.values(), key=lambda other: (other.filed_on, other.id))


def _consolidated(claim: Claim) -> Claim:
    """The claim, or the lead it was closed under as a duplicate (which may itself have
    been closed under an earlier filing since)."""
    while claim.duplicate_of is not None:
        claim = claim.duplicate_of
    return claim


def _undecided_group_members(session: Session, claim: Claim) -> list[Claim]:
    """The other claims of the claim's conflict group still waiting for a decision; a
    member withdrawn, or decided already (a remanded claim's companions), is not."""
    group = group_of(session, claim)
    if group is None:
        return []
    return [
        member
        for member in group.claims
        if member.id != claim.id and member.state in BEFORE_DECISION
    ]


def members_of_decision(session: Session, claim: Claim) -> list[Claim]:
    """The claims a decision drafted on this claim covers: the claim, and the undecided
    claims of its conflict group, in id order."""
    members = [claim, *_undecided_group_members(session, claim)]
    return sorted(members, key=lambda member: member.id)


def claim_facts(session: Session, claim: Claim) -> ClaimFacts:
    """What the transition table's guards look at, read from the database."""
    group = _undecided_group_members(session, claim)
    drafted_by = approved_by = None
    appeal_outcome = None
    draft_covers: frozenset[str] = frozenset()
    if claim.state == ClaimState.DECISION_DRAFTED:
        draft = pending_decision(session, claim)
        drafted_by = draft.drafted_by_id if draft else None
        if draft is not None:
            draft_covers = frozenset(outcome.claim.number for outcome in draft.outcomes)
    elif claim.state in (ClaimState.APPEALED, ClaimState.APPEAL_DECIDED):
        decision = issued_decision(session, claim)
        if decision is not None:
            drafted_by, approved_by = decision.drafted_by_id, decision.approved_by_id
        appeal = latest_appeal(session, claim)
        appeal_outcome = appeal.outcome if appeal else None
    return ClaimFacts(
        state=claim.state,
        assigned_to=claim.assigned_to_id,
        has_respondent=bool(claim.parties_in(PartyRole.RESPONDENT)),
        open_conflicts=_open_conflicts(session, [claim.id, *(member.id for member in group)]),
        deadline=claim.deadline_on,
        group=tuple(
            GroupMember(member.number, member.state, member.assigned_to_id) for member in group
        ),
        drafted_by=drafted_by,
        approved_by=approved_by,
        appeal_outcome=appeal_outcome,
        parcels_to_identify=tuple(
            member.number for member in (claim, *group) if not member.is_parcel_identified
        ),
        draft_covers=draft_covers,
        confirmed_duplicates=tuple(
            other.number
            for other in _confirmed_duplicates(session, claim)
            if claim.state not in _SETTLED
        ),
    )


def available_to(session: Session, claim: Claim, user: User | None, today: date) -> list[Action]:
    """The actions the user may take on the claim now."""
    return available_actions(claim_facts(session, claim), acting_of(user), today)


def offered_to(session: Session, claim: Claim, user: User | None, today: date) -> list[Offer]:
    """The claim page's buttons: the actions available, and those disabled by a guard
    the user can lift, with the reason."""
    return offered_actions(claim_facts(session, claim), acting_of(user), today)


def draft_hash(decision: Decision) -> str:
    """A content hash of what a draft says: the text, the provisions, and each claim's
    outcome, reason and amount. Approval names the hash the reviewer read, so a draft
    changed in between is not approved unread."""
    content = {
        "id": decision.id,
        "reasons": decision.reasons,
        "legal_basis": decision.legal_basis,
        "legal_basis_note": decision.legal_basis_note,
        "drafted_by": decision.drafted_by_id,
        "outcomes": sorted(
            [
                outcome.claim_id,
                str(outcome.outcome),
                outcome.reason_code,
                str(outcome.compensation_amount) if outcome.compensation_amount else "",
                outcome.compensation_currency,
            ]
            for outcome in decision.outcomes
        ),
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(canonical).hexdigest()


# --------------------------------------------------------------------------- perform


def check_allowed(
    session: Session,
    claim: Claim,
    action: Action,
    *,
    by: User | None,
    expected_version: int | None,
    today: date,
) -> Rule:
    """The rule `by` may apply to the claim now, or the refusal: a stale version, a role
    the rule does not name, the claim's state or a guard. Changes nothing."""
    if expected_version is not None and claim.version != expected_version:
        raise StaleClaim()
    rule = rule_for(claim.state, action)
    acting = acting_of(by)
    refused = refusal(rule, claim_facts(session, claim), acting, today)
    if refused is not None:
        wrong_role = rule is not None and not acting.roles & rule.roles
        raise (ActionNotAllowed if wrong_role else ActionRefused)(refused.message, **refused.values)
    return rule


def perform(
    session: Session,
    claim: Claim,
    action: Action,
    *,
    by: User | None,
    expected_version: int | None,
    today: date,
    settings: WorkflowSettings,
    data: ActionInput | None = None,
) -> list[Transition]:
    """Apply `action` to the claim (and, for a decision, to the other claims it covers)
    as `by` (None: the system), refusing anything the table, its guards or the input
    do not allow. Returns the Transition rows written. Never commits.

    `expected_version` is the version the user's screen showed; None only for the system,
    which acts on what it has just read.
    """
    data = data or ActionInput()
    rule = check_allowed(
        session, claim, action, by=by, expected_version=expected_version, today=today
    )
    acting = acting_of(by)
    members = _claims_moved_together(session, claim, action)
    if action == Action.DRAFT_DECISION:
        drafted = {
            member.number: data.outcomes[member.id].outcome
            for member in members
            if member.id in data.outcomes
        }
        refused = merits_refusal(claim_facts(session, claim), drafted)
        if refused is not None:
            raise ActionRefused(refused.message, **refused.values)
    for member in members:
        if member.state != rule.state:  # a companion moved on since the guards read it
            raise StaleClaim()
    errors = _check_input(action, data, members, today, settings)
    if errors:
        raise InvalidActionInput(errors)
    if action == Action.CLOSE_AS_DUPLICATE:
        data.duplicate_of = _lead_for(session, claim, data.duplicate_of)
    if action == Action.APPROVE_DECISION and data.draft_hash:
        draft = pending_decision(session, claim)
        if draft is None or draft_hash(draft) != data.draft_hash:
            raise StaleDraft()
    now = utcnow()
    EFFECTS[action](session, claim, members, by, data, today, settings)
    transitions = []
    for member in members:
        transition = Transition(
            claim_id=member.id,
            from_state=member.state,
            to_state=rule.to,
            action=action,
            actor_id=by.id if by else None,
            occurred_at=now,
            comment=data.comment.strip(),
            reason_code=data.reason_code,
        )
        member.state = rule.to
        member.state_since = now
        session.add(transition)
        transitions.append(transition)
    try:
        session.flush()
    except StaleDataError:
        # Someone else changed the claim between our read and our write.
        raise StaleClaim() from None
    logger.info("%s: %s -> %s by %s", claim.number, rule.state, rule.to, acting.user_id)
    return transitions


def _lead_for(session: Session, claim: Claim, chosen: int | None) -> int:
    """The lead a duplicate is closed under: the one chosen, which must be a confirmed
    duplicate of the claim, or else the earliest filed of them."""
    leads = _confirmed_duplicates(session, claim)
    if chosen is None:
        return leads[0].id
    if chosen not in {lead.id for lead in leads}:
        raise InvalidActionInput(
            {"duplicate_of": N_("The lead must be a claim confirmed as a duplicate of this one.")}
        )
    return chosen


def _claims_moved_together(session: Session, claim: Claim, action: Action) -> list[Claim]:
    """The claim, and for a decision the other claims it covers, locked in id order."""
    if action == Action.DRAFT_DECISION:
        members = members_of_decision(session, claim)
    elif action in (Action.APPROVE_DECISION, Action.RETURN_DRAFT):
        draft = pending_decision(session, claim)
        members = [outcome.claim for outcome in draft.outcomes] if draft else [claim]
    else:
        return [claim]
    ids = sorted(member.id for member in members)
    if session.get_bind().dialect.name == "postgresql" and len(ids) > 1:
        session.execute(
            select(Claim.id).where(Claim.id.in_(ids)).order_by(Claim.id).with_for_update()
        )
        for member in members:
            session.refresh(member, ["state", "version"])
    return sorted(members, key=lambda member: member.id)


# --------------------------------------------------------------------------- input


def _required(text: str) -> bool:
    return bool(text and text.strip())


def _check_input(
    action: Action,
    data: ActionInput,
    members: list[Claim],
    today: date,
    settings: WorkflowSettings,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if action in (Action.ANNUL, Action.DECLARE_INADMISSIBLE):
        codes = (
            settings.annulment_reasons
            if action == Action.ANNUL
            else settings.inadmissibility_reasons
        )
        if data.reason_code not in codes:
            errors["reason_code"] = N_("Choose the reason from the list.")
    if action in _COMMENT_REQUIRED and not _required(data.comment):
        errors["comment"] = _COMMENT_REQUIRED[action]
    if action == Action.REQUEST_DOCUMENTS and data.deadline is not None and data.deadline <= today:
        errors["deadline"] = N_("The deadline must be after today.")
    if action == Action.SCHEDULE_HEARING:
        if data.hearing_starts_at is None:
            errors["hearing_starts_at"] = N_("Give the date and time of the hearing.")
        elif data.hearing_starts_at.date() < today:
            errors["hearing_starts_at"] = N_("A hearing cannot be scheduled in the past.")
        if not _required(data.hearing_place):
            errors["hearing_place"] = N_("Give the place of the hearing.")
    if action == Action.RECORD_HEARING and not _required(data.hearing_outcome):
        errors["hearing_outcome"] = N_("Give the outcome of the hearing.")
    if action == Action.DRAFT_DECISION:
        errors.update(_check_decision(data, members, settings))
    if (
        action == Action.APPROVE_DECISION
        and data.notified_on is not None
        and data.notified_on < today
    ):
        errors["notified_on"] = N_("The notification date cannot be before today.")
    if action == Action.DECIDE_APPEAL and data.appeal_outcome is None:
        errors["appeal_outcome"] = N_("Choose the outcome of the appeal.")
    return errors


#: Actions whose comment is required, and what the comment must say.
_COMMENT_REQUIRED = {
    Action.REQUEST_DOCUMENTS: N_("Name the documents the claimant must supply."),
    Action.RECORD_ANSWER: N_("Record the respondent's answer."),
    Action.RECORD_HEARING: N_("Record the minutes of the hearing."),
    Action.DRAFT_DECISION: N_("Give the reasons for the decision."),
    Action.RETURN_DRAFT: N_("Say why the draft is returned."),
    Action.CLOSE_AS_DUPLICATE: N_("Say why the claims are one filing."),
    Action.LODGE_APPEAL: N_("Give the grounds of the appeal."),
    Action.DECIDE_APPEAL: N_("Give the reasons for the appeal decision."),
    Action.WITHDRAW: N_("Record how the claimant withdrew the claim."),
}


def _check_decision(
    data: ActionInput, members: list[Claim], settings: WorkflowSettings
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for member in members:
        outcome = data.outcomes.get(member.id)
        key = f"outcome.{member.id}"
        if outcome is None:
            errors[key] = N_("Give the outcome for every claim of the decision.")
            continue
        if outcome.outcome == Outcome.COMPENSATION:
            if outcome.compensation_amount is None or outcome.compensation_amount <= 0:
                errors[f"{key}.amount"] = N_("Give the amount of compensation.")
            if outcome.compensation_currency not in settings.currencies:
                errors[f"{key}.currency"] = N_("Choose the currency.")
        elif outcome.compensation_amount is not None:
            errors[f"{key}.amount"] = N_("Only a compensation outcome has an amount.")
        if outcome.outcome == Outcome.REJECTION and outcome.reason_code not in (
            settings.rejection_reasons
        ):
            errors[f"{key}.reason_code"] = N_("Choose the reason for the rejection.")
        if outcome.outcome == Outcome.INADMISSIBLE and outcome.reason_code not in (
            settings.inadmissibility_reasons
        ):
            errors[f"{key}.reason_code"] = N_("Choose the reason for inadmissibility.")
    unknown = set(data.outcomes) - {member.id for member in members}
    if unknown:
        errors["outcomes"] = N_("An outcome was given for a claim this decision does not cover.")
    if set(data.provisions) - settings.legal_provisions:
        errors["provisions"] = N_("Choose the provisions from the list.")
    if not data.provisions and not _required(data.legal_basis_note):
        errors["provisions"] = N_("Cite at least one provision, or describe the legal basis.")
    return errors


# --------------------------------------------------------------------------- effects


def _set_deadline(deadline):
    def effect(session, claim, members, by, data, today, settings):
        for member in members:
            member.deadline_on = deadline(data, today, settings)

    return effect


_no_deadline = _set_deadline(lambda data, today, settings: None)
_appeal_window = _set_deadline(
    lambda data, today, settings: today + timedelta(settings.appeal_days)
)


def _schedule_hearing(session, claim, members, by, data, today, settings):
    session.add(
        Hearing(
            claim_id=claim.id,
            office_id=claim.office_id,
            starts_at=data.hearing_starts_at,
            place=data.hearing_place.strip(),
            parties_notified=data.parties_notified,
            scheduled_by_id=by.id,
        )
    )
    claim.deadline_on = data.hearing_starts_at.date()


def _record_hearing(session, claim, members, by, data, today, settings):
    hearing = session.scalar(
        select(Hearing)
        .where(Hearing.claim_id == claim.id, Hearing.held_at.is_(None))
        .order_by(Hearing.id.desc())
        .limit(1)
    )
    if hearing is None:  # a hearing_scheduled claim always has one; say so if not
        raise ActionRefused(N_("No scheduled hearing is on record for this claim."))
    hearing.held_at = utcnow()
    hearing.outcome = data.hearing_outcome.strip()
    hearing.minutes = data.comment.strip()
    hearing.recorded_by_id = by.id
    claim.deadline_on = None


def _draft_decision(session, claim, members, by, data, today, settings):
    decision = Decision(
        reasons=data.comment.strip(),
        legal_basis="\n".join(data.provisions),
        legal_basis_note=data.legal_basis_note.strip(),
        drafted_by_id=by.id,
    )
    for member in members:
        outcome = data.outcomes[member.id]
        decision.outcomes.append(
            DecisionClaim(
                claim_id=member.id,
                outcome=outcome.outcome,
                reason_code=outcome.reason_code
                if outcome.outcome in (Outcome.REJECTION, Outcome.INADMISSIBLE)
                else "",
                compensation_amount=outcome.compensation_amount,
                compensation_currency=outcome.compensation_currency
                if outcome.outcome == Outcome.COMPENSATION
                else "",
            )
        )
        member.deadline_on = None
    session.add(decision)


def _approve_decision(session, claim, members, by, data, today, settings):
    decision = pending_decision(session, claim)
    notified_on = data.notified_on or today
    decision.status = DecisionStatus.ISSUED
    decision.approved_by_id = by.id
    decision.issued_at = utcnow()
    decision.notified_on = notified_on
    decision.appeal_deadline = notified_on + timedelta(settings.appeal_days)
    decision.approved_draft_hash = draft_hash(decision)
    for member in members:
        member.deadline_on = decision.appeal_deadline


def _return_draft(session, claim, members, by, data, today, settings):
    decision = pending_decision(session, claim)
    decision.status = DecisionStatus.RETURNED
    decision.returned_by_id = by.id
    decision.returned_at = utcnow()
    decision.return_note = data.comment.strip()


def _close_as_duplicate(session, claim, members, by, data, today, settings):
    claim.duplicate_of = session.get(Claim, data.duplicate_of)
    claim.deadline_on = None


def _lodge_appeal(session, claim, members, by, data, today, settings):
    decision = (
        issued_decision(session, claim) if claim.state == ClaimState.DECISION_ISSUED else None
    )
    session.add(
        Appeal(
            claim_id=claim.id,
            decision_id=decision.id if decision else None,
            lodged_on=today,
            lodged_by_id=by.id,
            grounds=data.comment.strip(),
        )
    )
    claim.deadline_on = None


def _decide_appeal(session, claim, members, by, data, today, settings):
    appeal = latest_appeal(session, claim)
    appeal.outcome = data.appeal_outcome
    appeal.reasons = data.comment.strip()
    appeal.decided_by_id = by.id
    appeal.decided_at = utcnow()


EFFECTS = {
    Action.START_SCREENING: _no_deadline,
    Action.SERVE_RESPONDENT: _set_deadline(
        lambda data, today, settings: today + timedelta(settings.answer_days)
    ),
    Action.ADMIT: _no_deadline,
    Action.REQUEST_DOCUMENTS: _set_deadline(
        lambda data, today, settings: data.deadline or today + timedelta(settings.documents_days)
    ),
    Action.DOCUMENTS_RECEIVED: _no_deadline,
    Action.ANNUL: _appeal_window,
    Action.DECLARE_INADMISSIBLE: _appeal_window,
    Action.RECORD_ANSWER: _no_deadline,
    Action.CLOSE_ANSWER_WINDOW: _no_deadline,
    Action.SCHEDULE_HEARING: _schedule_hearing,
    Action.RECORD_HEARING: _record_hearing,
    Action.DRAFT_DECISION: _draft_decision,
    Action.APPROVE_DECISION: _approve_decision,
    Action.RETURN_DRAFT: _return_draft,
    Action.LODGE_APPEAL: _lodge_appeal,
    Action.DECIDE_APPEAL: _decide_appeal,
    Action.REMAND: _no_deadline,
    Action.FINALISE: _no_deadline,
    Action.CLOSE: _no_deadline,
    Action.WITHDRAW: _no_deadline,
    Action.CLOSE_AS_DUPLICATE: _close_as_duplicate,
}
assert set(EFFECTS) == set(Action), "every action has its effects"


# --------------------------------------------------------------------------- review


def review_pair(
    session: Session,
    pair: ConflictCandidate,
    finding: ReviewFinding,
    *,
    note: str,
    by: User,
    today: date,
    settings: WorkflowSettings,
    lead: Claim | None = None,
) -> ConflictCandidate:
    """Record the review of a candidate pair and what follows from it: a duplicate
    filing is consolidated at once, the other claim closed as the duplicate of `lead`
    (default: the earlier filed), so that one house never gets two decisions."""
    duplicate = None
    if finding == ReviewFinding.DUPLICATE_FILING:
        # A claim already closed as a duplicate stands for its lead.
        ends = {_consolidated(one).id: _consolidated(one) for one in (pair.claim_a, pair.claim_b)}
        if lead is not None:
            if lead.id not in (pair.claim_a_id, pair.claim_b_id):
                raise ReviewRefused(N_("The lead claim must be one of the pair."))
            lead = _consolidated(lead)
        else:
            lead = min(ends.values(), key=lambda one: (one.filed_on, one.id))
        if lead.state == ClaimState.WITHDRAWN:
            raise ReviewRefused(
                N_("Claim %(number)s is %(state)s: it cannot lead."),
                number=lead.number,
                state=lead.state,
            )
        duplicate = next((one for one in ends.values() if one.id != lead.id), None)
    record_review(session, pair, finding, note=note, by=by)
    if duplicate is not None:
        perform(
            session,
            duplicate,
            Action.CLOSE_AS_DUPLICATE,
            by=by,
            expected_version=duplicate.version,
            today=today,
            settings=settings,
            data=ActionInput(comment=note, duplicate_of=lead.id),
        )
    return pair


# --------------------------------------------------------------------------- assignment


class AssignmentRefused(WorkflowError):
    pass


def assign_claims(
    session: Session,
    claims: list[Claim],
    adjudicator: User,
    *,
    by: User,
    allow_service_account: bool = False,
) -> list[Claim]:
    """Assign claims (and the undecided claims of their conflict groups, which are
    decided together) to an adjudicator of their office or of headquarters.

    Work goes to active accounts only, so that nobody's claims wait on someone who cannot
    log in. `allow_service_account` lets a training scenario's starting history assign
    its claims to the cast's adjudicator, a disabled account that acts at once in the
    same transaction (training.seeding); it is refused for any claim outside a training
    workspace."""
    if Role.REVIEWER not in by.roles:
        raise ActionNotAllowed(N_("Your role does not allow this action."))
    is_service_account = allow_service_account and not adjudicator.is_active_account
    if Role.ADJUDICATOR not in adjudicator.roles or not (
        adjudicator.is_active_account or is_service_account
    ):
        raise AssignmentRefused(
            N_("%(name)s is not an active adjudicator."), name=adjudicator.full_name
        )
    chosen: dict[int, Claim] = {}
    for claim in claims:
        chosen[claim.id] = claim
        for member in _undecided_group_members(session, claim):
            chosen.setdefault(member.id, member)
    if is_service_account and _outside_training(session, chosen.values()):
        raise AssignmentRefused(
            N_("%(name)s is not an active adjudicator."), name=adjudicator.full_name
        )
    now = utcnow()
    for claim in chosen.values():
        if claim.state in _SETTLED:
            raise AssignmentRefused(
                N_("Claim %(number)s is %(state)s: nobody acts on it any more."),
                number=claim.number,
                state=claim.state,
            )
        if not adjudicator.sees_all_offices and claim.office_id != adjudicator.office_id:
            raise AssignmentRefused(
                N_("%(name)s does not work at the office of claim %(number)s."),
                name=adjudicator.full_name,
                number=claim.number,
            )
        claim.assigned_to_id = adjudicator.id
        claim.assigned_at = now
    try:
        session.flush()
    except StaleDataError:
        raise StaleClaim() from None
    return sorted(chosen.values(), key=lambda claim: claim.id)


def _outside_training(session: Session, claims) -> bool:
    """Whether any of the claims lies outside a training workspace."""
    workspace_ids = {claim.workspace_id for claim in claims}
    kinds = set(session.scalars(select(Workspace.kind).where(Workspace.id.in_(workspace_ids))))
    return kinds != {WorkspaceKind.TRAINING}


# --------------------------------------------------------------------------- tick


def claims_due_for_final(session: Session, today: date) -> list[int]:
    """Claims whose appeal window has closed, and appeals decided without remand."""
    window_closed = select(Claim.id).where(
        Claim.state.in_(APPEALABLE), Claim.deadline_on.is_not(None), Claim.deadline_on < today
    )
    each_claims_latest = aliased(Appeal)
    latest_appeals = select(func.max(each_claims_latest.id)).group_by(each_claims_latest.claim_id)
    appeal_settled = (
        select(Claim.id)
        .join(Appeal, Appeal.claim_id == Claim.id)
        .where(
            Claim.state == ClaimState.APPEAL_DECIDED,
            Appeal.id.in_(latest_appeals),
            Appeal.outcome != AppealOutcome.REMANDED,
        )
    )
    return list(session.scalars(window_closed.union(appeal_settled).order_by("id")))


def finalise_if_due(
    session: Session, claim_id: int, today: date, settings: WorkflowSettings
) -> bool:
    """One claim of the tick: `final` if it is still due (another run may have been
    first). True if this call changed it."""
    claim = session.get(Claim, claim_id)
    if claim is None:
        return False
    facts = claim_facts(session, claim)
    if refusal(rule_for(claim.state, Action.FINALISE), facts, SYSTEM_ACTING, today) is not None:
        return False
    perform(
        session,
        claim,
        Action.FINALISE,
        by=None,
        expected_version=None,
        today=today,
        settings=settings,
        data=ActionInput(comment=_TICK_COMMENT),
    )
    return True


_TICK_COMMENT = "No appeal within the deadline, or the appeal was decided without remand."
