"""The work queues: my cases, the unassigned, deadlines falling due, the hearing calendar,
and a claim's history. Every list walks an index and stops at its page size."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from adjudication.models import Appeal, Decision, DecisionClaim, Hearing, Transition
from claims.domain import CandidateStatus, ClaimState
from claims.models import (
    Claim,
    ConflictCandidate,
    Evidence,
    ParcelChange,
    RegistryExtractRequest,
)
from claims.queries import group_of
from commission.accounts.models import User

#: States in which a claim needs nobody any more.
SETTLED = (ClaimState.CLOSED, ClaimState.WITHDRAWN, ClaimState.FINAL)


def _office_scope(statement, viewer: User):
    if viewer.sees_all_offices:
        return statement
    return statement.where(Claim.office_id == viewer.office_id)


def my_cases(session: Session, user: User, *, limit: int = 200) -> list[Claim]:
    """The user's assigned claims that still need work, nearest deadline first."""
    rows = session.scalars(
        select(Claim)
        .where(Claim.assigned_to_id == user.id, Claim.state.not_in(SETTLED))
        .order_by(Claim.deadline_on.is_(None), Claim.deadline_on, Claim.id)
        .limit(limit)
    )
    return list(rows)


def unassigned(
    session: Session, viewer: User, *, after_id: int | None = None, limit: int = 50
) -> list[Claim]:
    """Claims waiting for an adjudicator, oldest first (keyset by id)."""
    statement = select(Claim).where(Claim.assigned_to_id.is_(None), Claim.state.not_in(SETTLED))
    if after_id is not None:
        statement = statement.where(Claim.id > after_id)
    statement = _office_scope(statement, viewer)
    return list(session.scalars(statement.order_by(Claim.id).limit(limit)))


@dataclasses.dataclass(frozen=True)
class DeadlineLists:
    overdue: list[Claim]
    near: list[Claim]


def deadlines(
    session: Session,
    viewer: User,
    *,
    today: date,
    near_days: int,
    mine_only: bool,
    limit: int = 200,
) -> DeadlineLists:
    """Claims whose deadline has passed, and those due within `near_days`."""
    statement = select(Claim).where(
        Claim.deadline_on.is_not(None),
        Claim.deadline_on <= today + timedelta(days=near_days),
        Claim.state.not_in(SETTLED),
    )
    if mine_only:
        statement = statement.where(Claim.assigned_to_id == viewer.id)
    statement = _office_scope(statement, viewer)
    rows = list(session.scalars(statement.order_by(Claim.deadline_on, Claim.id).limit(limit)))
    return DeadlineLists(
        overdue=[claim for claim in rows if claim.deadline_on < today],
        near=[claim for claim in rows if claim.deadline_on >= today],
    )


def hearing_calendar(
    session: Session, office_id: int, *, start: datetime, days: int
) -> list[Hearing]:
    """The office's hearings from `start` for `days`, in time order."""
    return list(
        session.scalars(
            select(Hearing)
            .options(selectinload(Hearing.claim))
            .where(
                Hearing.office_id == office_id,
                Hearing.starts_at >= start,
                Hearing.starts_at < start + timedelta(days=days),
            )
            .order_by(Hearing.starts_at, Hearing.id)
        )
    )


@dataclasses.dataclass(frozen=True)
class Event:
    """One line of a claim's timeline."""

    at: datetime
    kind: str
    record: object


def timeline(session: Session, claim: Claim) -> list[Event]:
    """Transitions, hearings, conflict reviews, parcel identifications and corrections,
    registry extract requests, decisions, appeals and documents filed or marked after
    registration, newest first."""
    events = [
        Event(transition.occurred_at, "transition", transition)
        for transition in session.scalars(
            select(Transition)
            .options(selectinload(Transition.actor))
            .where(Transition.claim_id == claim.id)
        )
    ]
    for hearing in session.scalars(select(Hearing).where(Hearing.claim_id == claim.id)):
        events.append(Event(hearing.held_at or hearing.starts_at, "hearing", hearing))
    for pair in session.scalars(
        select(ConflictCandidate)
        .options(selectinload(ConflictCandidate.claim_a), selectinload(ConflictCandidate.claim_b))
        .where(
            ConflictCandidate.touching([claim.id]),
            # Named, not `!= OPEN`: the queue's index then seeks each pair of the claim.
            ConflictCandidate.status.in_((CandidateStatus.CONFIRMED, CandidateStatus.DISMISSED)),
        )
    ):
        events.append(Event(pair.reviewed_at, "conflict_review", pair))
    for change in session.scalars(
        select(ParcelChange)
        .options(selectinload(ParcelChange.changed_by))
        .where(ParcelChange.claim_id == claim.id)
    ):
        events.append(Event(change.changed_at, "parcel_change", change))
    for request in session.scalars(
        select(RegistryExtractRequest)
        .options(selectinload(RegistryExtractRequest.requested_by))
        .where(RegistryExtractRequest.claim_id == claim.id)
    ):
        events.append(Event(request.requested_at, "registry_extract_request", request))
    for decision in session.scalars(
        select(Decision)
        .join(DecisionClaim)
        .where(DecisionClaim.claim_id == claim.id)
        .options(
            selectinload(Decision.outcomes).selectinload(DecisionClaim.claim),
            selectinload(Decision.drafted_by),
            selectinload(Decision.approved_by),
        )
    ):
        events.append(Event(decision.issued_at or decision.drafted_at, "decision", decision))
    for appeal in session.scalars(select(Appeal).where(Appeal.claim_id == claim.id)):
        events.append(Event(appeal.decided_at or _midday(appeal.lodged_on), "appeal", appeal))
    for evidence in session.scalars(select(Evidence).where(Evidence.claim_id == claim.id)):
        if evidence.added_in_state is not None:
            events.append(Event(evidence.uploaded_at, "evidence_added", evidence))
        if evidence.status_changed_at is not None:
            events.append(Event(evidence.status_changed_at, "evidence_marked", evidence))
    events.sort(key=lambda event: event.at, reverse=True)
    return events


def _midday(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@dataclasses.dataclass(frozen=True)
class CoveredClaim:
    """One claim a draft decides, as the reviewer reads it before approving."""

    claim: Claim
    outcome: DecisionClaim
    #: The other claims of its conflict group, decided or not.
    group: list[Claim]
    #: Every document filed, superseded and void ones included: the reviewer sees all.
    evidence: list[Evidence]


def draft_review(session: Session, decision: Decision) -> list[CoveredClaim]:
    """What a draft decides for each claim it covers, with the claim's conflict group and
    documents, in claim-number order. Reads only."""
    outcomes = sorted(decision.outcomes, key=lambda outcome: outcome.claim.number)
    claim_ids = [outcome.claim_id for outcome in outcomes]
    evidence: dict[int, list[Evidence]] = {claim_id: [] for claim_id in claim_ids}
    for item in session.scalars(
        select(Evidence).where(Evidence.claim_id.in_(claim_ids)).order_by(Evidence.id)
    ):
        evidence[item.claim_id].append(item)
    covered = []
    for outcome in outcomes:
        group = group_of(session, outcome.claim)
        others = (
            sorted(
                (member for member in group.claims if member.id != outcome.claim_id),
                key=lambda member: member.number,
            )
            if group
            else []
        )
        covered.append(CoveredClaim(outcome.claim, outcome, others, evidence[outcome.claim_id]))
    return covered
