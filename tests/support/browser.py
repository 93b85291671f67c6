"""Browser test helpers: screenshots into test-artifacts/ and the steps several
scenarios share (logging in and out, switching the language, filling a claimant and a
parcel, a scan to upload, issuing a letter and checking it)."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from demo.people import DEMO_PASSWORD
from tests.documents.pdf import page_texts, squeezed

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def confirm(page, question: str = "") -> None:
    """Answer the confirmation step of an irreversible action (its question checked)."""
    step = page.locator("section.confirm")
    expect(step).to_be_visible()
    if question:
        expect(step).to_contain_text(question)
    step.locator(".confirm-form button[type=submit]").click()


def switch_language(page):
    page.locator(".lang-switch button").click()


def log_in(page, live_server, username="clerk"):
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Claims")).to_be_visible()


def scan_png(tmp_path) -> str:
    path = tmp_path / "صك الملكية.png"
    Image.new("RGB", (120, 80), (240, 235, 220)).save(path, format="PNG")
    return str(path)


def fill_claimant_and_parcel(page, names: tuple[str, str, str, str], muqataa: str, parcel: str):
    for field, value in zip(
        ("given_name", "father_name", "grandfather_name", "family_name"), names, strict=True
    ):
        page.locator(f"#claimants-0-{field}").fill(value)
    page.get_by_label("Muqata'a number").fill(muqataa)
    page.get_by_label("Parcel number").fill(parcel)
    page.get_by_label("Date of dispossession").fill("1991-05-12")


def log_out(page):
    page.get_by_role("button", name="Log out").click()


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
