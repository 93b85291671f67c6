"""A claim's data-quality flags read by the claim's index: that index carries the flag
too, so SQLite no longer prefers the covering flag-lookup index over the whole workspace.

Revision ID: d117deb0c28d
Revises: 9b3e1f4c7a20
Create Date: 2026-11-27 21:35:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "d117deb0c28d"
down_revision = "9b3e1f4c7a20"
branch_labels = None
depends_on = None


def upgrade():
    # Plain index operations: no table needs copying, on SQLite either.
    op.drop_index("ix_claim_quality_flag_claim_workspace", table_name="claim_quality_flag")
    op.create_index(
        "ix_claim_quality_flag_claim_workspace",
        "claim_quality_flag",
        ["claim_id", "workspace_id", "flag"],
    )


def downgrade():
    op.drop_index("ix_claim_quality_flag_claim_workspace", table_name="claim_quality_flag")
    op.create_index(
        "ix_claim_quality_flag_claim_workspace", "claim_quality_flag", ["claim_id", "workspace_id"]
    )
