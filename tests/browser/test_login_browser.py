"""The login page in both languages, and a demo user logging in and out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from demo.people import DEMO_PASSWORD
from tests.support.browser import screenshot

pytestmark = pytest.mark.browser


def test_login_page_in_english(page, live_server):
    page.goto(f"{live_server}/login")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    screenshot(page, "login-en")


def test_login_page_switches_to_arabic_right_to_left(page, live_server):
    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="تسجيل الدخول")).to_be_visible()
    # Right to left: the login card's heading starts at the right edge of its card.
    heading = page.get_by_role("heading", name="تسجيل الدخول").bounding_box()
    card = page.locator(".card").bounding_box()
    assert heading["x"] + heading["width"] > card["x"] + card["width"] * 0.6
    screenshot(page, "login-ar")


def test_demo_user_logs_in_and_out(page, live_server):
    page.goto(f"{live_server}/")
    expect(page).to_have_url(f"{live_server}/login?next=/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Welcome, Zainab Hassan Ali")).to_be_visible()
    screenshot(page, "home-clerk")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have been logged out.")).to_be_visible()
    page.goto(f"{live_server}/")
    expect(page).to_have_url(f"{live_server}/login?next=/")


def test_wrong_password_shows_an_error_beside_the_field(page, live_server):
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password.")
