"""Browser test helpers: screenshots into test-artifacts/ and the steps several
scenarios share (logging in and out, filling a claimant and a parcel, a scan to upload)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from demo.people import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


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
