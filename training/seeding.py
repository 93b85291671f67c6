"""Seeding: a scenario's claims registered in the current workspace, with their history.

Everything goes through the verbs real data goes through: `register_claim` (so the
matcher raises the scenario's candidate pairs exactly as it would at a branch office),
`review_candidate`, `assign_claims` and `perform`. The cast (training.cast) acts in the
starting histories. The caller chooses the workspace (`use_workspace`) and commits.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from adjudication.operations import (
    ActionInput,
    ClaimOutcome,
    WorkflowSettings,
    assign_claims,
    perform,
)
from adjudication.workflow import Action
from claims.domain import CandidateStatus, EvidenceInput
from claims.files import EvidenceStore
from claims.matching import MatchThresholds
from claims.models import Claim, ConflictCandidate
from claims.operations import register_claim, review_candidate
from commission.accounts.models import Office, User
from training.cast import Cast
from training.scans import sample_scan
from training.scenarios.model import (
    ASSIGN,
    REVIEW_CONFLICT,
    CastMember,
    HistoryStep,
    Scenario,
    ScenarioClaim,
)

logger = logging.getLogger(__name__)


class SeedingFailed(RuntimeError):
    """A scenario's history cannot be played: the file and the workflow disagree."""


def seed_scenario(
    session: Session,
    scenario: Scenario,
    *,
    cast: Cast,
    today: date,
    store: EvidenceStore,
    settings: WorkflowSettings,
    thresholds: MatchThresholds,
) -> dict[str, Claim]:
    """Register the scenario's claims in the current workspace and play their starting
    histories; return the claims by scenario ref. Flushes, never commits.

    The cast acts with its own accounts' roles: call this outside a request's training
    roles (a CLI command, or the trainer's request before it enters the workspace).
    """
    claims = {
        data.ref: _register(
            session, scenario, data, cast=cast, today=today, store=store, thresholds=thresholds
        )
        for data in scenario.claims
    }
    for data in scenario.claims:
        for step in data.history:
            _play(session, claims, data.ref, step, cast=cast, today=today, settings=settings)
    logger.info("seeded scenario %s: %d claims", scenario.id, len(claims))
    return claims


def _register(
    session: Session,
    scenario: Scenario,
    data: ScenarioClaim,
    *,
    cast: Cast,
    today: date,
    store: EvidenceStore,
    thresholds: MatchThresholds,
) -> Claim:
    office = session.scalar(select(Office).where(Office.code == data.office))
    if office is None:
        raise SeedingFailed(f"{scenario.id}: claim {data.ref}: no office {data.office!r}")
    import_ref = scenario.import_ref(data.ref)
    first_party = data.facts.parties[0]
    name = " ".join(
        part
        for part in (
            first_party.given_name,
            first_party.father_name,
            first_party.grandfather_name,
            first_party.family_name,
        )
        if part
    )
    evidence = [
        EvidenceInput(
            kind=item.kind,
            upload=sample_scan(
                item.label,
                import_ref,
                name,
                file_format=item.file_format,
                filename=f"{data.ref}-{index + 1}-{item.kind}",
            ),
        )
        for index, item in enumerate(data.evidence)
    ]
    return register_claim(
        session,
        dataclasses.replace(data.facts, import_ref=import_ref),
        by=cast.clerk,
        office=office,
        today=today,
        evidence=evidence,
        store=store,
        thresholds=thresholds,
    )


def _actor(cast: Cast, member: CastMember) -> User | None:
    return None if member == CastMember.SYSTEM else getattr(cast, member.value)


def _play(
    session: Session,
    claims: dict[str, Claim],
    ref: str,
    step: HistoryStep,
    *,
    cast: Cast,
    today: date,
    settings: WorkflowSettings,
) -> None:
    claim = claims[ref]
    by = _actor(cast, step.by)
    if step.step == ASSIGN:
        # The cast's adjudicator is a disabled service account; a training workspace is
        # the one place work may be assigned to it.
        assign_claims(session, [claim], cast.adjudicator, by=by, allow_service_account=True)
        return
    if step.step == REVIEW_CONFLICT:
        _review(session, claim, claims[step.other], step, by=by)
        return
    perform(
        session,
        claim,
        Action(step.step),
        by=by,
        expected_version=claim.version if by is not None else None,
        today=today,
        settings=settings,
        data=ActionInput(
            comment=step.comment,
            reason_code=step.reason_code,
            outcomes={
                claims[other].id: ClaimOutcome(
                    outcome=outcome.outcome,
                    reason_code=outcome.reason_code,
                    compensation_amount=outcome.compensation_amount,
                    compensation_currency=outcome.compensation_currency,
                )
                for other, outcome in step.outcomes
            },
            provisions=step.provisions,
            appeal_outcome=step.appeal_outcome,
        ),
    )


def _review(session: Session, claim: Claim, other: Claim, step: HistoryStep, *, by: User) -> None:
    low, high = sorted((claim.id, other.id))
    pair = session.scalar(
        select(ConflictCandidate).where(
            ConflictCandidate.claim_a_id == low,
            ConflictCandidate.claim_b_id == high,
            ConflictCandidate.status == CandidateStatus.OPEN,
        )
    )
    if pair is None:
        raise SeedingFailed(f"no open candidate pair {claim.import_ref} ~ {other.import_ref}")
    review_candidate(session, pair, confirm=step.confirm, note=step.comment, by=by)
