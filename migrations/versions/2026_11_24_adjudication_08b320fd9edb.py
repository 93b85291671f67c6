"""Adjudication: transitions, decisions (four eyes, conflict groups), hearings, appeals; claim assignment, state age and deadline.

Revision ID: 08b320fd9edb
Revises: 4459557ad621
Create Date: 2026-11-24 19:37:22.495101

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "08b320fd9edb"
down_revision = "4459557ad621"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("legal_basis_note", sa.Text(), nullable=False),
        sa.Column("drafted_by_id", sa.Integer(), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("appeal_deadline", sa.Date(), nullable=True),
        sa.Column("returned_by_id", sa.Integer(), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_note", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status <> 'issued' OR (approved_by_id IS NOT NULL AND issued_at IS NOT NULL AND notified_on IS NOT NULL AND appeal_deadline IS NOT NULL)",
            name=op.f("ck_decision_issued"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'returned', 'issued')", name=op.f("ck_decision_status")
        ),
        sa.CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> drafted_by_id",
            name=op.f("ck_decision_four_eyes"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["user.id"], name=op.f("fk_decision_approved_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"], ["user.id"], name=op.f("fk_decision_drafted_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["returned_by_id"], ["user.id"], name=op.f("fk_decision_returned_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_decision_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decision_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("lodged_on", sa.Date(), nullable=False),
        sa.Column("lodged_by_id", sa.Integer(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('upheld', 'overturned', 'remanded')",
            name=op.f("ck_appeal_outcome"),
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_appeal_claim_id_claim")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_appeal_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_appeal_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["lodged_by_id"], ["user.id"], name=op.f("fk_appeal_lodged_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_appeal_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal")),
    )
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeal_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeal_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "decision_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason_code", sa.String(length=50), nullable=False),
        sa.Column("compensation_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("compensation_currency", sa.String(length=3), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(outcome = 'compensation') = (compensation_amount IS NOT NULL AND compensation_amount > 0 AND compensation_currency <> '')",
            name=op.f("ck_decision_claim_compensation"),
        ),
        sa.CheckConstraint(
            "outcome IN ('restitution', 'compensation', 'rejection', 'inadmissible')",
            name=op.f("ck_decision_claim_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_decision_claim_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_decision_claim_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_decision_claim_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_claim")),
        sa.UniqueConstraint(
            "decision_id", "claim_id", name=op.f("uq_decision_claim_decision_id_claim_id")
        ),
    )
    with op.batch_alter_table("decision_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_claim_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_decision_claim_decision_id"), ["decision_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_decision_claim_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "hearing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("parties_notified", sa.Boolean(), nullable=False),
        sa.Column("scheduled_by_id", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_hearing_claim_id_claim")),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_hearing_office_id_office")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_hearing_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["scheduled_by_id"], ["user.id"], name=op.f("fk_hearing_scheduled_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_hearing_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing")),
    )
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hearing_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            "ix_hearing_office_calendar", ["workspace_id", "office_id", "starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_hearing_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=30), nullable=False),
        sa.Column("to_state", sa.String(length=30), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reason_code", sa.String(length=50), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "action IN ('start_screening', 'serve_respondent', 'admit', 'request_documents', 'documents_received', 'annul', 'declare_inadmissible', 'record_answer', 'close_answer_window', 'schedule_hearing', 'record_hearing', 'draft_decision', 'approve_decision', 'return_draft', 'lodge_appeal', 'decide_appeal', 'remand', 'finalise', 'close', 'withdraw')",
            name=op.f("ck_transition_action"),
        ),
        sa.CheckConstraint(
            "from_state IN ('registered', 'screening', 'incomplete', 'annulled', 'inadmissible', 'respondent_notice', 'under_review', 'hearing_scheduled', 'decision_drafted', 'decision_issued', 'appealed', 'appeal_decided', 'final', 'closed', 'withdrawn')",
            name=op.f("ck_transition_from_state"),
        ),
        sa.CheckConstraint(
            "to_state IN ('registered', 'screening', 'incomplete', 'annulled', 'inadmissible', 'respondent_notice', 'under_review', 'hearing_scheduled', 'decision_drafted', 'decision_issued', 'appealed', 'appeal_decided', 'final', 'closed', 'withdrawn')",
            name=op.f("ck_transition_to_state"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_transition_actor_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_transition_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_transition_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transition")),
    )
    with op.batch_alter_table("transition", schema=None) as batch_op:
        batch_op.create_index("ix_transition_claim_history", ["claim_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_transition_workspace_id"), ["workspace_id"], unique=False
        )

    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("state_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deadline_on", sa.Date(), nullable=True))
        batch_op.create_index(
            "ix_claim_workspace_assignee",
            ["workspace_id", "assigned_to_id", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_claim_workspace_deadline", ["workspace_id", "deadline_on"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_claim_assigned_to_id_user"), "user", ["assigned_to_id"], ["id"]
        )
    # Claims registered before the workflow have been in their state since registration.
    op.execute("UPDATE claim SET state_since = registered_at")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.alter_column(
            "state_since", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade():
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_claim_assigned_to_id_user"), type_="foreignkey")
        batch_op.drop_index("ix_claim_workspace_deadline")
        batch_op.drop_index("ix_claim_workspace_assignee")
        batch_op.drop_column("deadline_on")
        batch_op.drop_column("state_since")
        batch_op.drop_column("assigned_at")
        batch_op.drop_column("assigned_to_id")

    with op.batch_alter_table("transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transition_workspace_id"))
        batch_op.drop_index("ix_transition_claim_history")

    op.drop_table("transition")
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_workspace_id"))
        batch_op.drop_index("ix_hearing_office_calendar")
        batch_op.drop_index(batch_op.f("ix_hearing_claim_id"))

    op.drop_table("hearing")
    with op.batch_alter_table("decision_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_claim_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_decision_claim_decision_id"))
        batch_op.drop_index(batch_op.f("ix_decision_claim_claim_id"))

    op.drop_table("decision_claim")
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeal_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_appeal_claim_id"))

    op.drop_table("appeal")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_workspace_id"))

    op.drop_table("decision")
