"""The tamper-evident audit log.

Every insert, update and delete of a model that inherits `Audited` is recorded at flush
and written as an `audit_entry` row at commit, in the same database transaction, so the
change and its record commit or roll back together. Entries form a hash chain per
workspace: each carries its sequence number and the SHA-256 of the entry before it, and
its own hash covers all its content. The chain's head row is locked only while the
commit appends, so writers do not queue behind each other's whole transactions.

`verify_chain` recomputes the chain and names the first entry that was edited, deleted
or reordered; `audit_head` holds the newest hash so that truncating the tail shows too.
Someone with the database's rights can still rewrite the head along with the tail, so
`flask audit anchor` writes the heads outside the database (an append-only file, and
standard output for shipping elsewhere) and verification checks the chain against them.
"""

from __future__ import annotations

import dataclasses
import decimal
import enum
import functools
import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from flask import g, has_app_context
from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    event,
    func,
    select,
    text,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import (
    InstrumentedAttribute,
    Mapped,
    Session,
    SessionTransaction,
    mapped_column,
    scoped_session,
)

from commission.db import Base, UTCDateTime, insert_rows, utcnow
from commission.workspaces import (
    ALL_WORKSPACES,
    Workspace,
    WorkspaceKind,
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
    if value is None or type(value) in (str, int, bool):
        return value
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


#: The fields of an entry that canonical JSON sorts after all the others; they are known
#: only once the chain's head is locked.
_CHAIN_FIELDS = ("occurred_at", "prev_hash", "seq", "workspace_id")


def _content_hasher(
    actor: Actor,
    *,
    action: str,
    entity: str,
    entity_id: str,
    before_json: str | None,
    after_json: str | None,
):
    """SHA-256 fed with the canonical JSON of an entry up to its chain fields, so that
    appending it under the head's lock hashes a few dozen bytes, not its whole content
    (`_chained_hash` finishes it; the result equals `entry_hash`)."""
    content = canonical_json(
        {
            "action": action,
            "actor_id": actor.id,
            "actor_label": actor.label,
            "after": after_json,
            "before": before_json,
            "entity": entity,
            "entity_id": entity_id,
        }
    )
    return hashlib.sha256(content[:-1].encode() + b",")


def _chained_hash(hasher, *, occurred_at: datetime, prev_hash: str, seq: int, workspace_id: int):
    tail = canonical_json(
        {
            "occurred_at": occurred_at.isoformat(timespec="microseconds"),
            "prev_hash": prev_hash,
            "seq": seq,
            "workspace_id": workspace_id,
        }
    )
    hasher = hasher.copy()
    hasher.update(tail[1:].encode())
    return hasher.hexdigest()


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
    return row_snapshot(type(obj), sa_inspect(obj).dict)


def row_snapshot(model: type, values: dict) -> dict:
    """What the log records of a row of `model` with these column values, as it records
    an object the session inserts."""
    return {
        key: REDACTED if policy == "redact" else _plain(values.get(key))
        for key, policy in _audited_columns_of(model)
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


#: `Session.info` key of the audit entries flushed in the open transaction, not yet chained.
_BUFFER_KEY = "qayd_audit_buffer"


@dataclasses.dataclass
class _BufferedEntry:
    """An audit entry recorded at flush, waiting for its place in the chain at commit."""

    transaction: SessionTransaction
    workspace_id: int
    action: str
    entity: str
    entity_id: str
    before_json: str | None
    after_json: str | None
    #: Who the content was hashed for, and the hash of everything but the chain fields.
    actor: Actor = dataclasses.field(init=False)
    hasher: object = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.actor = current_actor()
        self.hasher = _content_hasher(
            self.actor,
            action=self.action,
            entity=self.entity,
            entity_id=self.entity_id,
            before_json=self.before_json,
            after_json=self.after_json,
        )


def _buffer(session: Session, pending) -> None:
    operational_id = None
    entries = []
    for obj, action, before, after in pending:
        if isinstance(obj, WorkspaceScoped):
            workspace_id = obj.workspace_id
        else:
            if operational_id is None:
                operational_id = operational_workspace_id(session)
            workspace_id = operational_id
        entity = type(obj).__tablename__
        entries.append((workspace_id, action, entity, _entity_id(obj), before, after))
    record_entries(session, entries)


def record_entries(
    session: Session, entries: Iterable[tuple[int, str, str, str, dict | None, dict | None]]
) -> None:
    """Record entries (workspace id, action, entity, entity id, before, after) for
    rows the session wrote without its unit of work, as set-based writes of many rows
    do; like the entries recorded at flush, they join the chain at commit, or go with a
    rollback. Their content is hashed here, so the commit only chains them."""
    if isinstance(session, scoped_session):
        session = session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_BUFFER_KEY, []).extend(
        _BufferedEntry(
            transaction=transaction,
            workspace_id=workspace_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before_json=canonical_json(before),
            after_json=canonical_json(after),
        )
        for workspace_id, action, entity, entity_id, before, after in entries
    )


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _lock_head(connection, workspace_id: int) -> tuple[int, str]:
    head_table = AuditHead.__table__
    insert_head = {"postgresql": pg_insert, "sqlite": sqlite_insert}[connection.dialect.name]
    # Two first writers of a new workspace may race to create its head: one row wins.
    connection.execute(
        insert_head(head_table)
        .values(workspace_id=workspace_id, seq=0, hash=GENESIS_HASH)
        .on_conflict_do_nothing(index_elements=["workspace_id"])
    )
    return connection.execute(
        select(head_table.c.seq, head_table.c.hash)
        .where(head_table.c.workspace_id == workspace_id)
        .with_for_update()
    ).one()


def _chain_buffered_entries(session: Session) -> None:
    """Give the transaction's buffered entries their place in the chain, at commit.

    The head row is locked only here, for the few statements between this hook and the
    commit, not from the first audited flush: concurrent transactions (a long import, a
    web registration) do not wait on each other's work, only on each other's appends.
    The entries are inserted in the same database transaction as the data they record,
    so both commit or neither does.
    """
    session.flush()
    buffered: list[_BufferedEntry] = session.info.pop(_BUFFER_KEY, [])
    if not buffered:
        return
    connection = session.connection()
    actor = current_actor()
    # One time for the whole append, so the chain's times never go backwards.
    occurred_at = utcnow()
    by_workspace: dict[int, list[_BufferedEntry]] = defaultdict(list)
    for entry in buffered:
        by_workspace[entry.workspace_id].append(entry)
    # Sorted so that two transactions touching the same workspaces lock heads in one order.
    for workspace_id in sorted(by_workspace):
        seq, prev_hash = _lock_head(connection, workspace_id)
        rows = []
        for entry in by_workspace[workspace_id]:
            seq += 1
            row = {
                "workspace_id": workspace_id,
                "seq": seq,
                "occurred_at": occurred_at,
                "actor_id": actor.id,
                "actor_label": actor.label,
                "action": entry.action,
                "entity": entry.entity,
                "entity_id": entry.entity_id,
                "before_json": entry.before_json,
                "after_json": entry.after_json,
                "prev_hash": prev_hash,
            }
            if entry.actor == actor:
                row["hash"] = prev_hash = _chained_hash(
                    entry.hasher,
                    occurred_at=occurred_at,
                    prev_hash=prev_hash,
                    seq=seq,
                    workspace_id=workspace_id,
                )
            else:  # the actor changed between the flush and the commit
                row["hash"] = prev_hash = entry_hash(**row)
            rows.append(row)
        insert_rows(connection, AuditEntry.__table__, rows)
        connection.execute(
            AuditHead.__table__.update()
            .where(AuditHead.__table__.c.workspace_id == workspace_id)
            .values(seq=seq, hash=prev_hash)
        )


def install_audit_log(session_class) -> None:
    """Register the hooks that record audit entries at flush and chain them at commit
    (done once by the extensions module)."""

    @event.listens_for(session_class, "after_flush")
    def _record_audit_entries(session: Session, flush_context) -> None:
        pending = _pending_entries(session)
        if pending:
            _buffer(session, pending)

    @event.listens_for(session_class, "before_flush")
    def _keep_workspace_kinds(session: Session, flush_context, instances) -> None:
        _refuse_kind_changes(session)

    @event.listens_for(session_class, "before_commit")
    def _append_audit_entries(session: Session) -> None:
        # Releasing a savepoint is not the commit: its entries wait for the outer one.
        if not session.in_nested_transaction():
            _chain_buffered_entries(session)

    @event.listens_for(session_class, "after_soft_rollback")
    def _drop_rolled_back_entries(session: Session, previous_transaction) -> None:
        buffered = session.info.get(_BUFFER_KEY)
        if buffered:
            session.info[_BUFFER_KEY] = [
                entry for entry in buffered if not _within(entry.transaction, previous_transaction)
            ]


class WorkspaceKindLocked(RuntimeError):
    """A workspace's kind cannot change once its chain holds entries."""


def _refuse_kind_changes(session: Session) -> None:
    for obj in session.dirty:
        if not isinstance(obj, Workspace):
            continue
        history = sa_inspect(obj).attrs.kind.history
        if not (history.deleted and history.added and history.deleted[0] != history.added[0]):
            continue
        has_entries = session.scalar(
            select(AuditEntry.id)
            .where(AuditEntry.workspace_id == obj.id)
            .limit(1)
            .execution_options(**{ALL_WORKSPACES: True})
        )
        if has_entries is not None:
            # A kind flip would let the operational chain be removed as a training one.
            raise WorkspaceKindLocked(f"workspace {obj.id} holds audit entries: its kind is fixed")


def chain_head_seq(session: Session, workspace_id: int) -> int:
    """The committed length of a workspace's chain (0 before its first entry); read
    without a lock, so an issued letter can record how far the chain had come."""
    return session.scalar(select(AuditHead.seq).where(AuditHead.workspace_id == workspace_id)) or 0


def remove_training_chain(session: Session, workspace_id: int) -> None:
    """Remove a training workspace's chain (its run is reset or deleted): the one way
    audit entries ever go. The removal is itself an entry in the operational chain, with
    the removed head, and on PostgreSQL the rows go through `remove_training_audit_chain`,
    which refuses the operational workspace whatever the caller says."""
    if isinstance(session, scoped_session):
        session = session()
    session.flush()
    kind = session.scalar(select(Workspace.kind).where(Workspace.id == workspace_id))
    if kind != WorkspaceKind.TRAINING:
        raise WorkspaceKindLocked(f"workspace {workspace_id} is not a training workspace")
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.workspace_id == workspace_id)
    ).first()
    # Entries flushed earlier in this transaction belong to the chain being removed.
    session.info[_BUFFER_KEY] = [
        entry for entry in session.info.get(_BUFFER_KEY, []) if entry.workspace_id != workspace_id
    ]
    if head is not None:
        session.info.setdefault(_BUFFER_KEY, []).append(
            _BufferedEntry(
                transaction=session.get_nested_transaction() or session.get_transaction(),
                workspace_id=operational_workspace_id(session),
                action="delete",
                entity="audit_chain",
                entity_id=str(workspace_id),
                before_json=canonical_json({"seq": head.seq, "hash": head.hash}),
                after_json=None,
            )
        )
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT remove_training_audit_chain(:workspace_id)"),
            {"workspace_id": workspace_id},
        )
    else:
        connection.execute(delete(AuditEntry).where(AuditEntry.workspace_id == workspace_id))
        connection.execute(delete(AuditHead).where(AuditHead.workspace_id == workspace_id))


# --------------------------------------------------------------------------- anchors

ANCHOR_LOG_NAME = "audit-anchors.jsonl"


@dataclasses.dataclass(frozen=True)
class Anchor:
    """A chain head as it was written outside the database at `anchored_at`."""

    workspace_id: int
    kind: str
    seq: int
    hash: str
    anchored_at: str

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)


def anchor_log_path(data_dir: str) -> Path:
    return Path(data_dir) / ANCHOR_LOG_NAME


def current_anchors(session: Session) -> list[Anchor]:
    anchored_at = utcnow().isoformat(timespec="seconds")
    rows = session.execute(
        select(AuditHead.workspace_id, Workspace.kind, AuditHead.seq, AuditHead.hash)
        .join(Workspace, Workspace.id == AuditHead.workspace_id)
        .order_by(AuditHead.workspace_id)
    )
    return [Anchor(ws, str(kind), seq, hash_, anchored_at) for ws, kind, seq, hash_ in rows]


def append_anchors(data_dir: str, anchors: list[Anchor]) -> None:
    """Append to the anchor log, opened for appending only and flushed to disk."""
    path = anchor_log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        for anchor in anchors:
            log.write(anchor.to_json() + "\n")
        log.flush()
        os.fsync(log.fileno())


def read_anchors(data_dir: str) -> list[Anchor]:
    path = anchor_log_path(data_dir)
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as log:
        return [Anchor(**json.loads(line)) for line in log if line.strip()]


# --------------------------------------------------------------------------- verification


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


def newest_recorded_seq(
    session: Session, workspace_id: int, columns: Iterable[InstrumentedAttribute]
) -> int | None:
    """The furthest chain position that any row of the workspace recorded in one of
    `columns` (e.g. `Letter.audit_seq`); None if none did."""
    recorded = (
        session.scalar(
            select(func.max(column))
            .where(column.class_.workspace_id == workspace_id)
            .execution_options(**{ALL_WORKSPACES: True})
        )
        for column in columns
    )
    return max((seq for seq in recorded if seq is not None), default=None)


def verify_chain(
    session: Session,
    workspace: Workspace,
    *,
    anchors: Iterable[Anchor] = (),
    newest_letter_seq: int | None = None,
) -> ChainReport:
    """Recompute one workspace's chain and describe the first thing that breaks it: an
    entry edited, deleted or reordered; a head that does not match; a head kept outside
    the database (`anchors` of this workspace) that the chain no longer reaches or no
    longer matches; a letter that recorded a chain position the chain does not have."""
    anchored: dict[int, list[Anchor]] = defaultdict(list)
    for anchor in anchors:
        if anchor.workspace_id == workspace.id:
            anchored[anchor.seq].append(anchor)
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
        for anchor in anchored.get(entry.seq, ()):
            if anchor.hash != entry.hash:
                problem = (
                    f"entry #{entry.seq} differs from the head anchored at {anchor.anchored_at}: "
                    "the tail of the chain was rewritten"
                )
                break
        if problem:
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
    if problem is None and anchored and max(anchored) > last_seq:
        anchor = anchored[max(anchored)][-1]
        problem = (
            f"the chain ends at #{last_seq} but reached #{anchor.seq} when anchored at "
            f"{anchor.anchored_at}: its head went backwards and the tail was trimmed"
        )
    if problem is None and newest_letter_seq is not None and newest_letter_seq > last_seq:
        problem = (
            f"a letter was issued when the chain had reached #{newest_letter_seq}, "
            f"but the chain ends at #{last_seq}: the tail was trimmed"
        )
    return ChainReport(
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        entries=count,
        head_seq=head.seq if head else 0,
        head_hash=head.hash if head else GENESIS_HASH,
        problem=problem,
    )
