"""Issued letters: one row per letter, its PDF stored content-addressed beside evidence.

A letter is issued once for one record (a claim's registration, a transition, a hearing,
a decision, an appeal) and never changes afterwards: re-downloading serves the stored
bytes. A decision on a conflict group is one letter covering every claim of the group;
`LetterClaim` lists the claims a letter covers, so each of their pages shows it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claims.models import Claim
from commission.accounts.models import User
from commission.audit import Audited
from commission.db import Base, UTCDateTime, utcnow, values_in
from commission.workspaces import WorkspaceScoped
from documents.letters import LetterKind


class LetterImmutable(RuntimeError):
    """Something tried to change an issued letter."""


class Letter(WorkspaceScoped, Audited, Base):
    __tablename__ = "letter"
    __table_args__ = (
        CheckConstraint(f"kind IN {values_in(LetterKind)}", name="kind"),
        # Each kind names the record it was issued for.
        CheckConstraint(
            "kind NOT IN ('respondent_notice', 'document_request') OR transition_id IS NOT NULL",
            name="transition_letter",
        ),
        CheckConstraint("kind <> 'hearing_notice' OR hearing_id IS NOT NULL", name="hearing"),
        CheckConstraint("kind <> 'decision' OR decision_id IS NOT NULL", name="decision"),
        CheckConstraint("kind <> 'appeal_outcome' OR appeal_id IS NOT NULL", name="appeal"),
        CheckConstraint(
            "kind <> 'registry_extract_request' OR registry_extract_request_id IS NOT NULL",
            name="registry_extract_request",
        ),
        # One letter per record: issuing it again returns this row.
        UniqueConstraint("workspace_id", "source_key"),
        # Training runs seeded from one scenario can produce letters with the same content,
        # hence the same code, in different workspaces; codes are unique within one.
        UniqueConstraint("workspace_id", "verification_code"),
        Index("ix_letter_claim_workspace", "claim_id", "workspace_id"),
    )
    workspace_keys = ("claim_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LetterKind] = mapped_column(String(30))
    #: The claim it was issued for; for a group decision, the first claim of the group.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    #: The serve_respondent or request_documents transition of a notice or request.
    transition_id: Mapped[int | None] = mapped_column(ForeignKey("transition.id"))
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearing.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeal.id"))
    registry_extract_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_extract_request.id")
    )
    #: kind:record-id, e.g. "decision:17": what makes issuing idempotent.
    source_key: Mapped[str] = mapped_column(String(60))
    #: The reference printed on every page, e.g. BGD-2026-000123-D17.
    document_id: Mapped[str] = mapped_column(String(40))
    verification_code: Mapped[str] = mapped_column(String(24), index=True)
    #: Of the PDF bytes, which are stored under QAYD_DATA_DIR/letters/ by this hash.
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    #: The date printed on the letter: the day of the act it records.
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None when issued by a command-line batch.
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: Copied from the workspace's kind when issued: a training letter is watermarked.
    is_training: Mapped[bool] = mapped_column(Boolean)
    #: How far the workspace's audit chain had come when the letter was issued (None for
    #: letters issued before this was recorded): a chain that ends before it was trimmed.
    audit_seq: Mapped[int | None] = mapped_column(Integer)

    claim: Mapped[Claim] = relationship()
    issued_by: Mapped[User | None] = relationship()
    covered: Mapped[list[LetterClaim]] = relationship(
        back_populates="letter", order_by="LetterClaim.id", cascade="save-update, merge"
    )

    def __repr__(self) -> str:
        return f"<Letter {self.id} {self.kind} {self.verification_code}>"


class LetterClaim(WorkspaceScoped, Audited, Base):
    """A claim a letter covers (every claim of a group decision; otherwise just one)."""

    __tablename__ = "letter_claim"
    __table_args__ = (
        UniqueConstraint("letter_id", "claim_id"),
        Index("ix_letter_claim_claim_workspace", "claim_id", "workspace_id"),
        Index("ix_letter_claim_letter_workspace", "letter_id", "workspace_id"),
    )
    workspace_keys = ("claim_id", "letter_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))

    letter: Mapped[Letter] = relationship(back_populates="covered")
    claim: Mapped[Claim] = relationship()

    def __repr__(self) -> str:
        return f"<LetterClaim letter={self.letter_id} claim={self.claim_id}>"


@event.listens_for(Letter, "before_update")
@event.listens_for(LetterClaim, "before_update")
def _refuse_changes(mapper, connection, target) -> None:
    raise LetterImmutable(f"{target!r} was issued and cannot change")
