"""Letters on the claim page: issuing by role with CSRF, downloads of the stored bytes."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from claims.domain import ClaimState
from commission.accounts.models import Role
from commission.extensions import db
from commission.workspaces import ALL_WORKSPACES
from documents.files import LetterStore
from documents.models import Letter
from tests.support.web import csrf_token


def letters_of(app, claim_id: int) -> list[Letter]:
    with app.app_context():
        letters = list(
            db.session.scalars(
                select(Letter)
                .where(Letter.claim_id == claim_id)
                .execution_options(**{ALL_WORKSPACES: True})
            )
        )
        db.session.remove()
    return letters


def issue(client, number: str, kind: str = "receipt", *, token: str | None = None):
    if token is None:
        token = csrf_token(client, "/verify")
    return client.post(f"/claims/{number}/letters/{kind}", data={"csrf_token": token})


def test_clerk_issues_the_receipt_from_the_claim_page(app, client, logged_in, operational):
    logged_in(Role.CLERK)
    claim = operational.claim()
    page = client.get(f"/claims/{claim.number}").get_data(as_text=True)
    assert "Issue the receipt" in page
    assert "Issue the decision letter" not in page

    response = issue(client, claim.number)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/claims/{claim.number}#letters")
    [letter] = letters_of(app, claim.id)
    page = client.get(f"/claims/{claim.number}").get_data(as_text=True)
    assert letter.verification_code in page
    assert f"/claims/{claim.number}/letters/{letter.id}.pdf" in page
    assert "Issue the receipt" not in page  # issued once, then downloaded


def test_download_serves_the_stored_bytes_every_time(app, client, logged_in, operational):
    logged_in(Role.CLERK)
    claim = operational.claim()
    issue(client, claim.number)
    [letter] = letters_of(app, claim.id)
    url = f"/claims/{claim.number}/letters/{letter.id}.pdf"

    first, second = client.get(url), client.get(url)
    assert first.status_code == 200
    assert first.data == second.data
    assert first.data == LetterStore(app.config["QAYD_DATA_DIR"]).read_checked(letter.sha256)
    assert hashlib.sha256(first.data).hexdigest() == letter.sha256
    assert first.mimetype == "application/pdf"
    assert first.headers["Content-Disposition"] == (
        f'attachment; filename="{claim.number}-receipt.pdf"'
    )
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in first.headers["Content-Security-Policy"]


def test_adjudicator_issues_the_decision_letter(app, client, logged_in, operational):
    logged_in(Role.ADJUDICATOR)
    claim = operational.claim(ClaimState.DECISION_ISSUED)
    assert "Issue the decision letter" in client.get(f"/claims/{claim.number}").get_data(
        as_text=True
    )
    assert issue(client, claim.number, "decision").status_code == 302
    [letter] = letters_of(app, claim.id)
    assert letter.kind == "decision" and not letter.is_training
    html = client.get(f"/verify/{letter.verification_code}").get_data(as_text=True)
    assert claim.number in html and "operational" in html


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.REVIEWER, "receipt"),
        (Role.ADMIN, "receipt"),
        (Role.TRAINER, "receipt"),
        (Role.CLERK, "decision"),
        (Role.ADMIN, "decision"),
        (Role.TRAINER, "decision"),
    ],
)
def test_roles_that_may_not_issue_get_403_and_nothing_is_stored(
    app, client, logged_in, operational, role, kind
):
    logged_in(role)
    claim = operational.claim(ClaimState.DECISION_ISSUED)
    assert issue(client, claim.number, kind).status_code == 403
    assert letters_of(app, claim.id) == []


@pytest.mark.parametrize(
    ("role", "buttons"),
    [
        (Role.CLERK, ["Issue the receipt"]),
        (Role.ADJUDICATOR, ["Issue the receipt", "Issue the decision letter"]),
        (Role.REVIEWER, ["Issue the decision letter"]),
        (Role.ADMIN, []),
        (Role.TRAINER, []),
    ],
)
def test_the_claim_page_offers_the_buttons_the_role_may_use(
    client, logged_in, operational, role, buttons
):
    logged_in(role)
    claim = operational.claim(ClaimState.DECISION_ISSUED)
    page = client.get(f"/claims/{claim.number}").get_data(as_text=True)
    offered = [
        label for label in ("Issue the receipt", "Issue the decision letter") if label in page
    ]
    assert offered == buttons


def test_a_post_without_the_csrf_token_is_refused(app, client, logged_in, operational):
    logged_in(Role.CLERK)
    claim = operational.claim()
    response = issue(client, claim.number, token="forged")
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert letters_of(app, claim.id) == []


def test_a_letter_without_its_record_is_refused_with_a_message(app, client, logged_in, operational):
    logged_in(Role.ADJUDICATOR)
    claim = operational.claim(ClaimState.UNDER_REVIEW)
    response = issue(client, claim.number, "decision")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No decision has been issued on this claim." in page
    assert letters_of(app, claim.id) == []


def test_an_unknown_kind_is_no_page(client, logged_in, operational):
    logged_in(Role.ADJUDICATOR)
    claim = operational.claim()
    assert issue(client, claim.number, "love_letter").status_code == 404


def test_another_offices_claim_and_its_letters_answer_404(app, client, logged_in, operational):
    letter = operational.letter(None, "receipt")
    logged_in(Role.CLERK, Role.ADJUDICATOR, office="NIN")
    assert client.get(f"/claims/{letter.claim_number}/letters/{letter.id}.pdf").status_code == 404
    assert issue(client, letter.claim_number, "receipt").status_code == 404
    with app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(Letter)
            .where(Letter.verification_code == letter.verification_code)
            .execution_options(**{ALL_WORKSPACES: True})
        )
    assert count == 1


def test_a_letter_of_another_claim_is_not_served_under_this_one(client, logged_in, operational):
    logged_in(Role.CLERK)
    letter = operational.letter(None, "receipt")
    other = operational.claim()
    assert client.get(f"/claims/{other.number}/letters/{letter.id}.pdf").status_code == 404


def test_a_damaged_letter_file_is_an_error_not_other_bytes(app, client, logged_in, operational):
    logged_in(Role.CLERK)
    letter = operational.letter(None, "receipt")
    path = LetterStore(app.config["QAYD_DATA_DIR"]).path_for(letter.sha256)
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"tampered")
        response = client.get(f"/claims/{letter.claim_number}/letters/{letter.id}.pdf")
        assert response.status_code == 500
        assert b"tampered" not in response.data
    finally:
        path.write_bytes(original)
