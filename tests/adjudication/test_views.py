"""The adjudication screens and API through HTTP: the actions each user sees on the claim
page, acting from buttons, forms and JSON, refusals, and the work queues.

Requests run in the shared operational workspace, so each test works on claims of its own
(a parcel number of its own), never on global counts.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from adjudication.models import Decision, Hearing
from claims.domain import ClaimState
from claims.files import EvidenceStore
from claims.models import Claim
from claims.operations import register_claim
from commission.accounts.models import Office, Role
from commission.extensions import db
from tests.support.app import InOperational
from tests.support.claims import TODAY, claim_input, claimant
from tests.support.web import csrf_token, login


class Operational(InOperational):
    """Prepare and read claims of the operational workspace, outside any request."""

    def __enter__(self):
        super().__enter__()
        return self

    def claim(self, state=ClaimState.REGISTERED, *, assigned_to=None, deadline=None) -> str:
        """A claim of its own parcel (no conflicts), in `state`, assigned as asked."""
        data = claim_input(parties=[claimant(family="الشمري")], address="")
        data.parcel.muqataa_no = str(random.randint(10_000, 99_999))
        data.parcel.parcel_no = str(random.randint(1, 9999))
        office = db.session.scalar(select(Office).where(Office.code == "BGD"))
        store = EvidenceStore(self.app.config["QAYD_DATA_DIR"])
        claim = register_claim(db.session, data, by=None, office=office, today=TODAY, store=store)
        claim.state = state
        claim.assigned_to_id = assigned_to
        claim.deadline_on = deadline
        db.session.commit()
        return claim.number

    def get(self, number: str) -> Claim:
        db.session.expire_all()
        return db.session.scalar(select(Claim).where(Claim.number == number))


@pytest.fixture
def operational(app):
    with Operational(app) as prepared:
        yield prepared


def _actions_on(page: str) -> set[str]:
    case = page.split('id="case-heading"', 1)[1].split("</section>", 1)[0]
    return set(re.findall(r'/adjudication/claims/[^/"]+/([a-z_]+)"', case))


def test_each_user_sees_only_the_actions_the_table_allows(
    client, logged_in, make_user, operational
):
    adjudicator = make_user(Role.ADJUDICATOR)
    number = operational.claim(assigned_to=adjudicator.id)

    login(client, adjudicator)
    assert _actions_on(client.get(f"/claims/{number}").get_data(as_text=True)) == {
        "start_screening"
    }
    logged_in(Role.ADJUDICATOR)  # not assigned: nothing to do
    assert _actions_on(client.get(f"/claims/{number}").get_data(as_text=True)) == set()
    logged_in(Role.CLERK)
    assert _actions_on(client.get(f"/claims/{number}").get_data(as_text=True)) == {"withdraw"}
    logged_in(Role.REVIEWER)
    assert _actions_on(client.get(f"/claims/{number}").get_data(as_text=True)) == set()


def test_a_button_moves_the_claim_and_the_history_shows_it(client, make_user, operational):
    adjudicator = make_user(Role.ADJUDICATOR)
    number = operational.claim(assigned_to=adjudicator.id)
    login(client, adjudicator)
    token = csrf_token(client, f"/claims/{number}")
    response = client.post(
        f"/adjudication/claims/{number}/start_screening",
        data={"csrf_token": token, "version": operational.get(number).version},
    )
    assert response.status_code == 302
    assert operational.get(number).state == ClaimState.SCREENING
    page = client.get(f"/claims/{number}").get_data(as_text=True)
    history = page.split('id="timeline-heading"', 1)[1]
    assert "Start screening" in history and "registered → screening" in history


def test_a_stale_version_is_a_message_and_a_reload(client, make_user, operational):
    adjudicator = make_user(Role.ADJUDICATOR)
    number = operational.claim(assigned_to=adjudicator.id)
    login(client, adjudicator)
    token = csrf_token(client, f"/claims/{number}")
    stale = operational.get(number).version - 1
    response = client.post(
        f"/adjudication/claims/{number}/start_screening",
        data={"csrf_token": token, "version": stale},
        follow_redirects=True,
    )
    assert "Someone else changed this claim" in response.get_data(as_text=True)
    assert operational.get(number).state == ClaimState.REGISTERED


def test_a_form_error_is_shown_beside_its_field_and_changes_nothing(client, make_user, operational):
    adjudicator = make_user(Role.ADJUDICATOR)
    number = operational.claim(ClaimState.SCREENING, assigned_to=adjudicator.id)
    login(client, adjudicator)
    page = client.get(f"/adjudication/claims/{number}/annul").get_data(as_text=True)
    assert "No proof of the claimant" in page  # the configured reasons are offered
    token = csrf_token(client, f"/adjudication/claims/{number}/annul")
    response = client.post(
        f"/adjudication/claims/{number}/annul",
        data={"csrf_token": token, "version": operational.get(number).version, "reason_code": ""},
    )
    assert response.status_code == 400
    assert "Choose the reason from the list." in response.get_data(as_text=True)
    assert operational.get(number).state == ClaimState.SCREENING


def test_roles_the_rule_does_not_name_get_403(client, logged_in, make_user, operational):
    adjudicator = make_user(Role.ADJUDICATOR)
    number = operational.claim(assigned_to=adjudicator.id)
    logged_in(Role.CLERK)
    token = csrf_token(client, f"/claims/{number}")
    response = client.post(
        f"/adjudication/claims/{number}/start_screening",
        data={"csrf_token": token, "version": operational.get(number).version},
    )
    assert response.status_code == 403
    assert operational.get(number).state == ClaimState.REGISTERED


def test_draft_then_approval_by_another_reviewer(client, make_user, operational):
    adjudicator = make_user(Role.ADJUDICATOR)
    number = operational.claim(ClaimState.UNDER_REVIEW, assigned_to=adjudicator.id)
    claim_id = operational.get(number).id
    login(client, adjudicator)
    form_url = f"/adjudication/claims/{number}/draft_decision"
    page = client.get(form_url).get_data(as_text=True)
    assert "Outcome for each claim" in page
    response = client.post(
        form_url,
        data={
            "csrf_token": csrf_token(client, form_url),
            "version": operational.get(number).version,
            "outcomes-0-claim_id": claim_id,
            "outcomes-0-outcome": "compensation",
            "outcomes-0-amount": "30000000",
            "outcomes-0-currency": "IQD",
            "comment": "The occupant bought in good faith in 2004; the family is compensated.",
            "provisions": ["law13_good_faith", "law13_compensation"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert operational.get(number).state == ClaimState.DECISION_DRAFTED

    reviewer = make_user(Role.REVIEWER)
    login(client, reviewer)
    assert _actions_on(client.get(f"/claims/{number}").get_data(as_text=True)) == {
        "approve_decision",
        "return_draft",
    }
    approve_url = f"/adjudication/claims/{number}/approve_decision"
    response = client.post(
        approve_url,
        data={
            "csrf_token": csrf_token(client, approve_url),
            "version": operational.get(number).version,
        },
    )
    assert response.status_code == 302
    claim = operational.get(number)
    assert claim.state == ClaimState.DECISION_ISSUED
    decision = db.session.scalar(select(Decision).order_by(Decision.id.desc()))
    assert decision.approved_by_id == reviewer.id and decision.drafted_by_id == adjudicator.id


def _api_headers(client, path="/"):
    return {"X-CSRFToken": csrf_token(client, path), "Accept": "application/json"}


def test_the_api_acts_and_answers_409_to_a_stale_version(client, make_user, operational):
    adjudicator = make_user(Role.ADJUDICATOR)
    number = operational.claim(assigned_to=adjudicator.id)
    login(client, adjudicator)
    read = client.get(f"/api/claims/{number}").get_json()
    assert read["state"] == "registered" and read["actions"] == ["start_screening"]

    headers = _api_headers(client)
    body = {"action": "start_screening", "version": read["version"]}
    first = client.post(f"/api/claims/{number}/actions", json=body, headers=headers)
    assert first.status_code == 200
    assert first.get_json()["state"] == "screening"
    assert first.get_json()["version"] == read["version"] + 1

    again = client.post(f"/api/claims/{number}/actions", json=body, headers=headers)
    assert again.status_code == 409
    assert again.get_json()["error"]["kind"] == "stale"


def test_the_api_refusals_are_json(client, logged_in, make_user, operational):
    adjudicator = make_user(Role.ADJUDICATOR)
    number = operational.claim(ClaimState.SCREENING, assigned_to=adjudicator.id)
    login(client, adjudicator)
    version = client.get(f"/api/claims/{number}").get_json()["version"]
    headers = _api_headers(client)
    url = f"/api/claims/{number}/actions"

    refused = client.post(
        url, json={"action": "approve_decision", "version": version}, headers=headers
    )
    assert refused.status_code == 422 and refused.get_json()["error"]["kind"] == "refused"
    invalid = client.post(url, json={"action": "annul", "version": version}, headers=headers)
    assert invalid.status_code == 400 and invalid.get_json()["error"]["kind"] == "input"
    assert "reason_code" in invalid.get_json()["error"]["fields"]
    malformed = client.post(url, data="not json", headers=headers)
    assert malformed.status_code == 400 and malformed.get_json()["error"]["kind"] == "input"
    no_token = client.post(url, json={"action": "annul", "version": version})
    assert no_token.status_code == 400
    logged_in(Role.CLERK)
    wrong_role = client.post(
        url, json={"action": "annul", "version": version}, headers=_api_headers(client)
    )
    assert wrong_role.status_code == 403 and wrong_role.get_json()["error"]["kind"] == "forbidden"
    assert operational.get(number).state == ClaimState.SCREENING


def test_my_cases_and_deadlines(client, make_user, operational):
    adjudicator = make_user(Role.ADJUDICATOR)
    overdue = operational.claim(
        ClaimState.INCOMPLETE, assigned_to=adjudicator.id, deadline=TODAY - timedelta(days=400)
    )
    later = operational.claim(ClaimState.UNDER_REVIEW, assigned_to=adjudicator.id)
    login(client, adjudicator)
    mine = client.get("/adjudication/").get_data(as_text=True)
    assert overdue in mine and later in mine
    assert mine.index(overdue) < mine.index(later)  # nearest deadline first
    page = client.get("/adjudication/deadlines").get_data(as_text=True)
    overdue_section = page.split('id="overdue-heading"', 1)[1].split("</section>", 1)[0]
    assert overdue in overdue_section and later not in page


def test_reviewer_assigns_claims_from_the_unassigned_list(client, make_user, operational):
    adjudicator = make_user(Role.ADJUDICATOR)
    numbers = [operational.claim(), operational.claim()]
    ids = [operational.get(number).id for number in numbers]
    login(client, make_user(Role.REVIEWER))
    page = client.get("/adjudication/unassigned").get_data(as_text=True)
    assert "Assign the ticked claims" in page
    response = client.post(
        "/adjudication/unassigned",
        data={
            "csrf_token": csrf_token(client, "/adjudication/unassigned"),
            "adjudicator": adjudicator.id,
            "claim": ids,
        },
    )
    assert response.status_code == 302
    assert all(operational.get(number).assigned_to_id == adjudicator.id for number in numbers)


def test_only_reviewers_assign(client, logged_in):
    logged_in(Role.ADJUDICATOR)
    assert client.get("/adjudication/unassigned").status_code == 403


def test_the_hearing_calendar_shows_the_offices_hearings(client, make_user, operational):
    adjudicator = make_user(Role.ADJUDICATOR)
    number = operational.claim(ClaimState.HEARING_SCHEDULED, assigned_to=adjudicator.id)
    claim = operational.get(number)
    starts = datetime.now(UTC).replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(
        days=2
    )
    db.session.add(
        Hearing(
            claim_id=claim.id,
            office_id=claim.office_id,
            starts_at=starts,
            place="Karrada court annex, hall 3",
            parties_notified=True,
            scheduled_by_id=adjudicator.id,
        )
    )
    db.session.commit()
    login(client, adjudicator)
    page = client.get("/adjudication/hearings").get_data(as_text=True)
    assert number in page and "Karrada court annex, hall 3" in page
