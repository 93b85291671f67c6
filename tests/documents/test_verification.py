"""Verification codes: derived from the content, training told apart, typable."""

from __future__ import annotations

import dataclasses
import re

from documents.verification import (
    is_training_code,
    normalise_code,
    verification_code,
    verify_url,
)
from tests.documents import samples

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def test_code_is_four_groups_of_crockford_base32():
    code = verification_code(samples.receipt(), training=False)

    assert CODE.match(code)
    assert not is_training_code(code)


def test_training_code_differs_and_says_so():
    operational = verification_code(samples.decision(), training=False)
    training = verification_code(samples.decision(), training=True)

    assert is_training_code(training)
    assert CODE.match(training.removeprefix("T-"))
    assert training.removeprefix("T-") != operational


def test_same_content_gives_the_same_code():
    assert verification_code(samples.decision(), training=False) == verification_code(
        samples.decision(), training=False
    )


def test_any_change_of_content_changes_the_code():
    letter = samples.decision(group=True)
    changes = [
        dataclasses.replace(letter, issued_on=letter.issued_on.replace(day=15)),
        dataclasses.replace(letter, claim_numbers=letter.claim_numbers[:2]),
        dataclasses.replace(letter, outcomes=letter.outcomes[::-1]),
        dataclasses.replace(letter, reasons=letter.reasons.replace("1980", "1981")),
    ]
    codes = {verification_code(item, training=False) for item in [letter, *changes]}

    assert len(codes) == len(changes) + 1


def test_letters_of_different_kinds_never_share_a_code():
    codes = {verification_code(make(), training=False) for make in samples.ALL_KINDS.values()}

    assert len(codes) == len(samples.ALL_KINDS)


def test_a_code_typed_carelessly_is_read_back():
    code = verification_code(samples.receipt(), training=True)
    typed = code.lower().replace("-", " ").replace("0", "o")

    assert normalise_code(typed) == code
    assert normalise_code("not a code") is None
    operational = verification_code(samples.receipt(), training=False)
    assert normalise_code(operational[:-1]) is None


def test_verify_url_joins_base_and_code():
    assert verify_url("https://q.example/verify", "T-ABCD") == "https://q.example/verify/T-ABCD"
    assert verify_url("https://q.example/verify/", "ABCD") == "https://q.example/verify/ABCD"
