"""A clerk registers a claim in the browser, sees its number, and finds it again."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in, scan_png, screenshot

pytestmark = pytest.mark.browser


def switch_language(page):
    page.locator(".lang-switch button").click()


def test_clerk_registers_a_claim_and_finds_it_again(page, live_server, tmp_path):
    family = f"الجبوري{uuid.uuid4().hex[:6]}"
    log_in(page, live_server)
    page.get_by_role("link", name="Claims").click()
    page.get_by_role("link", name="Register a claim").click()
    expect(page.get_by_role("heading", name="Register a claim")).to_be_visible()

    # A second claimant row comes from the server: no script on the page.
    page.get_by_role("button", name="Add another claimant").click()
    expect(page.locator("#claimants-1-given_name")).to_be_visible()

    for index, (given, share) in enumerate([("محمد", "50"), ("فاطمة", "٥٠")]):
        page.locator(f"#claimants-{index}-given_name").fill(given)
        page.locator(f"#claimants-{index}-father_name").fill("عبد الرحمن")
        page.locator(f"#claimants-{index}-grandfather_name").fill("حسين")
        page.locator(f"#claimants-{index}-family_name").fill(family)
        page.locator(f"#claimants-{index}-share_percent").fill(share)
    page.locator("#claimants-0-latin_name").fill("Mohamed Abdulrahman al-Jubouri")
    page.locator("#claimants-0-id_document_type").select_option("national_id")
    page.locator("#claimants-0-id_document_number").fill("199012345678")
    page.get_by_label("Muqata'a number").fill("12")
    page.get_by_label("Muqata'a name").fill("الكرادة")
    page.get_by_label("Parcel number").fill("٣٤٥/٦")
    page.get_by_label("Area (m²)").fill("250")
    page.get_by_label("Date of dispossession").fill("1991-05-12")
    page.locator("#evidence-0-file").set_input_files(scan_png(tmp_path))
    screenshot(page, "claim-new-filled-en")

    page.get_by_role("button", name="Register the claim").last.click()
    number_heading = page.locator("h1.claim-number")
    expect(number_heading).to_have_text(re.compile(r"^BGD-\d{4}-\d{6}$"))
    number = number_heading.inner_text()
    expect(page.get_by_text(f"Claim {number} is registered.")).to_be_visible()
    expect(page.get_by_role("link", name="صك الملكية.png")).to_be_visible()
    expect(page.get_by_text(f"فاطمة عبد الرحمن حسين {family}")).to_be_visible()
    screenshot(page, "claim-page-en")

    page.get_by_role("link", name="Edit the claim").click()
    expect(page.locator("#claimants-1-given_name")).to_have_value("فاطمة")
    expect(page.get_by_text("صك الملكية.png")).to_be_visible()  # attached, never removed
    screenshot(page, "claim-edit-en")

    page.get_by_role("link", name="Claims", exact=True).click()
    page.get_by_label("Name of a party").fill(f"فاطمة {family}")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=number)).to_be_visible()
    expect(page.locator(".claim-table tbody tr")).to_have_count(1)
    screenshot(page, "claim-list-en")

    switch_language(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_role("link", name=number).click()
    expect(page.locator("h1.claim-number")).to_have_text(number)
    screenshot(page, "claim-page-ar")


def test_errors_are_shown_beside_their_fields_in_both_languages(page, live_server):
    log_in(page, live_server)
    page.goto(f"{live_server}/claims/new")
    page.get_by_label("Parcel number").fill("abc")
    page.get_by_role("button", name="Register the claim").last.click()
    expect(page.locator("#claimants-0-given_name-errors")).to_have_text(
        "The given name is required."
    )
    expect(page.locator("#parcel_no-errors")).to_contain_text("is not a parcel number")
    expect(page.locator("#claimants-0-given_name")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "claim-new-errors-en")

    switch_language(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="تسجيل مطالبة")).to_be_visible()
    screenshot(page, "claim-new-ar")
    page.get_by_role("button", name="تسجيل المطالبة").last.click()
    expect(page.locator("#claimants-0-given_name-errors")).to_be_visible()
    screenshot(page, "claim-new-errors-ar")
    page.goto(f"{live_server}/claims/")
    screenshot(page, "claim-list-ar")
