"""The audit log: written with every change, chained, verified, append-only."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from commission.accounts.models import Role, User
from commission.audit import Actor, AuditEntry, set_actor, verify_chain
from commission.extensions import db
from commission.workspaces import ALL_WORKSPACES, Workspace, use_workspace
from tests.support.notes import ScopedNote


def _entries(workspace_id: int) -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.workspace_id == workspace_id)
        .order_by(AuditEntry.seq)
        .execution_options(**{ALL_WORKSPACES: True})
    ).all()


def _verify(app, workspace_id: int):
    with app.app_context():
        return verify_chain(db.session, db.session.get(Workspace, workspace_id))


def _tamper(app, *statements: str, **params) -> None:
    """Change audit rows as someone with database rights would, bypassing the app."""
    with app.app_context(), db.engine.begin() as connection:
        is_postgresql = connection.dialect.name == "postgresql"
        if is_postgresql:
            connection.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
        for statement in statements:
            connection.execute(text(statement), params)
        if is_postgresql:
            connection.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))


def test_create_update_delete_are_recorded_with_actor_and_values(app, training_workspace):
    with app.app_context(), use_workspace(training_workspace):
        set_actor(Actor(None, "clerk-zainab"))
        note = ScopedNote(body="first")
        db.session.add(note)
        db.session.commit()
        note_id = note.id
        note.body = "second"
        db.session.commit()
        db.session.delete(note)
        db.session.commit()
        entries = _entries(training_workspace)

    assert [entry.action for entry in entries] == ["create", "update", "delete"]
    assert {entry.actor_label for entry in entries} == {"clerk-zainab"}
    assert {entry.entity_id for entry in entries} == {str(note_id)}
    assert json.loads(entries[0].after_json)["body"] == "first"
    assert json.loads(entries[1].before_json) == {"body": "first"}
    assert json.loads(entries[1].after_json) == {"body": "second"}
    assert json.loads(entries[2].before_json)["body"] == "second"
    assert [entry.seq for entry in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash


def test_a_rolled_back_change_leaves_no_audit_entry(app, training_workspace):
    with app.app_context(), use_workspace(training_workspace):
        db.session.add(ScopedNote(body="never saved"))
        db.session.flush()
        db.session.rollback()
        assert _entries(training_workspace) == []


def test_password_hashes_are_redacted_and_login_counters_left_out(app, make_user):
    user = make_user(Role.CLERK)
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "user", AuditEntry.entity_id == str(user.id))
            .execution_options(**{ALL_WORKSPACES: True})
        ).one()
        after = json.loads(entry.after_json)
        db.session.get(User, user.id).failed_login_count = 3
        db.session.commit()
        updates = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "user", AuditEntry.entity_id == str(user.id))
            .where(AuditEntry.action == "update")
            .execution_options(**{ALL_WORKSPACES: True})
        ).all()
    assert after["password_hash"] == "[redacted]"
    assert after["username"] == user.username
    assert "failed_login_count" not in after
    assert updates == []


@pytest.fixture
def chain(app, training_workspace, add_notes):
    """A training workspace whose chain holds five entries (#1..#5)."""
    add_notes(training_workspace, *[f"note {n}" for n in range(1, 6)])
    report = _verify(app, training_workspace)
    assert report.ok and report.entries == 5
    return training_workspace


TAMPERINGS = {
    "edited": (
        [
            'UPDATE audit_entry SET after_json = \'{"body":"forged"}\' '
            "WHERE workspace_id = :ws AND seq = 3"
        ],
        "entry #3 (id",
        "was edited",
    ),
    "deleted": (
        ["DELETE FROM audit_entry WHERE workspace_id = :ws AND seq = 2"],
        "entry #3",
        "deleted",
    ),
    "deleted_at_end": (
        ["DELETE FROM audit_entry WHERE workspace_id = :ws AND seq = 5"],
        "ends at #4",
        "deleted from the end",
    ),
    "swapped": (
        [
            "UPDATE audit_entry SET seq = -1 WHERE workspace_id = :ws AND seq = 2",
            "UPDATE audit_entry SET seq = 2 WHERE workspace_id = :ws AND seq = 3",
            "UPDATE audit_entry SET seq = 3 WHERE workspace_id = :ws AND seq = -1",
        ],
        "entry #2",
        "",
    ),
}


@pytest.mark.parametrize("kind", sorted(TAMPERINGS))
def test_verify_names_the_first_bad_entry(app, chain, kind):
    statements, names, reason = TAMPERINGS[kind]
    _tamper(app, *statements, ws=chain)
    report = _verify(app, chain)
    assert not report.ok
    assert names in report.problem
    assert reason in report.problem


def test_verify_command_prints_head_hash_and_fails_on_tampering(app, runner, chain):
    with app.app_context():
        head = _verify(app, chain).head_hash
    result = runner.invoke(args=["audit", "verify"])
    assert f"workspace {chain} " in result.output
    assert head in result.output

    _tamper(
        app,
        "UPDATE audit_entry SET actor_label = 'someone else' WHERE workspace_id = :ws AND seq = 4",
        ws=chain,
    )
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "entry #4" in result.output


def test_operational_chain_is_intact(app, make_user):
    make_user(Role.ADMIN, office="HQ")
    with app.app_context():
        operational = db.session.scalar(select(Workspace).where(Workspace.kind == "operational"))
        report = verify_chain(db.session, operational)
    assert report.ok, report.problem


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET actor_label = 'x'",
        "DELETE FROM audit_entry",
        "TRUNCATE audit_entry",
    ],
)
def test_postgresql_refuses_changes_to_the_audit_table(app, chain, statement):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the append-only triggers are PostgreSQL's")
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))
    assert _verify(app, chain).ok
