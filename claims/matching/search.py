"""Search keys: what a party can be found by, and what a typed query looks up.

Search uses the matcher's own normalisation, so a name is found in any spelling the
conflict check would recognise: alef and hamza forms, taa marbuta, alef maqsura,
diacritics and tatweel fold away; عبدالله and عبد الله are one word; Arabic script and
Latin letters meet in the name skeleton ("Shirzad" and "شيرزاد" are both ``xrzd``).

A party stores one key per word of its name skeleton (from its Arabic name and its Latin
spelling alike), one per pair of those words, and one for its identity document number.
Keys are plain strings with a family prefix, stored one per indexed row, so a query is a
handful of index probes: a name that matches nothing costs one probe, never a scan of
every party.

Why pairs: in a commission's files almost every word of a name is common (محمد, حسين,
الجبوري are each carried by a tenth of the parties), while two of them together are
carried by far fewer, and a name nobody has usually has a pair nobody has. A query of two
or more words is looked up by its rarest pair; the index then holds exactly the parties
that have both words, in either order and at any distance, so the rule "a party has every
word of the query" is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from claims.matching.normalise import fold_interdentals, name_skeleton, normalise_id_number

#: A word of a name's skeleton (``W|xrzd``).
NAME_WORD = "W"
#: Two words of one party's name skeletons, in alphabetical order (``P|abdl xrzd``).
NAME_WORD_PAIR = "P"
#: An identity document number without separators, digits in ASCII (``I|A12345678``).
ID_NUMBER = "I"

#: Letters of a word that its keys keep: more than any name has, and few enough that a
#: pair's key fits the key column (120 characters) whatever was typed.
MAX_KEYED_LETTERS = 40
#: Pairs are stored among a party's first this many name words: every real name (four
#: parts, a Latin spelling, compounds) has fewer; a longer run of words is a data error,
#: still found by any one of its words.
MAX_PAIRED_WORDS = 16


def name_words(name: str) -> list[str]:
    """The words of a name's skeleton, t/d/z folded as the matcher compares them (Kazim
    and Kadhim are one word), each once, in order."""
    skeleton = fold_interdentals(name_skeleton(name))
    return list(dict.fromkeys(word[:MAX_KEYED_LETTERS] for word in skeleton.split()))


def word_key(word: str) -> str:
    return f"{NAME_WORD}|{word}"


def word_pair_key(first: str, second: str) -> str:
    """The key of two words of one party, whichever order they come in."""
    return f"{NAME_WORD_PAIR}|{' '.join(sorted((first, second)))}"


def id_number_key(entered: str) -> str:
    """The key of an identity document number as typed, or "" when it has no characters
    that could be one (only spaces or dashes)."""
    number = normalise_id_number(entered)
    return f"{ID_NUMBER}|{number}" if number else ""


def party_search_keys(names: Iterable[str], id_number: str) -> list[str]:
    """The keys to store for one party: the words of each of its names (the Arabic name
    and the Latin spelling), every pair of them, and its identity document number."""
    words = list(dict.fromkeys(word for name in names for word in name_words(name)))
    keys = [word_key(word) for word in words]
    keys += [word_pair_key(*pair) for pair in combinations(words[:MAX_PAIRED_WORDS], 2)]
    id_key = id_number_key(id_number)
    return [*keys, id_key] if id_key else keys
