"""Workspaces, and the one place that scopes every query to the current one.

Every claim-side model inherits `WorkspaceScoped`. A session event adds
`workspace_id = <current>` to every ORM SELECT, UPDATE and DELETE that touches such a
model, and a flush hook stamps new rows with the current workspace and refuses rows of
another. Code that forgets the workspace therefore sees nothing of other workspaces;
code that runs with no workspace chosen fails loudly instead of seeing everything.
The only way around it is the explicit `ALL_WORKSPACES` execution option, for the few
maintenance paths (audit verification, deleting a training run) that need it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from flask import g, has_app_context
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, event, inspect, select, text
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

from commission.db import Base, UTCDateTime, utcnow

#: Execution option that lifts workspace scoping for one statement.
ALL_WORKSPACES = "all_workspaces"


class WorkspaceKind(enum.StrEnum):
    OPERATIONAL = "operational"
    TRAINING = "training"


class WorkspaceNotSet(RuntimeError):
    """A workspace-scoped query or write ran without a current workspace."""


class WorkspaceMismatch(RuntimeError):
    """A row was written into a workspace other than the current one."""


class Workspace(Base):
    __tablename__ = "workspace"
    __table_args__ = (
        CheckConstraint("kind IN ('operational', 'training')", name="kind"),
        # Exactly one operational workspace can exist.
        Index(
            "uq_workspace_single_operational",
            "kind",
            unique=True,
            sqlite_where=text("kind = 'operational'"),
            postgresql_where=text("kind = 'operational'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[WorkspaceKind] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_training(self) -> bool:
        return self.kind == WorkspaceKind.TRAINING

    def __repr__(self) -> str:
        return f"<Workspace {self.id} {self.kind} {self.name!r}>"


class WorkspaceScoped:
    """Mixin for rows that belong to one workspace (claims, parties, evidence, …).

    The scoping hook adds `workspace_id = ?` to every query of these rows. A table whose
    rows are looked up by a key (a claim's parties, its transitions) names the key in
    `workspace_keys` and indexes (key, workspace_id), with no index on workspace_id alone
    or leading with it for such a look-up to take instead: a planner without statistics
    (SQLite before ANALYZE) costs `workspace_id = ?` as selective as the key and walks
    the whole workspace, every party of a million claims, for one claim's rows.
    """

    #: The columns this table is looked up by; each has an index (column, workspace_id),
    #: declared in the table's `__table_args__`.
    workspace_keys: tuple[str, ...] = ()

    @declared_attr
    def workspace_id(cls) -> Mapped[int]:  # noqa: N805 - SQLAlchemy declared_attr signature
        return mapped_column(ForeignKey("workspace.id"), index=not cls.workspace_keys)


def operational_workspace_id(session: Session) -> int:
    workspace_id = session.scalar(
        select(Workspace.id).where(Workspace.kind == WorkspaceKind.OPERATIONAL)
    )
    if workspace_id is None:
        raise WorkspaceNotSet("no operational workspace: run `flask db upgrade`")
    return workspace_id


def current_workspace_id() -> int | None:
    if not has_app_context():
        return None
    return g.get("workspace_id")


def set_current_workspace(workspace_id: int | None) -> None:
    g.workspace_id = workspace_id


def training_roles() -> dict[int, frozenset] | None:
    """Within a request in a training workspace: every member's roles there, by user id;
    None elsewhere (operational requests, commands, tests of the service layer)."""
    if not has_app_context():
        return None
    return g.get("training_roles")


def enter_training(workspace_id: int, roles: dict[int, frozenset]) -> None:
    """Make the rest of this request run in a training workspace with its members' roles."""
    g.workspace_id = workspace_id
    g.training_roles = roles


@contextmanager
def use_workspace(workspace_id: int) -> Iterator[None]:
    """Run a block (a CLI command, a test, one batch item, seeding a training run) in the
    given workspace, with people's own roles (a request's training roles are set aside)."""
    previous = g.get("workspace_id"), g.get("training_roles")
    g.workspace_id, g.training_roles = workspace_id, None
    try:
        yield
    finally:
        g.workspace_id, g.training_roles = previous


def _scoped_entities(state: ORMExecuteState) -> bool:
    return any(
        isinstance(desc.get("entity"), type) and issubclass(desc["entity"], WorkspaceScoped)
        for desc in _statement_entities(state)
    )


def _statement_entities(state: ORMExecuteState) -> list[dict]:
    statement = state.statement
    if state.is_select:
        return list(statement.column_descriptions)
    return [statement.entity_description]


def install_workspace_scoping(session_class: type[Session] | Session) -> None:
    """Register the scoping hooks on a session class (done once by the app factory)."""

    @event.listens_for(session_class, "do_orm_execute")
    def _add_workspace_criteria(state: ORMExecuteState) -> None:
        if not (state.is_select or state.is_update or state.is_delete):
            return
        if state.is_column_load or state.is_relationship_load:
            # Propagated from the statement that loaded the parent object.
            return
        if state.execution_options.get(ALL_WORKSPACES):
            return
        workspace_id = current_workspace_id()
        if workspace_id is None:
            if _scoped_entities(state):
                raise WorkspaceNotSet("workspace-scoped data queried with no current workspace")
            return
        state.statement = state.statement.options(
            with_loader_criteria(
                WorkspaceScoped,
                lambda cls: cls.workspace_id == workspace_id,
                include_aliases=True,
            )
        )

    @event.listens_for(session_class, "before_flush")
    def _stamp_workspace(session: Session, flush_context, instances) -> None:
        workspace_id = current_workspace_id()
        for obj in session.new:
            if not isinstance(obj, WorkspaceScoped):
                continue
            if workspace_id is None:
                raise WorkspaceNotSet(f"{obj!r} written with no current workspace")
            if obj.workspace_id is None:
                obj.workspace_id = workspace_id
            elif obj.workspace_id != workspace_id:
                raise WorkspaceMismatch(
                    f"{obj!r} belongs to workspace {obj.workspace_id}, current is {workspace_id}"
                )
        for obj in session.dirty:
            if isinstance(obj, WorkspaceScoped):
                history = inspect(obj).attrs.workspace_id.history
                if history.deleted and history.deleted[0] is not None:
                    raise WorkspaceMismatch(f"{obj!r} cannot move to another workspace")
