"""The JSON Schema of a scenario file, built on first use from the domain's enums and
the vocabulary the commission configures (reason codes, legal provisions, currencies).

Nothing is built at import: the schema depends on the configuration, which is passed
in (`ScenarioVocabulary.from_config(app.config)`), never read from the Config class.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping

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
from documents.letters import LetterKind
from training.scenarios.model import HISTORY_STEPS, CastMember, ExpectedOutcome


@dataclasses.dataclass(frozen=True)
class ScenarioVocabulary:
    """The configured codes a scenario may name. Hashable, so the schema and the loaded
    scenarios are built once per vocabulary."""

    reason_codes: frozenset[str]
    provisions: frozenset[str]
    currencies: tuple[str, ...]

    @classmethod
    def from_config(cls, config: Mapping) -> ScenarioVocabulary:
        """The vocabulary of an application's configuration (`app.config`)."""
        return cls(
            reason_codes=frozenset(
                {
                    *config["ANNULMENT_REASONS"],
                    *config["INADMISSIBILITY_REASONS"],
                    *config["REJECTION_REASONS"],
                }
            ),
            provisions=frozenset(config["LEGAL_PROVISIONS"]),
            currencies=tuple(config["CURRENCIES"]),
        )


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


def _item(required: list[str], properties: dict) -> dict:
    """A model-answer item: its own fields, and the points and why every item carries."""
    return {
        "type": "object",
        "required": [*required, "points", "why"],
        "additionalProperties": False,
        "properties": {**properties, "points": _POINTS, "why": _BILINGUAL},
    }


def _party() -> dict:
    return {
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


def _history_step(reason_codes: dict, provisions: dict, currencies: dict) -> dict:
    step_outcome = {
        "type": "object",
        "required": ["outcome"],
        "additionalProperties": False,
        "properties": {
            "outcome": {"enum": _values(Outcome)},
            "reason_code": reason_codes,
            "compensation_amount": _AMOUNT,
            "compensation_currency": currencies,
        },
    }
    return {
        "type": "object",
        "required": ["step", "by"],
        "additionalProperties": False,
        "properties": {
            "step": {"enum": list(HISTORY_STEPS)},
            "by": {"enum": _values(CastMember)},
            "comment": {"type": "string"},
            "reason_code": reason_codes,
            "outcomes": {
                "type": "object",
                "propertyNames": _REF,
                "additionalProperties": step_outcome,
            },
            "provisions": provisions,
            "appeal_outcome": {"enum": _values(AppealOutcome)},
            "other": _REF,
            "confirm": {"type": "boolean"},
        },
    }


def _claim(history_step: dict) -> dict:
    return {
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
            "parties": {"type": "array", "minItems": 1, "items": _party()},
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
            "history": {"type": "array", "items": history_step},
        },
    }


def _outcome_answer(reason_codes: dict, provisions: dict, currencies: dict) -> dict:
    answer = _item(
        ["ref", "outcome"],
        {
            "ref": _REF,
            "outcome": {"enum": _values(ExpectedOutcome)},
            "reason_code": reason_codes,
            "compensation": {
                "type": "object",
                "required": ["currency", "min", "max"],
                "additionalProperties": False,
                "properties": {"currency": currencies, "min": _AMOUNT, "max": _AMOUNT},
            },
            "provisions": provisions,
        },
    )
    # A compensation names its range; a rejection or inadmissibility its reason.
    needs_reason = [ExpectedOutcome.REJECTION.value, ExpectedOutcome.INADMISSIBLE.value]
    answer["allOf"] = [
        {
            "if": {"properties": {"outcome": {"const": ExpectedOutcome.COMPENSATION.value}}},
            "then": {"required": ["compensation"]},
        },
        {
            "if": {"properties": {"outcome": {"enum": needs_reason}}},
            "then": {"required": ["reason_code"]},
        },
    ]
    return answer


def _model_answer(outcome_answer: dict) -> dict:
    return {
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
                "items": _item(["refs"], {"refs": {"type": "array", "items": _REF, "minItems": 2}}),
            },
            "outcomes": {"type": "array", "items": outcome_answer},
            "appeals": {
                "type": "array",
                "items": _item(
                    ["ref", "outcome"], {"ref": _REF, "outcome": {"enum": _values(AppealOutcome)}}
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
    }


@functools.cache
def scenario_schema(vocabulary: ScenarioVocabulary) -> dict:
    """The schema of a scenario file that may name the codes of `vocabulary`. Built once
    per vocabulary; do not mutate the result."""
    reason_codes = {"enum": sorted(vocabulary.reason_codes)}
    provisions = {"type": "array", "items": {"enum": sorted(vocabulary.provisions)}}
    currencies = {"enum": list(vocabulary.currencies)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["id", "title", "lesson", "briefing", "claims", "model_answer"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 50},
            "title": _BILINGUAL,
            "lesson": _BILINGUAL,
            "briefing": _BILINGUAL,
            "claims": {
                "type": "array",
                "minItems": 1,
                "items": _claim(_history_step(reason_codes, provisions, currencies)),
            },
            "model_answer": _model_answer(_outcome_answer(reason_codes, provisions, currencies)),
        },
    }


@functools.cache
def scenario_validator(vocabulary: ScenarioVocabulary) -> jsonschema.Draft202012Validator:
    """A validator of `scenario_schema(vocabulary)` that also checks date formats."""
    return jsonschema.Draft202012Validator(
        scenario_schema(vocabulary), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
