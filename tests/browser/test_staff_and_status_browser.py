"""An administrator creates an account, the new member of staff logs in with the
one-time password and chooses their own; a claimant looks up a claim's status in English
and in Arabic."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from playwright.sync_api import expect

from claims.domain import ClaimBasis, ParcelInput, PropertyType
from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import operational_workspace_id, use_workspace
from tests.support.browser import log_in, log_out, screenshot, switch_language
from tests.support.claims import IntakeContext, claim_input, claimant

pytestmark = pytest.mark.browser


def test_admin_creates_a_user_who_logs_in_and_chooses_a_password(page, live_server):
    username = f"rana-{uuid.uuid4().hex[:6]}"
    log_in(page, live_server, username="admin")
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Staff")).to_be_visible()
    # The training scenarios' cast is not staff.
    expect(page.get_by_text("training-adjudicator")).to_have_count(0)
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Name in Latin script").fill("Rana Adel Hamid")
    page.get_by_label("Name in Arabic script").fill("رنا عادل حميد")
    page.get_by_label("Office").select_option("NIN")
    page.get_by_label("clerk").check()
    screenshot(page, "staff-create-form")
    page.get_by_role("button", name="Create the account").click()

    expect(page.get_by_role("heading", name=f"Account {username} created")).to_be_visible()
    one_time = page.locator("#one-time-password").inner_text().strip()
    assert len(one_time) >= 12
    screenshot(page, "staff-one-time-password")
    log_out(page)

    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(one_time)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    expect(page.get_by_text("Your password was set by an administrator.")).to_be_visible()
    screenshot(page, "staff-must-change-password")
    page.get_by_label("Current password").fill(one_time)
    page.get_by_label("New password", exact=True).fill("rana's own password 2026")
    page.get_by_label("New password again").fill("rana's own password 2026")
    page.get_by_role("button", name="Change the password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Welcome, Rana Adel Hamid")).to_be_visible()
    switch_language(page)
    expect(page.get_by_role("heading", name="أهلاً، رنا عادل حميد")).to_be_visible()
    screenshot(page, "staff-new-user-home-ar")
    switch_language(page)
    log_out(page)

    log_in(page, live_server, username="admin")
    page.goto(f"{live_server}/admin/users?name={username}")
    row = page.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("رنا عادل حميد")
    expect(row).to_contain_text("active")
    screenshot(page, "staff-list")


def _claim_for_status(app) -> str:
    """A claim in Baghdad whose parcel is still to be identified, filed in 2026 by a
    claimant whose identity number ends in 2391."""
    with app.app_context():
        workspace_id = operational_workspace_id(db.session)
        with use_workspace(workspace_id):
            set_actor(Actor(None, "browser-test"))
            claim = IntakeContext(app, workspace_id).register(
                claim_input(
                    parcel=ParcelInput(
                        governorate_code="IQ-BG",
                        muqataa_no="",
                        parcel_no="",
                        property_type=PropertyType.HOUSE,
                    ),
                    parties=[
                        claimant(
                            "سعاد",
                            "كاظم",
                            "جواد",
                            f"الموسوي{uuid.uuid4().hex[:6]}",
                            id_document_number="00417 2391",
                        )
                    ],
                    claim_basis=ClaimBasis.FORCED_RELOCATION,
                    filed_on=date(2026, 2, 11),
                )
            )
            number = claim.number
            db.session.commit()
    return number


def test_a_claimant_looks_up_the_status_in_english_and_arabic(page, live_server, live_app):
    number = _claim_for_status(live_app)
    page.goto(f"{live_server}/status")
    expect(page.get_by_role("heading", name="Status of a claim")).to_be_visible()
    page.get_by_label("Claim number").fill(number)
    page.get_by_label("Year the claim was filed").fill("2026")
    page.get_by_label("Last four digits").fill("2391")
    page.get_by_role("button", name="Look up").click()
    answer = page.locator("#status-answer")
    expect(answer).to_contain_text("Your claim is registered.")
    expect(answer).to_contain_text("Baghdad")
    expect(answer).not_to_contain_text("سعاد")
    screenshot(page, "status-en")

    switch_language(page)
    expect(page.get_by_role("heading", name="حالة مطالبة")).to_be_visible()
    page.get_by_label("رقم المطالبة").fill(number)
    page.get_by_label("سنة تقديم المطالبة").fill("٢٠٢٦")
    page.get_by_label("آخر أربعة أرقام").fill("٢٣٩١")
    page.get_by_role("button", name="استعلام").click()
    expect(answer).to_contain_text("سُجّلت مطالبتك.")
    expect(answer).to_contain_text("بغداد")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    screenshot(page, "status-ar")

    page.get_by_label("رقم المطالبة").fill(number)
    page.get_by_label("سنة تقديم المطالبة").fill("2025")
    page.get_by_label("آخر أربعة أرقام").fill("2391")
    page.get_by_role("button", name="استعلام").click()
    expect(answer).to_contain_text("لا توجد مطالبة تطابق هذه البيانات.")
    screenshot(page, "status-ar-no-match")
    switch_language(page)
