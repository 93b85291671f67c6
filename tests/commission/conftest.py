"""Commission fixtures: the table of the scoped note model (tests.support.notes) created
next to the migrated schema, training workspaces and notes committed into them."""

from __future__ import annotations

import pytest

from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import (
    use_workspace,
)
from tests.support.app import new_workspace
from tests.support.notes import NoteBase, ScopedNote


@pytest.fixture(scope="session")
def note_table(app):
    with app.app_context():
        NoteBase.metadata.create_all(db.engine, tables=[ScopedNote.__table__])
    return ScopedNote


@pytest.fixture
def training_workspace(app, note_table):
    """A new training workspace (committed); returns its id."""
    return new_workspace(app, "practice")


@pytest.fixture
def add_notes(app, note_table):
    """Commit notes into a workspace: add_notes(workspace_id, "a", "b") -> ids."""

    def add(workspace_id: int, *bodies: str) -> list[int]:
        with app.app_context():
            with use_workspace(workspace_id):
                set_actor(Actor(None, "test"))
                notes = [ScopedNote(body=body) for body in bodies]
                db.session.add_all(notes)
                db.session.commit()
                ids = [note.id for note in notes]
            db.session.remove()
        return ids

    return add
