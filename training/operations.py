"""The verbs of practice runs: start, submit, score, close, reset, delete.

Each verb takes the acting user (`by=`) and checks there what they may do: a trainer
acts only on their own runs, an admin on any (`TrainingRun.can_manage`); a trainee
submits only their own practice (`TrainingSeat.can_submit`). The verbs flush and never
commit: the request or command that calls one commits.

A run gives every trainee a training workspace of their own, seeded from the scenario
through the same service functions as real data (training.seeding). Inside it the
trainee holds the roles of a clerk, an adjudicator and a reviewer, and the trainer a
reviewer's (to approve drafts: the drafter never approves); those roles count nowhere
else. Deleting or resetting removes every row of the workspace in one transaction; the
stored files are left to the garbage collector (`flask files gc`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from adjudication.operations import WorkflowSettings
from claims.files import EvidenceStore
from claims.matching import MatchThresholds
from commission.accounts.models import User
from commission.audit import remove_training_chain
from commission.clock import local_today
from commission.db import Base, utcnow
from commission.refusals import N_, Refusal
from commission.roles import Role
from commission.workspaces import (
    ALL_WORKSPACES,
    Workspace,
    WorkspaceKind,
    WorkspaceScoped,
    use_workspace,
)
from training.cast import training_cast
from training.models import TrainingRun, TrainingSeat, WorkspaceRole
from training.scenarios.model import Scenario
from training.scoring import score_workspace
from training.seeding import seed_scenario

logger = logging.getLogger(__name__)

#: What a trainee does in their sandbox: every step of a claim's life.
TRAINEE_ROLES = frozenset({Role.CLERK, Role.ADJUDICATOR, Role.REVIEWER})
#: The trainer approves the trainee's drafts (four eyes) and can look at everything.
TRAINER_ROLES = frozenset({Role.REVIEWER})


class TrainingRefused(Refusal, ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Seeding:
    """What seeding a workspace needs besides the scenario."""

    today: date
    store: EvidenceStore
    settings: WorkflowSettings
    thresholds: MatchThresholds
    hasher: object

    @classmethod
    def from_app(cls, app) -> Seeding:
        """Today's seeding with the app's data directory, settings and password hasher."""
        config = app.config
        return cls(
            today=local_today(),
            store=EvidenceStore(config["QAYD_DATA_DIR"]),
            settings=WorkflowSettings.from_config(config),
            thresholds=MatchThresholds.from_config(config),
            hasher=app.extensions["qayd_password_hasher"],
        )


def start_run(
    session: Session,
    scenario: Scenario,
    *,
    by: User,
    trainees: list[User],
    seeding: Seeding,
) -> TrainingRun:
    """A run of the scenario, trained by `by`, with a seeded workspace per trainee."""
    trainer = by
    if Role.TRAINER not in trainer.roles:
        raise TrainingRefused(N_("Only a trainer starts a practice run."))
    unique = {trainee.id: trainee for trainee in trainees}
    if not unique:
        raise TrainingRefused(N_("Choose at least one trainee."))
    if trainer.id in unique:
        raise TrainingRefused(N_("The trainer cannot be a trainee of their own run."))
    run = TrainingRun(scenario_id=scenario.id, trainer_id=trainer.id)
    session.add(run)
    session.flush()
    cast = training_cast(session, hasher=seeding.hasher)
    for trainee in sorted(unique.values(), key=lambda user: user.username):
        workspace = Workspace(
            kind=WorkspaceKind.TRAINING,
            name=f"run {run.id} · {scenario.id} · {trainee.username}",
        )
        session.add(workspace)
        session.flush()
        run.seats.append(TrainingSeat(trainee_id=trainee.id, workspace_id=workspace.id))
        _grant(session, workspace.id, trainee.id, TRAINEE_ROLES)
        _grant(session, workspace.id, trainer.id, TRAINER_ROLES)
        _seed(session, scenario, workspace.id, cast, seeding)
    session.flush()
    logger.info("training run %s of %s: %d seats", run.id, scenario.id, len(run.seats))
    return run


def _grant(session: Session, workspace_id: int, user_id: int, roles) -> None:
    for role in sorted(roles):
        session.add(WorkspaceRole(workspace_id=workspace_id, user_id=user_id, role=role))


def _seed(session, scenario, workspace_id, cast, seeding: Seeding) -> None:
    with use_workspace(workspace_id):
        seed_scenario(
            session,
            scenario,
            cast=cast,
            today=seeding.today,
            store=seeding.store,
            settings=seeding.settings,
            thresholds=seeding.thresholds,
        )
        session.flush()


def score_seat(session: Session, seat: TrainingSeat, scenario: Scenario) -> dict:
    """Score the seat's workspace against the model answer and keep the report. Scoring
    changes nothing the trainee did, so it asks no actor: `close_run` and `submit_seat`
    check who may, and `flask training score` is the operator's."""
    with use_workspace(seat.workspace_id):
        report = score_workspace(session, scenario, trainee_id=seat.trainee_id)
    data = report.as_dict()
    seat.score_percent = data["percent"]
    seat.report_json = json.dumps(data, ensure_ascii=False, sort_keys=True)
    seat.scored_at = utcnow()
    session.flush()
    return data


def submit_seat(session: Session, seat: TrainingSeat, scenario: Scenario, *, by: User) -> dict:
    """The trainee hands in their practice: it is scored as it stands."""
    if not seat.can_submit(by):
        raise TrainingRefused(N_("Only the trainee submits their own practice."))
    if seat.submitted_at is not None:
        raise TrainingRefused(N_("This practice was already submitted."))
    if seat.run.closed_at is not None:
        raise TrainingRefused(N_("The trainer has closed this run."))
    seat.submitted_at = utcnow()
    return score_seat(session, seat, scenario)


def close_run(session: Session, run: TrainingRun, scenario: Scenario, *, by: User) -> None:
    """The trainer ends the run: every seat is scored as it stands."""
    _check_manages(run, by)
    if run.closed_at is not None:
        raise TrainingRefused(N_("This run is already closed."))
    for seat in run.seats:
        score_seat(session, seat, scenario)
    run.closed_at = utcnow()
    session.flush()


def reset_seat(
    session: Session, seat: TrainingSeat, scenario: Scenario, *, by: User, seeding: Seeding
) -> None:
    """Empty the seat's workspace and seed it again. Files no longer referenced are left
    to the garbage collector (`flask files gc`), which alone may remove a stored file."""
    _check_manages(seat.run, by)
    _wipe(session, seat.workspace_id, keep={"workspace_role", "training_seat"})
    seat.submitted_at = seat.scored_at = seat.score_percent = None
    seat.report_json = ""
    _seed(
        session, scenario, seat.workspace_id, training_cast(session, hasher=seeding.hasher), seeding
    )


def delete_run(session: Session, run: TrainingRun, *, by: User) -> None:
    """Remove the run, its seats and their workspaces with everything in them, in the
    caller's transaction. Their files are left to the garbage collector (`flask files
    gc`): a scan may be shared with a row another transaction is committing."""
    _check_manages(run, by)
    workspace_ids = [seat.workspace_id for seat in run.seats]
    session.delete(run)
    session.flush()
    for workspace_id in workspace_ids:
        _wipe(session, workspace_id, keep=set())
        session.execute(delete(Workspace).where(Workspace.id == workspace_id))


def _check_manages(run: TrainingRun, user: User) -> None:
    if not run.can_manage(user):
        raise TrainingRefused(N_("Only the run's trainer or an administrator manages a run."))


#: Tables `_wipe` leaves alone: the workspace row itself, and the audit chain, which goes
#: only through its own audited path.
KEPT_BY_WIPE = frozenset({"workspace", "audit_entry", "audit_head"})


def _wipe(session: Session, workspace_id: int, *, keep: set[str]) -> None:
    """Delete every row of the workspace, children before parents. Only a training
    workspace: the operational one is never emptied."""
    kind = session.scalar(select(Workspace.kind).where(Workspace.id == workspace_id))
    if kind != WorkspaceKind.TRAINING:
        raise TrainingRefused(N_("Only a training workspace can be emptied."))
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in keep or table.name in KEPT_BY_WIPE or "workspace_id" not in table.c:
            continue
        session.execute(
            delete(table).where(_rows_of(table, workspace_id)),
            execution_options={ALL_WORKSPACES: True},
        )
    remove_training_chain(session, workspace_id)
    session.expire_all()


def _rows_of(table, workspace_id: int):
    """The table's rows in the workspace, found through an index: a table looked up by a
    key (a claim's parties) has none on workspace_id alone, so its rows are those of the
    workspace's claims (groups, decisions, letters) by its (key, workspace_id) index."""
    in_workspace = table.c.workspace_id == workspace_id
    keys = next(
        (
            mapper.class_.workspace_keys
            for mapper in Base.registry.mappers
            if mapper.local_table is table and issubclass(mapper.class_, WorkspaceScoped)
        ),
        (),
    )
    if not keys:
        return in_workspace
    key = table.c[keys[0]]
    (reference,) = key.foreign_keys
    parent = reference.column.table
    return in_workspace & key.in_(select(parent.c.id).where(parent.c.workspace_id == workspace_id))
