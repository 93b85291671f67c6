"""Pooled connections come back clean: a session that left a result half read does not
hand its read snapshot to the next session on the same connection."""

from __future__ import annotations

from sqlalchemy import select

from commission.app import create_app
from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import Workspace, WorkspaceKind, use_workspace
from tests.support.app import make_test_config, new_workspace, unique


def _app_with_one_connection(app, tmp_path):
    config = make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    config.SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 1, "max_overflow": 0}
    return create_app(config)


def test_a_half_read_result_leaves_no_stale_snapshot_for_the_next_session(app, tmp_path):
    new_workspace(app, "first")
    new_workspace(app, "second")
    single = _app_with_one_connection(app, tmp_path)
    with single.app_context():
        workspaces = db.session.scalars(
            select(Workspace.id).order_by(Workspace.id).execution_options(yield_per=1)
        )
        next(workspaces)
        # The result outlives its session, as it does when an exception's traceback
        # still holds the frame that was reading it.
        db.session.remove()

        committed_elsewhere = new_workspace(app, "elsewhere")

        assert db.session.get(Workspace, committed_elsewhere) is not None
        with use_workspace(committed_elsewhere):
            set_actor(Actor(None, "test"))
            db.session.add(Workspace(kind=WorkspaceKind.TRAINING, name=unique("after")))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
