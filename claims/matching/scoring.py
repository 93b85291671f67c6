"""Scoring: how likely two claims are about the same parcel, what kind of conflict, and why.

Each field adds or removes points: an equal parcel number is strong evidence, a different
one strong evidence against; the muqata'a, the address, the occupant named as respondent
and the property type each move the score a little. The sum is clamped to 0-100. The
weights were set on generated labelled data (bench/matching.py) and live here, next to the
rules they weigh; the cut-offs a commission may want to change are in MatchThresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from claims.matching.normalise import ADDRESS_NUMBER_LABELS, NormalisedClaim, ParcelNumber


@dataclass(frozen=True, slots=True)
class MatchThresholds:
    """Cut-offs the app configuration passes in; the defaults are tuned on bench data."""

    #: Pairs scoring at least this are reported as conflict candidates.
    min_score: int = 40
    #: Name similarity (0-100, on skeletons) from which two parties count as one person.
    same_person: int = 90
    #: Blocks with more claims than this are skipped (except parcel blocks): a key shared by
    #: that many claims, like a ministry named as respondent everywhere, is no evidence.
    max_block_size: int = 200


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


# Points per piece of evidence (see the module docstring).
PARCEL_EQUAL = 70
#: Parcel numbers repeat in every muqata'a: equal numbers with the muqata'a unknown on one
#: side say much less.
PARCEL_EQUAL_UNLOCATED = 40
PARCEL_SUB_MISSING = 45
PARCEL_SUB_DIFFERENT = -40
PARCEL_POSSIBLE_TYPO = -10
PARCEL_DIFFERENT = -60
MUQATAA_EQUAL = 10
MUQATAA_DIFFERENT = -30
ADDRESS_MAX = 20
ADDRESS_HOUSE_EQUAL = 40
ADDRESS_HOUSE_NUMBER_EQUAL = 20
ADDRESS_STREET_EQUAL = 10
ADDRESS_STREET_DIFFERENT = -45
ADDRESS_NEIGHBOUR = -25
RESPONDENT_SAME = 25
RESPONDENT_DIFFERENT = -10
CLAIMANT_SAME = 25
RESPONDENT_SAME_SHORT_NAME = 10
CLAIMANT_SAME_SHORT_NAME = 10
COUNTERCLAIM_PARTIES = 15
PROPERTY_TYPE_DIFFERENT = -10

#: Name similarity below which two named respondents are clearly different people.
_DIFFERENT_PERSON = 60
#: Words in a name from which it singles out one person.
_FULL_NAME_WORDS = 3
#: Address similarity that earns no points either way.
_ADDRESS_NEUTRAL = 70


def name_similarity(first: str, second: str) -> int:
    """0-100 similarity of two name skeletons, tolerant of one name being shorter.

    Registers give three, four or five names; "Ali Hussein Kadhim" and "Ali Hussein Kadhim
    al-Jubouri" are one person. Word order matters (Ali Hussein is not Hussein Ali), so the
    shorter name is compared with the same number of leading words of the longer.
    """
    if not first or not second:
        return 0
    whole = fuzz.ratio(first, second)
    first_words, second_words = first.split(), second.split()
    shorter, longer = sorted((first_words, second_words), key=len)
    if len(shorter) < 2 or len(shorter) == len(longer):
        return round(whole)
    prefix = fuzz.ratio(" ".join(shorter), " ".join(longer[: len(shorter)]))
    return round(max(whole, prefix - 3))


def _is_possible_typo(first: ParcelNumber, second: ParcelNumber) -> bool:
    """One digit wrong, missing, extra, or two neighbouring digits swapped."""
    a, b = str(first.main), str(second.main)
    return sorted(a) == sorted(b) or Levenshtein.distance(a, b) == 1


def _parcel_evidence(a: NormalisedClaim, b: NormalisedClaim) -> tuple[int, str]:
    shown = f"{a.fields.parcel_no.strip()} / {b.fields.parcel_no.strip()}"
    if a.parcel is None or b.parcel is None:
        return 0, ""
    if a.parcel.main != b.parcel.main:
        if _is_possible_typo(a.parcel, b.parcel):
            return PARCEL_POSSIBLE_TYPO, f"parcel {shown}: possible typo"
        return PARCEL_DIFFERENT, f"parcel {shown}: different"
    equal = f"parcel {a.fields.parcel_no.strip()} = {b.fields.parcel_no.strip()}"
    if a.parcel.sub == b.parcel.sub:
        return (PARCEL_EQUAL if _muqataa_known(a, b) else PARCEL_EQUAL_UNLOCATED), equal
    if a.parcel.sub is None or b.parcel.sub is None:
        return PARCEL_SUB_MISSING, f"parcel {shown}: sub-number on one only"
    return PARCEL_SUB_DIFFERENT, f"parcel {shown}: different sub-parcels"


def _muqataa_known(a: NormalisedClaim, b: NormalisedClaim) -> bool:
    """Whether both claims name their muqata'a the same way (number or name)."""
    return bool((a.muqataa and b.muqataa) or (a.muqataa_by_name and b.muqataa_by_name))


def _muqataa_evidence(a: NormalisedClaim, b: NormalisedClaim) -> tuple[int, str]:
    if a.muqataa and b.muqataa:
        shown = f"muqataa {a.fields.muqataa_no.strip()} / {b.fields.muqataa_no.strip()}"
        equal = a.muqataa == b.muqataa
    elif a.muqataa_by_name and b.muqataa_by_name:
        shown = f"muqataa {a.fields.muqataa_name.strip()} / {b.fields.muqataa_name.strip()}"
        equal = a.muqataa_by_name == b.muqataa_by_name
    else:
        return 0, ""
    if equal:
        return MUQATAA_EQUAL, shown.replace(" / ", " = ", 1)
    return MUQATAA_DIFFERENT, f"{shown}: different"


def _address_numbers_evidence(a: NormalisedClaim, b: NormalisedClaim) -> tuple[int, str]:
    """Mahalla and zuqaq name the street, dar the house: a different street is strong
    evidence against, the next house on the same street is the classic neighbour."""
    shared = {
        label: (a.address.number(label), b.address.number(label))
        for label in ADDRESS_NUMBER_LABELS
        if a.address.number(label) is not None and b.address.number(label) is not None
    }
    street = [pair for label, pair in shared.items() if label != "dar"]
    if any(first != second for first, second in street):
        return ADDRESS_STREET_DIFFERENT, ", different street"
    if "dar" in shared:
        first, second = shared["dar"]
        if first != second:
            return ADDRESS_NEIGHBOUR, ", different house"
        if len(street) == 2:
            return ADDRESS_HOUSE_EQUAL, ", same house"
        return ADDRESS_HOUSE_NUMBER_EQUAL, ", same house number"
    return (ADDRESS_STREET_EQUAL, ", same street") if len(street) == 2 else (0, "")


def _address_evidence(a: NormalisedClaim, b: NormalisedClaim) -> tuple[int, str]:
    if not a.address.words or not b.address.words:
        return 0, ""
    similarity = round(fuzz.token_sort_ratio(a.address.words, b.address.words))
    points = (similarity - _ADDRESS_NEUTRAL) * ADDRESS_MAX // (100 - _ADDRESS_NEUTRAL)
    points = max(-ADDRESS_MAX, min(ADDRESS_MAX, points))
    number_points, note = _address_numbers_evidence(a, b)
    shown = f"address {similarity}{note}: {a.fields.address.strip()} ~ {b.fields.address.strip()}"
    return points + number_points, shown


def _property_type_evidence(a: NormalisedClaim, b: NormalisedClaim) -> tuple[int, str]:
    if not a.property_type or not b.property_type or a.property_type == b.property_type:
        return 0, ""
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
        evidence.append((CLAIMANT_SAME, shown))
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
    evidence = [
        _parcel_evidence(a, b),
        _muqataa_evidence(a, b),
        _address_evidence(a, b),
        _property_type_evidence(a, b),
        *_party_evidence(a, b, parties, thresholds),
    ]
    points = sum(weight for weight, _ in evidence)
    ranked = sorted((item for item in evidence if item[1]), key=lambda item: -abs(item[0]))
    return PairScore(max(0, min(100, points)), kind, tuple(reason for _, reason in ranked))
