"""Search at a million claims: the search key index carries the party id, so a name's
other words are checked without reading key rows; parties and evidence are indexed by
(workspace, claim), so a page of claims loads them by their claim ids even where the
planner has no statistics.

Revision ID: 0a2acf12a19b
Revises: af20fc3ab843
Create Date: 2026-11-27 17:48:03.215760

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0a2acf12a19b"
down_revision = "af20fc3ab843"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("party_search_key", schema=None) as batch_op:
        batch_op.drop_index("ix_party_search_key_lookup")
        batch_op.create_index(
            "ix_party_search_key_lookup",
            ["workspace_id", "key", "claim_id", "party_id"],
            unique=False,
        )
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index(
            "ix_party_workspace_claim", ["workspace_id", "claim_id"], unique=False
        )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evidence_workspace_claim", ["workspace_id", "claim_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_workspace_claim")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index("ix_party_workspace_claim")
    with op.batch_alter_table("party_search_key", schema=None) as batch_op:
        batch_op.drop_index("ix_party_search_key_lookup")
        batch_op.create_index(
            "ix_party_search_key_lookup", ["workspace_id", "key", "claim_id"], unique=False
        )
