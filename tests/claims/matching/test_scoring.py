"""Scoring and blocking of claim pairs: kinds, reasons, hard negatives."""

from __future__ import annotations

import dataclasses

import pytest

from claims.matching.blocking import blocking_keys, parcel_key, probe_keys
from claims.matching.normalise import ClaimFields, ParcelNumber, name_skeleton, normalise_claim
from claims.matching.scoring import ConflictKind, MatchThresholds, name_similarity, score_pair
from config import Config

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
    other_claimant = {"claimant_name": "Zainab Hassan Ali", "claimant_id_no": "", "address": ""}
    split_off = claim(ref="B", parcel_no="345/7", **other_claimant)
    result = score(CLAIM, split_off)
    assert result.score < score(CLAIM, claim(ref="B", **other_claimant)).score
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


def test_digit_added_on_the_same_street_is_a_typo_not_another_parcel() -> None:
    typo = claim(
        ref="B",
        parcel_no="3045/6",
        address="محلة 903 زقاق 14",
        claimant_name="Zainab Hassan Ali",
        claimant_id_no="",
        respondent_name="",
    )
    result = score(CLAIM, typo)
    assert "parcel 345/6 / 3045/6: possible typo on the same street" in result.reasons
    assert result.score >= THRESHOLDS.min_score


def test_close_number_one_digit_apart_reads_as_the_next_parcel() -> None:
    result = score(CLAIM, claim(ref="B", parcel_no="347", address="", respondent_name=""))
    assert "parcel 345/6 / 347: next parcel or typo" in result.reasons


def test_same_number_in_another_muqataa_is_another_parcel() -> None:
    elsewhere = claim(
        ref="B",
        muqataa_no="13",
        address="",
        claimant_name="Zainab Hassan Ali",
        claimant_id_no="",
        respondent_name="",
    )
    result = score(CLAIM, elsewhere)
    assert "muqataa 12 / 13: different" in result.reasons
    assert result.score < THRESHOLDS.min_score


def test_same_occupant_finds_a_claim_whose_parcel_number_is_mistyped() -> None:
    mistyped = claim(
        ref="B",
        parcel_no="945/6",
        address="",
        claimant_name="Zainab Hassan Ali",
        claimant_id_no="",
        respondent_name="Ali Kazim Jassim",
    )
    assert shares_a_block(CLAIM, mistyped)
    result = score(CLAIM, mistyped)
    assert "respondent name 97: علي كاظم جاسم ~ Ali Kazim Jassim" in result.reasons
    assert result.score >= THRESHOLDS.min_score


def test_muqataa_given_by_name_only_meets_the_claims_giving_its_number() -> None:
    by_name = claim(ref="B", muqataa_no="", muqataa_name="Karrada", address="", claimant_name="X")
    assert shares_a_block(claim(muqataa_name=""), by_name)


def test_a_claim_has_a_modest_number_of_keys() -> None:
    # One indexed row per key: a registration must not write dozens.
    assert len(blocking_keys(normalise_claim(CLAIM))) <= 15


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("SALAH KHALED AD-DURI", "Saleh Khaled Faisal Aldouri"),  # grandfather left out
        ("Jasim Aly al-Kaabi", "جاسم علي داود الكعبي"),
        ("Kazim Noori Nouri", "كاظم نوري نوري"),  # z for ظ
        ("Roqaya Thahir", "رقية ظاهر"),  # th for ظ
    ],
)
def test_one_person_written_with_fewer_names_or_another_spelling(first: str, second: str) -> None:
    similarity = name_similarity(name_skeleton(first), name_skeleton(second))
    assert similarity >= THRESHOLDS.same_person


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Hussein Ali Kadhim", "Hamid Ali Kadhim al-Jubouri"),  # another given name
        ("Zainab Jasim Kadhim", "Fatima Jasim Ali Kadhim"),
    ],
)
def test_leaving_words_out_does_not_make_two_people_one(first: str, second: str) -> None:
    similarity = name_similarity(name_skeleton(first), name_skeleton(second))
    assert similarity < THRESHOLDS.same_person


def test_thresholds_are_config_values_and_every_one_is_configurable() -> None:
    configured = {name: getattr(Config, name) for name in dir(Config) if name.startswith("MATCH_")}
    assert MatchThresholds.from_config(configured) == MatchThresholds()
    changed = {name: value + 1 for name, value in configured.items()}
    assert MatchThresholds.from_config(changed) == MatchThresholds(
        *(value + 1 for value in dataclasses.astuple(MatchThresholds()))
    )
