"""Field collection: the claim keeps the id of the ODK/KoboToolbox submission it was
imported from, unique per workspace, so importing an export twice adds nothing.

Revision ID: c33882473ab2
Revises: 4d5b8a0e387f
Create Date: 2026-11-27 17:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c33882473ab2"
down_revision = "4d5b8a0e387f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_id", sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_claim_workspace_id_submission_id"), ["workspace_id", "submission_id"]
        )


def downgrade():
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_claim_workspace_id_submission_id"), type_="unique")
        batch_op.drop_column("submission_id")
