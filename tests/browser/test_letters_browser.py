"""Letters in the browser: the receipt and the decision letter issued and downloaded from
the claim page, then checked at /verify/<code> as anyone holding the letter would."""

from __future__ import annotations

import random
import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from adjudication.domain import Outcome
from adjudication.operations import (
    ActionInput,
    ClaimOutcome,
    WorkflowSettings,
    assign_claims,
    perform,
)
from adjudication.workflow import Action
from claims.domain import (
    ClaimBasis,
    ClaimInput,
    ParcelInput,
    PartyInput,
    PartyRole,
    PropertyType,
    Remedy,
)
from claims.files import EvidenceStore
from claims.operations import register_claim
from commission.accounts.models import Office, User
from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import operational_workspace_id, use_workspace
from tests.documents.pdf import page_texts, squeezed
from tests.support.app import commission_today
from tests.support.browser import log_in, scan_png, screenshot

pytestmark = pytest.mark.browser


def claim_with_an_issued_decision(app) -> str:
    """A claim taken to an issued decision by the workflow's own verbs, as the demo staff."""
    today = commission_today()
    with app.app_context(), use_workspace(operational_workspace_id(db.session)):
        set_actor(Actor(None, "browser-test"))
        staff = {
            user.username: user
            for user in db.session.scalars(
                select(User).where(User.username.in_(["clerk", "adjudicator", "reviewer"]))
            )
        }
        claim = register_claim(
            db.session,
            ClaimInput(
                # A parcel and a family of its own: no conflict candidate holds the decision up.
                parcel=ParcelInput(
                    governorate_code="IQ-BG",
                    muqataa_no="41",
                    parcel_no=str(random.randint(10_000, 99_999)),
                    property_type=PropertyType.HOUSE,
                ),
                parties=[
                    PartyInput(
                        role=PartyRole.CLAIMANT,
                        given_name="فاطمة",
                        father_name="علي",
                        grandfather_name="حسن",
                        family_name=f"الحسيني{uuid.uuid4().hex[:6]}",
                    )
                ],
                claim_basis=ClaimBasis.CONFISCATION,
                remedy=Remedy.RESTITUTION,
                filed_on=today,
            ),
            by=staff["clerk"],
            office=db.session.scalar(select(Office).where(Office.code == "BGD")),
            today=today,
            store=EvidenceStore(app.config["QAYD_DATA_DIR"]),
        )
        assign_claims(db.session, [claim], staff["adjudicator"], by=staff["reviewer"])
        settings = WorkflowSettings.from_config(app.config)
        steps = [
            (Action.START_SCREENING, "adjudicator", ActionInput()),
            (Action.ADMIT, "adjudicator", ActionInput()),
            (
                Action.DRAFT_DECISION,
                "adjudicator",
                ActionInput(
                    comment="The 1975 title deed proves the claimant's ownership.",
                    outcomes={claim.id: ClaimOutcome(Outcome.RESTITUTION)},
                    provisions=("law13_confiscation",),
                ),
            ),
            (Action.APPROVE_DECISION, "reviewer", ActionInput()),
        ]
        for action, username, data in steps:
            perform(
                db.session,
                claim,
                action,
                by=staff[username],
                expected_version=claim.version,
                today=today,
                settings=settings,
                data=data,
            )
        db.session.commit()
        number = claim.number
        db.session.remove()
    return number


def issue_download_and_verify(page, live_server, button: str, name: str) -> tuple[str, list[str]]:
    """Issue the letter from the claim page, download it, and check its code at /verify;
    return the code and the text of the downloaded PDF's pages."""
    number = page.locator("h1.claim-number").inner_text()
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text(re.compile(r"issued, verification code"))).to_be_visible()
    row = page.locator("#letters tbody tr").last
    code = row.locator("code").inner_text()
    screenshot(page, f"claim-letters-{name}")

    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{number}-{name}.pdf"
    pages = page_texts(download.path())
    assert number in squeezed(pages[0])
    assert code in pages[0]

    page.goto(f"{live_server}/verify/{code}")
    expect(page.get_by_text("This letter was issued by the Commission.")).to_be_visible()
    expect(page.get_by_text(number)).to_be_visible()
    screenshot(page, f"verify-{name}")
    return code, pages


def test_clerk_registers_a_claim_and_downloads_its_receipt(page, live_server, tmp_path):
    family = f"الجبوري{uuid.uuid4().hex[:6]}"
    log_in(page, live_server)
    page.goto(f"{live_server}/claims/new")
    page.locator("#claimants-0-given_name").fill("محمد")
    page.locator("#claimants-0-father_name").fill("عبد الرحمن")
    page.locator("#claimants-0-grandfather_name").fill("حسين")
    page.locator("#claimants-0-family_name").fill(family)
    page.get_by_label("Muqata'a number").fill("12")
    page.get_by_label("Parcel number").fill(str(random.randint(10_000, 99_999)))
    page.locator("#evidence-0-file").set_input_files(scan_png(tmp_path))
    page.get_by_role("button", name="Register the claim").last.click()
    expect(page.locator("h1.claim-number")).to_have_text(re.compile(r"^BGD-\d{4}-\d{6}$"))

    code, pages = issue_download_and_verify(page, live_server, "Issue the receipt", "receipt")
    # The family name carries a Latin suffix to keep it unique; the Arabic reads in order.
    assert squeezed("محمد عبد الرحمن حسين الجبوري") in squeezed(pages[0])
    assert squeezed("صك الملكية.png") in squeezed("".join(pages))
    assert not code.startswith("T-")


def test_adjudicator_downloads_the_decision_letter(page, live_server, live_app):
    number = claim_with_an_issued_decision(live_app)
    log_in(page, live_server, username="adjudicator")
    page.goto(f"{live_server}/claims/{number}")
    code, pages = issue_download_and_verify(
        page, live_server, "Issue the decision letter", "decision"
    )
    text = squeezed("".join(pages))
    assert "propertyistoberestoredtotheclaimant" in text
    assert "1975titledeed" in text
    assert "Omar Khalid al-Jubouri".replace(" ", "") in text


def test_a_forged_code_is_reported_as_no_such_letter(page, live_server):
    page.goto(f"{live_server}/verify")
    page.get_by_label("Verification code").fill("7kq2 m9xd p4rt wz3h")
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{live_server}/verify/7KQ2-M9XD-P4RT-WZ3H")
    expect(page.get_by_text("No such letter.")).to_be_visible()
    screenshot(page, "verify-forged")
