"""Search at a million claims: the search key index carries the party id, so a name's
other words are checked without reading key rows.

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
    # Plain index operations: no table needs copying, on SQLite either.
    op.drop_index("ix_party_search_key_lookup", table_name="party_search_key")
    op.create_index(
        "ix_party_search_key_lookup",
        "party_search_key",
        ["workspace_id", "key", "claim_id", "party_id"],
    )


def downgrade():
    op.drop_index("ix_party_search_key_lookup", table_name="party_search_key")
    op.create_index(
        "ix_party_search_key_lookup", "party_search_key", ["workspace_id", "key", "claim_id"]
    )
