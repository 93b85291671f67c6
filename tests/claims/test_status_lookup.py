"""The public status look-up: a claimant who knows the claim number, the filing year and
the last four digits of a claimant's identity number sees the state in plain words, the
next step and the office; nothing personal, one answer for an unknown number and for a
wrong fact, operational claims only, and a limit per client address."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from claims.domain import ClaimState
from claims.models import Claim
from claims.queries import claim_for_status, identity_tail
from commission.accounts.models import Office
from commission.workspaces import operational_workspace_id, use_workspace
from tests.support.app import InOperational, new_workspace
from tests.support.claims import IntakeContext, claim_input, claimant
from tests.support.web import csrf_token

ID_NUMBER = "١٩ ٨٧٦ ٥٤٣"  # as a clerk may type it: Arabic-Indic digits, spaces
ID_DIGITS = "6543"
CONTACT = "+964 770 555 0101 · Sunday–Thursday 08:00–14:00"
#: What the claim's file says and the look-up must never show.
PERSONAL = ("محمد", "الجبوري", "Jubouri", "19876543", "876", "محلة 903", "345/6", "Karrada")


def _client(app):
    client = app.test_client()
    suffix = uuid.uuid4().int
    client.environ_base["REMOTE_ADDR"] = (
        f"172.{suffix % 250 + 1}.{suffix // 250 % 250 + 1}.{suffix // 62500 % 250 + 1}"
    )
    return client


def _register(app, workspace_id: int, id_number: str = ID_NUMBER) -> str:
    with InOperational(app) as session, use_workspace(workspace_id):
        named = claimant(latin_name="Mohammed al-Jubouri", id_document_number=id_number)
        number = IntakeContext(app, workspace_id).register(claim_input(parties=[named])).number
        session.commit()
    return number


@pytest.fixture
def filed(app):
    """An operational claim of the BGD office, whose office has a contact."""
    with InOperational(app) as session:
        office = session.scalar(select(Office).where(Office.code == "BGD"))
        office.contact = CONTACT
        session.commit()
        workspace_id = operational_workspace_id(session)
    return _register(app, workspace_id)


def _look_up(client, number, year="2026", digits=ID_DIGITS, **headers):
    return client.post(
        "/status",
        data={
            "csrf_token": csrf_token(client, "/status"),
            "number": number,
            "filed_year": year,
            "id_digits": digits,
        },
        headers=headers,
    )


def _main(response) -> str:
    """The page's content, without the per-request CSRF tokens."""
    page = response.get_data(as_text=True)
    content = page[page.index('<main id="main"') : page.index("</main>")]
    return re.sub(r'name="csrf_token"[^>]*>', "", content)


def test_the_answer_is_the_state_next_step_and_office_and_nothing_personal(app, filed):
    response = _look_up(_client(app), filed)
    assert response.status_code == 200
    answer = _main(response)
    assert filed in answer
    assert "Your claim is registered." in answer
    assert "An adjudicator will check that it is complete" in answer
    assert "Baghdad" in answer
    # Each part of the contact on a line of its own, in its own direction.
    for part in CONTACT.split(" · "):
        assert f'<br><bdi dir="auto">{part}</bdi>' in answer
    for personal in PERSONAL:
        assert personal not in answer, personal
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_number_and_digits_are_read_as_a_claimant_types_them(app, filed):
    typed = filed.lower().replace("-0", "-").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = _look_up(_client(app), f" {typed} ", year="٢٠٢٦", digits="٦٥٤٣")
    assert "Your claim is registered." in _main(response)


def test_the_answer_follows_the_claims_state(app, filed):
    with InOperational(app) as session:
        claim = session.scalar(select(Claim).where(Claim.number == filed))
        claim.state = ClaimState.HEARING_SCHEDULED
        session.commit()
    answer = _main(_look_up(_client(app), filed))
    assert "A hearing on your claim is scheduled." in answer
    assert "Bring your identity document." in answer


def test_an_unknown_number_and_each_wrong_fact_get_the_same_answer(app, filed):
    client = _client(app)
    office, year, seq = filed.split("-")
    answers = {
        "unknown number": _main(_look_up(client, f"{office}-{year}-{int(seq) + 50000:06d}")),
        "wrong year": _main(_look_up(client, filed, year="2025")),
        "wrong digits": _main(_look_up(client, filed, digits="6544")),
    }
    unknown = answers.pop("unknown number")
    assert "No claim matches these details." in unknown
    for case, answer in answers.items():
        assert answer == unknown, case
    assert filed not in unknown and "Baghdad" not in unknown


def test_a_training_claim_is_never_found(app):
    practice = new_workspace(app, "status-practice")
    number = _register(app, practice, id_number="55 1234 9876")
    with InOperational(app) as session:
        operational = session.scalar(select(Claim).where(Claim.number == number))
        # The operational claim of that number, if any, has other claimants' digits.
        assert operational is None or all(
            identity_tail(party.id_document_number) != "9876" for party in operational.claimants
        )
    answer = _main(_look_up(_client(app), number, digits="9876"))
    assert "No claim matches these details." in answer
    # The same facts do find it inside its own workspace: only the page keeps out.
    with InOperational(app) as session, use_workspace(practice):
        found = claim_for_status(session, number, filed_year=2026, id_digits="9876")
        assert found is not None and found.workspace_id == practice


def test_the_answer_is_in_arabic_for_an_arabic_browser(app, filed):
    answer = _main(_look_up(_client(app), filed, **{"Accept-Language": "ar"}))
    assert "سُجّلت مطالبتك." in answer
    assert "بغداد" in answer


def test_a_bad_form_says_which_field_and_looks_nothing_up(app):
    client = _client(app)
    response = _look_up(client, "", year="26", digits="12a4")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Four digits, e.g. 2026." in page and "Exactly four digits." in page
    assert "No claim matches" not in page
    no_token = client.post("/status", data={"number": "BGD-2026-000001"})
    assert no_token.status_code == 400


def test_lookups_are_limited_per_client_address(app, filed):
    limited = _client(app)
    for _attempt in range(10):
        assert _look_up(limited, filed, digits="0000").status_code == 200
    refused = _look_up(limited, filed)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Too many look-ups from this address." in page
    assert 'href="/status">Back to the status look-up' in page  # not to the staff login
    assert "Your claim is registered." not in page
    assert limited.get("/status").status_code == 200  # the form itself still opens
    assert "Your claim is registered." in _main(_look_up(_client(app), filed))


def test_the_staff_login_page_shows_claimants_the_way_to_the_look_up(app):
    page = _client(app).get("/login").get_data(as_text=True)
    assert 'href="/status">See the status of your claim' in page
