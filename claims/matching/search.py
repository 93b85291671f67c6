"""Search keys: what a party can be found by, and what a typed query looks up.

Search uses the matcher's own normalisation, so a name is found in any spelling the
conflict check would recognise: alef and hamza forms, taa marbuta, alef maqsura,
diacritics and tatweel fold away; عبدالله and عبد الله are one word; Arabic script and
Latin letters meet in the name skeleton ("Shirzad" and "شيرزاد" are both ``xrzd``).

A party stores one key per word of its name skeleton (from its Arabic name and its Latin
spelling alike) and one for its identity document number. Keys are plain strings with
a family prefix, stored one per indexed row, so a query is a handful of index probes:
a name that matches nothing costs one probe, never a scan of every party.
"""

from __future__ import annotations

from collections.abc import Iterable

from claims.matching.normalise import fold_interdentals, name_skeleton, normalise_id_number

#: A word of a name's skeleton (``W|xrzd``).
NAME_WORD = "W"
#: An identity document number without separators, digits in ASCII (``I|A12345678``).
ID_NUMBER = "I"


def name_words(name: str) -> list[str]:
    """The words of a name's skeleton, t/d/z folded as the matcher compares them (Kazim
    and Kadhim are one word), each once, in order."""
    return list(dict.fromkeys(fold_interdentals(name_skeleton(name)).split()))


def name_query_keys(query: str) -> list[str]:
    """The keys a name query looks up: a party is found when it has all of them."""
    return [f"{NAME_WORD}|{word}" for word in name_words(query)]


def id_number_key(entered: str) -> str:
    """The key of an identity document number as typed, or "" when it has no characters
    that could be one (only spaces or dashes)."""
    number = normalise_id_number(entered)
    return f"{ID_NUMBER}|{number}" if number else ""


def party_search_keys(names: Iterable[str], id_number: str) -> list[str]:
    """The keys to store for one party: the words of each of its names (the Arabic name
    and the Latin spelling) and its identity document number."""
    words = dict.fromkeys(word for name in names for word in name_words(name))
    keys = [f"{NAME_WORD}|{word}" for word in words]
    id_key = id_number_key(id_number)
    return [*keys, id_key] if id_key else keys
