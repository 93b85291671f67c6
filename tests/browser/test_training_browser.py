"""A trainer starts a practice run, the trainee works it under the TRAINING banner and
submits it, and the trainer sees the score."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in, log_out, screenshot

pytestmark = pytest.mark.browser


def test_trainer_starts_a_run_trainee_works_it_trainer_sees_the_score(page, live_server):
    log_in(page, live_server, "trainer")
    page.get_by_role("link", name="Training").click()
    page.get_by_label(re.compile("Two families, one house in Karrada")).check()
    page.get_by_label(re.compile("Zainab Hassan Ali")).check()
    page.get_by_role("button", name="Start the run").click()
    expect(page.get_by_text("The practice run has started.")).to_be_visible()
    run_url = page.url
    expect(page.get_by_role("cell", name=re.compile("Zainab Hassan Ali"))).to_be_visible()
    log_out(page)

    # The trainee, a clerk in real life, enters the sandbox.
    log_in(page, live_server, "clerk")
    page.get_by_role("link", name="Training").click()
    page.get_by_role("button", name="Enter the practice").first.click()
    banner = page.locator(".training-banner")
    expect(banner).to_contain_text("TRAINING")
    expect(banner).to_contain_text("تدريب")
    expect(page.locator(".claim-table tbody tr")).to_have_count(3)  # the scenario's claims
    screenshot(page, "training-claims-en")

    # Inside, the trainee reviews conflicts as an adjudicator would: confirm the two
    # families' pair, dismiss the others.
    page.get_by_role("link", name="Conflicts").click()
    expect(banner).to_be_visible()
    for _ in range(3):
        pair = page.locator("section.pair").first
        # Both families claim parcel 217/3; the neighbour's parcel is 271.
        decision = "Dismiss: not the same parcel"
        if "271" not in pair.inner_text():
            decision = "Confirm: the claims concern the same parcel"
        pair.get_by_label(decision).check()
        pair.get_by_label("Reason").fill("Compared deeds, parcels and names.")
        pair.get_by_role("button", name="Record the review").click()
        expect(page.locator(".flash").first).to_be_visible()
    screenshot(page, "training-conflicts-done-en")

    page.get_by_role("link", name="Training").click()
    page.get_by_role("button", name="Submit for scoring").first.click()
    expect(page.get_by_text("Your practice is submitted and scored.")).to_be_visible()
    score = page.locator("p.score").inner_text()
    assert re.fullmatch(r"\d{1,3}%", score)
    expect(page.locator(".training-banner")).to_have_count(0)  # back in real data
    screenshot(page, "training-report-en")
    log_out(page)

    log_in(page, live_server, "trainer")
    page.goto(run_url)
    expect(page.get_by_role("link", name=score)).to_be_visible()
    page.get_by_role("link", name=score).click()
    expect(page.get_by_role("heading", name="What was missed, and why it matters")).to_be_visible()
    screenshot(page, "training-report-trainer-en")
