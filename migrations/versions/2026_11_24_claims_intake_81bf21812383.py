"""Claims intake: parcels, claims, claim number counters, parties, evidence.

Revision ID: 81bf21812383
Revises: 3452746a29a5
Create Date: 2026-11-24 17:54:40.232216

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "81bf21812383"
down_revision = "3452746a29a5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "claim_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_claim_counter_office_id_office")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_claim_counter_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_counter")),
        sa.UniqueConstraint(
            "workspace_id",
            "office_id",
            "year",
            name=op.f("uq_claim_counter_workspace_id_office_id_year"),
        ),
    )
    with op.batch_alter_table("claim_counter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claim_counter_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "parcel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("governorate_code", sa.String(length=16), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("muqataa_no", sa.String(length=20), nullable=False),
        sa.Column("muqataa_name", sa.String(length=100), nullable=False),
        sa.Column("parcel_no_entered", sa.String(length=40), nullable=False),
        sa.Column("parcel_no", sa.Integer(), nullable=False),
        sa.Column("parcel_sub", sa.Integer(), nullable=True),
        sa.Column("area_m2", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("property_type", sa.String(length=30), nullable=False),
        sa.Column("parcel_key", sa.String(length=80), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "property_type IN ('house', 'apartment', 'residential_land', 'agricultural_land', 'commercial', 'other')",
            name=op.f("ck_parcel_property_type"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_parcel_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcel")),
        sa.UniqueConstraint(
            "workspace_id", "parcel_key", name=op.f("uq_parcel_workspace_id_parcel_key")
        ),
    )
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.create_index(
            "ix_parcel_workspace_area",
            ["workspace_id", "governorate_code", "muqataa_no"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_parcel_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index(
            "ix_parcel_workspace_number", ["workspace_id", "parcel_no", "parcel_sub"], unique=False
        )

    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("claim_basis", sa.String(length=30), nullable=False),
        sa.Column("dispossession_on", sa.Date(), nullable=True),
        sa.Column("remedy", sa.String(length=20), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("governorate_code", sa.String(length=16), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("import_ref", sa.String(length=100), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "claim_basis IN ('confiscation', 'forced_relocation', 'conflict_displacement', 'other')",
            name=op.f("ck_claim_claim_basis"),
        ),
        sa.CheckConstraint(
            "remedy IN ('restitution', 'compensation')", name=op.f("ck_claim_remedy")
        ),
        sa.CheckConstraint(
            "state IN ('registered', 'screening', 'incomplete', 'annulled', 'inadmissible', 'respondent_notice', 'under_review', 'hearing_scheduled', 'decision_drafted', 'decision_issued', 'appealed', 'appeal_decided', 'final', 'closed', 'withdrawn')",
            name=op.f("ck_claim_state"),
        ),
        sa.CheckConstraint(
            "dispossession_on IS NULL OR dispossession_on <= filed_on",
            name=op.f("ck_claim_dispossessed_before_filing"),
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_claim_office_id_office")
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"], ["parcel.id"], name=op.f("fk_claim_parcel_id_parcel")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"], ["user.id"], name=op.f("fk_claim_registered_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user.id"], name=op.f("fk_claim_updated_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_claim_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
        sa.UniqueConstraint(
            "workspace_id", "import_ref", name=op.f("uq_claim_workspace_id_import_ref")
        ),
        sa.UniqueConstraint("workspace_id", "number", name=op.f("uq_claim_workspace_id_number")),
        sa.UniqueConstraint(
            "workspace_id",
            "office_id",
            "year",
            "seq",
            name=op.f("uq_claim_workspace_id_office_id_year_seq"),
        ),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_parcel_id"), ["parcel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_claim_workspace_list", ["workspace_id", "id"], unique=False)
        batch_op.create_index(
            "ix_claim_workspace_office_list", ["workspace_id", "office_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_claim_workspace_governorate_list",
            ["workspace_id", "governorate_code", "id"],
            unique=False,
        )

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=50), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('title_deed', 'court_ruling', 'identity_document', 'power_of_attorney', 'photo', 'other')",
            name=op.f("ck_evidence_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_evidence_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user.id"], name=op.f("fk_evidence_uploaded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_evidence_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_sha256"), ["sha256"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_evidence_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("father_name", sa.String(length=100), nullable=False),
        sa.Column("grandfather_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("latin_name", sa.String(length=200), nullable=False),
        sa.Column("id_document_type", sa.String(length=30), nullable=True),
        sa.Column("id_document_number", sa.String(length=50), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("share_percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("is_heir", sa.Boolean(), nullable=False),
        sa.Column("deceased_owner_name", sa.String(length=200), nullable=False),
        sa.Column("authority_document", sa.String(length=200), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "role IN ('claimant', 'respondent', 'representative')", name=op.f("ck_party_role")
        ),
        sa.CheckConstraint(
            "share_percent IS NULL OR (share_percent > 0 AND share_percent <= 100)",
            name=op.f("ck_party_share_percent"),
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_party_claim_id_claim")),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_party_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party")),
    )
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_party_workspace_id"), ["workspace_id"], unique=False)


def downgrade():
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_party_claim_id"))

    op.drop_table("party")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_sha256"))
        batch_op.drop_index(batch_op.f("ix_evidence_claim_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_workspace_governorate_list")
        batch_op.drop_index("ix_claim_workspace_office_list")
        batch_op.drop_index("ix_claim_workspace_list")
        batch_op.drop_index(batch_op.f("ix_claim_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_claim_parcel_id"))

    op.drop_table("claim")
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parcel_workspace_id"))
        batch_op.drop_index("ix_parcel_workspace_number")
        batch_op.drop_index("ix_parcel_workspace_area")

    op.drop_table("parcel")
    with op.batch_alter_table("claim_counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_counter_workspace_id"))

    op.drop_table("claim_counter")
