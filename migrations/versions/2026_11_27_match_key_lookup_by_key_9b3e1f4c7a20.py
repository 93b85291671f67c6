"""The match key index leads with the key: led by the workspace, it also served a
look-up by the workspace alone, which PostgreSQL without statistics took for a claim's
key look-up, reading every key of the workspace on each registration.

Revision ID: 9b3e1f4c7a20
Revises: c33882473ab2
Create Date: 2026-11-27 21:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9b3e1f4c7a20"
down_revision = "c33882473ab2"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_claim_match_key_lookup", table_name="claim_match_key")
    op.create_index("ix_claim_match_key_lookup", "claim_match_key", ["key", "workspace_id"])


def downgrade():
    op.drop_index("ix_claim_match_key_lookup", table_name="claim_match_key")
    op.create_index("ix_claim_match_key_lookup", "claim_match_key", ["workspace_id", "key"])
