"""Scoring and blocking of claim pairs: kinds, reasons, hard negatives."""

from __future__ import annotations

import dataclasses

import pytest

from claims.matching.blocking import blocking_keys, parcel_key, probe_keys
from claims.matching.normalise import ClaimFields, ParcelNumber, normalise_claim
from claims.matching.scoring import ConflictKind, MatchThresholds, name_similarity, score_pair

THRESHOLDS = MatchThresholds()

CLAIM = ClaimFields(
    ref="A",
    governorate="IQ-BG",
    muqataa_no="12",
    muqataa_name="الكرادة",
    parcel_no="345/6",
    property_type="دار",
    address="محلة 903 زقاق 14 دار 7",
    claimant_name="محمد عبد الرحمن حسين الجبوري",
    claimant_id_no="199012345678",
    respondent_name="علي كاظم جاسم",
)


def claim(**changes: str) -> ClaimFields:
    return dataclasses.replace(CLAIM, **changes)


def score(first: ClaimFields, second: ClaimFields):
    return score_pair(normalise_claim(first), normalise_claim(second), THRESHOLDS)


def shares_a_block(first: ClaimFields, second: ClaimFields) -> bool:
    a, b = normalise_claim(first), normalise_claim(second)
    return bool(
        set(probe_keys(a)) & set(blocking_keys(b)) or set(probe_keys(b)) & set(blocking_keys(a))
    )


def test_same_parcel_other_claimant_is_competing_with_reasons() -> None:
    other = claim(
        ref="B",
        governorate="Baghdad",
        parcel_no="٣٤٥/٦",
        property_type="House",
        address="Mahalla 903, Zuqaq 14, House 7",
        claimant_name="Zainab Hassan Ali",
        claimant_id_no="",
        respondent_name="Ali Kadhim Jassim",
    )
    result = score(CLAIM, other)
    assert result.kind is ConflictKind.COMPETING
    assert result.score >= THRESHOLDS.min_score
    assert result.reasons[0] == "parcel 345/6 = ٣٤٥/٦"
    assert any(reason.startswith("respondent name") for reason in result.reasons)


def test_same_claimant_in_other_script_is_a_duplicate() -> None:
    other = claim(
        ref="B", claimant_name="Mohamed Abdulrahman Hussein al-Jubouri", claimant_id_no=""
    )
    result = score(CLAIM, other)
    assert result.kind is ConflictKind.DUPLICATE
    assert (
        "claimant name 100: محمد عبد الرحمن حسين الجبوري ~ Mohamed Abdulrahman Hussein al-Jubouri"
        in result.reasons
    )


def test_same_name_but_different_id_numbers_is_not_a_duplicate() -> None:
    namesake = claim(ref="B", claimant_id_no="198811112222")
    assert score(CLAIM, namesake).kind is ConflictKind.COMPETING


def test_claimant_of_one_being_respondent_of_other_is_a_counterclaim() -> None:
    other = claim(
        ref="B",
        claimant_name="Ali Kadhim Jassim",
        claimant_id_no="",
        respondent_name="Mohammed Abdul Rahman Hussein",
    )
    result = score(CLAIM, other)
    assert result.kind is ConflictKind.COUNTERCLAIM
    assert result.score >= THRESHOLDS.min_score


def test_neighbouring_parcel_with_other_owner_scores_low() -> None:
    neighbour = claim(
        ref="B",
        parcel_no="346",
        address="محلة 903 زقاق 14 دار 9",
        claimant_name="Zainab Hassan Ali",
        claimant_id_no="",
        respondent_name="Omar Saad Majid",
    )
    assert score(CLAIM, neighbour).score < THRESHOLDS.min_score


def test_different_sub_parcel_is_not_the_same_parcel() -> None:
    split_off = claim(ref="B", parcel_no="345/7", claimant_name="Zainab Hassan Ali")
    result = score(CLAIM, split_off)
    assert result.score < score(CLAIM, claim(ref="B", claimant_name="Zainab Hassan Ali")).score
    assert "parcel 345/6 / 345/7: different sub-parcels" in result.reasons


def test_common_name_on_another_parcel_is_not_a_conflict() -> None:
    elsewhere = claim(
        ref="B",
        muqataa_no="40",
        muqataa_name="المنصور",
        parcel_no="1201",
        address="محلة 610 زقاق 3 دار 22",
        claimant_id_no="",
        respondent_name="",
    )
    assert score(CLAIM, elsewhere).score < THRESHOLDS.min_score


def test_claims_in_different_governorates_score_zero() -> None:
    result = score(CLAIM, claim(ref="B", governorate="Nineveh"))
    assert result.score == 0
    assert result.reasons == ("governorate IQ-BG ≠ IQ-NI",)


def test_missing_parcel_number_is_found_through_the_same_house() -> None:
    no_parcel = claim(ref="B", parcel_no="", claimant_name="Zainab Hassan Ali", claimant_id_no="")
    assert shares_a_block(CLAIM, no_parcel)
    assert score(CLAIM, no_parcel).score >= THRESHOLDS.min_score


def test_transposed_parcel_digits_still_share_a_block() -> None:
    assert shares_a_block(CLAIM, claim(ref="B", parcel_no="354", address="", claimant_name="X"))


def test_missing_muqataa_still_meets_the_parcel_through_a_wildcard_key() -> None:
    incomplete = claim(ref="B", muqataa_no="", muqataa_name="", address="", claimant_name="X Y")
    assert shares_a_block(CLAIM, incomplete)


def test_parcel_key_matches_the_parcel_row_format() -> None:
    assert parcel_key("IQ-BG", "12", ParcelNumber(345, 6)) == "IQ-BG|12|345/6"


def test_blocking_keys_are_plain_strings_with_a_family_prefix() -> None:
    keys = blocking_keys(normalise_claim(CLAIM))
    assert "P|IQ-BG|12|345" in keys
    assert all(isinstance(key, str) and key[0] in "PTAN" for key in keys)


@pytest.mark.parametrize(
    ("first", "second", "expected_at_least"),
    [
        ("mhmd abdrhmn", "mhmd abdrhmn", 100),
        ("al hsn kdm", "al hsn kdm jbr", 95),  # one register adds the family name
    ],
)
def test_name_similarity_tolerates_a_shorter_name(
    first: str, second: str, expected_at_least: int
) -> None:
    assert name_similarity(first, second) >= expected_at_least


def test_name_similarity_respects_word_order() -> None:
    assert name_similarity("al hsn", "hsn al") < THRESHOLDS.same_person


def test_thresholds_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        THRESHOLDS.min_score = 10  # type: ignore[misc]
