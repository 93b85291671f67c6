"""The letter inputs speak the application's enum values."""

from __future__ import annotations

import pytest

from claims import models
from documents import labels, letters

SHARED_ENUMS = ["ClaimBasis", "Remedy", "PropertyType", "PartyRole", "EvidenceKind"]


@pytest.mark.parametrize("name", SHARED_ENUMS)
def test_enum_values_match_the_claims_models(name):
    ours = [member.value for member in getattr(letters, name)]
    theirs = [member.value for member in getattr(models, name)]

    assert ours == theirs


@pytest.mark.parametrize(
    ("enum_class", "table"),
    [
        (letters.ClaimBasis, labels.CLAIM_BASES),
        (letters.Remedy, labels.REMEDIES),
        (letters.PropertyType, labels.PROPERTY_TYPES),
        (letters.PartyRole, labels.PARTY_ROLES),
        (letters.EvidenceKind, labels.EVIDENCE_KINDS),
        (letters.Outcome, labels.OUTCOMES),
        (letters.AppealOutcome, labels.APPEAL_OUTCOMES),
        (letters.LetterKind, labels.LETTER_TITLES),
    ],
)
def test_every_value_has_a_label_in_both_languages(enum_class, table):
    for member in enum_class:
        assert table[member].en and table[member].ar


def test_outcome_values_are_the_decision_outcomes():
    assert [o.value for o in letters.Outcome] == [
        "restitution",
        "compensation",
        "rejection",
        "inadmissible",
    ]
    assert [o.value for o in letters.AppealOutcome] == ["upheld", "overturned", "remanded"]
