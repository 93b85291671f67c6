"""Legacy imports: the property type as entered on the claim, and data-quality flags.

Claims registered before this revision whose parcel is still to be identified get their
parcel_unidentified flag here, as registration gives it from now on.

Revision ID: 8e4f0b6a2c19
Revises: 5c1e2a9d7b40
Create Date: 2026-11-27 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8e4f0b6a2c19"
down_revision = "5c1e2a9d7b40"
branch_labels = None
depends_on = None

FLAGS = (
    "'parcel_unidentified', 'no_identity_number', 'date_year_only', 'property_type_from_text', "
    "'property_type_missing', 'claim_basis_missing'"
)


def upgrade():
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "property_type_as_entered", sa.String(length=100), nullable=False, server_default=""
            )
        )
    op.create_table(
        "claim_quality_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("flag", sa.String(length=40), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"flag IN ({FLAGS})", name=op.f("ck_claim_quality_flag_flag")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_claim_quality_flag_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_claim_quality_flag_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_quality_flag")),
        sa.UniqueConstraint("claim_id", "flag", name=op.f("uq_claim_quality_flag_claim_id_flag")),
    )
    with op.batch_alter_table("claim_quality_flag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claim_quality_flag_lookup", ["workspace_id", "flag", "claim_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_claim_quality_flag_workspace_id"), ["workspace_id"], unique=False
        )
    op.execute(
        "INSERT INTO claim_quality_flag (claim_id, flag, workspace_id) "
        "SELECT id, 'parcel_unidentified', workspace_id FROM claim WHERE parcel_id IS NULL"
    )


def downgrade():
    with op.batch_alter_table("claim_quality_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_quality_flag_workspace_id"))
        batch_op.drop_index("ix_claim_quality_flag_lookup")
    op.drop_table("claim_quality_flag")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_column("property_type_as_entered")
