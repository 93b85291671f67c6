"""Conflict detection core: normalise, block, score. Plain Python, no Flask, no database.

The app stores ``blocking_keys`` in an indexed column and calls ``score_pair`` on the
claims that share a key; ``match_csv`` runs the same steps over an interchange CSV.
"""

from claims.matching.blocking import blocking_keys, parcel_key
from claims.matching.csv_matcher import InvalidMatchInput, MatchSummary, match_claims, match_csv
from claims.matching.normalise import (
    ClaimFields,
    InvalidParcelNumber,
    NormalisedClaim,
    ParcelNumber,
    fold_arabic,
    fold_digits,
    name_skeleton,
    normalise_address,
    normalise_claim,
    parse_parcel_number,
)
from claims.matching.scoring import (
    ConflictKind,
    MatchThresholds,
    PairScore,
    name_similarity,
    score_pair,
)

__all__ = [
    "ClaimFields",
    "ConflictKind",
    "InvalidMatchInput",
    "InvalidParcelNumber",
    "MatchSummary",
    "MatchThresholds",
    "NormalisedClaim",
    "PairScore",
    "ParcelNumber",
    "blocking_keys",
    "fold_arabic",
    "fold_digits",
    "match_claims",
    "match_csv",
    "name_similarity",
    "name_skeleton",
    "normalise_address",
    "normalise_claim",
    "parcel_key",
    "parse_parcel_number",
    "score_pair",
]
