"""Security headers, error pages and the bilingual layout."""

from __future__ import annotations

import re

from sqlalchemy import event

from commission.accounts.models import Role
from commission.app import create_app
from commission.extensions import db
from commission.policy import allow_public
from tests.support.app import make_test_config


def test_security_headers_on_every_response(client):
    for path in ["/login", "/static/qayd.css", "/no-such-page"]:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<script" not in html
    assert " style=" not in html


def test_not_found_page_is_friendly(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_server_error_page_leaks_nothing(app, tmp_path):
    broken = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path))
    broken.testing = False
    broken.config["PROPAGATE_EXCEPTIONS"] = False

    @broken.route("/boom")
    @allow_public
    def boom():
        raise RuntimeError("database password is hunter2")

    response = broken.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "hunter2" not in body and "Traceback" not in body


def test_login_page_in_arabic_is_right_to_left(client):
    html = client.get("/login", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "تسجيل الدخول" in html


def test_language_switch_is_remembered(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'dir="ltr"' in html
    from tests.support.web import csrf_token

    token = csrf_token(client)
    client.post("/language/ar", data={"csrf_token": token, "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert 'dir="rtl"' in html


def test_a_logged_in_page_reads_its_user_once_and_is_not_cached(app, client, logged_in):
    """The answer's headers come after the request's commit, which expired the user:
    they are decided from the session, not by reading the user again."""
    logged_in(Role.CLERK)
    sent = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        response = client.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert len([statement for statement in sent if re.search(r'FROM "?user"? ', statement)]) == 1
