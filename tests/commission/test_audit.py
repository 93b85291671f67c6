"""The audit log: written with every change, chained, verified, append-only."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from commission.accounts.models import Role, User
from commission.audit import (
    Actor,
    AuditEntry,
    WorkspaceKindLocked,
    anchor_log_path,
    append_anchors,
    current_anchors,
    entry_hash,
    read_anchors,
    record_entries,
    remove_training_chain,
    set_actor,
    verify_chain,
)
from commission.db import utcnow
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


def test_entries_recorded_for_rows_written_in_bulk_join_the_chain_at_commit(
    app, training_workspace
):
    """Set-based writes (an import) record their entries themselves; the content is
    hashed before the commit, the chain fields at it: verification agrees."""
    awkward = {"name": 'عليّ "الكرادة" \\ \u200f', "area": None, "lines": "a\nb", "n": 7}
    with app.app_context(), use_workspace(training_workspace):
        set_actor(Actor(None, "import-bot"))
        db.session.add(ScopedNote(body="before"))
        db.session.flush()
        record_entries(
            db.session,
            [
                (training_workspace, "create", "claim", str(n), None, {**awkward, "id": n})
                for n in range(1, 4)
            ],
        )
        record_entries(db.session, [(training_workspace, "update", "parcel", "9", awkward, {})])
        db.session.commit()
        entries = _entries(training_workspace)
    assert [(entry.entity, entry.entity_id) for entry in entries[-4:]] == [
        ("claim", "1"),
        ("claim", "2"),
        ("claim", "3"),
        ("parcel", "9"),
    ]
    assert json.loads(entries[-4].after_json) == {**awkward, "id": 1}
    assert json.loads(entries[-1].before_json) == awkward
    for entry in entries:
        assert entry.hash == entry_hash(
            **{
                column: getattr(entry, column)
                for column in (
                    "workspace_id",
                    "seq",
                    "occurred_at",
                    "actor_id",
                    "actor_label",
                    "action",
                    "entity",
                    "entity_id",
                    "before_json",
                    "after_json",
                    "prev_hash",
                )
            }
        )
    assert _verify(app, training_workspace).ok


def test_entries_recorded_in_bulk_go_with_a_rollback(app, training_workspace):
    with app.app_context(), use_workspace(training_workspace):
        before = len(_entries(training_workspace))
        record_entries(db.session, [(training_workspace, "create", "claim", "1", None, {})])
        db.session.rollback()
        db.session.add(ScopedNote(body="after"))
        db.session.commit()
        entries = _entries(training_workspace)
    assert len(entries) == before + 1 and entries[-1].entity != "claim"


def test_an_entry_recorded_under_one_actor_and_committed_under_another_still_verifies(
    app, training_workspace
):
    with app.app_context(), use_workspace(training_workspace):
        set_actor(Actor(None, "first"))
        db.session.add(ScopedNote(body="flushed"))
        db.session.flush()
        set_actor(Actor(None, "second"))
        db.session.commit()
        [entry] = _entries(training_workspace)[-1:]
    assert entry.actor_label == "second"
    assert _verify(app, training_workspace).ok


def test_a_rolled_back_change_leaves_no_audit_entry(app, training_workspace):
    with app.app_context(), use_workspace(training_workspace):
        db.session.add(ScopedNote(body="never saved"))
        db.session.flush()
        db.session.rollback()
        assert _entries(training_workspace) == []


def test_password_hashes_are_redacted_and_login_times_left_out(app, make_user):
    user = make_user(Role.CLERK)
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "user", AuditEntry.entity_id == str(user.id))
            .execution_options(**{ALL_WORKSPACES: True})
        ).one()
        after = json.loads(entry.after_json)
        db.session.get(User, user.id).last_login_at = utcnow()
        db.session.commit()
        updates = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "user", AuditEntry.entity_id == str(user.id))
            .where(AuditEntry.action == "update")
            .execution_options(**{ALL_WORKSPACES: True})
        ).all()
    assert after["password_hash"] == "[redacted]"
    assert after["username"] == user.username
    assert "last_login_at" not in after
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


def _postgresql_only(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks and triggers are PostgreSQL's")


def test_an_open_transaction_does_not_hold_up_another_until_its_commit(app, training_workspace):
    _postgresql_only(app)
    with app.app_context(), use_workspace(training_workspace):
        set_actor(Actor(None, "long import"))
        first = db.session()
        first.add(ScopedNote(body="written early, committed late"))
        first.flush()
        with app.app_context(), use_workspace(training_workspace):
            set_actor(Actor(None, "web registration"))
            second = db.session()
            assert second is not first
            # Waiting on the first transaction's lock would fail here instead of hanging.
            second.execute(text("SET LOCAL lock_timeout = '2s'"))
            second.add(ScopedNote(body="written and committed meanwhile"))
            second.commit()
            db.session.remove()
        first.commit()
        entries = _entries(training_workspace)
    assert [(entry.seq, entry.actor_label) for entry in entries] == [
        (1, "web registration"),
        (2, "long import"),
    ]
    assert _verify(app, training_workspace).ok


def test_orm_refuses_to_change_the_kind_of_a_workspace_with_entries(app, chain):
    with app.app_context():
        workspace = db.session.get(Workspace, chain)
        workspace.kind = "operational"
        with pytest.raises(WorkspaceKindLocked):
            db.session.flush()
        db.session.rollback()


def _operational_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Workspace.id).where(Workspace.kind == "operational"))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE workspace SET kind = 'training' WHERE id = :operational",
        "DELETE FROM audit_entry WHERE workspace_id = :training",
        "UPDATE audit_head SET seq = 1 WHERE workspace_id = :operational",
        "DELETE FROM audit_head WHERE workspace_id = :operational",
        "SELECT remove_training_audit_chain(:operational)",
    ],
)
def test_postgresql_refuses_each_step_of_trimming_the_operational_tail(
    app, make_user, chain, statement
):
    _postgresql_only(app)
    make_user(Role.CLERK)
    params = {"operational": _operational_id(app), "training": chain}
    with (
        app.app_context(),
        pytest.raises(DBAPIError, match="append-only|fixed|forward|not a training"),
        db.engine.begin() as connection,
    ):
        connection.execute(text(statement), params)


def test_a_training_chain_goes_through_its_narrow_path_and_the_removal_is_recorded(app, chain):
    with app.app_context(), use_workspace(_operational_id(app)):
        set_actor(Actor(None, "trainer"))
        remove_training_chain(db.session, chain)
        db.session.commit()
        assert _entries(chain) == []
        removal = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "audit_chain", AuditEntry.entity_id == str(chain))
            .execution_options(**{ALL_WORKSPACES: True})
        ).one()
    assert json.loads(removal.before_json)["seq"] == 5
    assert removal.actor_label == "trainer"


def _trim_tail(app, workspace_id: int, keep: int) -> None:
    """The attack of the issue, by someone who can also switch the triggers off: the
    tail deleted and the head set back to the last entry kept."""
    with app.app_context(), db.engine.begin() as connection:
        is_postgresql = connection.dialect.name == "postgresql"
        if is_postgresql:
            connection.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
            connection.execute(text("ALTER TABLE audit_head DISABLE TRIGGER USER"))
        params = {"ws": workspace_id, "keep": keep}
        connection.execute(
            text("DELETE FROM audit_entry WHERE workspace_id = :ws AND seq > :keep"), params
        )
        kept_hash = connection.scalar(
            text("SELECT hash FROM audit_entry WHERE workspace_id = :ws AND seq = :keep"), params
        )
        connection.execute(
            text("UPDATE audit_head SET seq = :keep, hash = :hash WHERE workspace_id = :ws"),
            {**params, "hash": kept_hash},
        )
        if is_postgresql:
            connection.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))
            connection.execute(text("ALTER TABLE audit_head ENABLE TRIGGER USER"))


@pytest.fixture
def fresh_anchor_log(app):
    log = anchor_log_path(app.config["QAYD_DATA_DIR"])
    log.unlink(missing_ok=True)
    yield log
    log.unlink(missing_ok=True)


def test_anchor_appends_and_prints_the_heads(app, runner, make_user, fresh_anchor_log):
    make_user(Role.CLERK)
    first = runner.invoke(args=["audit", "anchor"])
    second = runner.invoke(args=["audit", "anchor"])
    assert first.exit_code == second.exit_code == 0
    printed = [json.loads(line) for line in first.output.splitlines()]
    operational = next(a for a in printed if a["workspace_id"] == _operational_id(app))
    assert operational["kind"] == "operational" and operational["seq"] > 0
    assert set(operational) == {"workspace_id", "kind", "seq", "hash", "anchored_at"}
    assert len(fresh_anchor_log.read_text().splitlines()) == 2 * len(printed)


def _anchored(app, workspace_id: int) -> list:
    """Anchor every head to the log, as `flask audit anchor` does, and read it back."""
    with app.app_context():
        append_anchors(app.config["QAYD_DATA_DIR"], current_anchors(db.session))
        db.session.remove()
    return read_anchors(app.config["QAYD_DATA_DIR"])


def _verify_against(app, workspace_id: int, anchors):
    with app.app_context():
        return verify_chain(db.session, db.session.get(Workspace, workspace_id), anchors=anchors)


def test_verify_catches_a_trimmed_tail_whose_head_was_set_back(app, chain, fresh_anchor_log):
    anchors = _anchored(app, chain)
    assert _verify_against(app, chain, anchors).ok
    _trim_tail(app, chain, keep=3)
    assert _verify(app, chain).ok  # without the anchor the trim goes unseen

    report = _verify_against(app, chain, anchors)
    assert not report.ok
    assert "ends at #3 but reached #5" in report.problem
    assert "went backwards" in report.problem


def test_verify_catches_a_rewritten_tail(app, chain, add_notes, fresh_anchor_log):
    anchors = _anchored(app, chain)
    _trim_tail(app, chain, keep=4)
    add_notes(chain, "a different fifth entry")
    assert _verify(app, chain).ok

    report = _verify_against(app, chain, anchors)
    assert not report.ok
    assert "entry #5 differs" in report.problem
    assert "rewritten" in report.problem


def test_verify_command_checks_the_operational_chain_against_the_anchor_log(
    app, runner, make_user, fresh_anchor_log
):
    make_user(Role.CLERK)
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    operational = _operational_id(app)
    with fresh_anchor_log.open("a") as log:
        log.write(
            json.dumps(
                {
                    "workspace_id": operational,
                    "kind": "operational",
                    "seq": 10**9,
                    "hash": "f" * 64,
                    "anchored_at": "2026-01-01T00:00:00+00:00",
                }
            )
            + "\n"
        )
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"workspace {operational} (" in result.output
    assert "went backwards" in result.output


def test_verify_flags_a_letter_younger_than_the_chain(app, chain):
    with app.app_context():
        workspace = db.session.get(Workspace, chain)
        assert verify_chain(db.session, workspace, newest_letter_seq=5).ok
        report = verify_chain(db.session, workspace, newest_letter_seq=9)
    assert not report.ok
    assert "letter" in report.problem
