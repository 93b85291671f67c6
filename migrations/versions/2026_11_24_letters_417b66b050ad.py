"""Letters: issued letters with their stored PDF's hash and verification code, and the claims each covers.

Revision ID: 417b66b050ad
Revises: 08b320fd9edb
Create Date: 2026-11-24 19:59:34.164393

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "417b66b050ad"
down_revision = "08b320fd9edb"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("transition_id", sa.Integer(), nullable=True),
        sa.Column("hearing_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("source_key", sa.String(length=60), nullable=False),
        sa.Column("document_id", sa.String(length=40), nullable=False),
        sa.Column("verification_code", sa.String(length=24), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("is_training", sa.Boolean(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind <> 'appeal_outcome' OR appeal_id IS NOT NULL", name=op.f("ck_letter_appeal")
        ),
        sa.CheckConstraint(
            "kind <> 'decision' OR decision_id IS NOT NULL", name=op.f("ck_letter_decision")
        ),
        sa.CheckConstraint(
            "kind <> 'hearing_notice' OR hearing_id IS NOT NULL", name=op.f("ck_letter_hearing")
        ),
        sa.CheckConstraint(
            "kind IN ('receipt', 'respondent_notice', 'document_request', 'hearing_notice', 'decision', 'appeal_outcome')",
            name=op.f("ck_letter_kind"),
        ),
        sa.CheckConstraint(
            "kind NOT IN ('respondent_notice', 'document_request') OR transition_id IS NOT NULL",
            name=op.f("ck_letter_transition_letter"),
        ),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeal.id"], name=op.f("fk_letter_appeal_id_appeal")
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_letter_claim_id_claim")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_letter_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["hearing_id"], ["hearing.id"], name=op.f("fk_letter_hearing_id_hearing")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["user.id"], name=op.f("fk_letter_issued_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["transition_id"], ["transition.id"], name=op.f("fk_letter_transition_id_transition")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_letter_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter")),
        sa.UniqueConstraint(
            "workspace_id", "source_key", name=op.f("uq_letter_workspace_id_source_key")
        ),
        sa.UniqueConstraint(
            "workspace_id",
            "verification_code",
            name=op.f("uq_letter_workspace_id_verification_code"),
        ),
    )
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_letter_verification_code"), ["verification_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_letter_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "letter_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_letter_claim_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letter.id"], name=op.f("fk_letter_claim_letter_id_letter")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_letter_claim_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_claim")),
        sa.UniqueConstraint(
            "letter_id", "claim_id", name=op.f("uq_letter_claim_letter_id_claim_id")
        ),
    )
    with op.batch_alter_table("letter_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_claim_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_letter_claim_letter_id"), ["letter_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_letter_claim_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("letter_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_claim_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_letter_claim_letter_id"))
        batch_op.drop_index(batch_op.f("ix_letter_claim_claim_id"))

    op.drop_table("letter_claim")
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_letter_verification_code"))
        batch_op.drop_index(batch_op.f("ix_letter_claim_id"))

    op.drop_table("letter")
