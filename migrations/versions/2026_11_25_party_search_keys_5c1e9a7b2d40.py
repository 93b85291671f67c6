"""Search that finds people: each party's name-skeleton words and identity document
number as indexed keys, and an index for searching a claim number's tail.

Existing parties get their keys from `flask conflicts rekey`.

Revision ID: 5c1e9a7b2d40
Revises: 5c1e9a7d2b40
Create Date: 2026-11-25 09:12:40.118204

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1e9a7b2d40"
down_revision = "5c1e9a7d2b40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "party_search_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_party_search_key_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["party.id"],
            name=op.f("fk_party_search_key_party_id_party"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_party_search_key_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_search_key")),
        sa.UniqueConstraint("party_id", "key", name=op.f("uq_party_search_key_party_id_key")),
    )
    with op.batch_alter_table("party_search_key", schema=None) as batch_op:
        batch_op.create_index(
            "ix_party_search_key_lookup", ["workspace_id", "key", "claim_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_party_search_key_workspace_id"), ["workspace_id"], unique=False
        )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index("ix_claim_workspace_seq", ["workspace_id", "seq"], unique=False)


def downgrade():
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_workspace_seq")
    with op.batch_alter_table("party_search_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_search_key_workspace_id"))
        batch_op.drop_index("ix_party_search_key_lookup")
    op.drop_table("party_search_key")
