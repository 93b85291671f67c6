"""An adjudicator screens, reviews and drafts; a reviewer approves. Each sees only the
actions the state machine allows them, as buttons on the claim page."""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import expect

from tests.support.browser import fill_claimant_and_parcel, log_in, log_out, screenshot

pytestmark = pytest.mark.browser


def case_buttons(page) -> list[str]:
    case = page.locator("section.case")
    return sorted(
        label.strip()
        for label in case.locator(".case-actions a, .case-actions button").all_inner_texts()
    )


def test_screen_review_draft_and_approve_with_four_eyes(page, live_server):
    # A claim with no respondent, on a parcel of its own.
    log_in(page, live_server)
    page.goto(f"{live_server}/claims/new")
    muqataa = str(random.randint(10_000, 99_999))
    fill_claimant_and_parcel(page, ("زينب", "كاظم", "جواد", "الموسوي"), muqataa, "77")
    page.get_by_role("button", name="Register the claim").last.click()
    number = page.locator("h1.claim-number").inner_text()
    assert case_buttons(page) == ["Record withdrawal"]  # the clerk's only action now
    log_out(page)

    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server}/claims/{number}")
    assert case_buttons(page) == []  # nobody is assigned yet; a reviewer does not screen
    page.goto(f"{live_server}/adjudication/unassigned")
    omar = page.locator("#adjudicator option", has_text="Omar Khalid al-Jubouri")
    page.get_by_label("Assign to").select_option(omar.get_attribute("value"))
    page.get_by_label(number).check()
    page.get_by_role("button", name="Assign the ticked claims").click()
    expect(page.get_by_text("1 claims assigned to Omar Khalid al-Jubouri.")).to_be_visible()
    log_out(page)

    log_in(page, live_server, "adjudicator")
    page.goto(f"{live_server}/adjudication/")
    page.get_by_role("link", name=number).click()
    assert case_buttons(page) == ["Start screening"]
    page.get_by_role("button", name="Start screening").click()
    expect(page.get_by_text("Start screening: done.")).to_be_visible()
    # No respondent named: admit, or ask for documents, annul, declare inadmissible.
    assert case_buttons(page) == [
        "Admit for review (no respondent)",
        "Annul the claim",
        "Declare inadmissible",
        "Request missing documents",
    ]
    page.get_by_role("button", name="Admit for review (no respondent)").click()
    assert case_buttons(page) == ["Draft the decision", "Schedule a hearing"]
    screenshot(page, "claim-under-review-en")

    page.get_by_role("link", name="Draft the decision").click()
    page.get_by_label("Outcome", exact=True).select_option("restitution")
    page.get_by_label("Reasons for the decision").fill(
        "The claimant holds the 1978 title deed; the house was confiscated in 1991."
    )
    page.get_by_label("Law No. 13 of 2010: property confiscated for political").check()
    screenshot(page, "decision-draft-form-en")
    page.get_by_role("button", name="Draft the decision").click()
    expect(page.get_by_text("Draft the decision: done.")).to_be_visible()
    assert case_buttons(page) == []  # the drafter cannot approve their own draft
    log_out(page)

    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server}/claims/{number}")
    assert case_buttons(page) == ["Approve and issue the decision", "Return the draft"]
    page.get_by_role("link", name="Approve and issue the decision").click()
    page.get_by_role("button", name="Approve and issue the decision").click()
    expect(page.get_by_text("Approve and issue the decision: done.")).to_be_visible()
    expect(page.locator(".claim-head .tag.state")).to_have_text("decision issued")
    history = page.locator("ol.timeline")
    expect(history).to_contain_text("Restitution of the property")
    expect(history).to_contain_text("approved by Huda Salman al-Tamimi")
    screenshot(page, "claim-decision-issued-en")

    page.locator(".lang-switch button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("ol.timeline")).to_contain_text("إعادة العقار")
    screenshot(page, "claim-decision-issued-ar")
