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
- ``T`` transposed parcel: the number with two neighbouring digits swapped, so 345 typed as
  354 still meets.
- ``A`` address: the labelled numbers of the address (mahalla, zuqaq, house), stored also
  without the zuqaq or the house, for claims whose parcel number is missing or mistyped.
- ``N`` party: governorate, muqata'a and the start of a party's name, from the claimant
  *and* the respondent, so duplicates, counterclaims and claims naming the same occupant
  meet without a parcel number, whether or not a register gives the grandfather's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from claims.matching.normalise import NormalisedClaim, ParcelNumber, fold_interdentals

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
    elif claim.muqataa:
        probes = [stored[0]]
    else:
        # The muqata'a's name alone would miss claims that give only its number.
        probes = [f"{PARCEL}|{governorate}|{ANY}|{main}"]
    return FamilyKeys(tuple(stored), tuple(probes))


def _transposed_parcel_keys(claim: NormalisedClaim) -> FamilyKeys:
    if claim.parcel is None or claim.governorate is None or not claim.muqataa:
        return _NO_KEYS
    # One key per swap of neighbouring digits, naming the number and its swap in order:
    # 345 and 354 both have "345-354", and only they do (sorted digits would also bring
    # 435, 453, 534 and 543, none of them a slip of one keystroke).
    number = str(claim.parcel.main)
    swaps = {
        number[:i] + number[i + 1] + number[i] + number[i + 2 :] for i in range(len(number) - 1)
    }
    place = f"{TRANSPOSED_PARCEL}|{claim.governorate}|{claim.muqataa}"
    keys = tuple(
        f"{place}|{'-'.join(sorted((number, swap)))}"
        for swap in sorted(swaps)
        if swap != number and not swap.startswith("0")
    )
    return FamilyKeys(keys, keys)


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


def _name_prefixes(skeleton: str) -> list[str]:
    """Given and father's name with the next name and with the last: a register that leaves
    out the grandfather's name (or the family name) still shares one of the two. A two-word
    name is its own key."""
    words = fold_interdentals(skeleton).split()
    if len(words) <= _MIN_NAME_WORDS:
        return [" ".join(words)] if len(words) == _MIN_NAME_WORDS else []
    return [" ".join([*words[:2], other]) for other in dict.fromkeys(words[2:3] + words[-1:])]


def _party_keys(claim: NormalisedClaim) -> FamilyKeys:
    """Party names within one muqata'a: the same occupant or claimant named on two claims
    meets there even when a parcel number is missing or mistyped."""
    identities = _muqataa_identities(claim)
    place = f"{claim.governorate or UNKNOWN}|{identities[0] if identities else UNKNOWN}"
    names = {key for name in (claim.claimant, claim.respondent) for key in _name_prefixes(name)}
    keys = tuple(f"{PARTY}|{place}|{name}" for name in sorted(names))
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
