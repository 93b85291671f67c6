"""The tamper-evident audit log.

Every insert, update and delete of a model that inherits `Audited` writes an
`audit_entry` row in the same flush, so the change and its record commit or roll back
together. Entries form a hash chain per workspace: each carries its sequence number and
the SHA-256 of the entry before it, and its own hash covers all its content. `verify`
recomputes the chain and names the first entry that was edited, deleted or reordered;
`audit_head` holds the newest hash so that truncating the tail shows too, and printing
that head outside the database makes even a full rewrite detectable.
"""

from __future__ import annotations

import dataclasses
import decimal
import enum
import functools
import hashlib
import json
from collections import defaultdict
from datetime import date, datetime

from flask import g, has_app_context
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, event, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from commission.db import Base, UTCDateTime, utcnow
from commission.workspaces import (
    ALL_WORKSPACES,
    Workspace,
    WorkspaceScoped,
    operational_workspace_id,
)

GENESIS_HASH = "0" * 64
REDACTED = "[redacted]"

#: Column `info` key: "redact" records that the column changed but not its value;
#: "skip" leaves the column out of the log (bookkeeping such as login counters).
AUDIT_INFO_KEY = "audit"


class Audited:
    """Mixin: every change to rows of this model is written to the audit log."""


class AuditEntry(WorkspaceScoped, Base):
    __tablename__ = "audit_entry"
    __table_args__ = (UniqueConstraint("workspace_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Position in this workspace's chain, from 1 with no gaps.
    seq: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: Who acted, as text that survives any later change to the user row.
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(10))
    entity: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[str] = mapped_column(String(100))
    #: Canonical JSON exactly as hashed; stored as text so no database reorders it.
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def __repr__(self) -> str:
        return f"<AuditEntry ws={self.workspace_id} #{self.seq} {self.action} {self.entity}>"


class AuditHead(Base):
    """The newest entry of each workspace's chain, updated with every append."""

    __tablename__ = "audit_head"

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditHead ws={self.workspace_id} #{self.seq} {self.hash[:12]}>"


@dataclasses.dataclass(frozen=True)
class Actor:
    id: int | None
    label: str


SYSTEM_ACTOR = Actor(None, "system")


def set_actor(actor: Actor) -> None:
    g.audit_actor = actor


def current_actor() -> Actor:
    if has_app_context():
        return g.get("audit_actor", SYSTEM_ACTOR)
    return SYSTEM_ACTOR


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return "sha256:" + hashlib.sha256(value).hexdigest()
    return value


def canonical_json(data: dict | None) -> str | None:
    if data is None:
        return None
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    *,
    workspace_id: int,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    entity: str,
    entity_id: str,
    before_json: str | None,
    after_json: str | None,
    prev_hash: str,
) -> str:
    content = canonical_json(
        {
            "workspace_id": workspace_id,
            "seq": seq,
            "occurred_at": occurred_at.isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": before_json,
            "after": after_json,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(content.encode()).hexdigest()


def _audited_columns(obj) -> tuple[tuple[str, str | None], ...]:
    return _audited_columns_of(type(obj))


@functools.cache
def _audited_columns_of(model: type) -> tuple[tuple[str, str | None], ...]:
    """(attribute, policy) of every logged column; per model, worked out once per process."""
    return tuple(
        (attr.key, attr.columns[0].info.get(AUDIT_INFO_KEY))
        for attr in sa_inspect(model).column_attrs
        if attr.columns[0].info.get(AUDIT_INFO_KEY) != "skip"
    )


def _snapshot(obj) -> dict:
    values = sa_inspect(obj).dict
    return {
        key: REDACTED if policy == "redact" else _plain(values.get(key))
        for key, policy in _audited_columns(obj)
    }


def _changes(obj) -> tuple[dict, dict]:
    state = sa_inspect(obj)
    before, after = {}, {}
    for key, policy in _audited_columns(obj):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        before[key] = REDACTED if policy == "redact" else _plain(old)
        after[key] = REDACTED if policy == "redact" else _plain(new)
    return before, after


def _entity_id(obj) -> str:
    # The identity key is not assigned yet inside the flush; the primary key values are.
    primary_key = sa_inspect(type(obj)).primary_key_from_instance(obj)
    return "/".join(str(part) for part in primary_key)


def _pending_entries(session: Session) -> list[tuple[object, str, dict | None, dict | None]]:
    pending = []
    for obj in session.new:
        if isinstance(obj, Audited):
            pending.append((obj, "create", None, _snapshot(obj)))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                pending.append((obj, "update", before, after))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            pending.append((obj, "delete", _snapshot(obj), None))
    return pending


def _append(session: Session, pending) -> None:
    connection = session.connection()
    by_workspace: dict[int, list] = defaultdict(list)
    operational_id = None
    for item in pending:
        obj = item[0]
        if isinstance(obj, WorkspaceScoped):
            workspace_id = obj.workspace_id
        else:
            if operational_id is None:
                operational_id = operational_workspace_id(session)
            workspace_id = operational_id
        by_workspace[workspace_id].append(item)

    actor = current_actor()
    occurred_at = utcnow()
    head_table = AuditHead.__table__
    # Sorted so that two transactions touching the same workspaces lock heads in one order.
    for workspace_id in sorted(by_workspace):
        head = connection.execute(
            select(head_table.c.seq, head_table.c.hash)
            .where(head_table.c.workspace_id == workspace_id)
            .with_for_update()
        ).first()
        if head is None:
            connection.execute(
                insert(head_table).values(workspace_id=workspace_id, seq=0, hash=GENESIS_HASH)
            )
            seq, prev_hash = 0, GENESIS_HASH
        else:
            seq, prev_hash = head
        rows = []
        for obj, action, before, after in by_workspace[workspace_id]:
            seq += 1
            row = {
                "workspace_id": workspace_id,
                "seq": seq,
                "occurred_at": occurred_at,
                "actor_id": actor.id,
                "actor_label": actor.label,
                "action": action,
                "entity": type(obj).__tablename__,
                "entity_id": _entity_id(obj),
                "before_json": canonical_json(before),
                "after_json": canonical_json(after),
                "prev_hash": prev_hash,
            }
            row["hash"] = prev_hash = entry_hash(**row)
            rows.append(row)
        connection.execute(insert(AuditEntry.__table__), rows)
        connection.execute(
            head_table.update()
            .where(head_table.c.workspace_id == workspace_id)
            .values(seq=seq, hash=prev_hash)
        )


def install_audit_log(session_class) -> None:
    """Register the flush hook that writes audit entries (done once by the app factory)."""

    @event.listens_for(session_class, "after_flush")
    def _write_audit_entries(session: Session, flush_context) -> None:
        pending = _pending_entries(session)
        if pending:
            _append(session, pending)


@dataclasses.dataclass(frozen=True)
class ChainReport:
    workspace_id: int
    workspace_name: str
    entries: int
    head_seq: int
    head_hash: str
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(session: Session, workspace: Workspace) -> ChainReport:
    """Recompute one workspace's chain and describe the first entry that breaks it."""
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.workspace_id == workspace.id)
        .order_by(AuditEntry.seq, AuditEntry.id)
        .execution_options(**{ALL_WORKSPACES: True, "yield_per": 1000})
    )
    head = session.get(AuditHead, workspace.id)
    prev_hash, expected_seq, count, problem = GENESIS_HASH, 1, 0, None
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            problem = (
                f"entry #{entry.seq} (id {entry.id}) comes where #{expected_seq} should: "
                "an entry was deleted or the order was changed"
            )
            break
        if entry.prev_hash != prev_hash:
            problem = (
                f"entry #{entry.seq} (id {entry.id}) does not follow #{expected_seq - 1}: "
                "the chain was reordered or an entry was replaced"
            )
            break
        recomputed = entry_hash(
            workspace_id=entry.workspace_id,
            seq=entry.seq,
            occurred_at=entry.occurred_at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            before_json=entry.before_json,
            after_json=entry.after_json,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            problem = f"entry #{entry.seq} (id {entry.id}) was edited: its hash does not match"
            break
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    last_seq = expected_seq - 1
    if problem is None and head is not None and (head.seq, head.hash) != (last_seq, prev_hash):
        problem = (
            f"the chain ends at #{last_seq} but its head records #{head.seq}: "
            "entries were deleted from the end"
        )
    if problem is None and head is None and count:
        problem = "the chain has entries but no head record"
    return ChainReport(
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        entries=count,
        head_seq=head.seq if head else 0,
        head_hash=head.hash if head else GENESIS_HASH,
        problem=problem,
    )
