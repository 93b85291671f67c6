"""Login, lockout, logout, sessions and password storage."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commission.accounts.models import Role, User
from commission.audit import AuditEntry
from commission.db import utcnow
from commission.extensions import db
from commission.sessions import UserSession
from config import CONFIG_CLASSES, ConfigError, ProductionConfig, load_config
from tests.support.app import InOperational, unique
from tests.support.claim_forms import register
from tests.support.web import PASSWORD, UserRef, csrf_token, login


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


def _client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _address() -> str:
    suffix = uuid.uuid4().int
    return f"127.{suffix % 250 + 1}.{suffix // 250 % 250 + 1}.{suffix // 62500 % 250 + 1}"


def _refusal(response) -> tuple[int, str]:
    """The status and the error the page shows, with the name typed taken out."""
    page = response.get_data(as_text=True)
    errors = re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', page, re.DOTALL)
    assert errors, page
    return response.status_code, " ".join(errors)


def test_failures_pause_that_name_at_that_address_but_not_the_owner_elsewhere(app, make_user):
    user = make_user(Role.CLERK)
    guesser = _client_at(app, _address())
    for _attempt in range(5):
        assert login(guesser, user, password="not the password").status_code == 400

    paused = login(guesser, user)
    assert paused.status_code == 400
    assert "Wrong username or password." in paused.get_data(as_text=True)

    owner = _client_at(app, _address())
    assert login(owner, user).status_code == 302


def test_unknown_name_wrong_password_and_paused_account_answer_alike(app, make_user):
    user = make_user(Role.CLERK)
    client = _client_at(app, _address())
    wrong = login(client, user, password="not the password")
    unknown = login(client, UserRef(0, unique("nobody"), PASSWORD))
    for _attempt in range(5):
        login(client, user, password="not the password")
    paused = login(client, user)
    assert _refusal(wrong) == _refusal(unknown) == _refusal(paused)


def test_one_address_is_paused_after_many_names(app, make_user):
    previous = app.config["LOGIN_FAILURES_PER_ADDRESS"]
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "3 per 15 minutes"
    try:
        client = _client_at(app, _address())
        for _attempt in range(3):
            login(client, UserRef(0, unique("sprayed"), PASSWORD))
        user = make_user(Role.CLERK)
        assert login(client, user).status_code == 400
        assert login(_client_at(app, _address()), user).status_code == 302
    finally:
        app.config["LOGIN_FAILURES_PER_ADDRESS"] = previous


def test_admin_unlock_lifts_the_pause_at_every_address(app, runner, make_user):
    user = make_user(Role.CLERK)
    address = _address()
    for _attempt in range(5):
        login(_client_at(app, address), user, password="not the password")
    assert login(_client_at(app, address), user).status_code == 400

    result = runner.invoke(args=["users", "unlock", user.username])
    assert result.exit_code == 0, result.output
    assert login(_client_at(app, address), user).status_code == 302
    # The unlock itself is in the audit log, by the command line's actor.
    with InOperational(app) as session:
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "user", AuditEntry.entity_id == str(user.id))
            .order_by(AuditEntry.seq.desc())
        ).first()
        assert "logins_unlocked_at" in entry.after_json
        assert entry.actor_label.startswith("cli:users-unlock:")


def test_unlock_of_an_unknown_user_is_an_error(runner):
    result = runner.invoke(args=["users", "unlock", unique("nobody")])
    assert result.exit_code != 0
    assert "No user" in result.output


@pytest.mark.parametrize("username", ["ad\x00min", "a" * 100_000, "clerk\x07"])
def test_hostile_login_names_get_a_form_error_not_a_server_error(client, username):
    token = csrf_token(client)
    response = client.post(
        "/login", data={"username": username, "password": "x" * 12, "csrf_token": token}
    )
    assert response.status_code == 400
    assert 'id="username-errors"' in response.get_data(as_text=True)


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
    "SECRET_KEY": secrets.token_urlsafe(48),
    "VERIFY_BASE_URL": "https://qayd.example.gov.iq/verify/",
    "QAYD_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
}


def test_production_refuses_per_process_login_counts():
    environ = dict(PRODUCTION)
    del environ["QAYD_RATELIMIT_STORAGE_URI"]
    with pytest.raises(ConfigError, match="QAYD_RATELIMIT_STORAGE_URI"):
        load_config(environ)


@pytest.mark.parametrize("name", sorted(CONFIG_CLASSES))
def test_every_configuration_checks_connections_before_use(name):
    assert CONFIG_CLASSES[name].SQLALCHEMY_ENGINE_OPTIONS.get("pool_pre_ping") is True


def test_production_sets_secure_cookies_and_hsts():
    config = load_config(PRODUCTION)
    assert isinstance(config, ProductionConfig)
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SEND_HSTS is True
    assert config.ALLOW_DEMO_SEED is False


@pytest.mark.parametrize("secret", [None, "", "dev", "short-secret", "a" * 32, "ab" * 40])
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


def _session_rows(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(UserSession))
        db.session.remove()
    return count


@pytest.mark.parametrize("path", ["/login", "/verify/ABCD-EFGH-IJKL", "/"])
def test_anonymous_requests_store_no_session(app, path):
    before = _session_rows(app)
    for _request in range(5):
        app.test_client().get(path)
    assert _session_rows(app) == before


def test_anonymous_csrf_token_rides_in_a_signed_cookie_that_cannot_be_forged(app, make_user):
    client = app.test_client()
    client.get("/login")
    cookie = client.get_cookie("qayd_session").value
    assert "." in cookie  # signed data, not the id of a stored row

    forger = app.test_client()
    forger.set_cookie("qayd_session", cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"))
    token = csrf_token(client)
    response = forger.post(
        "/login", data={"username": "x", "password": "y" * 12, "csrf_token": token}
    )
    assert "The form has expired" in response.get_data(as_text=True)


def test_logout_deletes_the_session_row(app, client, make_user):
    user = make_user(Role.CLERK)
    login(client, user)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():
        rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert rows == []
    assert "logged out" in client.get("/login").get_data(as_text=True)


def test_a_session_is_touched_at_most_once_a_minute(app, client, make_user):
    user = make_user(Role.CLERK)
    login(client, user)

    def expiry():
        with app.app_context():
            return db.session.scalar(
                select(UserSession.expires_at).where(UserSession.user_id == user.id)
            )

    first = expiry()
    for _request in range(3):
        assert client.get("/").status_code == 200
    assert expiry() == first

    with app.app_context():
        row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
        row.expires_at -= app.config["SESSION_REFRESH_EVERY"] + timedelta(seconds=1)
        db.session.commit()
    client.get("/")
    assert expiry() > first - app.config["SESSION_REFRESH_EVERY"]


def test_saving_a_form_and_seeing_its_message_leaves_the_session_row_alone(app, client, make_user):
    """A registration flashes its claim number for the next page: the message travels in
    a signed cookie, so neither request writes the session row."""
    user = make_user(Role.CLERK)
    login(client, user)

    def stored_row():
        with app.app_context():
            row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
            return row.data, row.expires_at

    before = stored_row()
    number = register(client, **{"claimants-0-family_name": unique("الجبوري")})
    assert client.get_cookie("qayd_session_flashes") is not None
    assert f"Claim {number} is registered." in client.get(f"/claims/{number}").get_data(
        as_text=True
    )
    assert client.get_cookie("qayd_session_flashes") is None
    assert f"Claim {number} is registered." not in client.get("/").get_data(as_text=True)
    assert stored_row() == before


def test_messages_flashed_to_one_session_are_not_shown_in_another(app, client, make_user):
    login(client, make_user(Role.CLERK))
    number = register(client, **{"claimants-0-family_name": unique("الجبوري")})
    carried = client.get_cookie("qayd_session_flashes").value

    other = app.test_client()
    login(other, make_user(Role.CLERK))
    other.set_cookie("qayd_session_flashes", carried)
    assert f"Claim {number} is registered." not in other.get("/").get_data(as_text=True)


def test_expired_sessions_are_purged_by_logins_without_a_command(app, client, make_user):
    with app.app_context():
        db.session.add(
            UserSession(
                id_hash=uuid.uuid4().hex * 2,
                data="{}",
                created_at=utcnow() - timedelta(days=2),
                expires_at=utcnow() - timedelta(days=1),
            )
        )
        db.session.commit()
    app.extensions.pop("qayd_sessions_last_purge", None)
    login(client, make_user(Role.CLERK))
    with app.app_context():
        expired = db.session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.expires_at <= utcnow())
        )
    assert expired == 0
