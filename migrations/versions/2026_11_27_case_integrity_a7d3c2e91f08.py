"""Case integrity: a claim closed as the duplicate of a lead claim, the finding of a
conflict review, evidence added after registration and marked superseded or void, the
draft an approval approved.

Revision ID: a7d3c2e91f08
Revises: 8e4f0b6a2c19
Create Date: 2026-11-25 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d3c2e91f08"
down_revision = "8e4f0b6a2c19"
branch_labels = None
depends_on = None

EVIDENCE_STATUSES = "('current', 'superseded', 'void')"
ACTIONS_BEFORE = (
    "'start_screening', 'serve_respondent', 'admit', 'request_documents', "
    "'documents_received', 'annul', 'declare_inadmissible', 'record_answer', "
    "'close_answer_window', 'schedule_hearing', 'record_hearing', 'draft_decision', "
    "'approve_decision', 'return_draft', 'lodge_appeal', 'decide_appeal', 'remand', "
    "'finalise', 'close', 'withdraw'"
)
ACTIONS_AFTER = ACTIONS_BEFORE + ", 'close_as_duplicate'"


def _transition_actions(actions: str) -> None:
    with op.batch_alter_table("transition", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_transition_action"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_transition_action"), f"action IN ({actions})"
        )


def upgrade():
    _transition_actions(ACTIONS_AFTER)

    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_claim_duplicate_of_id_claim"), "claim", ["duplicate_of_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_claim_duplicate_of_id"), ["duplicate_of_id"])

    with op.batch_alter_table("conflict_candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("finding", sa.String(length=30), nullable=True))

    # Existing evidence was all filed at registration and is current.
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("added_in_state", sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="current")
        )
        batch_op.add_column(
            sa.Column("status_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("status_changed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_evidence_status_changed_by_id_user"),
            "user",
            ["status_changed_by_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_evidence_status"), f"status IN {EVIDENCE_STATUSES}"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_evidence_status_reason"),
            "status = 'current' OR (status_changed_by_id IS NOT NULL "
            "AND status_changed_at IS NOT NULL AND status_reason <> '')",
        )

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_draft_hash", sa.String(length=64), nullable=True))


def downgrade():
    # A claim closed as a duplicate keeps its state; its transition row reads as a close.
    op.execute("UPDATE transition SET action = 'close' WHERE action = 'close_as_duplicate'")
    _transition_actions(ACTIONS_BEFORE)

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_column("approved_draft_hash")

    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_evidence_status_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_evidence_status"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_evidence_status_changed_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("status_changed_at")
        batch_op.drop_column("status_changed_by_id")
        batch_op.drop_column("status_reason")
        batch_op.drop_column("status")
        batch_op.drop_column("added_in_state")
        batch_op.drop_column("note")

    with op.batch_alter_table("conflict_candidate", schema=None) as batch_op:
        batch_op.drop_column("finding")

    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_duplicate_of_id"))
        batch_op.drop_constraint(batch_op.f("fk_claim_duplicate_of_id_claim"), type_="foreignkey")
        batch_op.drop_column("duplicate_of_id")
