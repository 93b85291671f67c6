"""The verbs of practice runs: start, enter, submit, score, reset, delete.

A run gives every trainee a training workspace of their own, seeded from the scenario
through the same service functions as real data (training.seeding). Inside it the
trainee holds the roles of a clerk, an adjudicator and a reviewer, and the trainer a
reviewer's (to approve drafts: the drafter never approves); those roles count nowhere
else. Deleting or resetting removes every row of the workspace in one transaction; the
files are removed afterwards, and only those no row of any other workspace refers to.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from adjudication.operations import WorkflowSettings
from claims.conflicts import match_thresholds
from claims.files import EvidenceStore
from claims.matching import MatchThresholds
from claims.models import Evidence
from commission.accounts.models import User
from commission.audit import remove_training_chain
from commission.clock import local_today
from commission.db import Base, utcnow
from commission.roles import Role
from commission.workspaces import ALL_WORKSPACES, Workspace, WorkspaceKind, use_workspace
from documents.files import LetterStore
from documents.models import Letter
from training.cast import training_cast
from training.models import TrainingRun, TrainingSeat, WorkspaceRole
from training.scenarios import Scenario
from training.scoring import score_workspace
from training.seeding import seed_scenario

logger = logging.getLogger(__name__)

#: What a trainee does in their sandbox: every step of a claim's life.
TRAINEE_ROLES = frozenset({Role.CLERK, Role.ADJUDICATOR, Role.REVIEWER})
#: The trainer approves the trainee's drafts (four eyes) and can look at everything.
TRAINER_ROLES = frozenset({Role.REVIEWER})


class TrainingRefused(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
            thresholds=match_thresholds(config),
            hasher=app.extensions["qayd_password_hasher"],
        )


def start_run(
    session: Session,
    scenario: Scenario,
    *,
    trainer: User,
    trainees: list[User],
    seeding: Seeding,
) -> TrainingRun:
    """A run of the scenario with a seeded workspace per trainee. Never commits."""
    if Role.TRAINER not in trainer.roles:
        raise TrainingRefused("Only a trainer starts a practice run.")
    unique = {trainee.id: trainee for trainee in trainees}
    if not unique:
        raise TrainingRefused("Choose at least one trainee.")
    if trainer.id in unique:
        raise TrainingRefused("The trainer cannot be a trainee of their own run.")
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


def seats_of(session: Session, user: User) -> list[TrainingSeat]:
    """The open seats a user may enter: their own as trainee, and every seat of the runs
    they train."""
    own = select(TrainingSeat).join(TrainingRun).where(TrainingRun.closed_at.is_(None))
    return list(
        session.scalars(
            own.where(
                (TrainingSeat.trainee_id == user.id) | (TrainingRun.trainer_id == user.id)
            ).order_by(TrainingSeat.id)
        )
    )


def roles_in(session: Session, workspace_id: int) -> dict[int, frozenset]:
    """Every member's roles in a training workspace, by user id."""
    members: dict[int, set] = {}
    for user_id, role in session.execute(
        select(WorkspaceRole.user_id, WorkspaceRole.role).where(
            WorkspaceRole.workspace_id == workspace_id
        )
    ):
        members.setdefault(user_id, set()).add(Role(role))
    return {user_id: frozenset(roles) for user_id, roles in members.items()}


def score_seat(session: Session, seat: TrainingSeat, scenario: Scenario) -> dict:
    """Score the seat's workspace against the model answer and keep the report."""
    with use_workspace(seat.workspace_id):
        report = score_workspace(session, scenario, trainee_id=seat.trainee_id)
    data = report.as_dict()
    seat.score_percent = data["percent"]
    seat.report_json = json.dumps(data, ensure_ascii=False, sort_keys=True)
    seat.scored_at = utcnow()
    session.flush()
    return data


def submit_seat(session: Session, seat: TrainingSeat, scenario: Scenario, *, by: User) -> dict:
    if seat.trainee_id != by.id:
        raise TrainingRefused("Only the trainee submits their own practice.")
    if seat.submitted_at is not None:
        raise TrainingRefused("This practice was already submitted.")
    if seat.run.closed_at is not None:
        raise TrainingRefused("The trainer has closed this run.")
    seat.submitted_at = utcnow()
    return score_seat(session, seat, scenario)


def close_run(session: Session, run: TrainingRun, scenario: Scenario) -> None:
    """The trainer ends the run: every seat is scored as it stands."""
    if run.closed_at is not None:
        raise TrainingRefused("This run is already closed.")
    for seat in run.seats:
        score_seat(session, seat, scenario)
    run.closed_at = utcnow()
    session.flush()


def reset_seat(
    session: Session, seat: TrainingSeat, scenario: Scenario, *, seeding: Seeding
) -> set[str]:
    """Empty the seat's workspace and seed it again. Returns the file hashes that may
    have lost their last reference (for `remove_unreferenced_files` after commit)."""
    files = _files_of(session, seat.workspace_id)
    _wipe(session, seat.workspace_id, keep={"workspace_role", "training_seat"})
    seat.submitted_at = seat.scored_at = seat.score_percent = None
    seat.report_json = ""
    _seed(
        session, scenario, seat.workspace_id, training_cast(session, hasher=seeding.hasher), seeding
    )
    return files


def delete_run(session: Session, run: TrainingRun) -> set[str]:
    """Remove the run, its seats and their workspaces with everything in them, in the
    caller's transaction. Returns the file hashes to check after commit."""
    files: set[str] = set()
    workspace_ids = [seat.workspace_id for seat in run.seats]
    for workspace_id in workspace_ids:
        files |= _files_of(session, workspace_id)
    session.delete(run)
    session.flush()
    for workspace_id in workspace_ids:
        _wipe(session, workspace_id, keep=set())
        session.execute(delete(Workspace).where(Workspace.id == workspace_id))
    return files


def _files_of(session: Session, workspace_id: int) -> set[str]:
    hashes = set()
    for model in (Evidence, Letter):
        hashes |= set(
            session.scalars(
                select(model.sha256)
                .where(model.workspace_id == workspace_id)
                .execution_options(**{ALL_WORKSPACES: True})
            )
        )
    return hashes


#: Tables `_wipe` leaves alone: the workspace row itself, and the audit chain, which goes
#: only through its own audited path.
KEPT_BY_WIPE = frozenset({"workspace", "audit_entry", "audit_head"})


def _wipe(session: Session, workspace_id: int, *, keep: set[str]) -> None:
    """Delete every row of the workspace, children before parents. Only a training
    workspace: the operational one is never emptied."""
    kind = session.scalar(select(Workspace.kind).where(Workspace.id == workspace_id))
    if kind != WorkspaceKind.TRAINING:
        raise TrainingRefused("Only a training workspace can be emptied.")
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in keep or table.name in KEPT_BY_WIPE or "workspace_id" not in table.c:
            continue
        session.execute(
            delete(table).where(table.c.workspace_id == workspace_id),
            execution_options={ALL_WORKSPACES: True},
        )
    remove_training_chain(session, workspace_id)
    session.expire_all()


def remove_unreferenced_files(session: Session, hashes: set[str], data_dir: str) -> int:
    """After the commit: remove the files of `hashes` that no row of any workspace refers
    to any more (a scan shared with operational evidence stays). Returns how many went."""
    removed = 0
    for sha256 in sorted(hashes):
        for model, store in ((Evidence, EvidenceStore(data_dir)), (Letter, LetterStore(data_dir))):
            still_used = session.scalar(
                select(model.id)
                .where(model.sha256 == sha256)
                .limit(1)
                .execution_options(**{ALL_WORKSPACES: True})
            )
            path = store.path_for(sha256)
            if still_used is None and path.is_file():
                path.unlink()
                removed += 1
    return removed
