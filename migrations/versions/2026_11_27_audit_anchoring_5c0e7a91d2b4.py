"""Audit anchoring: a workspace's kind is fixed once its chain has entries, a training chain goes only through remove_training_audit_chain, the head never goes backwards, letters record the chain position at issue; the account lock columns go (logins are throttled per name and address instead).

Revision ID: 5c0e7a91d2b4
Revises: a7d3c2e91f08
Create Date: 2026-11-25 09:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c0e7a91d2b4"
down_revision = "a7d3c2e91f08"
branch_labels = None
depends_on = None

# Set (transaction-locally) by remove_training_audit_chain alone: the one path on which
# audit rows of one workspace may be deleted.
REMOVAL_SETTING = "qayd.removing_audit_chain"

WORKSPACE_KIND_FIXED = """
CREATE FUNCTION workspace_kind_fixed() RETURNS trigger AS $$
BEGIN
    IF NEW.kind IS DISTINCT FROM OLD.kind AND (
        EXISTS (SELECT 1 FROM audit_entry WHERE workspace_id = OLD.id)
        OR EXISTS (SELECT 1 FROM audit_head WHERE workspace_id = OLD.id)
    ) THEN
        RAISE EXCEPTION 'workspace % holds audit entries: its kind is fixed', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""

APPEND_ONLY = f"""
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
        AND current_setting('{REMOVAL_SETTING}', true) = OLD.workspace_id::text THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""

HEAD_FORWARD_ONLY = f"""
CREATE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
        AND current_setting('{REMOVAL_SETTING}', true) = OLD.workspace_id::text THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.workspace_id = OLD.workspace_id AND NEW.seq > OLD.seq THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_head only moves forward: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""

REMOVE_TRAINING_CHAIN = f"""
CREATE FUNCTION remove_training_audit_chain(target integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    removed integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM workspace WHERE id = target AND kind = 'training') THEN
        RAISE EXCEPTION 'workspace % is not a training workspace: its chain stays', target
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('{REMOVAL_SETTING}', target::text, true);
    DELETE FROM audit_entry WHERE workspace_id = target;
    GET DIAGNOSTICS removed = ROW_COUNT;
    DELETE FROM audit_head WHERE workspace_id = target;
    PERFORM set_config('{REMOVAL_SETTING}', '', true);
    RETURN removed;
END;
$$
"""

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


def upgrade():
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_seq", sa.Integer(), nullable=True))
    # Login failures are counted by the throttle's shared storage, per name and address,
    # no longer as a lock on the account that anyone could set off.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_login_count")

    if op.get_bind().dialect.name == "postgresql":
        op.execute(WORKSPACE_KIND_FIXED)
        op.execute(
            "CREATE TRIGGER workspace_kind_fixed BEFORE UPDATE OF kind ON workspace "
            "FOR EACH ROW EXECUTE FUNCTION workspace_kind_fixed()"
        )
        op.execute(APPEND_ONLY)
        op.execute(HEAD_FORWARD_ONLY)
        op.execute(
            "CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head "
            "FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only()"
        )
        op.execute(REMOVE_TRAINING_CHAIN)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION remove_training_audit_chain(integer)")
        op.execute("DROP TRIGGER audit_head_no_truncate ON audit_head")
        op.execute("DROP TRIGGER audit_head_forward_only ON audit_head")
        op.execute("DROP FUNCTION audit_head_forward_only()")
        op.execute(APPEND_ONLY_UNLESS_TRAINING)
        op.execute("DROP TRIGGER workspace_kind_fixed ON workspace")
        op.execute("DROP FUNCTION workspace_kind_fixed()")

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_login_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_column("audit_seq")
