"""The test app's configuration, workspaces and sessions outside requests, and the
commission's day and unique names that keep tests independent of each other."""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import operational_workspace_id, use_workspace
from config import TestConfig


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


def new_workspace(app, prefix: str = "test") -> int:
    """Create and commit a training workspace of its own; return its id."""
    from commission.workspaces import Workspace, WorkspaceKind

    with app.app_context():
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "test"))
            workspace = Workspace(kind=WorkspaceKind.TRAINING, name=unique(prefix))
            db.session.add(workspace)
            db.session.flush()
            workspace_id = workspace.id
            db.session.commit()
        db.session.remove()
    return workspace_id


def commission_today() -> date:
    """Today in the commission's time zone, as the app counts days (commission.clock)."""
    return datetime.now(ZoneInfo(TestConfig.BABEL_DEFAULT_TIMEZONE)).date()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


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
