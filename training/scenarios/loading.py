"""Reading a scenario file: JSON, checked against the schema and then for what a schema
cannot say (refs that exist, dates in order), built into the records of
`training.scenarios.model`, the claims' facts straight into the intake's input records."""

from __future__ import annotations

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
    ClaimInput,
    EvidenceKind,
    IdentityDocument,
    ParcelInput,
    PartyInput,
    PartyRole,
    PropertyType,
    Remedy,
)
from commission.bilingual import Bilingual
from commission.refusals import N_, Refusal, RefusalKind
from documents.letters import LetterKind
from training.scenarios.model import (
    REVIEW_CONFLICT,
    AmountRange,
    AppealAnswer,
    CastMember,
    ConflictAnswer,
    DeadlineAnswer,
    ExpectedOutcome,
    GroupAnswer,
    HistoryStep,
    LetterAnswer,
    ModelAnswer,
    OutcomeAnswer,
    Scenario,
    ScenarioClaim,
    ScenarioEvidence,
    StepOutcome,
)
from training.scenarios.schema import ScenarioVocabulary, scenario_validator

#: Where the packaged scenarios live: training/scenario_files/<id>.json.
SCENARIO_DIRECTORY = "scenario_files"


class ScenarioInvalid(Refusal, ValueError):
    """A scenario file that does not describe a usable scenario; each of `errors` names
    the file and the field path (`two-families.json: claims[1].parties[0].given_name:
    required`)."""

    kind = RefusalKind.INPUT
    message = N_("The scenario is not usable:\n%(problems)s")

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(problems="\n".join(errors))


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


def _schema_errors(name: str, document: object, vocabulary: ScenarioVocabulary) -> list[str]:
    validator = scenario_validator(vocabulary)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
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


def _bilingual(data: dict) -> Bilingual:
    return Bilingual(en=data["en"], ar=data["ar"])


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _party(data: dict) -> PartyInput:
    values = dict(data)
    values["role"] = PartyRole(values["role"])
    if "id_document_type" in values:
        values["id_document_type"] = IdentityDocument(values["id_document_type"])
    if "share_percent" in values:
        values["share_percent"] = _decimal(values["share_percent"])
    return PartyInput(**values)


def _step(data: dict) -> HistoryStep:
    return HistoryStep(
        step=data["step"],
        by=CastMember(data["by"]),
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
    dispossessed = data.get("dispossession_on")
    return ScenarioClaim(
        ref=data["ref"],
        office=data["office"],
        facts=ClaimInput(
            parcel=ParcelInput(
                governorate_code=parcel["governorate"],
                muqataa_no=parcel["muqataa_no"],
                parcel_no=parcel["parcel_no"],
                property_type=PropertyType(parcel["property_type"]),
                district=parcel.get("district", ""),
                muqataa_name=parcel.get("muqataa_name", ""),
                area_m2=_decimal(parcel.get("area_m2")),
            ),
            parties=[_party(party) for party in data["parties"]],
            claim_basis=ClaimBasis(data["claim_basis"]),
            remedy=Remedy(data["remedy"]),
            filed_on=date.fromisoformat(data["filed_on"]),
            dispossession_on=date.fromisoformat(dispossessed) if dispossessed else None,
            address=data["address"],
            description=data["description"],
        ),
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


def parse_scenario(name: str, text: str, vocabulary: ScenarioVocabulary) -> Scenario:
    """The scenario in `text` (the contents of the file `name`), or ScenarioInvalid."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioInvalid([f"{name}: line {error.lineno}: not JSON ({error.msg})"]) from None
    errors = _schema_errors(name, document, vocabulary) or _reference_errors(name, document)
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


def load_scenario(path: str | Path, vocabulary: ScenarioVocabulary) -> Scenario:
    path = Path(path)
    return parse_scenario(path.name, path.read_text(encoding="utf-8"), vocabulary)


@functools.cache
def load_scenarios(vocabulary: ScenarioVocabulary) -> dict[str, Scenario]:
    """Every packaged scenario by id, sorted by id. Read and validated once per process
    (and vocabulary): the files are part of the package. Do not mutate the result."""
    directory = files("training") / SCENARIO_DIRECTORY
    loaded = [
        parse_scenario(entry.name, entry.read_text(encoding="utf-8"), vocabulary)
        for entry in directory.iterdir()
        if entry.name.endswith(".json")
    ]
    return {scenario.id: scenario for scenario in sorted(loaded, key=lambda one: one.id)}
