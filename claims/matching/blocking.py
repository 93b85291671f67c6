"""Blocking: cheap keys that bring together claims worth scoring, without comparing all pairs.

Each claim has *stored* keys (what it can be found by) and *probe* keys (what it looks up
to find its candidates). Two claims are a candidate pair when a probe key of one is a
stored key of the other. Keys are plain strings, designed to be stored one per row in an
indexed column, so a web worker checking one new claim and the batch scan over all claims
share one index. Most keys are symmetric (stored and probed alike). Wildcard keys are not:
every claim stores ``P|IQ-BG|*|345``, but only a claim whose muqata'a is missing probes it,
so the few incomplete claims meet every parcel 345 in Baghdad while complete claims do not
meet each other through it.

Families (the prefix), and the mistake each one survives:

- ``P`` parcel: governorate, muqata'a (number, and name as a second identity) and main parcel
  number; sub-numbers share the block, so 345 and 345/6 are compared and scored.
- ``T`` transposed parcel: the same with the digits sorted, so 345 typed as 354 still meets.
- ``A`` address: the labelled numbers of the address (mahalla, zuqaq, house), stored also
  without the zuqaq or the house, for claims whose parcel number is missing or mistyped.
- ``N`` party: governorate and a party's name skeleton, from the claimant *and* the
  respondent, so duplicates and counterclaims meet even without a parcel number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from claims.matching.normalise import NormalisedClaim, ParcelNumber

PARCEL = "P"
TRANSPOSED_PARCEL = "T"
ADDRESS = "A"
PARTY = "N"

#: Stands for "any" in a wildcard key.
ANY = "*"
#: Stands for a missing governorate or muqata'a in a key.
UNKNOWN = "?"

#: Families whose blocks are always scored in full, however large: sharing a parcel number
#: is the very thing the commission must never miss.
UNCAPPED_FAMILIES = frozenset({PARCEL})

#: A street (mahalla and zuqaq) is the least an address must say to be blocked on.
_MIN_ADDRESS_NUMBERS = 2
#: Single-word names ("Ali") are far too common to block on.
_MIN_NAME_WORDS = 2


@dataclass(frozen=True, slots=True)
class FamilyKeys:
    """One family's keys for one claim."""

    stored: tuple[str, ...]
    probes: tuple[str, ...]


_NO_KEYS = FamilyKeys((), ())


def parcel_key(governorate: str | None, muqataa: str, parcel: ParcelNumber) -> str:
    """The exact parcel key (``IQ-BG|12|345/6``), the form a Parcel row stores."""
    return f"{governorate or UNKNOWN}|{muqataa or UNKNOWN}|{parcel}"


def _muqataa_identities(claim: NormalisedClaim) -> list[str]:
    return [identity for identity in (claim.muqataa, claim.muqataa_by_name) if identity]


def _parcel_keys(claim: NormalisedClaim) -> FamilyKeys:
    if claim.parcel is None:
        return _NO_KEYS
    main = claim.parcel.main
    governorate = claim.governorate or UNKNOWN
    identities = _muqataa_identities(claim)
    stored = [f"{PARCEL}|{governorate}|{identity}|{main}" for identity in identities]
    stored.append(f"{PARCEL}|{governorate}|{ANY}|{main}")
    stored.extend(f"{PARCEL}|{ANY}|{identity}|{main}" for identity in identities)
    if claim.governorate is None and identities:
        probes = [f"{PARCEL}|{ANY}|{identities[0]}|{main}"]
    elif claim.governorate is None:
        probes = []  # a parcel number alone, anywhere in Iraq, pins nothing down
    elif identities:
        probes = [stored[0]]
    else:
        probes = [f"{PARCEL}|{governorate}|{ANY}|{main}"]
    return FamilyKeys(tuple(stored), tuple(probes))


def _transposed_parcel_keys(claim: NormalisedClaim) -> FamilyKeys:
    if claim.parcel is None or claim.governorate is None or not claim.muqataa:
        return _NO_KEYS
    digits = "".join(sorted(str(claim.parcel.main)))
    key = f"{TRANSPOSED_PARCEL}|{claim.governorate}|{claim.muqataa}|{digits}"
    return FamilyKeys((key,), (key,))


def _address_keys(claim: NormalisedClaim) -> FamilyKeys:
    numbers = claim.address.numbers
    if len(numbers) < _MIN_ADDRESS_NUMBERS:
        return _NO_KEYS
    full = f"{ADDRESS}|{'.'.join(f'{label}{value}' for label, value in numbers)}"
    # An address missing its zuqaq or house number still meets the complete one.
    partial = [
        f"{ADDRESS}|{'.'.join(f'{label}{value}' for label, value in numbers if label != left_out)}"
        for left_out in ("zuqaq", "dar")
        if len(numbers) > _MIN_ADDRESS_NUMBERS and any(label == left_out for label, _ in numbers)
    ]
    return FamilyKeys(tuple(dict.fromkeys([full, *partial])), (full,))


def _party_keys(claim: NormalisedClaim) -> FamilyKeys:
    governorate = claim.governorate or UNKNOWN
    keys = tuple(
        f"{PARTY}|{governorate}|{name}"
        for name in sorted({claim.claimant, claim.respondent})
        if len(name.split()) >= _MIN_NAME_WORDS
    )
    return FamilyKeys(keys, keys)


#: Key functions per family, for callers that build one family's blocks at a time.
FAMILY_KEYS: dict[str, Callable[[NormalisedClaim], FamilyKeys]] = {
    PARCEL: _parcel_keys,
    TRANSPOSED_PARCEL: _transposed_parcel_keys,
    ADDRESS: _address_keys,
    PARTY: _party_keys,
}


def blocking_keys(claim: NormalisedClaim) -> list[str]:
    """The keys to store for a claim (one indexed row each), family by family."""
    return [key for keys_of in FAMILY_KEYS.values() for key in keys_of(claim).stored]


def probe_keys(claim: NormalisedClaim) -> list[str]:
    """The keys to look up to find a claim's candidates among stored keys."""
    return [key for keys_of in FAMILY_KEYS.values() for key in keys_of(claim).probes]
