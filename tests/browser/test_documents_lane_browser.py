"""The incomplete lane as the staff work it: the adjudicator asks for documents, the
clerk files what the claimant brings on the claim page, the adjudicator records them as
received, and the history shows what came in, in English and in Arabic."""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    confirm,
    fill_claimant_and_parcel,
    log_in,
    log_out,
    scan_png,
    screenshot,
    switch_language,
)

pytestmark = pytest.mark.browser


def test_requested_documents_are_filed_and_received(page, live_server, tmp_path):
    log_in(page, live_server)
    page.goto(f"{live_server}/claims/new")
    muqataa = str(random.randint(10_000, 99_999))
    fill_claimant_and_parcel(page, ("سعاد", "حميد", "ناصر", "العبيدي"), muqataa, "41")
    page.get_by_role("button", name="Register the claim").last.click()
    number = page.locator("h1.claim-number").inner_text()
    log_out(page)

    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server}/adjudication/unassigned")
    omar = page.locator("#adjudicator option", has_text="Omar Khalid al-Jubouri")
    page.get_by_label("Assign to").select_option(omar.get_attribute("value"))
    page.get_by_label(number).check()
    page.get_by_role("button", name="Assign the ticked claims").click()
    log_out(page)

    log_in(page, live_server, "adjudicator")
    page.goto(f"{live_server}/claims/{number}")
    page.get_by_role("button", name="Start screening").click()
    confirm(page)
    page.get_by_role("link", name="Request missing documents").click()
    page.get_by_label("Documents the claimant must supply").fill(
        "- Title deed of the parcel (tapu)\n- Death certificate of the registered owner"
    )
    page.get_by_role("button", name="Request missing documents").click()
    expect(page.get_by_text("Request missing documents: done.")).to_be_visible()
    log_out(page)

    # The claimant brings the deed to the branch office.
    log_in(page, live_server)
    page.goto(f"{live_server}/claims/{number}")
    expect(page.locator("body")).to_contain_text("Title deed of the parcel")
    filing = page.locator("form.add-evidence")
    filing.get_by_label("Kind of document").select_option("title_deed")
    filing.get_by_label("Scan (PDF, JPEG, PNG or TIFF)").set_input_files(scan_png(tmp_path))
    filing.get_by_label("Note").fill("Original seen at the counter, copy filed.")
    filing.get_by_role("button", name="File the document").click()
    expect(page.get_by_text("is filed on claim")).to_be_visible()
    screenshot(page, "documents-lane-filed-en")
    log_out(page)

    log_in(page, live_server, "adjudicator")
    page.goto(f"{live_server}/claims/{number}")
    page.get_by_role("button", name="Documents received").click()
    confirm(page)
    expect(page.get_by_text("Documents received: done.")).to_be_visible()
    history = page.locator("section[aria-labelledby=timeline-heading]")
    expect(history).to_contain_text("Document filed")
    expect(history).to_contain_text("Original seen at the counter, copy filed.")
    screenshot(page, "documents-lane-received-en")
    switch_language(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("section[aria-labelledby=timeline-heading]")).to_contain_text(
        "صك الملكية.png"
    )
    screenshot(page, "documents-lane-received-ar")
