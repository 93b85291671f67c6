"""Conflict groups (confirmed competing claims, decided together) and resumable batch scans.

Revision ID: 4459557ad621
Revises: 6b332e33723b
Create Date: 2026-11-24 19:25:12.015403

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4459557ad621"
down_revision = "6b332e33723b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "conflict_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("formed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_conflict_group_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_group")),
    )
    with op.batch_alter_table("conflict_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_group_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "conflict_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_pairs", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_conflict_scan_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_scan")),
    )
    with op.batch_alter_table("conflict_scan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_scan_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "conflict_scan_shard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("governorate_code", sa.String(length=16), nullable=False),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.Column("new_pairs", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["conflict_scan.id"],
            name=op.f("fk_conflict_scan_shard_scan_id_conflict_scan"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_conflict_scan_shard_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_scan_shard")),
        sa.UniqueConstraint(
            "scan_id",
            "governorate_code",
            name=op.f("uq_conflict_scan_shard_scan_id_governorate_code"),
        ),
    )
    with op.batch_alter_table("conflict_scan_shard", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_scan_shard_scan_id"), ["scan_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_scan_shard_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "conflict_group_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_conflict_group_member_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["conflict_group.id"],
            name=op.f("fk_conflict_group_member_group_id_conflict_group"),
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["conflict_candidate.id"],
            name=op.f("fk_conflict_group_member_pair_id_conflict_candidate"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_conflict_group_member_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_group_member")),
        sa.UniqueConstraint("claim_id", name=op.f("uq_conflict_group_member_claim_id")),
    )
    with op.batch_alter_table("conflict_group_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_group_member_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_group_member_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("conflict_group_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_group_member_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_group_member_group_id"))

    op.drop_table("conflict_group_member")
    with op.batch_alter_table("conflict_scan_shard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_scan_shard_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_scan_shard_scan_id"))

    op.drop_table("conflict_scan_shard")
    with op.batch_alter_table("conflict_scan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_scan_workspace_id"))

    op.drop_table("conflict_scan")
    with op.batch_alter_table("conflict_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_group_workspace_id"))

    op.drop_table("conflict_group")
