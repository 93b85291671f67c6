"""The record of adjudication: transitions, decisions, hearings and appeals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from adjudication.domain import AppealOutcome, DecisionStatus, Outcome
from adjudication.workflow import Action
from claims.domain import ClaimState
from claims.models import Claim
from commission.accounts.models import Office, User
from commission.audit import Audited
from commission.db import Base, UTCDateTime, utcnow, values_in
from commission.workspaces import WorkspaceScoped


class Transition(WorkspaceScoped, Audited, Base):
    """One state change of one claim: who, when, why. Written by
    `adjudication.operations.perform` in the transaction that changes the state."""

    __tablename__ = "transition"
    __table_args__ = (
        CheckConstraint(f"from_state IN {values_in(ClaimState)}", name="from_state"),
        CheckConstraint(f"to_state IN {values_in(ClaimState)}", name="to_state"),
        CheckConstraint(f"action IN {values_in(Action)}", name="action"),
        # A claim's history, newest first, and its latest transition of a kind.
        Index("ix_transition_claim_workspace", "claim_id", "workspace_id", "id"),
    )
    workspace_keys = ("claim_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    from_state: Mapped[ClaimState] = mapped_column(String(30))
    to_state: Mapped[ClaimState] = mapped_column(String(30))
    action: Mapped[Action] = mapped_column(String(30))
    #: None for the system (the daily tick).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Free text: the respondent's answer, why a draft was returned, a withdrawal note.
    comment: Mapped[str] = mapped_column(Text, default="")
    #: For annulment and inadmissibility: a code of the configured list.
    reason_code: Mapped[str] = mapped_column(String(50), default="")

    claim: Mapped[Claim] = relationship()
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Transition claim={self.claim_id} {self.from_state}->{self.to_state}>"


class Decision(WorkspaceScoped, Audited, Base):
    """A decision on one claim, or on all claims of a conflict group together, each
    with its own outcome. Drafted by the assigned adjudicator, approved by a reviewer who
    is not the drafter; a returned draft stays on record and a new one is drafted."""

    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint(f"status IN {values_in(DecisionStatus)}", name="status"),
        CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> drafted_by_id", name="four_eyes"
        ),
        CheckConstraint(
            "status <> 'issued' OR (approved_by_id IS NOT NULL AND issued_at IS NOT NULL "
            "AND notified_on IS NOT NULL AND appeal_deadline IS NOT NULL)",
            name="issued",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[DecisionStatus] = mapped_column(String(20), default=DecisionStatus.DRAFT)
    reasons: Mapped[str] = mapped_column(Text)
    #: Codes of the configured legal provisions (LEGAL_PROVISIONS), one per line.
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    legal_basis_note: Mapped[str] = mapped_column(Text, default="")
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The day the parties are notified; the appeal window runs from it.
    notified_on: Mapped[date | None] = mapped_column(Date)
    appeal_deadline: Mapped[date | None] = mapped_column(Date)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_note: Mapped[str] = mapped_column(Text, default="")
    #: The content hash of the draft the reviewer read and approved
    #: (adjudication.operations.draft_hash).
    approved_draft_hash: Mapped[str | None] = mapped_column(String(64))

    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])
    outcomes: Mapped[list[DecisionClaim]] = relationship(
        back_populates="decision", order_by="DecisionClaim.id", cascade="all, delete-orphan"
    )

    @property
    def provisions(self) -> list[str]:
        return [code for code in self.legal_basis.splitlines() if code]

    def __repr__(self) -> str:
        return f"<Decision {self.id} {self.status}>"


class DecisionClaim(WorkspaceScoped, Audited, Base):
    """One claim's outcome in a decision."""

    __tablename__ = "decision_claim"
    __table_args__ = (
        UniqueConstraint("decision_id", "claim_id"),
        Index("ix_decision_claim_claim_workspace", "claim_id", "workspace_id"),
        Index("ix_decision_claim_decision_workspace", "decision_id", "workspace_id"),
        CheckConstraint(f"outcome IN {values_in(Outcome)}", name="outcome"),
        CheckConstraint(
            "(outcome = 'compensation') = "
            "(compensation_amount IS NOT NULL AND compensation_amount > 0 "
            "AND compensation_currency <> '')",
            name="compensation",
        ),
    )
    workspace_keys = ("claim_id", "decision_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    outcome: Mapped[Outcome] = mapped_column(String(20))
    #: For a rejection or inadmissibility: a code of the configured list.
    reason_code: Mapped[str] = mapped_column(String(50), default="")
    compensation_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    compensation_currency: Mapped[str] = mapped_column(String(3), default="")

    decision: Mapped[Decision] = relationship(back_populates="outcomes")
    claim: Mapped[Claim] = relationship()

    def __repr__(self) -> str:
        return f"<DecisionClaim decision={self.decision_id} claim={self.claim_id} {self.outcome}>"


class Hearing(WorkspaceScoped, Audited, Base):
    """A hearing of a claim's parties: scheduled, then held with outcome and minutes."""

    __tablename__ = "hearing"
    __table_args__ = (
        Index("ix_hearing_office_calendar", "workspace_id", "office_id", "starts_at"),
        Index("ix_hearing_claim_workspace", "claim_id", "workspace_id"),
    )
    workspace_keys = ("claim_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    #: The office that holds it (the claim's), for the office's calendar.
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200))
    parties_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    scheduled_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    claim: Mapped[Claim] = relationship()
    office: Mapped[Office] = relationship()

    def __repr__(self) -> str:
        return f"<Hearing claim={self.claim_id} {self.starts_at:%Y-%m-%d %H:%M}>"


class Appeal(WorkspaceScoped, Audited, Base):
    """An appeal against a decision, an annulment or an inadmissibility."""

    __tablename__ = "appeal"
    __table_args__ = (
        CheckConstraint(
            f"outcome IS NULL OR outcome IN {values_in(AppealOutcome)}", name="outcome"
        ),
        Index("ix_appeal_claim_workspace", "claim_id", "workspace_id"),
    )
    workspace_keys = ("claim_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    #: The decision appealed; None for an appeal against annulment or inadmissibility.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    lodged_on: Mapped[date] = mapped_column(Date)
    lodged_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    grounds: Mapped[str] = mapped_column(Text)
    outcome: Mapped[AppealOutcome | None] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    claim: Mapped[Claim] = relationship()
    decision: Mapped[Decision | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<Appeal claim={self.claim_id} {self.outcome or 'pending'}>"
