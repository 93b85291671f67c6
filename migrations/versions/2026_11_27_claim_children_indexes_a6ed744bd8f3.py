"""Parties and evidence indexed by workspace and claim together, no longer by workspace
alone.

Loading the parties and evidence of a few claims (every query of claims does) sends
their claim ids with the workspace condition. Without statistics (a new database, one
just filled by an import) both single-column indexes look equally narrow to the planner,
and the one on the workspace, which holds every row of the workspace and keeps them in
the id order the relationships ask for, was taken: a registration at a million claims
read every party.

Revision ID: a6ed744bd8f3
Revises: 5c0e7a91d2b4
Create Date: 2026-11-27 17:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "a6ed744bd8f3"
down_revision = "5c0e7a91d2b4"
branch_labels = None
depends_on = None


#: Children of a claim loaded with every claim a query returns.
TABLES = ("party", "evidence")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                f"ix_{table}_workspace_claim", ["workspace_id", "claim_id"], unique=False
            )
            batch_op.drop_index(f"ix_{table}_workspace_id")


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_workspace_id", ["workspace_id"], unique=False)
            batch_op.drop_index(f"ix_{table}_workspace_claim")
