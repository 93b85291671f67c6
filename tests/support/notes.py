"""A workspace-scoped, audited model for testing the plumbing before claims exist.

It lives in its own metadata (so the migration check does not see it); the commission
tests' conftest creates its table next to the migrated schema of each test database.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from commission.audit import Audited
from commission.workspaces import (
    WorkspaceScoped,
)


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
