"""Read-only questions about letters: a claim's letters, and what a code verifies."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.models import Claim
from commission.workspaces import ALL_WORKSPACES
from documents.letters import LetterKind
from documents.models import Letter, LetterClaim


def letters_of(session: Session, claim: Claim) -> list[Letter]:
    """Every letter covering the claim, oldest first."""
    return list(
        session.scalars(
            select(Letter)
            .join(LetterClaim, LetterClaim.letter_id == Letter.id)
            .where(LetterClaim.claim_id == claim.id)
            .order_by(Letter.id)
        )
    )


def letter_of(session: Session, claim: Claim, letter_id: int) -> Letter | None:
    """The letter with this id if it covers the claim."""
    return session.scalar(
        select(Letter)
        .join(LetterClaim, LetterClaim.letter_id == Letter.id)
        .where(Letter.id == letter_id, LetterClaim.claim_id == claim.id)
    )


@dataclasses.dataclass(frozen=True)
class VerifiedLetter:
    """All that /verify tells about a letter: no names, no content."""

    kind: LetterKind
    claim_numbers: tuple[str, ...]
    issued_on: date
    is_training: bool


def verify_code(session: Session, code: str) -> VerifiedLetter | None:
    """The letter issued with this (normalised) code, in any workspace, or None.

    Deliberately across workspaces: a training letter shown as real must be reported as
    training, whichever workspace the person checking it is in (none: /verify is public).
    """
    letter = session.scalar(
        select(Letter)
        .where(Letter.verification_code == code)
        .order_by(Letter.id)
        .limit(1)
        .execution_options(**{ALL_WORKSPACES: True})
    )
    if letter is None:
        return None
    numbers = session.scalars(
        select(Claim.number)
        .join(LetterClaim, LetterClaim.claim_id == Claim.id)
        .where(LetterClaim.letter_id == letter.id)
        .order_by(Claim.number)
        .execution_options(**{ALL_WORKSPACES: True})
    )
    return VerifiedLetter(letter.kind, tuple(numbers), letter.issued_on, letter.is_training)
