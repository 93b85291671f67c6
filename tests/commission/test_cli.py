"""The CLI: users create, seed-demo, offices sync."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from commission.accounts.models import Office, Role, User
from commission.db import utcnow
from commission.extensions import db
from commission.sessions import UserSession
from demo.people import DEMO_PASSWORD, DEMO_USERS
from tests.support.app import unique
from tests.support.web import login


def test_users_create_prompts_for_the_password(app, runner):
    username = unique("cli")
    password = "a long enough password"
    result = runner.invoke(
        args=[
            "users",
            "create",
            username,
            "--role",
            "adjudicator",
            "--role",
            "reviewer",
            "--office",
            "nin",
            "--full-name",
            "Ahmed Saleh",
            "--name-ar",
            "أحمد صالح",
        ],
        input=f"{password}\n{password}\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user.roles == {Role.ADJUDICATOR, Role.REVIEWER}
        assert user.office.code == "NIN"
        assert (user.full_name, user.name_ar) == ("Ahmed Saleh", "أحمد صالح")
        assert user.password_hash.startswith("$argon2id$")


def test_users_create_refuses_unknown_office_and_creates_nothing(app, runner):
    username = unique("cli")
    result = runner.invoke(
        args=[
            "users",
            "create",
            username,
            "--role",
            "clerk",
            "--office",
            "XXX",
            "--password",
            "a long enough password",
        ],
    )
    assert result.exit_code != 0
    assert "No office with code" in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == username)) is None


def test_users_create_refuses_a_short_password(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            unique("cli"),
            "--role",
            "clerk",
            "--office",
            "BGD",
            "--password",
            "short",
        ],
    )
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output


def test_seed_demo_is_idempotent_and_prints_the_logins(app, runner):
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    assert "(0 users created)" in second.output
    assert DEMO_PASSWORD in second.output
    with app.app_context():
        for username, _name, _name_ar, roles, office in DEMO_USERS:
            user = db.session.scalar(select(User).where(User.username == username))
            assert user.roles == roles and user.office.code == office


def test_seed_demo_is_refused_in_production(app, runner):
    app.config["ALLOW_DEMO_SEED"] = False
    try:
        result = runner.invoke(args=["seed-demo"])
    finally:
        app.config["ALLOW_DEMO_SEED"] = True
    assert result.exit_code != 0
    assert "refused" in result.output


def test_disabling_a_user_ends_their_open_sessions(app, runner, client, make_user):
    user = make_user(Role.CLERK)
    login(client, user)
    assert client.get("/").status_code == 200
    result = runner.invoke(args=["users", "disable", user.username])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302
    assert login(app.test_client(), user).status_code == 400


def test_purge_sessions_deletes_only_expired_ones(app, runner, client, make_user):
    user = make_user(Role.CLERK)
    login(client, user)
    with app.app_context():
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user.id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    result = runner.invoke(args=["users", "purge-sessions"])
    assert result.exit_code == 0
    with app.app_context():
        remaining = db.session.scalars(
            select(UserSession).where(UserSession.user_id == user.id)
        ).all()
    assert remaining == []
    assert client.get("/").status_code == 302


def test_offices_contact_sets_what_the_status_look_up_shows(app, runner):
    contact = "+964 770 555 0199 · شارع الرشيد"
    result = runner.invoke(args=["offices", "contact", "bsr", contact])
    assert result.exit_code == 0, result.output
    with app.app_context():
        office = db.session.scalar(select(Office).where(Office.code == "BSR"))
        assert office.contact == contact
    for refused in (["XYZ", "+964"], ["BSR", "x" * 301], ["BSR", "a\x00b"]):
        result = runner.invoke(args=["offices", "contact", *refused])
        assert result.exit_code == 1
    with app.app_context():
        assert db.session.scalar(select(Office.contact).where(Office.code == "BSR")) == contact
