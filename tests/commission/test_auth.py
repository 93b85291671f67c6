"""Login, lockout, logout, sessions and password storage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from commission.accounts.models import Role, User
from commission.db import utcnow
from commission.extensions import db
from commission.sessions import UserSession
from config import ConfigError, ProductionConfig, load_config
from tests.support.web import PASSWORD, csrf_token, login


def _user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_demo_style_login_reaches_home_page(client, make_user):
    user = make_user(Role.CLERK)
    response = login(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, Test User" in page


def test_wrong_password_is_refused_without_saying_which_part(client, make_user):
    user = make_user(Role.CLERK)
    response = login(client, user, password="wrong password entirely")
    assert response.status_code == 400
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_user_gets_the_same_message(client):
    token = csrf_token(client)
    response = client.post(
        "/login", data={"username": "nobody-here", "password": "x" * 12, "csrf_token": token}
    )
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user(Role.CLERK)
    client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": user.password})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_without_csrf_token_does_not_log_out(client, make_user):
    login(client, make_user(Role.CLERK))
    client.post("/logout", data={})
    assert client.get("/").status_code == 200


def test_repeated_failures_lock_the_account_even_for_the_right_password(app, client, make_user):
    user = make_user(Role.CLERK)
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, user, password="not the password")
    locked = _user(app, user.id)
    assert locked.is_locked(utcnow())

    response = login(app.test_client(), user)
    assert response.status_code == 400
    assert "locked" in response.get_data(as_text=True)


def test_failure_count_lives_in_the_database_across_clients(app, make_user):
    user = make_user(Role.CLERK)
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        login(app.test_client(), user, password="not the password")  # a new "worker" each time
    assert _user(app, user.id).failed_login_count == app.config["LOGIN_MAX_FAILURES"] - 1
    assert login(app.test_client(), user).status_code == 302
    assert _user(app, user.id).failed_login_count == 0


def test_lock_expires(app, client, make_user):
    user = make_user(Role.CLERK)
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, user, password="not the password")
    with app.app_context():
        db.session.get(User, user.id).locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert login(client, user).status_code == 302


def test_logout_kills_a_copied_session_cookie(app, client, make_user):
    login(client, make_user(Role.CLERK))
    stolen = client.get_cookie("qayd_session").value
    assert client.get("/").status_code == 200

    token = csrf_token(client, "/")
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/").status_code == 302

    thief = app.test_client()
    thief.set_cookie("qayd_session", stolen)
    response = thief.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_session_id_is_regenerated_at_login(app, client, make_user):
    user = make_user(Role.CLERK)
    client.get("/login")  # the CSRF token gives the anonymous visitor a session
    before = client.get_cookie("qayd_session").value
    login(client, user)
    after = client.get_cookie("qayd_session").value
    assert before != after

    planted = app.test_client()
    planted.set_cookie("qayd_session", before)
    assert planted.get("/").status_code == 302


def test_sessions_are_stored_server_side_by_hash_only(app, client, make_user):
    user = make_user(Role.CLERK)
    login(client, user)
    cookie = client.get_cookie("qayd_session").value
    with app.app_context():
        rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(rows) == 1
    assert cookie not in rows[0].id_hash and cookie not in rows[0].data


def test_session_cookie_flags(client, make_user):
    response = login(client, make_user(Role.CLERK))
    cookie_header = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie_header
    assert "SameSite=Lax" in cookie_header
    assert "Expires" not in cookie_header  # no long-lived cookie: the browser session only


PRODUCTION = {
    "QAYD_ENV": "production",
    "SECRET_KEY": "k" * 48,
    "VERIFY_BASE_URL": "https://qayd.example.gov.iq/verify/",
}


def test_production_sets_secure_cookies_and_hsts():
    config = load_config(PRODUCTION)
    assert isinstance(config, ProductionConfig)
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SEND_HSTS is True
    assert config.ALLOW_DEMO_SEED is False


@pytest.mark.parametrize("secret", [None, "", "dev", "short-secret"])
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    environ = {"QAYD_ENV": "production"}
    if secret is not None:
        environ["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(environ)


@pytest.mark.parametrize("address", [None, "", "http://qayd.example.gov.iq/verify/"])
def test_production_refuses_to_start_without_an_https_verify_address(address):
    environ = {key: value for key, value in PRODUCTION.items() if key != "VERIFY_BASE_URL"}
    if address is not None:
        environ["VERIFY_BASE_URL"] = address
    with pytest.raises(ConfigError, match="VERIFY_BASE_URL"):
        load_config(environ)


def test_passwords_are_hashed_with_argon2id(app, make_user):
    user = make_user(Role.CLERK)
    stored = _user(app, user.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_production_argon2_cost_meets_owasp_minimum():
    config = ProductionConfig()
    # OWASP: argon2id with at least 19 MiB memory and 2 iterations.
    assert config.ARGON2_MEMORY_COST_KIB >= 19 * 1024
    assert config.ARGON2_TIME_COST >= 2


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:x"])
def test_login_never_redirects_off_site(client, make_user, target):
    user = make_user(Role.CLERK)
    token = csrf_token(client)
    response = client.post(
        f"/login?next={target}",
        data={"username": user.username, "password": user.password, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_disabled_account_cannot_log_in(app, client, make_user):
    user = make_user(Role.CLERK)
    with app.app_context():
        db.session.get(User, user.id).is_active_account = False
        db.session.commit()
    response = login(client, user)
    assert response.status_code == 400
    assert "disabled" in response.get_data(as_text=True)


def test_an_open_session_stops_when_the_account_is_disabled(app, client, make_user):
    user = make_user(Role.CLERK)
    login(client, user)
    with app.app_context():
        db.session.get(User, user.id).is_active_account = False
        db.session.commit()
    assert client.get("/").status_code == 302
