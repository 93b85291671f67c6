"""/verify/<code>: public, says whether a letter was issued and nothing more."""

from __future__ import annotations

import pytest

from claims.domain import ClaimState
from documents.letters import LetterKind

pytestmark = pytest.mark.usefixtures("app")


def test_an_operational_letter_is_reported_as_issued(client, operational):
    letter = operational.letter(ClaimState.DECISION_ISSUED, LetterKind.DECISION)
    response = client.get(f"/verify/{letter.verification_code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This letter was issued by the Commission." in html
    assert letter.claim_number in html
    assert "Decision letter" in html
    assert "operational" in html
    assert "TRAINING" not in html


def test_verification_tells_no_names_or_content(client, operational):
    letter = operational.letter(ClaimState.DECISION_ISSUED, LetterKind.DECISION)
    html = client.get(f"/verify/{letter.verification_code}").get_data(as_text=True)
    for private in ("الجبوري", "العبيدي", "1975 title deed", "345/6", "Test User"):
        assert private not in html


def test_a_training_letter_is_reported_as_training(client, training):
    letter = training.letter(None, LetterKind.RECEIPT)
    assert letter.verification_code.startswith("T-")
    response = client.get(f"/verify/{letter.verification_code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "TRAINING letter — not a legal document." in html
    assert letter.claim_number in html
    assert "This letter was issued by the Commission." not in html


@pytest.mark.parametrize("code", ["7KQ2-M9XD-P4RT-WZ3H", "T-7KQ2-M9XD-P4RT-WZ3H"])
def test_a_forged_code_is_no_such_letter(client, code):
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404
    assert "No such letter." in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["not-a-code", "<script>alert(1)</script>", "1234"])
def test_something_that_is_no_code_at_all_is_no_such_letter(client, typed):
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "No such letter." in html
    assert "<script>alert" not in html


def test_a_code_typed_loosely_finds_the_letter(client, operational):
    letter = operational.letter(None, LetterKind.RECEIPT)
    # Lower case, no dashes, spaces, O for 0 and l for 1 as people read them.
    typed = letter.verification_code.replace("-", " ").lower().replace("0", "o").replace("1", "l")
    response = client.get(f"/verify/{typed}")
    assert response.status_code == 200
    assert letter.claim_number in response.get_data(as_text=True)


def test_the_form_sends_a_typed_code_to_its_canonical_address(client, operational):
    letter = operational.letter(None, LetterKind.RECEIPT)
    compact = letter.verification_code.replace("-", "").lower()
    response = client.get("/verify", query_string={"code": compact})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{letter.verification_code}")


def test_verify_needs_no_login_and_offers_the_form(client):
    response = client.get("/verify")
    assert response.status_code == 200
    assert 'name="code"' in response.get_data(as_text=True)
