"""A workspace-scoped, audited model for testing the plumbing before claims exist.

It lives in its own metadata (so the migration check does not see it) and its table is
created next to the migrated schema of each test database.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from commission.audit import Actor, Audited, set_actor
from commission.extensions import db
from commission.workspaces import (
    WorkspaceScoped,
    use_workspace,
)
from tests.conftest import new_workspace


class NoteBase(DeclarativeBase):
    metadata = MetaData()


# Only the key, so that the note's foreign key to workspace.id resolves.
Table("workspace", NoteBase.metadata, Column("id", Integer, primary_key=True))


class ScopedNote(WorkspaceScoped, Audited, NoteBase):
    __tablename__ = "test_scoped_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<ScopedNote {self.id} ws={self.workspace_id}>"


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
