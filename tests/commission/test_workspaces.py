"""Workspace scoping: the normal query path never crosses workspaces."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from commission.audit import AuditEntry
from commission.extensions import db
from commission.workspaces import (
    ALL_WORKSPACES,
    Workspace,
    WorkspaceKind,
    WorkspaceMismatch,
    WorkspaceNotSet,
    use_workspace,
)
from tests.support.notes import ScopedNote


@pytest.fixture
def two_workspaces(training_workspace, app, note_table):
    with app.app_context():
        other = Workspace(kind=WorkspaceKind.TRAINING, name=f"other-of-{training_workspace}")
        with use_workspace(training_workspace):
            db.session.add(other)
            db.session.commit()
        other_id = other.id
        db.session.remove()
    return training_workspace, other_id


def test_query_sees_only_the_current_workspace(app, two_workspaces, add_notes):
    mine, theirs = two_workspaces
    add_notes(mine, "mine 1", "mine 2")
    add_notes(theirs, "theirs")
    with app.app_context(), use_workspace(mine):
        bodies = db.session.scalars(select(ScopedNote.body).order_by(ScopedNote.body)).all()
        counted = db.session.scalars(select(ScopedNote)).all()
    assert bodies == ["mine 1", "mine 2"]
    assert {note.workspace_id for note in counted} == {mine}


def test_lookup_by_id_in_another_workspace_finds_nothing(app, two_workspaces, add_notes):
    mine, theirs = two_workspaces
    [their_note] = add_notes(theirs, "theirs")
    with app.app_context(), use_workspace(mine):
        assert db.session.get(ScopedNote, their_note) is None


def test_joined_and_aliased_queries_are_scoped_too(app, two_workspaces, add_notes):
    mine, theirs = two_workspaces
    add_notes(mine, "shared body")
    add_notes(theirs, "shared body")
    from sqlalchemy.orm import aliased

    other = aliased(ScopedNote)
    with app.app_context(), use_workspace(mine):
        pairs = db.session.execute(
            select(ScopedNote.id, other.id).join(other, other.body == ScopedNote.body)
        ).all()
    assert len(pairs) == 1


def test_query_with_no_workspace_fails_loudly(app, note_table):
    with app.app_context():
        with pytest.raises(WorkspaceNotSet):
            db.session.scalars(select(ScopedNote)).all()


def test_new_rows_take_the_current_workspace(app, training_workspace, add_notes):
    [note_id] = add_notes(training_workspace, "stamped")
    with app.app_context(), use_workspace(training_workspace):
        assert db.session.get(ScopedNote, note_id).workspace_id == training_workspace


def test_writing_into_another_workspace_is_refused(app, two_workspaces, note_table):
    mine, theirs = two_workspaces
    with app.app_context(), use_workspace(mine):
        db.session.add(ScopedNote(body="smuggled", workspace_id=theirs))
        with pytest.raises(WorkspaceMismatch):
            db.session.flush()
        db.session.rollback()


def test_bulk_update_changes_only_the_current_workspace(app, two_workspaces, add_notes):
    mine, theirs = two_workspaces
    add_notes(mine, "draft")
    [their_note] = add_notes(theirs, "draft")
    with app.app_context():
        with use_workspace(mine):
            db.session.execute(
                update(ScopedNote).where(ScopedNote.body == "draft").values(body="final")
            )
            db.session.commit()
        with use_workspace(theirs):
            assert db.session.get(ScopedNote, their_note).body == "draft"


def test_crossing_workspaces_takes_an_explicit_option(app, two_workspaces, add_notes):
    mine, theirs = two_workspaces
    add_notes(mine, "a")
    add_notes(theirs, "b")
    with app.app_context(), use_workspace(mine):
        everywhere = db.session.scalars(
            select(ScopedNote.workspace_id)
            .where(ScopedNote.workspace_id.in_([mine, theirs]))
            .execution_options(**{ALL_WORKSPACES: True})
        ).all()
    assert set(everywhere) == {mine, theirs}


def test_audit_entries_are_scoped_like_any_workspace_row(app, two_workspaces, add_notes):
    mine, theirs = two_workspaces
    add_notes(mine, "a")
    add_notes(theirs, "b")
    with app.app_context(), use_workspace(mine):
        entries = db.session.scalars(select(AuditEntry)).all()
    assert entries and {entry.workspace_id for entry in entries} == {mine}


def test_there_is_only_one_operational_workspace(app_ctx):
    db.session.add(Workspace(kind=WorkspaceKind.OPERATIONAL, name="second"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
