"""The letter records: every enum they print has wording in both languages, and no record
shares a name with a database model."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from adjudication import labels as adjudication_labels
from adjudication.domain import AppealOutcome, Outcome
from claims import labels as claim_labels
from claims.domain import ClaimBasis, EvidenceKind, PartyRole, PropertyType, Remedy
from commission.db import Base
from documents import labels as letter_labels
from documents import letters


@pytest.mark.parametrize(
    ("enum_class", "table"),
    [
        (ClaimBasis, claim_labels.CLAIM_BASES),
        (Remedy, claim_labels.REMEDIES),
        (PropertyType, claim_labels.PROPERTY_TYPES),
        (PartyRole, claim_labels.PARTY_ROLES),
        (EvidenceKind, claim_labels.EVIDENCE_KINDS),
        (Outcome, adjudication_labels.OUTCOMES),
        (AppealOutcome, adjudication_labels.APPEAL_OUTCOMES),
        (letters.LetterKind, letter_labels.LETTER_TITLES),
    ],
)
def test_every_value_has_a_label_in_both_languages(enum_class, table):
    assert set(table) == set(enum_class)
    for member in enum_class:
        assert table[member].en and table[member].ar


def test_no_letter_record_is_named_like_a_model():
    import_all_models()
    model_names = {mapper.class_.__name__ for mapper in Base.registry.mappers}
    record_names = {
        name
        for name, value in vars(letters).items()
        if inspect.isclass(value)
        and dataclasses.is_dataclass(value)
        and value.__module__ == letters.__name__
    }

    assert record_names, "documents.letters declares its records"
    assert not record_names & model_names


def test_the_arabic_rulings_are_the_commissions_wording():
    assert adjudication_labels.OUTCOMES[Outcome.REJECTION].ar == "رد المطالبة موضوعاً."
    assert adjudication_labels.APPEAL_OUTCOMES[AppealOutcome.UPHELD].ar == (
        "رد الطعن وتصديق القرار المطعون فيه."
    )
    assert claim_labels.PROPERTY_TYPES[PropertyType.HOUSE].ar == "دار سكنية"


def import_all_models():
    """Every package's models, so the registry holds every mapped class."""
    import adjudication.models  # noqa: F401
    import claims.models  # noqa: F401
    import commission.accounts.models  # noqa: F401
    import documents.models  # noqa: F401
    import training.models  # noqa: F401
