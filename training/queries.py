"""Read-only look-ups of the training screens: runs, seats, and who holds which role in a
training workspace. Nothing here changes a row."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from commission.accounts.models import User
from commission.roles import Role
from training.cast import CAST_USERNAMES
from training.models import TrainingRun, TrainingSeat, WorkspaceRole


def runs_managed_by(session: Session, user: User) -> list[TrainingRun]:
    """The runs `user` manages, newest first: their own, or every run for an admin."""
    query = select(TrainingRun).options(selectinload(TrainingRun.seats))
    if Role.ADMIN not in user.roles:
        query = query.where(TrainingRun.trainer_id == user.id)
    return list(session.scalars(query.order_by(TrainingRun.id.desc())))


def managed_run(session: Session, run_id: int, user: User, *options) -> TrainingRun | None:
    """The run, if `user` may manage it (None also when it does not exist)."""
    run = session.get(TrainingRun, run_id, options=options)
    return run if run is not None and run.can_manage(user) else None


def practices_of(session: Session, user: User) -> list[TrainingSeat]:
    """Every seat `user` holds as a trainee, newest first, open or closed."""
    return list(
        session.scalars(
            select(TrainingSeat)
            .options(joinedload(TrainingSeat.run))
            .where(TrainingSeat.trainee_id == user.id)
            .order_by(TrainingSeat.id.desc())
        )
    )


def possible_trainees(session: Session, trainer: User) -> list[User]:
    """The people a trainer may put on a run: active accounts, not the trainer, not the
    scenario cast."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.is_active_account.is_(True),
                User.id != trainer.id,
                User.username.not_in(CAST_USERNAMES),
            )
            .order_by(User.full_name)
        )
    )


def seat_in(session: Session, workspace_id: int) -> TrainingSeat | None:
    """The seat whose training workspace this is."""
    return session.scalar(select(TrainingSeat).where(TrainingSeat.workspace_id == workspace_id))


def readable_report_seat(session: Session, seat_id: int, user: User) -> TrainingSeat | None:
    """The seat, if it has been scored and `user` may read its report."""
    seat = session.get(TrainingSeat, seat_id)
    if seat is None or not seat.report_json or not seat.can_read_report(user):
        return None
    return seat


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
