"""The schema is built by the migrations, and they match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from commission.app import create_app
from commission.db import Base
from commission.extensions import db
from tests.support.app import make_test_config


def _not_a_test_table(obj, name, type_, reflected, compare_to) -> bool:
    """Leave out the tables the test suite creates for itself (named test_*)."""
    table_name = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not (table_name or "").startswith("test_")


def test_models_match_the_migrated_schema(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _not_a_test_table}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "a model changed without a migration"


def test_migrations_downgrade_and_upgrade_again(tmp_path):
    fresh = create_app(make_test_config(f"sqlite:///{tmp_path / 'fresh.sqlite'}", tmp_path))
    with fresh.app_context():
        upgrade()
        assert "audit_entry" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert "audit_entry" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "audit_entry" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_a_database_with_claims_is_migrated_down_and_up_without_loss(tmp_path):
    """SQLite changes a table by copying it; the claims and the rows pointing at them
    (parties, keys) must come through, in both directions."""
    from sqlalchemy import text

    from commission.accounts.operations import sync_offices
    from commission.audit import Actor, set_actor
    from commission.workspaces import operational_workspace_id, use_workspace
    from tests.support.claims import IntakeContext, claim_input

    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'claims.sqlite'}", tmp_path))
    with app.app_context():
        upgrade()
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "test"))
            sync_offices(db.session)
            intake = IntakeContext(app, operational_workspace_id(db.session))
            numbers = {intake.register(claim_input()).number for _ in range(3)}
            db.session.commit()
        db.session.remove()

        def claims_and_parties():
            with db.engine.connect() as connection:
                return (
                    {row[0] for row in connection.execute(text("SELECT number FROM claim"))},
                    connection.execute(text("SELECT count(*) FROM party")).scalar(),
                )

        before = claims_and_parties()
        assert before[0] == numbers
        downgrade(revision="4459557ad621")  # before the workflow columns of `claim`
        assert claims_and_parties() == before
        upgrade()
        assert claims_and_parties() == before
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_key_check")).fetchall() == []
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
