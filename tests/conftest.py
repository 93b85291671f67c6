"""Shared fixtures: one migrated app per database per run, users by role, logins.

The suite runs against SQLite always and against PostgreSQL when TEST_DATABASE_URL
is set; with CI=true a missing TEST_DATABASE_URL is an error, not a skip. Each
database is built by running the Alembic migrations, never `create_all`. Tests commit
for real (registration races and sessions need other connections to see their rows),
so they stay independent by making their own users and workspaces with unique names.
"""

from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade

from commission.accounts.models import Role
from commission.accounts.operations import create_user, sync_offices
from commission.app import create_app
from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import operational_workspace_id, use_workspace
from tests.support.adjudication import Cases, Staff
from tests.support.app import make_test_config, new_workspace, reset_postgresql_schema, unique
from tests.support.claims import IntakeContext
from tests.support.web import PASSWORD, UserRef, login


def pytest_configure(config):
    if os.environ.get("CI") == "true" and not os.environ.get("TEST_DATABASE_URL"):
        raise pytest.UsageError("CI=true but TEST_DATABASE_URL is not set: PostgreSQL is required")


def _database_params():
    params = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        params.append("postgresql")
    return params


@pytest.fixture(scope="session", params=_database_params())
def app(request, tmp_path_factory):
    from config import normalise_database_url

    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "postgresql":
        url = normalise_database_url(os.environ["TEST_DATABASE_URL"])
        reset_postgresql_schema(url)
    else:
        url = f"sqlite:///{tmp / 'qayd-test.sqlite'}"
    app = create_app(make_test_config(url, tmp / "files"))
    with app.app_context():
        upgrade()
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "test-setup"))
            sync_offices(db.session)
            db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app_ctx(app):
    """An app context in the operational workspace, as a request or CLI command has."""
    with app.app_context():
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "test"))
            yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create and commit a user: make_user(Role.CLERK, office="BGD")."""

    def make(*roles: Role, office: str = "BGD", password: str = PASSWORD):
        with app.app_context():
            with use_workspace(operational_workspace_id(db.session)):
                set_actor(Actor(None, "test"))
                user = create_user(
                    db.session,
                    username=unique("user"),
                    full_name="Test User",
                    password=password,
                    roles=set(roles) or {Role.CLERK},
                    office_code=office,
                    hasher=app.extensions["qayd_password_hasher"],
                )
                db.session.commit()
                user_id, username = user.id, user.username
            db.session.remove()
        return UserRef(user_id, username, password)

    return make


@pytest.fixture
def logged_in(client, make_user):
    """A client logged in as a new user with the given roles: logged_in(Role.ADMIN)."""

    def as_roles(*roles: Role, office: str = "BGD"):
        user = make_user(*roles, office=office)
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return as_roles


@pytest.fixture
def workspace(app):
    """A fresh workspace of its own, so numbering, lists and queues start empty."""
    return new_workspace(app, "intake-test")


@pytest.fixture
def intake(app, workspace):
    """An app context inside the fresh workspace; yields helpers to register claims."""
    with app.app_context(), use_workspace(workspace):
        set_actor(Actor(None, "test"))
        yield IntakeContext(app, workspace)
        db.session.remove()


@pytest.fixture
def staff(make_user, intake):
    """Two adjudicators, two reviewers and a clerk, loaded in the intake context."""
    return Staff(make_user)


@pytest.fixture
def cases(intake, staff):
    """Claims of the intake workspace put in any state (tests.support.adjudication.Cases)."""
    return Cases(intake, staff)
