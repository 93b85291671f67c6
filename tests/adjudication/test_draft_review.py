"""The reviewer reads what a draft decides before approving it: the approval page lists
every covered claim's outcome, reasons, provisions, amount, conflict group and documents;
the draft letter renders marked DRAFT and is never stored; an approval of a draft that
changed after the page was opened approves nothing.

Requests run in the shared operational workspace, so each test works on claims of a
parcel of its own.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adjudication.domain import DecisionStatus, Outcome
from adjudication.labels import OUTCOMES
from adjudication.operations import (
    ActionInput,
    ClaimOutcome,
    WorkflowSettings,
    pending_decision,
    perform,
    review_pair,
)
from adjudication.workflow import Action
from claims.domain import ClaimState, PartyInput, PartyRole, ReviewFinding
from claims.files import EvidenceStore
from claims.models import Claim
from claims.operations import register_claim
from claims.queries import open_candidates_of
from commission.accounts.models import Office, Role, User
from commission.extensions import db
from documents.labels import DRAFT_MARK
from documents.models import Letter
from tests.documents.pdf import page_texts, syntax_problems
from tests.support.app import InOperational, commission_today
from tests.support.claims import TODAY, claim_input, claimant, evidence_input
from tests.support.web import csrf_token, login


def _arabic_name() -> str:
    return "".join(random.choices("ابتثجحخدذرزسشصضطظعغفقكلمنهوي", k=7))


class CompetingDraft(InOperational):
    """Two competing claims on one parcel of their own, reviewed as competing and
    drafted together: one restored, one rejected."""

    def __enter__(self):
        super().__enter__()
        return self

    def prepare(self, reviewing, drafting) -> tuple[str, str]:
        adjudicator, drafter = db.session.get(User, reviewing.id), db.session.get(User, drafting.id)
        parcel_no = str(random.randint(1, 9999))
        muqataa_no = str(random.randint(10_000, 99_999))
        office = db.session.scalar(select(Office).where(Office.code == "BGD"))
        store = EvidenceStore(self.app.config["QAYD_DATA_DIR"])
        settings = WorkflowSettings.from_config(self.app.config)
        claims = []
        # Names of their own too: claims of other tests must not pair with these.
        self.families = (_arabic_name(), _arabic_name())
        occupant = PartyInput(
            role=PartyRole.RESPONDENT, given_name=_arabic_name(), family_name=_arabic_name()
        )
        for family, filename in zip(
            self.families, ("صك الملكية.png", "court-ruling.png"), strict=True
        ):
            data = claim_input(
                parties=[claimant(given=_arabic_name(), family=family), occupant],
                address="",
            )
            data.parcel.parcel_no, data.parcel.muqataa_no = parcel_no, muqataa_no
            claims.append(
                register_claim(
                    db.session,
                    data,
                    by=None,
                    office=office,
                    today=TODAY,
                    evidence=[evidence_input(name=filename)],
                    store=store,
                )
            )
        first, second = claims
        [pair] = open_candidates_of(db.session, second)
        review_pair(
            db.session,
            pair,
            ReviewFinding.COMPETING_CLAIMS,
            note="Two families claim the same house.",
            by=adjudicator,
            today=TODAY,
            settings=settings,
        )
        for claim in claims:
            claim.state = ClaimState.UNDER_REVIEW
            claim.assigned_to_id = drafter.id
        db.session.flush()
        perform(
            db.session,
            first,
            Action.DRAFT_DECISION,
            by=drafter,
            expected_version=first.version,
            today=TODAY,
            settings=settings,
            data=ActionInput(
                comment="The Shammari family proved ownership by the 1975 title deed.",
                outcomes={
                    first.id: ClaimOutcome(
                        Outcome.COMPENSATION,
                        compensation_amount=Decimal("30000000"),
                        compensation_currency="IQD",
                    ),
                    second.id: ClaimOutcome(Outcome.REJECTION, reason_code="lawful_transfer"),
                },
                provisions=("law13_confiscation", "law13_good_faith"),
            ),
        )
        db.session.commit()
        return first.number, second.number

    def claim(self, number: str) -> Claim:
        db.session.expire_all()
        return db.session.scalar(select(Claim).where(Claim.number == number))

    def count(self, model) -> int:
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def operational(app):
    with CompetingDraft(app) as prepared:
        yield prepared


@pytest.fixture
def drafted(make_user, operational):
    adjudicator = make_user(Role.ADJUDICATOR)
    return adjudicator, *operational.prepare(make_user(Role.ADJUDICATOR), adjudicator)


def _files(root: str) -> set[Path]:
    return {path for path in Path(root).rglob("*") if path.is_file()}


@pytest.mark.parametrize("action", ["approve_decision", "return_draft"])
def test_the_review_pages_show_what_the_draft_decides_for_every_claim(
    client, make_user, drafted, operational, action
):
    _, first, second = drafted
    login(client, make_user(Role.REVIEWER))
    response = client.get(f"/adjudication/claims/{first}/{action}")
    assert response.status_code == 200
    review = response.get_data(as_text=True).split('class="card draft-review"')[1]
    covered = review.split('class="draft-claim"')[1:]
    assert [part.split('dir="ltr">')[1].split("<")[0] for part in covered] == [first, second]
    restored, rejected = covered
    assert "Compensation" in restored and "30000000.00 IQD" in restored
    assert operational.families[0] in restored and f">{second}</a>" in restored
    assert (
        "صك الملكية.png" in restored and "Title deed" in restored and "evidence-current" in restored
    )
    assert "Rejection" in rejected and "The property was transferred lawfully" in rejected
    assert f">{first}</a>" in rejected and "court-ruling.png" in rejected
    assert "The Shammari family proved ownership by the 1975 title deed." in review
    assert "Law No. 13 of 2010: property confiscated for political" in review
    assert "Law No. 13 of 2010: rights of a current holder in good faith" in review
    assert f"/claims/{first}/letters/draft-decision.pdf" in review


def test_the_draft_letter_is_marked_on_every_page_and_never_stored(
    app, client, make_user, drafted, operational, tmp_path
):
    _, first, second = drafted
    letters, files = operational.count(Letter), _files(app.config["QAYD_DATA_DIR"])
    login(client, make_user(Role.REVIEWER))
    response = client.get(f"/claims/{first}/letters/draft-decision.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "draft.pdf"
    pdf.write_bytes(response.data)

    assert syntax_problems(pdf) == []
    pages = page_texts(pdf)
    for text in pages:
        assert text.count(DRAFT_MARK.en) >= 2  # in the footer and across the page
        assert text.count(DRAFT_MARK.ar) >= 2
        assert "Verification code: DRAFT" in text
    whole = "\n".join(pages)
    # Each outcome's first line names its claim; the sentence wraps onto the next.
    for number, outcome in ((first, Outcome.COMPENSATION), (second, Outcome.REJECTION)):
        opening = " ".join(OUTCOMES[outcome].en.split()[:4])
        assert f"Claim {number}: {opening}" in whole
    assert operational.count(Letter) == letters
    assert _files(app.config["QAYD_DATA_DIR"]) == files
    # What is printed where a code goes is not a code /verify accepts.
    assert client.get("/verify/DRAFT").status_code == 404


def test_only_the_assigned_adjudicator_and_reviewers_read_the_draft_letter(
    client, make_user, drafted
):
    assigned, first, _ = drafted
    url = f"/claims/{first}/letters/draft-decision.pdf"
    login(client, make_user(Role.ADJUDICATOR))
    assert client.get(url).status_code == 403
    login(client, make_user(Role.CLERK))
    assert client.get(url).status_code == 403
    login(client, assigned)
    assert client.get(url).status_code == 200


def test_no_draft_letter_without_a_pending_draft(client, make_user, drafted, operational):
    _, first, _ = drafted
    claim = operational.claim(first)
    pending_decision(db.session, claim).status = DecisionStatus.RETURNED
    db.session.commit()
    login(client, make_user(Role.REVIEWER))
    assert client.get(f"/claims/{first}/letters/draft-decision.pdf").status_code == 404


def test_approving_a_draft_changed_after_the_page_was_opened_approves_nothing(
    client, make_user, drafted, operational
):
    _, first, _ = drafted
    login(client, make_user(Role.REVIEWER))
    url = f"/adjudication/claims/{first}/approve_decision"
    page = client.get(url).get_data(as_text=True)
    read_hash = page.split('name="draft_hash"')[1].split('value="')[1].split('"')[0]
    version = operational.claim(first).version

    draft = pending_decision(db.session, operational.claim(first))
    draft.reasons = "Rewritten after the reviewer opened the page."
    db.session.commit()

    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "version": version,
            "draft_hash": read_hash,
            "notified_on": commission_today().isoformat(),
        },
    )
    # Refused like every stale write on a page: back to the claim, the message shown there.
    assert response.status_code == 303
    shown = client.get(response.location).get_data(as_text=True)
    assert "The draft was changed after you opened it." in shown
    claim = operational.claim(first)
    assert claim.state == ClaimState.DECISION_DRAFTED
    draft = pending_decision(db.session, claim)
    assert draft.approved_by_id is None and draft.approved_draft_hash is None
