"""Shared fixtures: one migrated app per database per run, users by role, logins.

The suite runs against SQLite always and against PostgreSQL when TEST_DATABASE_URL
is set; with CI=true a missing TEST_DATABASE_URL is an error, not a skip. Each
database is built by running the Alembic migrations, never `create_all`. Tests commit
for real (registration races and sessions need other connections to see their rows),
so they stay independent by making their own users and workspaces with unique names.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from commission import create_app
from commission.accounts.models import Role
from commission.accounts.operations import create_user, sync_offices
from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import operational_workspace_id, use_workspace
from config import TestConfig

PASSWORD = "correct horse battery staple"


def pytest_configure(config):
    if os.environ.get("CI") == "true" and not os.environ.get("TEST_DATABASE_URL"):
        raise pytest.UsageError("CI=true but TEST_DATABASE_URL is not set: PostgreSQL is required")


def _database_params():
    params = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        params.append("postgresql")
    return params


def reset_postgresql_schema(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_test_config(database_url: str, data_dir) -> TestConfig:
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.QAYD_DATA_DIR = str(data_dir)
    # Login throttling against real Redis when given (redis://127.0.0.1:6379/N), in memory
    # otherwise; each run counts under its own prefix.
    config.RATELIMIT_STORAGE_URI = os.environ.get("TEST_RATELIMIT_STORAGE_URI", "memory://")
    config.RATELIMIT_KEY_PREFIX = f"test-{uuid.uuid4().hex[:10]}/"
    if database_url.startswith("postgresql"):
        # Race tests hold one connection per thread (20) besides the test's own.
        config.SQLALCHEMY_ENGINE_OPTIONS = {
            **config.SQLALCHEMY_ENGINE_OPTIONS,
            "pool_size": 25,
            "max_overflow": 5,
        }
    return config


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


def new_workspace(app, prefix: str = "test") -> int:
    """Create and commit a training workspace of its own; return its id."""
    from commission.workspaces import Workspace, WorkspaceKind

    with app.app_context():
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "test"))
            workspace = Workspace(kind=WorkspaceKind.TRAINING, name=unique(prefix))
            db.session.add(workspace)
            db.session.commit()
            workspace_id = workspace.id
        db.session.remove()
    return workspace_id


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def commission_today() -> date:
    """Today in the commission's time zone, as the app counts days (commission.clock)."""
    return datetime.now(ZoneInfo(TestConfig.BABEL_DEFAULT_TIMEZONE)).date()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


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


class UserRef:
    def __init__(self, id: int, username: str, password: str):
        self.id, self.username, self.password = id, username, password


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client, user: UserRef, password: str | None = None):
    token = csrf_token(client)
    return client.post(
        "/login",
        data={
            "username": user.username,
            "password": password or user.password,
            "csrf_token": token,
        },
    )


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
    from tests.claims.conftest import IntakeContext

    with app.app_context(), use_workspace(workspace):
        set_actor(Actor(None, "test"))
        yield IntakeContext(app, workspace)
        db.session.remove()


@pytest.fixture
def staff(make_user, intake):
    """Two adjudicators, two reviewers and a clerk, loaded in the intake context."""
    from tests.adjudication.conftest import Staff

    return Staff(make_user)


@pytest.fixture
def cases(intake, staff):
    """Claims of the intake workspace put in any state (tests.adjudication.conftest.Cases)."""
    from tests.adjudication.conftest import Cases

    return Cases(intake, staff)


class InOperational:
    """`with InOperational(app) as session:` — read or prepare data of the operational
    workspace outside any request, as the requests of a test see it."""

    def __init__(self, app):
        self.app = app

    def __enter__(self):
        self._context = self.app.app_context()
        self._context.push()
        self._workspace = use_workspace(operational_workspace_id(db.session))
        self._workspace.__enter__()
        set_actor(Actor(None, "test"))
        return db.session

    def __exit__(self, *exc):
        db.session.remove()
        self._workspace.__exit__(*exc)
        self._context.pop()
