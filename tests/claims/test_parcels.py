"""The claim's own property facts, the shared identified parcel, and claims registered
before their parcel is identified."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy import select

from adjudication.domain import Outcome
from adjudication.operations import ActionRefused, ClaimOutcome
from adjudication.queries import timeline
from adjudication.workflow import Action
from claims.domain import ClaimState, ParcelIdentity, ParcelInput, PropertyType, QualityFlag
from claims.models import Parcel, ParcelChange
from claims.operations import (
    ParcelChangeRefused,
    correct_parcel,
    identify_parcel,
    request_registry_extract,
    review_candidate,
)
from claims.queries import ClaimFilters, open_candidates_of, search_claims
from commission.audit import AuditEntry
from commission.extensions import db
from tests.support.claims import claim_input, claimant

UNIDENTIFIED = ParcelInput(
    governorate_code="IQ-BG",
    muqataa_no="",
    parcel_no="",
    property_type=PropertyType.HOUSE,
    muqataa_name="الكرادة",
)


def _on_parcel(parcel_no="345/6", **parcel):
    values = dict(
        governorate_code="IQ-BG",
        muqataa_no="12",
        muqataa_name="الكرادة",
        parcel_no=parcel_no,
        property_type=PropertyType.RESIDENTIAL_LAND,
        area_m2=Decimal("250"),
    )
    values.update(parcel)
    return ParcelInput(**values)


def test_registering_on_a_claimed_parcel_leaves_the_other_claims_facts_unchanged(intake):
    first = intake.register(claim_input(parcel=_on_parcel("٣٤٥/٦")))
    parcel_row = (first.parcel.governorate_code, first.parcel.muqataa_name, first.parcel.area_m2)
    second = intake.register(
        claim_input(
            parcel=_on_parcel(
                "345-6", property_type=PropertyType.HOUSE, area_m2=Decimal(300), muqataa_name=""
            ),
            parties=[claimant(family="العبيدي")],
        )
    )
    db.session.expire_all()

    assert first.parcel_id == second.parcel_id
    assert (first.property_type, first.stated_parcel_no, first.area_m2) == (
        PropertyType.RESIDENTIAL_LAND,
        "٣٤٥/٦",
        Decimal(250),
    )
    assert (second.property_type, second.stated_parcel_no, second.area_m2) == (
        PropertyType.HOUSE,
        "345-6",
        Decimal(300),
    )
    parcel = second.parcel
    assert (parcel.governorate_code, parcel.muqataa_name, parcel.area_m2) == parcel_row
    updates = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "parcel", AuditEntry.action == "update")
    ).all()
    assert updates == []
    assert second.parcel_differences() == {"area_m2"}


def test_a_parcel_correction_is_audited_and_shows_in_every_affected_claims_history(intake, staff):
    first = intake.register(claim_input(parcel=_on_parcel()))
    second = intake.register(claim_input(parcel=_on_parcel(), parties=[claimant(family="العبيدي")]))
    corrected = ParcelIdentity(
        governorate_code="IQ-BG",
        muqataa_no="12",
        parcel_no="345/6",
        muqataa_name="الكرادة الشرقية",
        area_m2=Decimal("262.5"),
    )
    with pytest.raises(ParcelChangeRefused):
        correct_parcel(
            db.session, first.parcel, corrected, by=staff.adjudicator, reason="Extract no. 88."
        )

    changes = correct_parcel(
        db.session, first.parcel, corrected, by=staff.reviewer, reason="Registry extract no. 88."
    )

    assert {change.claim_id for change in changes} == {first.id, second.id}
    for claim in (first, second):
        events = [event for event in timeline(db.session, claim) if event.kind == "parcel_change"]
        assert len(events) == 1
        change = events[0].record
        assert "الكرادة الشرقية" in change.after and "262.5" in change.after
        assert "الكرادة الشرقية" not in change.before
        assert change.changed_by_id == staff.reviewer.id
        assert change.reason == "Registry extract no. 88."
    db.session.commit()  # the audit chain is appended at commit
    update = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity == "parcel",
            AuditEntry.entity_id == str(first.parcel_id),
            AuditEntry.action == "update",
        )
    )
    assert '"muqataa_name":"الكرادة الشرقية"' in update.after_json
    # What each claim said about its property is untouched.
    assert (first.stated_muqataa_name, first.area_m2) == ("الكرادة", Decimal(250))


def test_register_without_parcel_then_identify_recheck_and_decide(intake, staff, cases):
    on_parcel = cases.register(parcel=_on_parcel())
    other_claimant_same_parcel = cases.register(
        parcel=_on_parcel(),
        family="الدليمي",
        address="حي الوحدة، شارع 52",
        with_respondent=False,
    )
    unidentified = cases.register(parcel=UNIDENTIFIED)

    assert unidentified.parcel is None and not unidentified.is_parcel_identified
    # The claimant of `cases.register` gave no identity number: that is flagged too.
    assert [row.flag for row in unidentified.quality_flags] == [
        QualityFlag.NO_IDENTITY_NUMBER,
        QualityFlag.PARCEL_UNIDENTIFIED,
    ]
    found = {pair.other(unidentified).id for pair in open_candidates_of(db.session, unidentified)}
    assert on_parcel.id in found  # same claimant, same address
    assert other_claimant_same_parcel.id not in found  # nothing in common yet

    cases.in_state(ClaimState.UNDER_REVIEW, claim=unidentified)
    for pair in open_candidates_of(db.session, unidentified):
        review_candidate(db.session, pair, confirm=False, note="Checked.", by=staff.adjudicator)
    with pytest.raises(ActionRefused, match="still to be identified"):
        cases.act(unidentified, Action.DRAFT_DECISION, staff.adjudicator)

    request = request_registry_extract(
        db.session, unidentified, by=staff.adjudicator, note="Mahalla 903."
    )
    assert request.claim_id == unidentified.id
    change = identify_parcel(
        db.session,
        unidentified,
        ParcelIdentity(governorate_code="IQ-BG", muqataa_no="12", parcel_no="345/6"),
        by=staff.adjudicator,
        reason="Registry extract no. 91.",
        expected_version=unidentified.version,
    )

    assert unidentified.parcel_id == on_parcel.parcel_id
    assert change.before == "" and "345/6" in change.after
    assert unidentified.stated_parcel_no == ""  # the claim's own statement stays as filed
    # Nothing left to complete about its parcel.
    assert [row.flag for row in unidentified.quality_flags] == [QualityFlag.NO_IDENTITY_NUMBER]
    rechecked = {
        pair.other(unidentified).id for pair in open_candidates_of(db.session, unidentified)
    }
    assert other_claimant_same_parcel.id in rechecked
    kinds = [event.kind for event in timeline(db.session, unidentified)]
    assert "parcel_change" in kinds and "registry_extract_request" in kinds

    for pair in open_candidates_of(db.session, unidentified):
        review_candidate(
            db.session, pair, confirm=False, note="Another house.", by=staff.adjudicator
        )
    cases.act(unidentified, Action.DRAFT_DECISION, staff.adjudicator)
    assert unidentified.state == ClaimState.DECISION_DRAFTED


@pytest.mark.parametrize("outcome", [Outcome.RESTITUTION, Outcome.COMPENSATION, Outcome.REJECTION])
def test_no_decision_on_the_merits_before_the_parcel_is_identified(outcome, cases, staff):
    claim = cases.in_state(ClaimState.UNDER_REVIEW, claim=cases.register(parcel=UNIDENTIFIED))
    extra = {"compensation_amount": Decimal(1000), "compensation_currency": "IQD"}
    drafted = ClaimOutcome(
        outcome,
        reason_code="no_proof_of_ownership" if outcome == Outcome.REJECTION else "",
        **(extra if outcome == Outcome.COMPENSATION else {}),
    )
    with pytest.raises(ActionRefused, match=claim.number):
        cases.act(claim, Action.DRAFT_DECISION, staff.adjudicator, outcomes={claim.id: drafted})
    assert claim.state == ClaimState.UNDER_REVIEW


def test_an_unidentified_claim_can_still_be_found_inadmissible_or_withdrawn(cases, staff):
    drafted = cases.in_state(ClaimState.UNDER_REVIEW, claim=cases.register(parcel=UNIDENTIFIED))
    cases.act(
        drafted,
        Action.DRAFT_DECISION,
        staff.adjudicator,
        outcomes={drafted.id: ClaimOutcome(Outcome.INADMISSIBLE, reason_code="time_limit")},
    )
    assert drafted.state == ClaimState.DECISION_DRAFTED
    screened = cases.in_state(ClaimState.SCREENING, claim=cases.register(parcel=UNIDENTIFIED))
    cases.act(screened, Action.DECLARE_INADMISSIBLE, staff.adjudicator)
    assert screened.state == ClaimState.INADMISSIBLE
    withdrawn = cases.register(parcel=UNIDENTIFIED)
    cases.act(withdrawn, Action.WITHDRAW, staff.clerk)
    assert withdrawn.state == ClaimState.WITHDRAWN


def test_identification_is_for_the_assigned_adjudicator_or_a_reviewer(cases, staff):
    claim = cases.in_state(ClaimState.SCREENING, claim=cases.register(parcel=UNIDENTIFIED))
    identity = ParcelIdentity(governorate_code="IQ-BG", muqataa_no="7", parcel_no="12")
    with pytest.raises(ParcelChangeRefused):
        identify_parcel(
            db.session,
            claim,
            identity,
            by=staff.other_adjudicator,
            reason="Extract.",
            expected_version=claim.version,
        )
    identify_parcel(
        db.session,
        claim,
        identity,
        by=staff.reviewer,
        reason="Extract.",
        expected_version=claim.version,
    )
    assert db.session.scalar(select(Parcel.parcel_key).where(Parcel.id == claim.parcel_id)) == (
        "IQ-BG|7|12"
    )
    assert db.session.scalars(select(ParcelChange.kind)).all() == ["identified"]


def test_the_claim_list_filters_claims_whose_parcel_is_to_be_identified(intake, staff):
    identified = intake.register(claim_input())
    unidentified = intake.register(
        dataclasses.replace(claim_input(), parcel=UNIDENTIFIED, parties=[claimant(family="X")])
    )
    found = search_claims(db.session, ClaimFilters(parcel_to_identify=True), viewer=staff.reviewer)
    assert [claim.id for claim in found] == [unidentified.id]
    assert identified.id in {
        claim.id for claim in search_claims(db.session, ClaimFilters(), viewer=staff.reviewer)
    }
