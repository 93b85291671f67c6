"""A scenario as plain, frozen records. A claim's facts are the intake's own input
record, so seeding registers them as they are."""

from __future__ import annotations

import dataclasses
import enum
from decimal import Decimal

from adjudication.domain import AppealOutcome, Outcome
from adjudication.workflow import Action
from claims.domain import ClaimInput, EvidenceKind
from commission.bilingual import Bilingual
from documents.letters import LetterKind


class ExpectedOutcome(enum.StrEnum):
    """How a claim should end: a decision's outcome, or the claim set aside."""

    RESTITUTION = Outcome.RESTITUTION.value
    COMPENSATION = Outcome.COMPENSATION.value
    REJECTION = Outcome.REJECTION.value
    INADMISSIBLE = Outcome.INADMISSIBLE.value
    WITHDRAWN = "withdrawn"
    ANNULLED = "annulled"


class CastMember(enum.StrEnum):
    """Which member of the cast (training.cast) performs a step of a claim's starting
    history; `system` is the commission's own tick, nobody's act."""

    CLERK = "clerk"
    ADJUDICATOR = "adjudicator"
    REVIEWER = "reviewer"
    APPEALS = "appeals"
    SYSTEM = "system"


#: History steps besides the workflow's actions.
ASSIGN = "assign"
REVIEW_CONFLICT = "review_conflict"
#: Actions a starting history may not use: hearings need dates a scenario does not give.
_NOT_IN_HISTORY = frozenset({Action.SCHEDULE_HEARING, Action.RECORD_HEARING})
HISTORY_STEPS = (ASSIGN, REVIEW_CONFLICT, *(a.value for a in Action if a not in _NOT_IN_HISTORY))


@dataclasses.dataclass(frozen=True)
class ScenarioEvidence:
    """A scan the project draws itself: a PNG, or a one-page PDF of it."""

    kind: EvidenceKind
    label: Bilingual
    file_format: str = "png"


@dataclasses.dataclass(frozen=True)
class StepOutcome:
    outcome: Outcome
    reason_code: str = ""
    compensation_amount: Decimal | None = None
    compensation_currency: str = ""


@dataclasses.dataclass(frozen=True)
class HistoryStep:
    """One step of a claim's starting history: an action of the workflow, the claim's
    assignment to the cast's adjudicator, or the review of a candidate pair with `other`."""

    step: str
    by: CastMember
    comment: str = ""
    reason_code: str = ""
    #: draft_decision: each covered claim's outcome, by ref.
    outcomes: tuple[tuple[str, StepOutcome], ...] = ()
    provisions: tuple[str, ...] = ()
    appeal_outcome: AppealOutcome | None = None
    #: review_conflict: the other claim of the pair, and whether it is confirmed.
    other: str = ""
    confirm: bool = False


@dataclasses.dataclass(frozen=True)
class ScenarioClaim:
    ref: str
    #: The code of the office that registers the claim.
    office: str
    #: What the clerk enters, as the intake's input record. Shared by every run of the
    #: process (scenarios are loaded once): read it, never change it.
    facts: ClaimInput
    evidence: tuple[ScenarioEvidence, ...]
    history: tuple[HistoryStep, ...] = ()


@dataclasses.dataclass(frozen=True)
class ConflictAnswer:
    """A candidate pair the matcher raises: a real conflict (confirm) or not (dismiss)."""

    refs: tuple[str, str]
    confirm: bool
    points: int
    why: Bilingual


@dataclasses.dataclass(frozen=True)
class GroupAnswer:
    """Claims that must be settled by one decision."""

    refs: tuple[str, ...]
    points: int
    why: Bilingual


@dataclasses.dataclass(frozen=True)
class AmountRange:
    currency: str
    minimum: Decimal
    maximum: Decimal


@dataclasses.dataclass(frozen=True)
class OutcomeAnswer:
    ref: str
    outcome: ExpectedOutcome
    points: int
    why: Bilingual
    reason_code: str = ""
    compensation: AmountRange | None = None
    #: Provisions the decision must cite (it may cite more).
    provisions: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class AppealAnswer:
    ref: str
    outcome: AppealOutcome
    points: int
    why: Bilingual


@dataclasses.dataclass(frozen=True)
class DeadlineAnswer:
    """`action` must be taken on the claim within `within_days` of the run's start."""

    ref: str
    action: Action
    within_days: int
    points: int
    why: Bilingual


@dataclasses.dataclass(frozen=True)
class LetterAnswer:
    """A letter of `kind` issued for the claim (for a decision or an appeal outcome: for
    the trainee's own decision or appeal decision)."""

    ref: str
    kind: LetterKind
    points: int
    why: Bilingual


@dataclasses.dataclass(frozen=True)
class ModelAnswer:
    conflicts: tuple[ConflictAnswer, ...] = ()
    groups: tuple[GroupAnswer, ...] = ()
    outcomes: tuple[OutcomeAnswer, ...] = ()
    appeals: tuple[AppealAnswer, ...] = ()
    deadlines: tuple[DeadlineAnswer, ...] = ()
    letters: tuple[LetterAnswer, ...] = ()

    @property
    def max_points(self) -> int:
        items = (
            *self.conflicts,
            *self.groups,
            *self.outcomes,
            *self.appeals,
            *self.deadlines,
            *self.letters,
        )
        return sum(item.points for item in items)


@dataclasses.dataclass(frozen=True)
class Scenario:
    id: str
    title: Bilingual
    #: What the scenario teaches, for the trainer and the report.
    lesson: Bilingual
    #: What the trainee is told at the start: the facts the claims' files do not show.
    briefing: Bilingual
    claims: tuple[ScenarioClaim, ...]
    model_answer: ModelAnswer

    def claim(self, ref: str) -> ScenarioClaim:
        return next(claim for claim in self.claims if claim.ref == ref)

    def import_ref(self, ref: str) -> str:
        """The claim's `import_ref` in a seeded workspace."""
        return f"scenario:{self.id}:{ref}"
