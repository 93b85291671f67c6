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


def test_claims_keep_the_property_facts_they_were_registered_with(tmp_path):
    """Before the claim's own columns, each registration rewrote the shared parcel row:
    the migration gives each claim back what its own registration wrote, as the audit
    log recorded it, and the parcel's current values where the log says nothing."""
    from sqlalchemy import text

    from commission.workspaces import operational_workspace_id

    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'facts.sqlite'}", tmp_path))
    with app.app_context():
        upgrade(revision="d3665936ae2b")
        workspace = operational_workspace_id(db.session)
        # The office as that revision's schema has it (today's model has more columns).
        db.session.execute(
            text(
                "INSERT INTO office (code, governorate_code, name_en, name_ar, is_headquarters)"
                " VALUES ('BGD', 'IQ-BG', 'Baghdad', 'بغداد', false)"
            )
        )
        db.session.commit()
        office = db.session.execute(text("SELECT id FROM office WHERE code = 'BGD'")).scalar()
        first_seq = db.session.execute(text("SELECT count(*) FROM audit_entry")).scalar() + 1
        registered = {"first": "2026-03-01 09:00:00.000000", "second": "2026-03-02 10:00:00.000000"}
        with db.engine.begin() as connection:

            def insert(table, **row):
                columns = ", ".join(row)
                values = ", ".join(f":{column}" for column in row)
                connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)

            # The parcel as the second registration left it.
            insert(
                "parcel",
                id=1,
                workspace_id=workspace,
                governorate_code="IQ-BG",
                district="Karrada",
                muqataa_no="12",
                muqataa_name="الكرادة",
                parcel_no_entered="345/6",
                parcel_no=345,
                parcel_sub=6,
                area_m2=300,
                property_type="house",
                parcel_key="IQ-BG|12|345/6",
            )
            for seq, (ref, at) in enumerate(registered.items(), start=1):
                insert(
                    "claim",
                    id=seq,
                    workspace_id=workspace,
                    number=f"BGD-2026-00000{seq}",
                    office_id=office,
                    year=2026,
                    seq=seq,
                    state="registered",
                    filed_on="2026-03-01",
                    claim_basis="confiscation",
                    remedy="restitution",
                    parcel_id=1,
                    governorate_code="IQ-BG",
                    address="",
                    description=ref,
                    registered_at=at,
                    state_since=at,
                    version=1,
                )
            # A third claim the audit log knows nothing about.
            insert(
                "claim",
                id=3,
                workspace_id=workspace,
                number="BGD-2026-000003",
                office_id=office,
                year=2026,
                seq=3,
                state="registered",
                filed_on="2026-03-01",
                claim_basis="confiscation",
                remedy="restitution",
                parcel_id=1,
                governorate_code="IQ-BG",
                address="",
                description="",
                registered_at=registered["second"],
                state_since=registered["second"],
                version=1,
            )
            entries = [
                (
                    "parcel",
                    "create",
                    registered["first"],
                    '{"area_m2":"250.00",'
                    '"parcel_no_entered":"٣٤٥/٦","property_type":"residential_land"}',
                ),
                ("claim", "create", registered["first"], '{"number":"BGD-2026-000001"}'),
                ("claim", "create", registered["second"], '{"number":"BGD-2026-000002"}'),
                (
                    "parcel",
                    "update",
                    registered["second"],
                    '{"area_m2":"300.00","parcel_no_entered":"345/6","property_type":"house"}',
                ),
                ("claim", "update", "2026-04-01 08:00:00.000000", '{"state":"screening"}'),
            ]
            for index, (entity, action, at, after) in enumerate(entries, start=1):
                seq = first_seq + index
                insert(
                    "audit_entry",
                    workspace_id=workspace,
                    seq=seq,
                    occurred_at=at,
                    actor_label="test",
                    action=action,
                    entity=entity,
                    entity_id="1" if entity == "parcel" else str(1 if index in (2, 5) else 2),
                    after_json=after,
                    prev_hash="0" * 64,
                    hash=f"{seq:064x}",
                )
        db.session.remove()

        upgrade()

        with db.engine.connect() as connection:
            facts = connection.execute(
                text(
                    "SELECT number, property_type, stated_parcel_no, area_m2, "
                    "stated_governorate_code, stated_muqataa_no, stated_muqataa_name "
                    "FROM claim ORDER BY id"
                )
            ).all()
            parcel_columns = {
                column["name"] for column in inspect(connection).get_columns("parcel")
            }
        assert [tuple(row[:4]) for row in facts] == [
            ("BGD-2026-000001", "residential_land", "٣٤٥/٦", 250),
            ("BGD-2026-000002", "house", "345/6", 300),
            ("BGD-2026-000003", "house", "345/6", 300),
        ]
        assert {tuple(row[4:]) for row in facts} == {("IQ-BG", "12", "الكرادة")}
        assert not {"property_type", "parcel_no_entered"} & parcel_columns
        db.engine.dispose()


def test_staff_names_and_service_accounts_are_filled_in_for_existing_users(tmp_path):
    """Users from before the Arabic names: the demo staff get theirs, everyone else the
    name on record (until an administrator writes it); the scenarios' cast is marked a
    service account."""
    from sqlalchemy import text

    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'staff.sqlite'}", tmp_path))
    with app.app_context():
        upgrade(revision="5c0e7a91d2b4")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO office (id, code, governorate_code, name_en, name_ar,"
                    " is_headquarters) VALUES (1, 'HQ', 'IQ-BG', 'Headquarters', 'المقر', true)"
                )
            )
            for username, full_name in (
                ("clerk", "Zainab Hassan Ali"),
                ("training-clerk", "Training clerk (scenario history)"),
                ("someone", "Ahmed Saleh"),
            ):
                connection.execute(
                    text(
                        "INSERT INTO user (username, full_name, password_hash, office_id,"
                        " is_active, created_at) VALUES (:username, :full_name, 'x', 1, true,"
                        " '2026-11-01 09:00:00.000000')"
                    ),
                    {"username": username, "full_name": full_name},
                )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT username, name_ar, is_service_account FROM user ORDER BY username")
            ).all()
        assert [tuple(row) for row in rows] == [
            ("clerk", "زينب حسن علي", False),
            ("someone", "Ahmed Saleh", False),
            ("training-clerk", "Training clerk (scenario history)", True),
        ]
        downgrade(revision="5c0e7a91d2b4")
        db.engine.dispose()
