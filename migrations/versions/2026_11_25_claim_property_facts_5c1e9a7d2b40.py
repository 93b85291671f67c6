"""A claim's own property facts; parcels to be identified; parcel changes in the history;
registry extract requests and their letter.

What a claim says about its property (type, governorate, district, muqata'a and parcel
number as stated, area) moves from the shared `parcel` row onto `claim`; the parcel row
keeps only what the commission identified, and `claim.parcel_id` may be NULL (the parcel
is to be identified).

How each existing claim's facts are recovered. Before this revision every registration
or edit of a claim rewrote the parcel row's `property_type`, `parcel_no_entered` and
`area_m2` (governorate, muqata'a number and parcel number are the parcel key, equal for
every claim on the row; district and muqata'a name were only ever filled once). The
audit log recorded each of those writes as a `parcel` entry in the same flush as the
claim's own `claim` entry, so both carry the same `occurred_at`. For each claim:

1. its "own" parcel entries are the `parcel` entries of its parcel whose `occurred_at`
   equals that of a `create` or `update` entry of the claim (its registration or an edit);
2. when it has one, the facts are the parcel's values right after the latest of them:
   the parcel's entries replayed in chain order (the `create` snapshot, then each
   `update`'s after-values) up to and including that entry;
3. otherwise (no audit entries, e.g. rows written outside the application) the facts are
   the parcel row's current values: nothing better is stored.

Governorate, district, muqata'a number and name are copied from the parcel row (the key
parts agree by construction). The copy writes no audit entries: it moves stored values,
it changes no claim.

Downgrade puts `property_type`, `parcel_no_entered` back on the parcel from its most
recently registered claim (what the old schema would have shown) and refuses while any
claim's parcel is still to be identified, since the old schema cannot hold it.

Revision ID: 5c1e9a7d2b40
Revises: d3665936ae2b
Create Date: 2026-11-25 09:00:00.000000

"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1e9a7d2b40"
down_revision = "d3665936ae2b"
branch_labels = None
depends_on = None

PROPERTY_TYPES = (
    "property_type IN ('house', 'apartment', 'residential_land', 'agricultural_land', "
    "'commercial', 'other')"
)
LETTER_KINDS_BEFORE = (
    "kind IN ('receipt', 'respondent_notice', 'document_request', 'hearing_notice', "
    "'decision', 'appeal_outcome')"
)
LETTER_KINDS = (
    "kind IN ('receipt', 'respondent_notice', 'document_request', 'hearing_notice', "
    "'decision', 'appeal_outcome', 'registry_extract_request')"
)
#: The parcel columns a registration used to overwrite, as the claim's columns.
OVERWRITTEN = {"property_type": "property_type", "parcel_no_entered": "stated_parcel_no"}
OVERWRITTEN_AREA = ("area_m2", "area_m2")


def _recovered_facts(connection) -> dict[int, dict]:
    """claim id -> the overwritten facts it was registered (or last edited) with, for the
    claims whose audit entries tell (rule 2 of the docstring)."""
    entries = connection.execute(
        sa.text(
            "SELECT workspace_id, seq, occurred_at, action, entity, entity_id, after_json "
            "FROM audit_entry WHERE entity IN ('claim', 'parcel') "
            "ORDER BY workspace_id, seq"
        )
    )
    claim_times: dict[tuple[int, str], set] = {}
    parcel_entries: dict[tuple[int, str], list] = {}
    for workspace_id, _seq, occurred_at, action, entity, entity_id, after_json in entries:
        if entity == "claim" and action in ("create", "update"):
            claim_times.setdefault((workspace_id, entity_id), set()).add(occurred_at)
        elif entity == "parcel" and action in ("create", "update"):
            parcel_entries.setdefault((workspace_id, entity_id), []).append(
                (occurred_at, json.loads(after_json or "{}"))
            )
    recovered = {}
    claims = connection.execute(sa.text("SELECT id, workspace_id, parcel_id FROM claim"))
    for claim_id, workspace_id, parcel_id in claims:
        times = claim_times.get((workspace_id, str(claim_id)), set())
        history = parcel_entries.get((workspace_id, str(parcel_id)), [])
        last_own = max(
            (index for index, (at, _after) in enumerate(history) if at in times), default=None
        )
        if last_own is None:
            continue
        replayed: dict = {}
        for _at, after in history[: last_own + 1]:
            replayed.update(after)
        facts = {
            column: replayed[field] for field, column in OVERWRITTEN.items() if field in replayed
        }
        if OVERWRITTEN_AREA[0] in replayed:
            facts[OVERWRITTEN_AREA[1]] = replayed[OVERWRITTEN_AREA[0]]
        recovered[claim_id] = facts
    return recovered


def upgrade():
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("property_type", sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column("stated_governorate_code", sa.String(length=16), nullable=True)
        )
        batch_op.add_column(
            sa.Column("stated_district", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("stated_muqataa_no", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "stated_muqataa_name", sa.String(length=100), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column("stated_parcel_no", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("area_m2", sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.alter_column("parcel_id", existing_type=sa.Integer(), nullable=True)

    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE claim SET "
            "property_type = (SELECT p.property_type FROM parcel p WHERE p.id = claim.parcel_id), "
            "stated_governorate_code = "
            "(SELECT p.governorate_code FROM parcel p WHERE p.id = claim.parcel_id), "
            "stated_district = (SELECT p.district FROM parcel p WHERE p.id = claim.parcel_id), "
            "stated_muqataa_no = "
            "(SELECT p.muqataa_no FROM parcel p WHERE p.id = claim.parcel_id), "
            "stated_muqataa_name = "
            "(SELECT p.muqataa_name FROM parcel p WHERE p.id = claim.parcel_id), "
            "stated_parcel_no = "
            "(SELECT p.parcel_no_entered FROM parcel p WHERE p.id = claim.parcel_id), "
            "area_m2 = (SELECT p.area_m2 FROM parcel p WHERE p.id = claim.parcel_id)"
        )
    )
    for claim_id, facts in _recovered_facts(connection).items():
        if facts:
            assignments = ", ".join(f"{column} = :{column}" for column in facts)
            connection.execute(
                sa.text(f"UPDATE claim SET {assignments} WHERE id = :claim_id"),
                {**facts, "claim_id": claim_id},
            )

    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.alter_column("property_type", existing_type=sa.String(length=30), nullable=False)
        batch_op.alter_column(
            "stated_governorate_code", existing_type=sa.String(length=16), nullable=False
        )
        for column, length in (
            ("stated_district", 100),
            ("stated_muqataa_no", 20),
            ("stated_muqataa_name", 100),
            ("stated_parcel_no", 40),
        ):
            batch_op.alter_column(
                column, existing_type=sa.String(length=length), server_default=None
            )
        batch_op.create_check_constraint(op.f("ck_claim_property_type"), PROPERTY_TYPES)

    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_parcel_property_type"), type_="check")
        batch_op.drop_column("property_type")
        batch_op.drop_column("parcel_no_entered")

    op.create_table(
        "parcel_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('identified', 'corrected')", name=op.f("ck_parcel_change_kind")
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user.id"], name=op.f("fk_parcel_change_changed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_parcel_change_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"], ["parcel.id"], name=op.f("fk_parcel_change_parcel_id_parcel")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_parcel_change_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcel_change")),
    )
    with op.batch_alter_table("parcel_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parcel_change_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_parcel_change_parcel_id"), ["parcel_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_parcel_change_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "registry_extract_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_registry_extract_request_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user.id"],
            name=op.f("fk_registry_extract_request_requested_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_registry_extract_request_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_extract_request")),
    )
    with op.batch_alter_table("registry_extract_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_extract_request_claim_id"), ["claim_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registry_extract_request_workspace_id"),
            ["workspace_id"],
            unique=False,
        )

    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registry_extract_request_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_letter_registry_extract_request_id_registry_extract_request"),
            "registry_extract_request",
            ["registry_extract_request_id"],
            ["id"],
        )
        batch_op.drop_constraint(op.f("ck_letter_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_letter_kind"), LETTER_KINDS)
        batch_op.create_check_constraint(
            op.f("ck_letter_registry_extract_request"),
            "kind <> 'registry_extract_request' OR registry_extract_request_id IS NOT NULL",
        )


def downgrade():
    connection = op.get_bind()
    unidentified = (
        connection.execute(
            sa.text("SELECT number FROM claim WHERE parcel_id IS NULL ORDER BY id LIMIT 5")
        )
        .scalars()
        .all()
    )
    if unidentified:
        raise RuntimeError(
            "claims whose parcel is still to be identified cannot be kept by the earlier "
            f"schema: {', '.join(unidentified)} …; identify their parcels first"
        )
    connection.execute(sa.text("DELETE FROM letter WHERE kind = 'registry_extract_request'"))
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_letter_registry_extract_request"), type_="check")
        batch_op.drop_constraint(op.f("ck_letter_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_letter_kind"), LETTER_KINDS_BEFORE)
        batch_op.drop_constraint(
            batch_op.f("fk_letter_registry_extract_request_id_registry_extract_request"),
            type_="foreignkey",
        )
        batch_op.drop_column("registry_extract_request_id")

    with op.batch_alter_table("registry_extract_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_extract_request_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_registry_extract_request_claim_id"))
    op.drop_table("registry_extract_request")
    with op.batch_alter_table("parcel_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parcel_change_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_parcel_change_parcel_id"))
        batch_op.drop_index(batch_op.f("ix_parcel_change_claim_id"))
    op.drop_table("parcel_change")

    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.add_column(sa.Column("property_type", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("parcel_no_entered", sa.String(length=40), nullable=True))
    latest = "(SELECT max(c.id) FROM claim c WHERE c.parcel_id = parcel.id)"
    connection.execute(
        sa.text(
            "UPDATE parcel SET "
            f"property_type = (SELECT c.property_type FROM claim c WHERE c.id = {latest}), "
            f"parcel_no_entered = (SELECT c.stated_parcel_no FROM claim c WHERE c.id = {latest})"
        )
    )
    # A parcel no claim points at any more keeps a readable value.
    connection.execute(
        sa.text(
            "UPDATE parcel SET property_type = coalesce(property_type, 'other'), "
            "parcel_no_entered = coalesce(parcel_no_entered, CAST(parcel_no AS VARCHAR(20)))"
        )
    )
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.alter_column("property_type", existing_type=sa.String(length=30), nullable=False)
        batch_op.alter_column(
            "parcel_no_entered", existing_type=sa.String(length=40), nullable=False
        )
        batch_op.create_check_constraint(op.f("ck_parcel_property_type"), PROPERTY_TYPES)

    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_claim_property_type"), type_="check")
        batch_op.alter_column("parcel_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("area_m2")
        batch_op.drop_column("stated_parcel_no")
        batch_op.drop_column("stated_muqataa_name")
        batch_op.drop_column("stated_muqataa_no")
        batch_op.drop_column("stated_district")
        batch_op.drop_column("stated_governorate_code")
        batch_op.drop_column("property_type")
