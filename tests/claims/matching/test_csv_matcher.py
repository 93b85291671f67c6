"""The CSV matcher end to end, on a small labelled fixture."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from claims.matching.csv_matcher import (
    OUTPUT_COLUMNS,
    InvalidMatchInput,
    match_claims,
    match_csv,
)
from claims.matching.normalise import ClaimFields, normalise_claim
from claims.matching.scoring import MatchThresholds, score_pair

DATA = Path(__file__).parent / "data"
CLAIMS = DATA / "claims_small.csv"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def expected_pairs() -> set[tuple[str, str, str]]:
    return {
        (row["ref_a"], row["ref_b"], row["kind"]) for row in read_rows(DATA / "expected_pairs.csv")
    }


def found_pairs(path: Path) -> set[tuple[str, str, str]]:
    return {(row["ref_a"], row["ref_b"], row["kind"]) for row in read_rows(path)}


@pytest.mark.parametrize("workers", [1, 2])
def test_fixture_pairs_and_kinds_are_found_exactly(tmp_path: Path, workers: int) -> None:
    out = tmp_path / "pairs.csv"
    summary = match_csv(CLAIMS, out, MatchThresholds(), workers=workers)
    assert found_pairs(out) == expected_pairs()
    assert summary.claims == 11
    assert summary.pairs_written == len(expected_pairs())


def test_output_has_the_interchange_columns_ordered_refs_and_reasons(tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    match_csv(CLAIMS, out, workers=1)
    with out.open(encoding="utf-8", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == OUTPUT_COLUMNS
    rows = read_rows(out)
    assert all(row["ref_a"] < row["ref_b"] for row in rows)
    assert all(0 <= int(row["score"]) <= 100 for row in rows)
    first = next(row for row in rows if (row["ref_a"], row["ref_b"]) == ("BG-001", "BG-002"))
    assert first["reasons"].startswith("parcel 345/6 = ٣٤٥/٦; ")


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    with_bom = tmp_path / "bom.csv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + CLAIMS.read_bytes())
    out = tmp_path / "pairs.csv"
    match_csv(with_bom, out, workers=1)
    assert found_pairs(out) == expected_pairs()


def test_higher_threshold_reports_fewer_pairs(tmp_path: Path) -> None:
    # The same parcel number and nothing else in common: a candidate, not a certainty.
    source = tmp_path / "claims.csv"
    source.write_text(
        "ref,governorate,muqataa_no,parcel_no,claimant_name\n"
        "A,IQ-BG,12,345,Ali Hussein Kadhim\n"
        "B,Baghdad,12,٣٤٥,Zainab Hassan Ali\n",
        encoding="utf-8",
    )
    default, strict = tmp_path / "default.csv", tmp_path / "strict.csv"
    match_csv(source, default, workers=1)
    match_csv(source, strict, MatchThresholds(min_score=90), workers=1)
    assert found_pairs(default) == {("A", "B", "competing")}
    assert found_pairs(strict) == set()


def test_unparseable_parcel_number_counts_as_missing(tmp_path: Path) -> None:
    # BG-005 has parcel "٣٤٥ب": the run must neither fail nor pair it on that number.
    out = tmp_path / "pairs.csv"
    match_csv(CLAIMS, out, workers=1)
    assert not any("BG-005" in (row["ref_a"], row["ref_b"]) for row in read_rows(out))


def test_only_ref_is_required(tmp_path: Path) -> None:
    source = tmp_path / "refs.csv"
    source.write_text("ref,parcel_no\nA,\nB,12\n", encoding="utf-8")
    out = tmp_path / "pairs.csv"
    assert match_csv(source, out, workers=1).pairs_written == 0
    assert read_rows(out) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,parcel_no\n1,12\n", "no 'ref' column"),
        ("ref,parcel_no\n,12\n", "line 2: ref is empty"),
        ("ref,parcel_no\nA,12\nA,13\n", "line 3: ref 'A' repeats"),
    ],
)
def test_unusable_input_is_refused_with_a_message(
    tmp_path: Path, content: str, message: str
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "pairs.csv"
    with pytest.raises(InvalidMatchInput, match=message):
        match_csv(source, out, workers=1)
    assert not out.exists()


# A~C on the parcel number, C~B on the house and the occupant; A and B share only the
# muqata'a (B's parcel number is missing, A gives no address).
CHAIN = [
    ClaimFields(
        ref="A",
        governorate="Baghdad",
        muqataa_no="12",
        parcel_no="345",
        claimant_name="Omar Saad Majid",
    ),
    ClaimFields(
        ref="B",
        governorate="IQ-BG",
        muqataa_no="12",
        address="Mahalla 903, Zuqaq 14, House 7",
        claimant_name="Zainab Hassan Ali",
        respondent_name="Ali Kadhim Jassim",
    ),
    ClaimFields(
        ref="C",
        governorate="بغداد",
        muqataa_no="12",
        parcel_no="٣٤٥",
        address="محلة 903 زقاق 14 دار 7",
        claimant_name="Hamza Adnan Nouri",
        respondent_name="علي كاظم جاسم",
    ),
]


def test_a_pair_linked_through_a_third_claim_is_reported() -> None:
    thresholds = MatchThresholds()
    a, b = normalise_claim(CHAIN[0]), normalise_claim(CHAIN[1])
    assert score_pair(a, b, thresholds).score < thresholds.min_score
    rows, _ = match_claims(CHAIN, thresholds)
    by_pair = {
        (ref_a, ref_b): (kind, score, reasons) for ref_a, ref_b, kind, score, reasons in rows
    }
    assert set(by_pair) == {("A", "B"), ("A", "C"), ("B", "C")}
    assert by_pair["A", "C"][1] >= thresholds.link_score
    assert by_pair["B", "C"][1] >= thresholds.link_score
    kind, score, reasons = by_pair["A", "B"]
    assert kind == "competing"
    assert thresholds.min_score <= score < thresholds.link_score
    assert reasons.startswith("linked through C: ")


def test_a_group_larger_than_the_cap_is_not_linked_through() -> None:
    rows, _ = match_claims(CHAIN, MatchThresholds(max_linked_group=2))
    assert {(row[0], row[1]) for row in rows} == {("A", "C"), ("B", "C")}


def test_claims_without_a_governorate_are_not_linked_through() -> None:
    guest = replace(CHAIN[1], governorate="")
    rows, _ = match_claims([CHAIN[0], CHAIN[2]], MatchThresholds(), guests=[guest])
    assert {(row[0], row[1]) for row in rows} == {("A", "C"), ("B", "C")}
