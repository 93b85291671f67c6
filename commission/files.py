"""The content-addressed file store: evidence scans and issued letters, outside the database.

A file lives at QAYD_DATA_DIR/<kind>/ab/cd/<sha256>; the uploader's name is never part
of the path. Many rows (of any workspace) may share one file, so no single transaction
may decide that a file is no longer wanted. The rules that keep a referenced file on
disk, whoever rolls back or cleans up:

- A writer stages new bytes under QAYD_DATA_DIR/.staging/ (private to its transaction)
  and publishes them into place just before the database commit. A rollback removes
  only its own staged files, never a published one: another transaction may have found
  that file and committed a row referencing it.
- A writer that finds the file already in place marks it in use by touching it, so its
  modification time says "someone may be about to reference this".
- Only the garbage collector (`flask files gc`, `collect_garbage`) removes published
  files: those older than a grace period (longer than any transaction) that no committed
  row references. It moves a candidate aside first and removes it only if nobody touched
  it meanwhile, so a writer that found the file a moment earlier gets it back and a
  writer that comes a moment later finds it missing and writes it again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import InstrumentedAttribute, Session, scoped_session

from commission.workspaces import ALL_WORKSPACES

logger = logging.getLogger(__name__)

#: Where transactions stage new files before publishing them (same file system as the store).
STAGING_DIRECTORY = ".staging"
#: Where the garbage collector moves a file while it makes sure nobody wants it.
CONDEMNED_DIRECTORY = ".condemned"

_STAGED_KEY = "qayd_staged_files"

#: How many hashes one reference query asks about.
_REFERENCE_BATCH = 500


class FileStore:
    """Files of one kind under QAYD_DATA_DIR/<subdirectory>/ab/cd/<sha256>."""

    #: The directory under QAYD_DATA_DIR; each kind of file names its own.
    subdirectory: str

    def __init__(self, data_dir: str | os.PathLike):
        self.data_dir = Path(data_dir).resolve()
        self.root = self.data_dir / self.subdirectory

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(char not in "0123456789abcdef" for char in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put_bytes(self, session: Session, data: bytes) -> str:
        """Store `data` as part of `session`'s transaction and return its SHA-256.

        The file is in place once the transaction commits; if it rolls back, nothing this
        call wrote stays behind, and a file someone else published is left alone.
        """
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.path_for(sha256)
        if isinstance(session, scoped_session):
            session = session()
        if not session.in_transaction():
            # So that a rollback ends a transaction, and its event discards what is staged.
            session.begin()
        staged = session.info.setdefault(_STAGED_KEY, {})
        if path in staged or _mark_in_use(path):
            return sha256
        staging = self.data_dir / STAGING_DIRECTORY
        staging.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=staging, prefix=f"{sha256}.")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        staged[path] = Path(temporary)
        return sha256

    def read(self, sha256: str) -> bytes:
        """The bytes of `sha256`: from their place, or, before the commit that puts them
        there, from a staged copy (the same bytes, whichever transaction staged them)."""
        path = self.path_for(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            for staged in (self.data_dir / STAGING_DIRECTORY).glob(f"{sha256}.*"):
                try:
                    return staged.read_bytes()
                except FileNotFoundError:
                    continue
            raise

    def sha256s(self) -> Iterator[str]:
        """The hashes of every published file of this kind."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/??/*"):
            if path.is_file() and len(path.name) == 64:
                yield path.name


def _mark_in_use(path: Path) -> bool:
    """Touch a published file so the garbage collector keeps it; False if there is none."""
    try:
        os.utime(path)
    except FileNotFoundError:
        return False
    return True


def install_file_publishing(session_class) -> None:
    """Staged files go into place before each commit and away with each rollback (once
    per process)."""

    @event.listens_for(session_class, "before_commit")
    def _publish_staged_files(session: Session) -> None:
        # Before the commit, not after: a crash in between must never leave a committed
        # row without its file. If the commit then fails, the published files stay for
        # the garbage collector, since another transaction may already use them.
        staged = session.info.pop(_STAGED_KEY, {})
        for path, temporary in staged.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, path)

    @event.listens_for(session_class, "after_transaction_end")
    def _discard_staged_files(session: Session, transaction) -> None:
        if transaction.parent is not None:
            return
        for temporary in session.info.pop(_STAGED_KEY, {}).values():
            temporary.unlink(missing_ok=True)


@dataclasses.dataclass(frozen=True)
class StoredFiles:
    """One kind of stored file and the column of the rows that reference it by hash."""

    store_class: type[FileStore]
    sha256_column: InstrumentedAttribute


@dataclasses.dataclass
class GarbageReport:
    """What one garbage collection did, per kind of file."""

    removed: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    kept_referenced: dict[str, int] = dataclasses.field(default_factory=dict)
    kept_recent: dict[str, int] = dataclasses.field(default_factory=dict)
    abandoned_staging: int = 0


def collect_garbage(
    session: Session,
    data_dir: str | os.PathLike,
    kinds: Iterable[StoredFiles],
    *,
    grace: timedelta,
) -> GarbageReport:
    """Remove the published files no committed row of any workspace references and that
    nobody touched within `grace`, and staged files abandoned by a crashed process.

    `grace` must be longer than any transaction: a writer marks a file in use when it
    finds it, and that mark must outlast the writer's commit.
    """
    data_dir = Path(data_dir).resolve()
    cutoff = time.time() - grace.total_seconds()
    condemned = data_dir / CONDEMNED_DIRECTORY
    condemned.mkdir(parents=True, exist_ok=True)
    report = GarbageReport()
    for kind in kinds:
        store = kind.store_class(data_dir)
        _restore_condemned(store, condemned)
        name = store.subdirectory
        report.removed[name] = []
        report.kept_referenced[name] = report.kept_recent[name] = 0
        old = []
        for sha256 in store.sha256s():
            if _modified_at(store.path_for(sha256)) < cutoff:
                old.append(sha256)
            else:
                report.kept_recent[name] += 1
        referenced = _referenced(session, kind.sha256_column, old)
        report.kept_referenced[name] = len(referenced)
        for sha256 in old:
            if sha256 in referenced:
                continue
            if _remove_unless_touched(store, sha256, condemned, cutoff):
                report.removed[name].append(sha256)
                logger.info("removed unreferenced %s/%s", name, sha256)
            else:
                report.kept_recent[name] += 1
    staging = data_dir / STAGING_DIRECTORY
    if staging.is_dir():
        for temporary in staging.iterdir():
            if _modified_at(temporary) < cutoff:
                temporary.unlink(missing_ok=True)
                report.abandoned_staging += 1
    return report


def _modified_at(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time()


def _referenced(session: Session, column: InstrumentedAttribute, hashes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(hashes), _REFERENCE_BATCH):
        batch = hashes[start : start + _REFERENCE_BATCH]
        found.update(
            session.scalars(
                select(column).where(column.in_(batch)).distinct(),
                execution_options={ALL_WORKSPACES: True},
            )
        )
    return found


def _remove_unless_touched(store: FileStore, sha256: str, condemned: Path, cutoff: float) -> bool:
    """Move the file aside, then remove it only if no writer marked it in use before the
    move; a writer after the move finds it missing and writes it again."""
    path = store.path_for(sha256)
    aside = condemned / f"{store.subdirectory}-{sha256}-{uuid.uuid4().hex}"
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    if aside.stat().st_mtime < cutoff:
        aside.unlink()
        return True
    os.replace(aside, path)
    return False


def _restore_condemned(store: FileStore, condemned: Path) -> None:
    """Put back what a collector that crashed mid-way had moved aside; the next run
    decides about it again."""
    for aside in condemned.glob(f"{store.subdirectory}-*"):
        sha256 = aside.name.split("-")[1]
        path = store.path_for(sha256)
        if path.exists():
            aside.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(aside, path)
