"""The adjudication side's vocabulary as plain values: decision and appeal outcomes.

No Flask and no database session, so the state machine, the letter renderer and
training scenarios import the same enums as the models.
"""

from __future__ import annotations

import enum


class Outcome(enum.StrEnum):
    RESTITUTION = "restitution"
    COMPENSATION = "compensation"
    REJECTION = "rejection"
    INADMISSIBLE = "inadmissible"


class DecisionStatus(enum.StrEnum):
    DRAFT = "draft"
    RETURNED = "returned"
    ISSUED = "issued"


class AppealOutcome(enum.StrEnum):
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    REMANDED = "remanded"
