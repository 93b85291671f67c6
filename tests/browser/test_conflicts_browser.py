"""A clerk is warned of a claimed parcel before saving; an adjudicator confirms the pair."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import fill_claimant_and_parcel, log_in, log_out, screenshot

pytestmark = pytest.mark.browser


def test_clerk_sees_the_conflict_before_saving_and_adjudicator_confirms_it(page, live_server):
    muqataa = str(random.randint(500, 9999))  # a muqata'a of this test's own
    log_in(page, live_server)
    page.goto(f"{live_server}/claims/new")
    fill_claimant_and_parcel(page, ("محمد", "عبد الرحمن", "حسين", "الدليمي"), muqataa, "345/6")
    page.get_by_role("button", name="Register the claim").last.click()
    first = page.locator("h1.claim-number").inner_text()

    # The same claimant comes back to another counter: name in Latin letters, the parcel
    # number in Arabic-Indic digits.
    page.goto(f"{live_server}/claims/new")
    fill_claimant_and_parcel(
        page, ("Mohamed", "Abdulrahman", "Hussein", "al-Dulaimi"), muqataa, "٣٤٥/٦"
    )
    page.get_by_role("button", name="Check for conflicting claims").click()
    warning = page.locator("#conflict-check")
    expect(warning).to_contain_text("Possible conflicting claims")
    expect(warning.get_by_role("link", name=first)).to_be_visible()
    expect(warning).to_contain_text("duplicate")
    expect(warning).to_contain_text("محمد عبد الرحمن حسين الدليمي")  # the name reason
    # Nothing was saved, and what the clerk typed is still there.
    expect(page.get_by_role("heading", name="Register a claim")).to_be_visible()
    expect(page.locator("#claimants-0-given_name")).to_have_value("Mohamed")
    screenshot(page, "claim-new-conflict-warning-en")

    page.get_by_role("button", name="Register the claim").last.click()
    second = page.locator("h1.claim-number").inner_text()
    assert second != first
    expect(page.get_by_role("heading", name="Possible conflicting claims")).to_be_visible()
    log_out(page)

    log_in(page, live_server, "adjudicator")
    page.goto(f"{live_server}/claims/conflicts?claim={second}")
    pair = page.get_by_role("region", name=re.compile(f"{first} ~ {second}"))
    expect(pair).to_be_visible()
    expect(pair).to_contain_text("Mohamed Abdulrahman Hussein")
    screenshot(page, "conflict-queue-en")
    pair.get_by_label("Confirm: the claims concern the same parcel").check()
    pair.get_by_label("Reason").fill("Same claimant filed twice; identity card checked.")
    pair.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text(f"{first} and {second}: confirmed.")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile(f"{first} ~ {second}"))).to_have_count(0)
