"""Conflict detection: candidate pairs of claims and their review.

Revision ID: 6b332e33723b
Revises: 7fd27302091b
Create Date: 2026-11-24 18:53:06.153318

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6b332e33723b"
down_revision = "7fd27302091b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "conflict_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_a_id", sa.Integer(), nullable=False),
        sa.Column("claim_b_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("claim_a_version", sa.Integer(), nullable=False),
        sa.Column("claim_b_version", sa.Integer(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('competing', 'duplicate', 'counterclaim')",
            name=op.f("ck_conflict_candidate_kind"),
        ),
        sa.CheckConstraint(
            "status = 'open' OR (reviewed_by_id IS NOT NULL AND reviewed_at IS NOT NULL AND review_note <> '')",
            name=op.f("ck_conflict_candidate_reviewed"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'confirmed', 'dismissed')",
            name=op.f("ck_conflict_candidate_status"),
        ),
        sa.CheckConstraint(
            "claim_a_id < claim_b_id", name=op.f("ck_conflict_candidate_ordered_pair")
        ),
        sa.CheckConstraint("score BETWEEN 0 AND 100", name=op.f("ck_conflict_candidate_score")),
        sa.ForeignKeyConstraint(
            ["claim_a_id"], ["claim.id"], name=op.f("fk_conflict_candidate_claim_a_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["claim_b_id"], ["claim.id"], name=op.f("fk_conflict_candidate_claim_b_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user.id"], name=op.f("fk_conflict_candidate_reviewed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_conflict_candidate_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_candidate")),
        sa.UniqueConstraint(
            "claim_a_id", "claim_b_id", name=op.f("uq_conflict_candidate_claim_a_id_claim_b_id")
        ),
    )
    with op.batch_alter_table("conflict_candidate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_candidate_claim_a_id"), ["claim_a_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_candidate_claim_b_id"), ["claim_b_id"], unique=False
        )
        batch_op.create_index(
            "ix_conflict_candidate_queue", ["workspace_id", "status", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_candidate_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("conflict_candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_candidate_workspace_id"))
        batch_op.drop_index("ix_conflict_candidate_queue")
        batch_op.drop_index(batch_op.f("ix_conflict_candidate_claim_b_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_candidate_claim_a_id"))

    op.drop_table("conflict_candidate")
