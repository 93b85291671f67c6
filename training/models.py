"""Practice runs: a trainer's run of a scenario, one seat (a training workspace of its
own) per trainee, and the roles people hold inside each training workspace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.accounts.models import User
from commission.audit import Audited
from commission.db import Base, UTCDateTime, utcnow
from commission.roles import Role
from commission.workspaces import Workspace

ROLE_VALUES = ", ".join(f"'{role.value}'" for role in Role)


class TrainingRun(Audited, Base):
    """One practice of one scenario, for one or more trainees."""

    __tablename__ = "training_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The scenario file's id (training/scenario_files/<id>.json).
    scenario_id: Mapped[str] = mapped_column(String(100))
    trainer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the trainer closes the run: every seat is then scored.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    trainer: Mapped[User] = relationship()
    seats: Mapped[list[TrainingSeat]] = relationship(
        back_populates="run", order_by="TrainingSeat.id", cascade="all, delete-orphan"
    )

    def can_manage(self, user: User) -> bool:
        """Whether `user` may close, reset, delete and follow this run: its trainer, or an
        administrator."""
        return user.id == self.trainer_id or Role.ADMIN in user.roles

    def __repr__(self) -> str:
        return f"<TrainingRun {self.id} {self.scenario_id}>"


class TrainingSeat(Audited, Base):
    """One trainee's place in a run: a training workspace of their own, so trainees do
    not act on each other's claims, and their score."""

    __tablename__ = "training_seat"
    __table_args__ = (
        UniqueConstraint("run_id", "trainee_id"),
        CheckConstraint("score_percent IS NULL OR score_percent BETWEEN 0 AND 100", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("training_run.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), unique=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score_percent: Mapped[int | None] = mapped_column(Integer)
    #: The score report as JSON, kept as it was when scored.
    report_json: Mapped[str] = mapped_column(Text, default="")

    run: Mapped[TrainingRun] = relationship(back_populates="seats")
    trainee: Mapped[User] = relationship()
    workspace: Mapped[Workspace] = relationship()

    def can_submit(self, user: User) -> bool:
        """Whether `user` may hand in this practice: the trainee alone."""
        return user.id == self.trainee_id

    def can_read_report(self, user: User) -> bool:
        """Whether `user` may read this seat's score report: the trainee, and whoever
        manages the run."""
        return self.can_submit(user) or self.run.can_manage(user)

    def __repr__(self) -> str:
        return f"<TrainingSeat run={self.run_id} trainee={self.trainee_id}>"


class WorkspaceRole(Audited, Base):
    """A role someone holds inside one training workspace. In a training workspace these
    are a user's only roles, and they count nowhere else."""

    __tablename__ = "workspace_role"
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_VALUES})", name="role"),)

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(String(20), primary_key=True)

    def __repr__(self) -> str:
        return f"<WorkspaceRole ws={self.workspace_id} user={self.user_id} {self.role}>"
