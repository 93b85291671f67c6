"""Scoring: how likely two claims are about the same parcel, what kind of conflict, and why.

Each field adds or removes points: an equal parcel number or the same house is strong
evidence, a different muqata'a or street strong evidence against; a parcel number that
differs by a typo's shape, the occupant named as respondent, the claimant and the property
type each move the score less. The sum is clamped to 0-100. The
weights were set on generated labelled data (bench/matching.py) and live here, next to the
rules they weigh; the cut-offs a commission may want to change are in MatchThresholds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from claims.matching.normalise import (
    ADDRESS_NUMBER_LABELS,
    NormalisedClaim,
    ParcelNumber,
    fold_interdentals,
)
from config import Config


@dataclass(frozen=True, slots=True)
class MatchThresholds:
    """Cut-offs the app configuration passes in (`from_config`); the defaults are
    config.py's MATCH_* values, for the matcher run without an app."""

    #: Pairs scoring at least this are reported as conflict candidates.
    min_score: int = Config.MATCH_MIN_SCORE
    #: Name similarity (0-100, on skeletons) from which two parties count as one person.
    same_person: int = Config.MATCH_SAME_PERSON
    #: Blocks with more claims than this are skipped (except parcel blocks): a key shared by
    #: that many claims, like a ministry named as respondent everywhere, is no evidence.
    max_block_size: int = Config.MATCH_MAX_BLOCK_SIZE
    #: Pairs scoring at least this are strong links: two claims strongly linked to one
    #: third claim (and in one governorate) are reported as a pair too.
    link_score: int = Config.MATCH_LINK_SCORE
    #: Only groups of at most this many strongly linked claims are linked through: a
    #: larger group is more likely neighbours chained together than one parcel.
    max_linked_group: int = Config.MATCH_MAX_LINKED_GROUP

    @classmethod
    def from_config(cls, config: Mapping) -> MatchThresholds:
        """The thresholds configured (MATCH_*) in an app's config mapping."""
        return cls(
            min_score=config["MATCH_MIN_SCORE"],
            same_person=config["MATCH_SAME_PERSON"],
            max_block_size=config["MATCH_MAX_BLOCK_SIZE"],
            link_score=config["MATCH_LINK_SCORE"],
            max_linked_group=config["MATCH_MAX_LINKED_GROUP"],
        )


class ConflictKind(StrEnum):
    COMPETING = "competing"  #: same parcel, different claimants
    DUPLICATE = "duplicate"  #: same parcel, same claimant
    COUNTERCLAIM = "counterclaim"  #: the claimant of one is the respondent of the other


@dataclass(frozen=True, slots=True)
class PairScore:
    score: int
    kind: ConflictKind
    #: One human-readable line per field that counted, strongest evidence first.
    reasons: tuple[str, ...]


# Points per piece of evidence, about 20 per tenfold change in the odds that two claims
# are about one parcel, measured on labelled bench data (bench/matching.py) and rounded.
PARCEL_EQUAL = 70
#: Parcel numbers repeat in every muqata'a: equal numbers with the muqata'a's number missing
#: on one side say much less, and less the larger the governorate.
PARCEL_EQUAL_UNLOCATED = 20
PARCEL_SUB_MISSING = 45
PARCEL_SUB_MISSING_UNLOCATED = 10
PARCEL_SUB_DIFFERENT = -40
#: A typo's shape (two digits swapped, one added or dropped, one wrong far from the other
#: number): more often another parcel of the muqata'a than a slip of the keyboard...
PARCEL_TYPO = -5
#: ... unless both claims are on the same street, where the other parcels are numbered close
#: to this one, so a number of that shape is a slip, not a neighbour.
PARCEL_TYPO_SAME_STREET = 10
#: One digit apart and close in value: the next parcel as often as a typo, usually the next.
PARCEL_NEXT_OR_TYPO = -30
PARCEL_DIFFERENT = -60
MUQATAA_EQUAL = 10
#: Muqata'a numbers are copied from the title deed and rarely mistyped.
MUQATAA_DIFFERENT = -60
MUQATAA_NAME_DIFFERENT = -50
ADDRESS_HOUSE_EQUAL = 60
#: The same house number in the same mahalla, with the zuqaq given on one claim only.
ADDRESS_HOUSE_NUMBER_EQUAL = 15
ADDRESS_STREET_EQUAL = 15
ADDRESS_STREET_DIFFERENT = -80
ADDRESS_NEIGHBOUR = -15
#: Addresses without labelled numbers (a village, a street name) are compared as text.
ADDRESS_TEXT_MAX = 10
PROPERTY_TYPE_EQUAL = 10
PROPERTY_TYPE_DIFFERENT = -20
CLAIMANT_SAME_ID = 35
#: Namesakes are common (a father's name passed to a son, cousins on adjoining land), so a
#: claimant's name without an identity number to back it is modest evidence.
CLAIMANT_SAME = 20
CLAIMANT_SAME_SHORT_NAME = 10
#: The occupant named in both claims: the person actually living on the parcel.
RESPONDENT_SAME = 35
RESPONDENT_SAME_SHORT_NAME = 10
RESPONDENT_DIFFERENT = -12
COUNTERCLAIM_PARTIES = 30

#: Name similarity below which two named respondents are clearly different people.
_DIFFERENT_PERSON = 60
#: Words in a name from which it singles out one person.
_FULL_NAME_WORDS = 3
#: Address similarity that earns no points either way.
_ADDRESS_NEUTRAL = 70
#: Parcels along one street are numbered close together: two numbers this close that differ
#: in one digit may be neighbours.
_NEIGHBOUR_SPAN = 30
#: Points taken off a name match for each word one register has and the other lacks.
_MISSING_WORD_PENALTY = 3
#: Points taken off a match that holds only with the interdentals folded (Kazim ~ Kadhim).
_INTERDENTAL_PENALTY = 3
#: Similarity from which two muqata'a names are one name.
_SAME_MUQATAA_NAME = 85
#: Similarity from which two given names may be one name with a typo.
_SAME_WORD = 60


@lru_cache(maxsize=262144)
def _folded_words(skeleton: str) -> tuple[str, ...]:
    return tuple(fold_interdentals(skeleton).split())


def _words_similarity(first: tuple[str, ...], second: tuple[str, ...]) -> float:
    return fuzz.ratio(" ".join(first), " ".join(second))


def name_similarity(first: str, second: str) -> int:
    """0-100 similarity of two name skeletons, tolerant of one name having fewer words.

    Latin writes ظ as z, th or dh, so skeletons are compared with t, d and z folded
    together, a match that holds only that way losing a few points (Kazim ~ Kadhim).
    Registers give two, three or four names, with or without the family name: "Ali Hussein
    Kadhim", "Ali Hussein al-Jubouri" and "Ali Hussein Kadhim al-Jubouri" are one person.
    So the shorter name (two words at least) is also compared with the longer one with the
    words it lacks left out, the given name always kept; each left-out word costs a few
    points. Word order matters: Ali Hussein is not Hussein Ali.
    """
    if not first or not second:
        return 0
    if first == second:
        return 100
    first_words, second_words = _folded_words(first), _folded_words(second)
    best = _words_similarity(first_words, second_words)
    if first_words == second_words:
        return 100 - _INTERDENTAL_PENALTY
    shorter, longer = sorted((first_words, second_words), key=len)
    missing = len(longer) - len(shorter)
    # Leaving words out keeps the given name, so different given names stay different.
    if len(shorter) < 2 or missing == 0 or fuzz.ratio(shorter[0], longer[0]) < _SAME_WORD:
        return round(best)
    penalty = _MISSING_WORD_PENALTY * missing
    for kept in combinations(range(1, len(longer)), len(shorter) - 1):
        reduced = (longer[0], *(longer[index] for index in kept))
        best = max(best, _words_similarity(shorter, reduced) - penalty)
    return round(best)


class _ParcelDifference(StrEnum):
    """How two different parcel numbers differ, from the likeliest slip to none."""

    TYPO = "possible typo"
    NEXT_OR_TYPO = "next parcel or typo"
    DIFFERENT = "different"


def _parcel_difference(first: ParcelNumber, second: ParcelNumber) -> _ParcelDifference:
    """Two digits swapped, or one added or dropped, is a typo's shape; one digit wrong is
    too, unless the numbers are close enough to be neighbours on one street."""
    a, b = str(first.main), str(second.main)
    swapped = sorted(a) == sorted(b) and Levenshtein.distance(a, b) == 2
    one_edit = Levenshtein.distance(a, b) == 1
    if swapped or (one_edit and len(a) != len(b)):
        return _ParcelDifference.TYPO
    if one_edit:
        close = abs(first.main - second.main) <= _NEIGHBOUR_SPAN
        return _ParcelDifference.NEXT_OR_TYPO if close else _ParcelDifference.TYPO
    return _ParcelDifference.DIFFERENT


def _parcel_evidence(a: NormalisedClaim, b: NormalisedClaim, same_street: bool) -> tuple[int, str]:
    shown = f"{a.fields.parcel_no.strip()} / {b.fields.parcel_no.strip()}"
    if a.parcel is None or b.parcel is None:
        return 0, ""
    if a.parcel.main != b.parcel.main:
        difference = _parcel_difference(a.parcel, b.parcel)
        if difference is _ParcelDifference.TYPO and same_street:
            return PARCEL_TYPO_SAME_STREET, f"parcel {shown}: possible typo on the same street"
        points = {
            _ParcelDifference.TYPO: PARCEL_TYPO,
            _ParcelDifference.NEXT_OR_TYPO: PARCEL_NEXT_OR_TYPO,
            _ParcelDifference.DIFFERENT: PARCEL_DIFFERENT,
        }[difference]
        return points, f"parcel {shown}: {difference}"
    equal = f"parcel {a.fields.parcel_no.strip()} = {b.fields.parcel_no.strip()}"
    located = _muqataa_known(a, b)
    if a.parcel.sub == b.parcel.sub:
        return (PARCEL_EQUAL if located else PARCEL_EQUAL_UNLOCATED), equal
    if a.parcel.sub is None or b.parcel.sub is None:
        points = PARCEL_SUB_MISSING if located else PARCEL_SUB_MISSING_UNLOCATED
        return points, f"parcel {shown}: sub-number on one only"
    return PARCEL_SUB_DIFFERENT, f"parcel {shown}: different sub-parcels"


def _muqataa_known(a: NormalisedClaim, b: NormalisedClaim) -> bool:
    """Whether both claims give their governorate and muqata'a's number. Muqata'a numbers
    start again in each governorate, and a name (Karrada) may be shared by several
    muqata'as of one, so neither locates a parcel number on its own."""
    return bool(a.governorate and b.governorate and a.muqataa and b.muqataa)


def _muqataa_evidence(a: NormalisedClaim, b: NormalisedClaim) -> tuple[int, str]:
    if not a.governorate or not b.governorate:
        return 0, ""  # muqata'a 2 of one governorate is not muqata'a 2 of another
    if a.muqataa and b.muqataa:
        shown = f"muqataa {a.fields.muqataa_no.strip()} / {b.fields.muqataa_no.strip()}"
        equal = a.muqataa == b.muqataa
        different = MUQATAA_DIFFERENT
    elif a.muqataa_by_name and b.muqataa_by_name:
        shown = f"muqataa {a.fields.muqataa_name.strip()} / {b.fields.muqataa_name.strip()}"
        # Names are spelled more freely than numbers (Karrada, al-Karada).
        equal = fuzz.ratio(a.muqataa_by_name, b.muqataa_by_name) >= _SAME_MUQATAA_NAME
        different = MUQATAA_NAME_DIFFERENT
    else:
        return 0, ""
    if equal:
        return MUQATAA_EQUAL, shown.replace(" / ", " = ", 1)
    return different, f"{shown}: different"


class _Place(StrEnum):
    """Where two addresses put their claims, by the labelled numbers both give."""

    SAME_HOUSE = "same house"
    SAME_HOUSE_NUMBER = "same house number"
    SAME_STREET = "same street"
    NEIGHBOUR = "different house"
    DIFFERENT_STREET = "different street"
    UNKNOWN = ""


_PLACE_POINTS = {
    _Place.SAME_HOUSE: ADDRESS_HOUSE_EQUAL,
    _Place.SAME_HOUSE_NUMBER: ADDRESS_HOUSE_NUMBER_EQUAL,
    _Place.SAME_STREET: ADDRESS_STREET_EQUAL,
    _Place.NEIGHBOUR: ADDRESS_NEIGHBOUR,
    _Place.DIFFERENT_STREET: ADDRESS_STREET_DIFFERENT,
}


def _place(a: NormalisedClaim, b: NormalisedClaim) -> _Place:
    """Mahalla and zuqaq name the street, dar the house: a different street is strong
    evidence against, the next house on the same street is the classic neighbour."""
    if not a.address.numbers or not b.address.numbers:
        return _Place.UNKNOWN
    first_numbers, second_numbers = dict(a.address.numbers), dict(b.address.numbers)
    shared = {
        label: (first_numbers[label], second_numbers[label])
        for label in ADDRESS_NUMBER_LABELS
        if label in first_numbers and label in second_numbers
    }
    street = [pair for label, pair in shared.items() if label != "dar"]
    if any(first != second for first, second in street):
        return _Place.DIFFERENT_STREET
    if "dar" in shared and "mahalla" in shared:
        first, second = shared["dar"]
        if first != second:
            return _Place.NEIGHBOUR
        return _Place.SAME_HOUSE if len(street) == 2 else _Place.SAME_HOUSE_NUMBER
    return _Place.SAME_STREET if len(street) == 2 else _Place.UNKNOWN


def _address_evidence(a: NormalisedClaim, b: NormalisedClaim, place: _Place) -> tuple[int, str]:
    if not a.address.words or not b.address.words:
        return 0, ""
    similarity = round(fuzz.token_sort_ratio(a.address.words, b.address.words))
    if place is _Place.UNKNOWN:
        points = (similarity - _ADDRESS_NEUTRAL) * ADDRESS_TEXT_MAX // (100 - _ADDRESS_NEUTRAL)
        points = max(-ADDRESS_TEXT_MAX, min(ADDRESS_TEXT_MAX, points))
        note = ""
    else:
        points, note = _PLACE_POINTS[place], f", {place}"
    shown = f"address {similarity}{note}: {a.fields.address.strip()} ~ {b.fields.address.strip()}"
    return points, shown


def _property_type_evidence(a: NormalisedClaim, b: NormalisedClaim) -> tuple[int, str]:
    if not a.property_type or not b.property_type:
        return 0, ""
    if a.property_type == b.property_type:
        return PROPERTY_TYPE_EQUAL, ""
    shown = f"{a.fields.property_type.strip()} ≠ {b.fields.property_type.strip()}"
    return PROPERTY_TYPE_DIFFERENT, f"property type {shown}"


@dataclass(frozen=True, slots=True)
class _Parties:
    """How the parties of two claims relate, measured once and used for score and kind."""

    claimants: int
    respondents: int
    crossed: int
    same_id: bool | None

    @classmethod
    def compare(cls, a: NormalisedClaim, b: NormalisedClaim) -> _Parties:
        ids_known = bool(a.claimant_id and b.claimant_id)
        return cls(
            claimants=name_similarity(a.claimant, b.claimant),
            respondents=name_similarity(a.respondent, b.respondent),
            crossed=max(
                name_similarity(a.claimant, b.respondent),
                name_similarity(a.respondent, b.claimant),
            ),
            same_id=(a.claimant_id == b.claimant_id) if ids_known else None,
        )

    def same_claimant(self, thresholds: MatchThresholds) -> bool:
        if self.same_id is not None:
            return self.same_id
        return self.claimants >= thresholds.same_person


def _is_full_name(skeleton: str) -> bool:
    """Three names or more (given, father, grandfather) single out a person; two do not,
    and neither does an institution's name ("Ministry of Finance")."""
    return len(skeleton.split()) >= _FULL_NAME_WORDS


def _party_evidence(
    a: NormalisedClaim, b: NormalisedClaim, parties: _Parties, thresholds: MatchThresholds
) -> list[tuple[int, str]]:
    evidence: list[tuple[int, str]] = []
    if parties.same_id:
        shown = f"claimant id {a.fields.claimant_id_no.strip()} = {b.fields.claimant_id_no.strip()}"
        evidence.append((CLAIMANT_SAME_ID, shown))
    elif parties.claimants >= thresholds.same_person and parties.same_id is None:
        evidence.append(
            (
                CLAIMANT_SAME if _is_full_name(a.claimant) else CLAIMANT_SAME_SHORT_NAME,
                f"claimant name {parties.claimants}: "
                f"{a.fields.claimant_name.strip()} ~ {b.fields.claimant_name.strip()}",
            )
        )
    if a.respondent and b.respondent:
        shown = (
            f"respondent name {parties.respondents}: "
            f"{a.fields.respondent_name.strip()} ~ {b.fields.respondent_name.strip()}"
        )
        if parties.respondents >= thresholds.same_person:
            full = _is_full_name(a.respondent)
            evidence.append((RESPONDENT_SAME if full else RESPONDENT_SAME_SHORT_NAME, shown))
        elif parties.respondents < _DIFFERENT_PERSON:
            evidence.append((RESPONDENT_DIFFERENT, shown))
    if parties.crossed >= thresholds.same_person:
        evidence.append(
            (COUNTERCLAIM_PARTIES, f"claimant of one is respondent of the other {parties.crossed}")
        )
    return evidence


def _kind(parties: _Parties, thresholds: MatchThresholds) -> ConflictKind:
    if parties.same_claimant(thresholds):
        return ConflictKind.DUPLICATE
    if parties.crossed >= thresholds.same_person:
        return ConflictKind.COUNTERCLAIM
    return ConflictKind.COMPETING


def score_pair(
    a: NormalisedClaim, b: NormalisedClaim, thresholds: MatchThresholds | None = None
) -> PairScore:
    """Score two claims 0-100 for being about the same parcel, with the kind and reasons.

    Claims in different governorates are never the same parcel and score 0.
    """
    thresholds = thresholds or MatchThresholds()
    parties = _Parties.compare(a, b)
    kind = _kind(parties, thresholds)
    if a.governorate and b.governorate and a.governorate != b.governorate:
        return PairScore(0, kind, (f"governorate {a.governorate} ≠ {b.governorate}",))
    place = _place(a, b)
    same_street = place in (_Place.SAME_HOUSE, _Place.SAME_HOUSE_NUMBER, _Place.SAME_STREET)
    evidence = [
        _parcel_evidence(a, b, same_street),
        _muqataa_evidence(a, b),
        _address_evidence(a, b, place),
        _property_type_evidence(a, b),
        *_party_evidence(a, b, parties, thresholds),
    ]
    points = sum(weight for weight, _ in evidence)
    ranked = sorted((item for item in evidence if item[1]), key=lambda item: -abs(item[0]))
    return PairScore(max(0, min(100, points)), kind, tuple(reason for _, reason in ranked))
