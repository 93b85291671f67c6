"""Browser tests: Debian's chromium driven by Playwright against a live local server.

The server is the real app on its own migrated SQLite database with the demo data,
served by werkzeug on a free port in a thread. Never a downloaded browser.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from commission.app import create_app
from tests.support.app import make_test_config

CHROMIUM = "/usr/bin/chromium"


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} is missing: install it with `apt-get install chromium`"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The live server's app, for tests that prepare data through the service layer."""
    tmp = tmp_path_factory.mktemp("browser")
    app = create_app(make_test_config(f"sqlite:///{tmp / 'browser.sqlite'}", tmp / "files"))
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    yield page
    context.close()
