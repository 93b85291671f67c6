"""Key indexes with the workspace: the tables looked up by a claim (or a group, a
decision, a letter) index (key, workspace_id) in place of the key alone and of
workspace_id alone, so that a planner without statistics reads one claim's rows, not the
whole workspace's.

Revision ID: 1d0440417694
Revises: 5c0e7a91d2b4
Create Date: 2026-11-27 17:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "1d0440417694"
down_revision = "5c0e7a91d2b4"
branch_labels = None
depends_on = None

#: table -> its new indexes: (name, columns, the single-column index it replaces or None).
KEY_INDEXES = {
    "appeal": [("ix_appeal_claim_workspace", ["claim_id", "workspace_id"], "claim_id")],
    "claim_match_key": [
        ("ix_claim_match_key_claim_workspace", ["claim_id", "workspace_id"], "claim_id")
    ],
    "claim_quality_flag": [
        ("ix_claim_quality_flag_claim_workspace", ["claim_id", "workspace_id"], None)
    ],
    "conflict_candidate": [
        ("ix_conflict_candidate_claim_a_workspace", ["claim_a_id", "workspace_id"], "claim_a_id"),
        ("ix_conflict_candidate_claim_b_workspace", ["claim_b_id", "workspace_id"], "claim_b_id"),
    ],
    "conflict_group_member": [
        ("ix_conflict_group_member_group_workspace", ["group_id", "workspace_id"], "group_id")
    ],
    "decision_claim": [
        ("ix_decision_claim_claim_workspace", ["claim_id", "workspace_id"], "claim_id"),
        ("ix_decision_claim_decision_workspace", ["decision_id", "workspace_id"], "decision_id"),
    ],
    "evidence": [("ix_evidence_claim_workspace", ["claim_id", "workspace_id"], "claim_id")],
    "hearing": [("ix_hearing_claim_workspace", ["claim_id", "workspace_id"], "claim_id")],
    "letter": [("ix_letter_claim_workspace", ["claim_id", "workspace_id"], "claim_id")],
    "letter_claim": [
        ("ix_letter_claim_claim_workspace", ["claim_id", "workspace_id"], "claim_id"),
        ("ix_letter_claim_letter_workspace", ["letter_id", "workspace_id"], "letter_id"),
    ],
    "parcel_change": [
        ("ix_parcel_change_claim_workspace", ["claim_id", "workspace_id"], "claim_id")
    ],
    "party": [("ix_party_claim_workspace", ["claim_id", "workspace_id"], "claim_id")],
    "registry_extract_request": [
        ("ix_registry_extract_request_claim_workspace", ["claim_id", "workspace_id"], "claim_id")
    ],
    "transition": [("ix_transition_claim_workspace", ["claim_id", "workspace_id", "id"], None)],
}


def upgrade():
    for table, indexes in KEY_INDEXES.items():
        for name, columns, replaced in indexes:
            op.create_index(name, table, columns)
            if replaced:
                op.drop_index(f"ix_{table}_{replaced}", table_name=table)
        op.drop_index(f"ix_{table}_workspace_id", table_name=table)
    op.drop_index("ix_transition_claim_history", table_name="transition")


def downgrade():
    op.create_index("ix_transition_claim_history", "transition", ["claim_id", "id"])
    for table, indexes in KEY_INDEXES.items():
        op.create_index(f"ix_{table}_workspace_id", table, ["workspace_id"])
        for name, _columns, replaced in indexes:
            if replaced:
                op.create_index(f"ix_{table}_{replaced}", table, [replaced])
            op.drop_index(name, table_name=table)
