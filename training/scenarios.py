"""Practice scenarios: packaged JSON files, checked against a schema when loaded.

A scenario is a small commission in a file: claims (parcel, parties, evidence to
generate, and optionally a history to play before the trainee starts), and a model
answer that says which candidate pairs are real conflicts, how each claim should end,
which deadlines and letters matter, and what each item is worth. The schema is built
from the enums and code lists the rest of the application uses, so a scenario can only
name outcomes, actions and reasons that exist.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
from datetime import date
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import jsonschema

from adjudication.domain import AppealOutcome, Outcome
from adjudication.workflow import Action
from claims.domain import (
    ClaimBasis,
    EvidenceKind,
    IdentityDocument,
    PartyRole,
    PropertyType,
    Remedy,
)
from commission.refusals import N_, Refusal, RefusalKind
from config import Config
from documents.letters import Bilingual, LetterKind

#: Where the packaged scenarios live: training/scenarios/<id>.json.
SCENARIO_DIRECTORY = "scenarios"


class ScenarioInvalid(Refusal, ValueError):
    """A scenario file that does not describe a usable scenario; each of `errors` names
    the file and the field path (`two-families.json: claims[1].parties[0].given_name:
    required`)."""

    kind = RefusalKind.INPUT
    message = N_("The scenario is not usable:\n%(problems)s")

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(problems="\n".join(errors))


class ExpectedOutcome(enum.StrEnum):
    """How a claim should end: a decision's outcome, or the claim set aside."""

    RESTITUTION = Outcome.RESTITUTION.value
    COMPENSATION = Outcome.COMPENSATION.value
    REJECTION = Outcome.REJECTION.value
    INADMISSIBLE = Outcome.INADMISSIBLE.value
    WITHDRAWN = "withdrawn"
    ANNULLED = "annulled"


class Actor(enum.StrEnum):
    """Who performs a step of a claim's starting history (see training.cast)."""

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


# --------------------------------------------------------------------------- dataclasses


@dataclasses.dataclass(frozen=True)
class ScenarioParcel:
    governorate_code: str
    muqataa_no: str
    parcel_no: str
    property_type: PropertyType
    district: str = ""
    muqataa_name: str = ""
    area_m2: Decimal | None = None


@dataclasses.dataclass(frozen=True)
class ScenarioParty:
    role: PartyRole
    given_name: str
    father_name: str = ""
    grandfather_name: str = ""
    family_name: str = ""
    latin_name: str = ""
    id_document_type: IdentityDocument | None = None
    id_document_number: str = ""
    contact: str = ""
    share_percent: Decimal | None = None
    is_heir: bool = False
    deceased_owner_name: str = ""
    authority_document: str = ""


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
    by: Actor
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
    office: str
    parcel: ScenarioParcel
    parties: tuple[ScenarioParty, ...]
    claim_basis: ClaimBasis
    remedy: Remedy
    filed_on: date
    dispossession_on: date | None
    address: str
    description: str
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


# --------------------------------------------------------------------------- schema


def _values(enum_class) -> list[str]:
    return [member.value for member in enum_class]


_TEXT = {"type": "string", "minLength": 1}
_DATE = {"type": "string", "format": "date"}
_BILINGUAL = {
    "type": "object",
    "required": ["en", "ar"],
    "additionalProperties": False,
    "properties": {"en": _TEXT, "ar": _TEXT},
}
_REF = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,30}$"}
_POINTS = {"type": "integer", "minimum": 1, "maximum": 1000}
_AMOUNT = {"type": "integer", "minimum": 1}
_REASON_CODES = sorted(
    {
        *Config.ANNULMENT_REASONS,
        *Config.INADMISSIBILITY_REASONS,
        *Config.REJECTION_REASONS,
    }
)
_PROVISIONS = {"type": "array", "items": {"enum": sorted(Config.LEGAL_PROVISIONS)}}


def _item(required: list[str], properties: dict) -> dict:
    """A model-answer item: its own fields, and the points and why every item carries."""
    return {
        "type": "object",
        "required": [*required, "points", "why"],
        "additionalProperties": False,
        "properties": {**properties, "points": _POINTS, "why": _BILINGUAL},
    }


_PARTY = {
    "type": "object",
    "required": ["role", "given_name"],
    "additionalProperties": False,
    "properties": {
        "role": {"enum": _values(PartyRole)},
        "given_name": _TEXT,
        "father_name": {"type": "string"},
        "grandfather_name": {"type": "string"},
        "family_name": {"type": "string"},
        "latin_name": {"type": "string"},
        "id_document_type": {"enum": _values(IdentityDocument)},
        "id_document_number": {"type": "string"},
        "contact": {"type": "string"},
        "share_percent": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
        "is_heir": {"type": "boolean"},
        "deceased_owner_name": {"type": "string"},
        "authority_document": {"type": "string"},
    },
}

_STEP_OUTCOME = {
    "type": "object",
    "required": ["outcome"],
    "additionalProperties": False,
    "properties": {
        "outcome": {"enum": _values(Outcome)},
        "reason_code": {"enum": _REASON_CODES},
        "compensation_amount": _AMOUNT,
        "compensation_currency": {"enum": list(Config.CURRENCIES)},
    },
}

_HISTORY_STEP = {
    "type": "object",
    "required": ["step", "by"],
    "additionalProperties": False,
    "properties": {
        "step": {"enum": list(HISTORY_STEPS)},
        "by": {"enum": _values(Actor)},
        "comment": {"type": "string"},
        "reason_code": {"enum": _REASON_CODES},
        "outcomes": {
            "type": "object",
            "propertyNames": _REF,
            "additionalProperties": _STEP_OUTCOME,
        },
        "provisions": _PROVISIONS,
        "appeal_outcome": {"enum": _values(AppealOutcome)},
        "other": _REF,
        "confirm": {"type": "boolean"},
    },
}

_CLAIM = {
    "type": "object",
    "required": [
        "ref",
        "office",
        "parcel",
        "parties",
        "claim_basis",
        "remedy",
        "filed_on",
        "address",
        "description",
        "evidence",
    ],
    "additionalProperties": False,
    "properties": {
        "ref": _REF,
        "office": {"type": "string", "pattern": "^[A-Z]{2,3}$"},
        "parcel": {
            "type": "object",
            "required": ["governorate", "muqataa_no", "parcel_no", "property_type"],
            "additionalProperties": False,
            "properties": {
                "governorate": {"type": "string", "pattern": "^IQ-[A-Z]+$"},
                "district": {"type": "string"},
                "muqataa_no": _TEXT,
                "muqataa_name": {"type": "string"},
                "parcel_no": _TEXT,
                "property_type": {"enum": _values(PropertyType)},
                "area_m2": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        "parties": {"type": "array", "minItems": 1, "items": _PARTY},
        "claim_basis": {"enum": _values(ClaimBasis)},
        "remedy": {"enum": _values(Remedy)},
        "filed_on": _DATE,
        "dispossession_on": _DATE,
        "address": _TEXT,
        "description": _TEXT,
        "evidence": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kind", "label"],
                "additionalProperties": False,
                "properties": {
                    "kind": {"enum": _values(EvidenceKind)},
                    "label": _BILINGUAL,
                    "format": {"enum": ["png", "pdf"]},
                },
            },
        },
        "history": {"type": "array", "items": _HISTORY_STEP},
    },
}

_OUTCOME_ANSWER = _item(
    ["ref", "outcome"],
    {
        "ref": _REF,
        "outcome": {"enum": _values(ExpectedOutcome)},
        "reason_code": {"enum": _REASON_CODES},
        "compensation": {
            "type": "object",
            "required": ["currency", "min", "max"],
            "additionalProperties": False,
            "properties": {
                "currency": {"enum": list(Config.CURRENCIES)},
                "min": _AMOUNT,
                "max": _AMOUNT,
            },
        },
        "provisions": _PROVISIONS,
    },
)
# A compensation names its range; a rejection or inadmissibility its reason.
_OUTCOME_ANSWER["allOf"] = [
    {
        "if": {"properties": {"outcome": {"const": "compensation"}}},
        "then": {"required": ["compensation"]},
    },
    {
        "if": {"properties": {"outcome": {"enum": ["rejection", "inadmissible"]}}},
        "then": {"required": ["reason_code"]},
    },
]

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "title", "lesson", "briefing", "claims", "model_answer"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 50},
        "title": _BILINGUAL,
        "lesson": _BILINGUAL,
        "briefing": _BILINGUAL,
        "claims": {"type": "array", "minItems": 1, "items": _CLAIM},
        "model_answer": {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "properties": {
                "conflicts": {
                    "type": "array",
                    "items": _item(
                        ["refs", "confirm"],
                        {
                            "refs": {"type": "array", "items": _REF, "minItems": 2, "maxItems": 2},
                            "confirm": {"type": "boolean"},
                        },
                    ),
                },
                "groups": {
                    "type": "array",
                    "items": _item(
                        ["refs"], {"refs": {"type": "array", "items": _REF, "minItems": 2}}
                    ),
                },
                "outcomes": {"type": "array", "items": _OUTCOME_ANSWER},
                "appeals": {
                    "type": "array",
                    "items": _item(
                        ["ref", "outcome"],
                        {"ref": _REF, "outcome": {"enum": _values(AppealOutcome)}},
                    ),
                },
                "deadlines": {
                    "type": "array",
                    "items": _item(
                        ["ref", "action", "within_days"],
                        {
                            "ref": _REF,
                            "action": {"enum": _values(Action)},
                            "within_days": {"type": "integer", "minimum": 0},
                        },
                    ),
                },
                "letters": {
                    "type": "array",
                    "items": _item(
                        ["ref", "kind"], {"ref": _REF, "kind": {"enum": _values(LetterKind)}}
                    ),
                },
            },
        },
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def _path(parts) -> str:
    """claims[1].parties[0].given_name, from jsonschema's path parts."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _describe(error: jsonschema.ValidationError) -> tuple[str, str]:
    """The field path and a short message for one schema error."""
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = next(name for name in error.validator_value if name not in error.instance)
        return _path([*path, missing]), "required"
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return _path([*path, unknown[0]]), "unknown field"
    if error.validator == "enum":
        allowed = ", ".join(str(value) for value in error.validator_value)
        return _path(path), f"{error.instance!r} is not one of: {allowed}"
    if error.validator == "type":
        return _path(path), f"must be of type {error.validator_value}"
    return _path(path), error.message


def _schema_errors(name: str, document: object) -> list[str]:
    errors = sorted(_VALIDATOR.iter_errors(document), key=lambda error: list(error.path))
    return [f"{name}: {path or '(top)'}: {message}" for path, message in map(_describe, errors)]


def _reference_errors(name: str, document: dict) -> list[str]:
    """What a schema cannot say: refs unique and known, the id matching the file name,
    amounts in order, dates in order."""
    errors = []
    if document["id"] != Path(name).stem:
        errors.append(f"{name}: id: must be the file's name without .json")
    refs = [claim["ref"] for claim in document["claims"]]
    for index, ref in enumerate(refs):
        if ref in refs[:index]:
            errors.append(f"{name}: claims[{index}].ref: {ref!r} is used twice")
    for index, claim in enumerate(document["claims"]):
        dispossessed = claim.get("dispossession_on")
        if dispossessed and dispossessed > claim["filed_on"]:
            errors.append(f"{name}: claims[{index}].dispossession_on: after filed_on")
        for number, step in enumerate(claim.get("history", [])):
            where = f"claims[{index}].history[{number}]"
            if step["step"] == REVIEW_CONFLICT and step.get("other") not in refs:
                errors.append(f"{name}: {where}.other: names no claim of the scenario")
            for ref in step.get("outcomes", {}):
                if ref not in refs:
                    errors.append(f"{name}: {where}.outcomes.{ref}: no such claim")
    if not any(document["model_answer"].values()):
        errors.append(f"{name}: model_answer: has no items to score")
    for section, items in document["model_answer"].items():
        for index, item in enumerate(items):
            where = f"model_answer.{section}[{index}]"
            named = item.get("refs") or [item["ref"]]
            for ref in named:
                if ref not in refs:
                    errors.append(f"{name}: {where}: {ref!r} names no claim of the scenario")
            if len(set(named)) != len(named):
                errors.append(f"{name}: {where}.refs: a claim is named twice")
            amounts = item.get("compensation")
            if amounts and amounts["min"] > amounts["max"]:
                errors.append(f"{name}: {where}.compensation: min is above max")
    return errors


# --------------------------------------------------------------------------- building


def _bilingual(data: dict) -> Bilingual:
    return Bilingual(en=data["en"], ar=data["ar"])


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _party(data: dict) -> ScenarioParty:
    values = dict(data)
    values["role"] = PartyRole(values["role"])
    if "id_document_type" in values:
        values["id_document_type"] = IdentityDocument(values["id_document_type"])
    if "share_percent" in values:
        values["share_percent"] = _decimal(values["share_percent"])
    return ScenarioParty(**values)


def _step(data: dict) -> HistoryStep:
    return HistoryStep(
        step=data["step"],
        by=Actor(data["by"]),
        comment=data.get("comment", ""),
        reason_code=data.get("reason_code", ""),
        outcomes=tuple(
            (
                ref,
                StepOutcome(
                    outcome=Outcome(outcome["outcome"]),
                    reason_code=outcome.get("reason_code", ""),
                    compensation_amount=_decimal(outcome.get("compensation_amount")),
                    compensation_currency=outcome.get("compensation_currency", ""),
                ),
            )
            for ref, outcome in data.get("outcomes", {}).items()
        ),
        provisions=tuple(data.get("provisions", ())),
        appeal_outcome=AppealOutcome(data["appeal_outcome"]) if "appeal_outcome" in data else None,
        other=data.get("other", ""),
        confirm=data.get("confirm", False),
    )


def _claim(data: dict) -> ScenarioClaim:
    parcel = data["parcel"]
    return ScenarioClaim(
        ref=data["ref"],
        office=data["office"],
        parcel=ScenarioParcel(
            governorate_code=parcel["governorate"],
            muqataa_no=parcel["muqataa_no"],
            parcel_no=parcel["parcel_no"],
            property_type=PropertyType(parcel["property_type"]),
            district=parcel.get("district", ""),
            muqataa_name=parcel.get("muqataa_name", ""),
            area_m2=_decimal(parcel.get("area_m2")),
        ),
        parties=tuple(_party(party) for party in data["parties"]),
        claim_basis=ClaimBasis(data["claim_basis"]),
        remedy=Remedy(data["remedy"]),
        filed_on=date.fromisoformat(data["filed_on"]),
        dispossession_on=date.fromisoformat(data["dispossession_on"])
        if "dispossession_on" in data
        else None,
        address=data["address"],
        description=data["description"],
        evidence=tuple(
            ScenarioEvidence(
                kind=EvidenceKind(item["kind"]),
                label=_bilingual(item["label"]),
                file_format=item.get("format", "png"),
            )
            for item in data["evidence"]
        ),
        history=tuple(_step(step) for step in data.get("history", ())),
    )


def _model_answer(data: dict) -> ModelAnswer:
    def common(item: dict) -> dict:
        return {"points": item["points"], "why": _bilingual(item["why"])}

    def amounts(item: dict) -> AmountRange | None:
        if "compensation" not in item:
            return None
        compensation = item["compensation"]
        return AmountRange(
            compensation["currency"], Decimal(compensation["min"]), Decimal(compensation["max"])
        )

    return ModelAnswer(
        conflicts=tuple(
            ConflictAnswer(refs=tuple(item["refs"]), confirm=item["confirm"], **common(item))
            for item in data.get("conflicts", ())
        ),
        groups=tuple(
            GroupAnswer(refs=tuple(item["refs"]), **common(item)) for item in data.get("groups", ())
        ),
        outcomes=tuple(
            OutcomeAnswer(
                ref=item["ref"],
                outcome=ExpectedOutcome(item["outcome"]),
                reason_code=item.get("reason_code", ""),
                compensation=amounts(item),
                provisions=tuple(item.get("provisions", ())),
                **common(item),
            )
            for item in data.get("outcomes", ())
        ),
        appeals=tuple(
            AppealAnswer(ref=item["ref"], outcome=AppealOutcome(item["outcome"]), **common(item))
            for item in data.get("appeals", ())
        ),
        deadlines=tuple(
            DeadlineAnswer(
                ref=item["ref"],
                action=Action(item["action"]),
                within_days=item["within_days"],
                **common(item),
            )
            for item in data.get("deadlines", ())
        ),
        letters=tuple(
            LetterAnswer(ref=item["ref"], kind=LetterKind(item["kind"]), **common(item))
            for item in data.get("letters", ())
        ),
    )


def parse_scenario(name: str, text: str) -> Scenario:
    """The scenario in `text` (the contents of the file `name`), or ScenarioInvalid."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioInvalid([f"{name}: line {error.lineno}: not JSON ({error.msg})"]) from None
    errors = _schema_errors(name, document) or _reference_errors(name, document)
    if errors:
        raise ScenarioInvalid(errors)
    return Scenario(
        id=document["id"],
        title=_bilingual(document["title"]),
        lesson=_bilingual(document["lesson"]),
        briefing=_bilingual(document["briefing"]),
        claims=tuple(_claim(claim) for claim in document["claims"]),
        model_answer=_model_answer(document["model_answer"]),
    )


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    return parse_scenario(path.name, path.read_text(encoding="utf-8"))


@functools.cache
def load_scenarios() -> dict[str, Scenario]:
    """Every packaged scenario by id, sorted by id. Read and validated once per process:
    the files are part of the package. Do not mutate the result."""
    directory = files("training") / SCENARIO_DIRECTORY
    loaded = [
        parse_scenario(entry.name, entry.read_text(encoding="utf-8"))
        for entry in directory.iterdir()
        if entry.name.endswith(".json")
    ]
    return {scenario.id: scenario for scenario in sorted(loaded, key=lambda one: one.id)}
