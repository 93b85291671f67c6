"""Scenario files: every packaged one loads, and a broken one is refused with the file
and the field named."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from fnmatch import fnmatch
from importlib.resources import files
from pathlib import Path

import pytest

from claims.domain import ClaimInput, PartyInput
from tests.support.training import VOCABULARY
from training.scenarios.loading import ScenarioInvalid, load_scenario, load_scenarios
from training.scenarios.model import ExpectedOutcome

SCENARIO_DIR = Path(str(files("training") / "scenario_files"))
PACKAGED = sorted(SCENARIO_DIR.glob("*.json"))


def test_the_five_lessons_are_packaged():
    assert list(load_scenarios(VOCABULARY)) == sorted(
        [
            "appeal-remanded",
            "good-faith-occupant",
            "outside-jurisdiction",
            "same-claimant-twice",
            "two-families",
        ]
    )


def test_scenario_files_are_package_data():
    """The wheel carries the scenarios: pyproject's package-data matches their paths."""
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]
    relative = [path.relative_to(SCENARIO_DIR.parent).as_posix() for path in PACKAGED]
    for path in relative:
        assert any(
            fnmatch(path, pattern)
            for package in ("*", "training")
            for pattern in patterns.get(package, ())
        ), path


@pytest.mark.parametrize("path", PACKAGED, ids=lambda path: path.stem)
def test_each_packaged_scenario_loads(path):
    scenario = load_scenario(path, VOCABULARY)
    assert scenario.id == path.stem
    assert scenario.title.en and scenario.title.ar and scenario.lesson.ar
    assert scenario.model_answer.max_points > 0
    for claim in scenario.claims:
        assert claim.evidence, f"{claim.ref} has no evidence"
        for party in claim.facts.parties:
            assert party.latin_name, f"{claim.ref}: {party.given_name} has no Latin spelling"
    refs = {claim.ref for claim in scenario.claims}
    assert {item.ref for item in scenario.model_answer.outcomes} <= refs


def test_each_lesson_is_taught_by_its_model_answer():
    scenarios = load_scenarios(VOCABULARY)
    outcomes = {
        scenario_id: {item.outcome for item in scenario.model_answer.outcomes}
        for scenario_id, scenario in scenarios.items()
    }
    assert scenarios["two-families"].model_answer.groups
    assert ExpectedOutcome.WITHDRAWN in outcomes["same-claimant-twice"]
    good_faith = scenarios["good-faith-occupant"].model_answer.outcomes
    assert all(
        {"law13_good_faith", "law13_compensation"} <= set(item.provisions)
        for item in good_faith
        if item.outcome == ExpectedOutcome.COMPENSATION
    )
    assert ExpectedOutcome.INADMISSIBLE in outcomes["outside-jurisdiction"]
    assert [item.outcome for item in scenarios["appeal-remanded"].model_answer.appeals] == [
        "remanded"
    ]


def _broken(tmp_path, change, name="two-families.json") -> Path:
    document = json.loads((SCENARIO_DIR / "two-families.json").read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _refused(path) -> list[str]:
    with pytest.raises(ScenarioInvalid) as refused:
        load_scenario(path, VOCABULARY)
    return refused.value.errors


def test_a_missing_field_is_named_with_its_path(tmp_path):
    def drop_name(document):
        del document["claims"][1]["parties"][0]["given_name"]

    assert _refused(_broken(tmp_path, drop_name)) == [
        "two-families.json: claims[1].parties[0].given_name: required"
    ]


def test_a_wrong_type_is_named_with_its_path(tmp_path):
    def wrong_area(document):
        document["claims"][0]["parcel"]["area_m2"] = "three hundred"

    assert _refused(_broken(tmp_path, wrong_area)) == [
        "two-families.json: claims[0].parcel.area_m2: must be of type number"
    ]


def test_an_unknown_outcome_is_refused(tmp_path):
    def eviction(document):
        document["model_answer"]["outcomes"][0]["outcome"] = "eviction"

    [error] = _refused(_broken(tmp_path, eviction))
    assert error.startswith("two-families.json: model_answer.outcomes[0].outcome: 'eviction'")
    assert "restitution" in error


def test_a_compensation_needs_its_range_and_a_rejection_its_reason(tmp_path):
    def incomplete(document):
        document["model_answer"]["outcomes"][0]["outcome"] = "compensation"
        del document["model_answer"]["outcomes"][1]["reason_code"]

    assert _refused(_broken(tmp_path, incomplete)) == [
        "two-families.json: model_answer.outcomes[0].compensation: required",
        "two-families.json: model_answer.outcomes[1].reason_code: required",
    ]


def test_unknown_fields_and_codes_are_refused(tmp_path):
    def unknown(document):
        document["claims"][0]["colour"] = "blue"
        document["model_answer"]["outcomes"][1]["reason_code"] = "bad_luck"

    errors = _refused(_broken(tmp_path, unknown))
    assert errors[0] == "two-families.json: claims[0].colour: unknown field"
    assert errors[1].startswith("two-families.json: model_answer.outcomes[1].reason_code: ")


def test_references_to_claims_that_do_not_exist_are_refused(tmp_path):
    def stray(document):
        document["model_answer"]["conflicts"][0]["refs"] = ["A", "Z"]

    assert _refused(_broken(tmp_path, stray)) == [
        "two-families.json: model_answer.conflicts[0]: 'Z' names no claim of the scenario"
    ]


def test_a_model_answer_with_nothing_to_score_is_refused(tmp_path):
    def empty(document):
        document["model_answer"] = {"conflicts": []}

    assert _refused(_broken(tmp_path, empty)) == [
        "two-families.json: model_answer: has no items to score"
    ]


def test_the_id_must_be_the_file_name(tmp_path):
    assert _refused(_broken(tmp_path, lambda document: None, name="renamed.json")) == [
        "renamed.json: id: must be the file's name without .json"
    ]


def test_a_file_that_is_not_json_says_where(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"id": "broken",\n  "title": }', encoding="utf-8")
    [error] = _refused(path)
    assert error.startswith("broken.json: line 2: not JSON")


def test_a_claims_facts_are_the_intakes_input_records():
    claim = load_scenarios(VOCABULARY)["two-families"].claim("A")
    assert isinstance(claim.facts, ClaimInput)
    assert all(isinstance(party, PartyInput) for party in claim.facts.parties)
    assert claim.facts.import_ref is None


def test_the_schema_names_only_the_configured_reason_codes():
    narrow = dataclasses.replace(VOCABULARY, reason_codes=frozenset({"not_a_real_code"}))
    path = SCENARIO_DIR / "outside-jurisdiction.json"
    with pytest.raises(ScenarioInvalid) as refused:
        load_scenario(path, narrow)
    assert any("reason_code" in error for error in refused.value.errors)
    assert load_scenario(path, VOCABULARY).id == "outside-jurisdiction"
