"""Conflict detection core: normalise, block, score. Plain Python, no Flask, no database.

The app stores ``blocking_keys`` in an indexed column and calls ``score_pair`` on the
claims that share a key; ``match_csv`` runs the same steps over an interchange CSV.

The claim search uses the same normalisation (one normaliser for both): each party
stores its ``party_search_keys`` (the words of its ``name_skeleton`` and their pairs, its
identity number by ``normalise_id_number``); a query looks up the ``word_key`` or
``word_pair_key`` of its ``name_words``, or the ``id_number_key``, and ranks what it finds
by ``name_similarity``.
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
    normalise_id_number,
    parse_parcel_number,
)
from claims.matching.scoring import (
    ConflictKind,
    MatchThresholds,
    PairScore,
    name_similarity,
    score_pair,
)
from claims.matching.search import (
    id_number_key,
    name_words,
    party_search_keys,
    word_key,
    word_pair_key,
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
    "id_number_key",
    "match_claims",
    "match_csv",
    "name_similarity",
    "name_skeleton",
    "name_words",
    "normalise_address",
    "normalise_claim",
    "normalise_id_number",
    "parcel_key",
    "parse_parcel_number",
    "party_search_keys",
    "score_pair",
    "word_key",
    "word_pair_key",
]
