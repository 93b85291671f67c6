"""Data-quality flags follow the claim's data: set at registration, recomputed at every
edit (what the claim lacks is read again; a guess is dropped once a clerk sets the field
it was about), and shown as such in the audit log."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import select

from claims.domain import (
    ClaimBasis,
    FlaggedFacts,
    PropertyType,
    QualityFlag,
    quality_flags_after_edit,
)
from commission.audit import AuditEntry
from commission.extensions import db
from tests.support.claims import claim_input, claimant

FACTS = FlaggedFacts(
    parcel_identified=True,
    claimants_identified=True,
    property_type=PropertyType.OTHER,
    claim_basis=ClaimBasis.OTHER,
    filed_on=date(2024, 1, 1),
    dispossession_on=date(2006, 1, 1),
)
GUESSES = {
    QualityFlag.DATE_YEAR_ONLY,
    QualityFlag.PROPERTY_TYPE_MISSING,
    QualityFlag.CLAIM_BASIS_MISSING,
}


def _flags(claim) -> list[QualityFlag]:
    return [row.flag for row in claim.quality_flags]


def test_an_edit_that_leaves_the_guessed_fields_keeps_their_flags():
    assert quality_flags_after_edit(GUESSES, FACTS, FACTS) == GUESSES


@pytest.mark.parametrize(
    ("change", "dropped"),
    [
        ({"property_type": PropertyType.HOUSE}, QualityFlag.PROPERTY_TYPE_MISSING),
        ({"claim_basis": ClaimBasis.CONFISCATION}, QualityFlag.CLAIM_BASIS_MISSING),
        (
            {"filed_on": date(2024, 3, 9), "dispossession_on": date(2006, 5, 2)},
            QualityFlag.DATE_YEAR_ONLY,
        ),
    ],
)
def test_setting_a_guessed_field_drops_its_flag_alone(change, dropped):
    after = dataclasses.replace(FACTS, **change)
    assert quality_flags_after_edit(GUESSES, FACTS, after) == GUESSES - {dropped}


def test_a_year_only_flag_stays_while_one_guessed_date_is_left_as_it_was():
    after = dataclasses.replace(FACTS, filed_on=date(2024, 3, 9))
    assert QualityFlag.DATE_YEAR_ONLY in quality_flags_after_edit(GUESSES, FACTS, after)


def test_what_a_claim_lacks_is_read_from_the_edited_facts():
    lacking = dataclasses.replace(FACTS, parcel_identified=False, claimants_identified=False)
    assert quality_flags_after_edit(set(), FACTS, lacking) == {
        QualityFlag.PARCEL_UNIDENTIFIED,
        QualityFlag.NO_IDENTITY_NUMBER,
    }
    assert (
        quality_flags_after_edit(
            {QualityFlag.PARCEL_UNIDENTIFIED, QualityFlag.NO_IDENTITY_NUMBER}, lacking, FACTS
        )
        == set()
    )


def test_a_registration_without_a_claimants_identity_number_is_flagged(intake):
    claim = intake.register(claim_input(parties=[claimant(id_document_number="")]))
    assert _flags(claim) == [QualityFlag.NO_IDENTITY_NUMBER]
    identified = intake.register(claim_input(parties=[claimant(id_document_number="19876543")]))
    assert _flags(identified) == []


def test_editing_a_claim_recomputes_every_flag(intake):
    # As an import registers a row without property type and claim basis: stand-ins, flagged.
    stand_ins = claim_input(claim_basis=ClaimBasis.OTHER)
    data = dataclasses.replace(
        stand_ins,
        parcel=dataclasses.replace(stand_ins.parcel, property_type=PropertyType.OTHER),
        parties=[claimant(id_document_number="")],
        quality_flags=[QualityFlag.PROPERTY_TYPE_MISSING, QualityFlag.CLAIM_BASIS_MISSING],
    )
    claim = intake.register(data)
    db.session.commit()
    assert _flags(claim) == [
        QualityFlag.CLAIM_BASIS_MISSING,
        QualityFlag.NO_IDENTITY_NUMBER,
        QualityFlag.PROPERTY_TYPE_MISSING,
    ]

    edited = dataclasses.replace(
        data,
        parties=[claimant(id_document_number="19876543")],
        parcel=dataclasses.replace(data.parcel, property_type=PropertyType.HOUSE),
        quality_flags=[],
    )
    intake.edit(claim, edited)
    db.session.commit()

    assert _flags(claim) == [QualityFlag.CLAIM_BASIS_MISSING]
    dropped = db.session.scalars(
        select(AuditEntry.before_json).where(
            AuditEntry.entity == "claim_quality_flag", AuditEntry.action == "delete"
        )
    ).all()
    assert any('"no_identity_number"' in before for before in dropped)
    assert any('"property_type_missing"' in before for before in dropped)


def test_editing_an_identity_number_away_flags_the_claim_again(intake):
    data = claim_input(parties=[claimant(id_document_number="19876543")])
    claim = intake.register(data)
    intake.edit(claim, dataclasses.replace(data, parties=[claimant(id_document_number="")]))
    assert _flags(claim) == [QualityFlag.NO_IDENTITY_NUMBER]
