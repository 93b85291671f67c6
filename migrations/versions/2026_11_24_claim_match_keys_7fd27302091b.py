"""Conflict detection: the blocking keys of each claim, indexed by workspace and key.

Revision ID: 7fd27302091b
Revises: 81bf21812383
Create Date: 2026-11-24 18:51:23.485656

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7fd27302091b"
down_revision = "81bf21812383"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "claim_match_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_claim_match_key_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_claim_match_key_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_match_key")),
        sa.UniqueConstraint("claim_id", "key", name=op.f("uq_claim_match_key_claim_id_key")),
    )
    with op.batch_alter_table("claim_match_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_match_key_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index("ix_claim_match_key_lookup", ["workspace_id", "key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claim_match_key_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("claim_match_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_match_key_workspace_id"))
        batch_op.drop_index("ix_claim_match_key_lookup")
        batch_op.drop_index(batch_op.f("ix_claim_match_key_claim_id"))

    op.drop_table("claim_match_key")
