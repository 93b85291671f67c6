"""A claim registered without muqata'a and parcel number: flagged on its page, its
registry extract requested, its parcel recorded and shown in its history."""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    fill_claimant_and_parcel,
    issue_download_and_verify,
    log_in,
    log_out,
    screenshot,
    switch_language,
)

pytestmark = pytest.mark.browser


def test_a_claim_registered_without_parcel_is_identified_on_its_page(page, live_server):
    log_in(page, live_server)
    page.goto(f"{live_server}/claims/new")
    fill_claimant_and_parcel(page, ("سلمى", "ناصر", "عباس", "الخفاجي"), "", "")
    page.get_by_label("Address of the property").fill("محلة 512، زقاق 9، دار 31")
    page.get_by_role("button", name="Register the claim").last.click()
    number = page.locator("h1.claim-number").inner_text()
    expect(page.locator(".claim-head .parcel-to-identify")).to_have_text("Parcel to be identified")
    log_out(page)

    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server}/claims/{number}")
    page.get_by_label("What the registry should search by (optional)").fill(
        "Near the Karrada market, house with a blue gate."
    )
    page.get_by_role("button", name="Request the registry extract").click()
    expect(page.get_by_text("The registry extract is requested")).to_be_visible()
    expect(page.locator("ol.timeline")).to_contain_text("Registry extract requested")
    screenshot(page, "claim-parcel-to-be-identified-en")
    switch_language(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    screenshot(page, "claim-parcel-to-be-identified-ar")
    switch_language(page)
    _code, pages = issue_download_and_verify(
        page, live_server, "Issue the request for a registry extract", "registry_extract_request"
    )
    assert "Karrada market" in " ".join(pages)
    page.goto(f"{live_server}/claims/{number}")

    muqataa = str(random.randint(10_000, 99_999))
    identify = page.locator("#identify-parcel")
    page.locator("section.parcel summary").first.click()
    identify.locator("#muqataa_no").fill(muqataa)
    identify.locator("#parcel_no").fill("٥١٢/٣")
    identify.locator("#reason").fill("Registry extract no. 4471 of the Karrada directorate.")
    identify.get_by_role("button", name="Record the parcel").click()
    expect(page.get_by_text("The parcel is recorded")).to_be_visible()
    expect(page.locator(".claim-head .parcel-to-identify")).to_have_count(0)
    expect(page.locator("section.parcel")).to_contain_text("512/3")
    expect(page.locator("ol.timeline")).to_contain_text("Parcel identified")
    screenshot(page, "claim-parcel-identified-en")
