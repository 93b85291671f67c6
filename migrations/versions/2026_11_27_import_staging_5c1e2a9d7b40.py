"""Import staging: each import file's rows are checked into import_row, then published.

Revision ID: 5c1e2a9d7b40
Revises: 5c1e9a7b2d40
Create Date: 2026-11-27 14:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1e2a9d7b40"
down_revision = "5c1e9a7b2d40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("is_dry_run", sa.Boolean(), nullable=False),
        sa.Column("is_partial", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("numbering", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('staging', 'staged', 'refused', 'published')",
            name=op.f("ck_import_batch_status"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_import_batch_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_batch_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "import_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("record", sa.Text(), nullable=True),
        sa.Column("errors", sa.Text(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "verdict IN ('good', 'bad', 'already_imported')", name=op.f("ck_import_row_verdict")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_import_row_batch_id_import_batch")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_import_row_office_id_office")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_import_row_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_row")),
    )
    with op.batch_alter_table("import_row", schema=None) as batch_op:
        batch_op.create_index(
            "ix_import_row_batch_verdict_line", ["batch_id", "verdict", "line"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_import_row_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("import_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_row_workspace_id"))
        batch_op.drop_index("ix_import_row_batch_verdict_line")
    op.drop_table("import_row")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_workspace_id"))
    op.drop_table("import_batch")
