"""Training: practice runs, one seat (a training workspace) per trainee, roles held inside a training workspace; a training workspace's audit entries may be deleted with it.

Revision ID: d3665936ae2b
Revises: 417b66b050ad
Create Date: 2026-11-24 20:20:04.952937

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d3665936ae2b"
down_revision = "417b66b050ad"
branch_labels = None
depends_on = None

# The operational chain stays append-only; a training workspace's chain goes with it
# when a practice run is deleted or reset.
APPEND_ONLY_UNLESS_TRAINING = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM workspace WHERE id = OLD.workspace_id AND kind = 'training'
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def upgrade():
    op.create_table(
        "training_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(length=100), nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["trainer_id"], ["user.id"], name=op.f("fk_training_run_trainer_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_run")),
    )
    op.create_table(
        "workspace_role",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "role IN ('clerk', 'adjudicator', 'reviewer', 'trainer', 'admin')",
            name=op.f("ck_workspace_role_role"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_workspace_role_user_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_workspace_role_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", "role", name=op.f("pk_workspace_role")),
    )
    op.create_table(
        "training_seat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score_percent", sa.Integer(), nullable=True),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "score_percent IS NULL OR score_percent BETWEEN 0 AND 100",
            name=op.f("ck_training_seat_score"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["training_run.id"], name=op.f("fk_training_seat_run_id_training_run")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["user.id"], name=op.f("fk_training_seat_trainee_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_training_seat_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_seat")),
        sa.UniqueConstraint(
            "run_id", "trainee_id", name=op.f("uq_training_seat_run_id_trainee_id")
        ),
        sa.UniqueConstraint("workspace_id", name=op.f("uq_training_seat_workspace_id")),
    )
    with op.batch_alter_table("training_seat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_seat_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_training_seat_trainee_id"), ["trainee_id"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_UNLESS_TRAINING)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)
    with op.batch_alter_table("training_seat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_seat_trainee_id"))
        batch_op.drop_index(batch_op.f("ix_training_seat_run_id"))

    op.drop_table("training_seat")
    op.drop_table("workspace_role")
    op.drop_table("training_run")
