"""The schema is built by the migrations, and they match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from commission import create_app
from commission.db import Base
from commission.extensions import db
from tests.conftest import make_test_config


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
