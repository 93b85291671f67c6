"""The content-addressed file store: a file that a committed row references is never
removed, by anyone's rollback or by the garbage collector; unreferenced files go only
through `flask files gc`, after a grace period."""

from __future__ import annotations

import hashlib
import os
import time

import pytest
from sqlalchemy.exc import IntegrityError

from claims.files import EvidenceStore, check_upload
from commission.accounts.models import Role
from commission.files import CONDEMNED_DIRECTORY, STAGING_DIRECTORY
from commission.workspaces import Workspace, WorkspaceKind, operational_workspace_id
from documents.files import LetterStore
from tests.support.app import InOperational, unique
from tests.support.claims import IntakeContext, claim_input, evidence_input, png_bytes
from tests.support.files import age_files, collect_old_garbage
from tests.support.web import login


def fresh_scan() -> bytes:
    """A valid PNG no other test stores: its file exists only because of this test."""
    seed = int.from_bytes(os.urandom(3), "big")
    return png_bytes(colour=(seed >> 16, (seed >> 8) & 255, seed & 255))


def staged_copies(app, sha256: str) -> list:
    staging = EvidenceStore(app.config["QAYD_DATA_DIR"]).data_dir / STAGING_DIRECTORY
    return list(staging.glob(f"{sha256}.*")) if staging.is_dir() else []


def register_with_scan(app, session, data: bytes):
    """Register (and commit) an operational claim at BGD with `data` as its evidence."""
    intake = IntakeContext(app, operational_workspace_id(session))
    claim = intake.register(claim_input(), evidence=[evidence_input(data, name="deed.png")])
    session.commit()
    [evidence] = claim.evidence
    return claim.number, evidence.id


def test_a_rollback_keeps_a_file_that_another_transaction_committed(app, client, make_user):
    """Issue 13's race: a clerk's edit stores scan F and later rolls back (a stale edit)
    after another office registered a claim with the same bytes and committed."""
    data = fresh_scan()
    store = EvidenceStore(app.config["QAYD_DATA_DIR"])
    path = store.path_for(hashlib.sha256(data).hexdigest())
    with InOperational(app) as editing:
        store.put(editing, check_upload(data, "scan.png", max_bytes=10**6))
        with InOperational(app) as registering:
            number, evidence_id = register_with_scan(app, registering, data)
        assert path.is_file()
        editing.rollback()
    assert path.read_bytes() == data
    login(client, make_user(Role.CLERK, office="BGD"))
    response = client.get(f"/claims/{number}/evidence/{evidence_id}")
    assert response.status_code == 200
    assert response.data == data


def test_a_file_is_in_place_only_once_its_transaction_commits(app):
    data = fresh_scan()
    sha256 = hashlib.sha256(data).hexdigest()
    with InOperational(app) as session:
        store = EvidenceStore(app.config["QAYD_DATA_DIR"])
        store.put(session, check_upload(data, "scan.png", max_bytes=10**6))
        assert not store.path_for(sha256).exists()
        assert len(staged_copies(app, sha256)) == 1
        # Before its commit, the transaction reads what it stored from the staged copy.
        assert store.read(sha256) == data
        session.commit()
        assert store.read(sha256) == data
        assert staged_copies(app, sha256) == []


def test_a_rollback_removes_what_its_transaction_staged(app):
    data = fresh_scan()
    sha256 = hashlib.sha256(data).hexdigest()
    with InOperational(app) as session:
        store = EvidenceStore(app.config["QAYD_DATA_DIR"])
        store.put(session, check_upload(data, "scan.png", max_bytes=10**6))
        session.rollback()
        assert not store.path_for(sha256).exists()
        assert staged_copies(app, sha256) == []


def test_a_commit_that_fails_after_publishing_leaves_the_file_for_the_collector(app):
    """The file was in place for a moment, so another transaction may have found it."""
    data = fresh_scan()
    store = LetterStore(app.config["QAYD_DATA_DIR"])
    with InOperational(app) as session:
        sha256 = store.put_pdf(session, data)
        # A second operational workspace: refused by the database at the commit's flush.
        session.add(Workspace(kind=WorkspaceKind.OPERATIONAL, name=unique("second")))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        assert store.path_for(sha256).is_file()
        age_files([store.path_for(sha256)])
        report = collect_old_garbage(app, session)
    assert sha256 in report.removed["letters"]
    assert not store.path_for(sha256).exists()


def test_finding_a_stored_file_marks_it_in_use(app):
    data = fresh_scan()
    store = EvidenceStore(app.config["QAYD_DATA_DIR"])
    with InOperational(app) as session:
        sha256 = store.put_bytes(session, data)
        session.commit()
        path = store.path_for(sha256)
        age_files([path])
        store.put(session, check_upload(data, "again.png", max_bytes=10**6))
        assert path.stat().st_mtime > time.time() - 60
        assert staged_copies(app, sha256) == []
        session.rollback()
    assert path.read_bytes() == data


def test_the_collector_removes_old_unreferenced_files_and_keeps_the_rest(app):
    store = EvidenceStore(app.config["QAYD_DATA_DIR"])
    referenced, unreferenced, fresh = fresh_scan(), fresh_scan(), fresh_scan()
    with InOperational(app) as session:
        register_with_scan(app, session, referenced)
        kept_sha = hashlib.sha256(referenced).hexdigest()
        gone_sha = store.put_bytes(session, unreferenced)
        fresh_sha = store.put_bytes(session, fresh)
        session.commit()
        age_files([store.path_for(kept_sha), store.path_for(gone_sha)])
        report = collect_old_garbage(app, session)
    assert gone_sha in report.removed["evidence"]
    assert not store.path_for(gone_sha).exists()
    assert store.read(kept_sha) == referenced
    assert store.read(fresh_sha) == fresh
    assert report.kept_referenced["evidence"] >= 1
    assert report.kept_recent["evidence"] >= 1


def test_the_collector_keeps_a_file_a_writer_found_before_committing(app):
    """An old unreferenced file is found by a registration still in progress: the
    collector running meanwhile must not take it from under the coming commit."""
    store = EvidenceStore(app.config["QAYD_DATA_DIR"])
    data = fresh_scan()
    with InOperational(app) as session:
        sha256 = store.put_bytes(session, data)
        session.commit()
    age_files([store.path_for(sha256)])
    with InOperational(app) as registering:
        intake = IntakeContext(app, operational_workspace_id(registering))
        claim = intake.register(claim_input(), evidence=[evidence_input(data, name="deed.png")])
        with InOperational(app) as collecting:
            report = collect_old_garbage(app, collecting)
        assert sha256 not in report.removed["evidence"]
        registering.commit()
        assert claim.evidence[0].sha256 == sha256
    assert store.read(sha256) == data


def test_the_collector_removes_abandoned_staging_and_restores_what_it_had_moved(app):
    store = EvidenceStore(app.config["QAYD_DATA_DIR"])
    data = fresh_scan()
    sha256 = hashlib.sha256(data).hexdigest()
    staging = store.data_dir / STAGING_DIRECTORY
    staging.mkdir(parents=True, exist_ok=True)
    abandoned = staging / f"{sha256}.crashed"
    abandoned.write_bytes(data)
    # A collector that died between moving a file aside and deciding about it.
    condemned = store.data_dir / CONDEMNED_DIRECTORY
    condemned.mkdir(parents=True, exist_ok=True)
    moved = fresh_scan()
    moved_sha = hashlib.sha256(moved).hexdigest()
    (condemned / f"evidence-{moved_sha}-crashed").write_bytes(moved)
    age_files([abandoned])
    with InOperational(app) as session:
        report = collect_old_garbage(app, session)
    assert not abandoned.exists()
    assert report.abandoned_staging >= 1
    assert store.read(moved_sha) == moved
    assert list(condemned.glob(f"evidence-{moved_sha}-*")) == []


def test_files_gc_command_reports_what_it_removed_and_kept(app, runner):
    store = EvidenceStore(app.config["QAYD_DATA_DIR"])
    with InOperational(app) as session:
        gone = store.put_bytes(session, fresh_scan())
        kept = store.put_bytes(session, fresh_scan())
        session.commit()
    age_files([store.path_for(gone)])
    result = runner.invoke(args=["files", "gc"])
    assert result.exit_code == 0, result.output
    assert f"removed evidence/{gone}" in result.output
    assert f"evidence/{kept}" not in result.output
    assert "kept (touched within 24 h)" in result.output
    assert "letters: " in result.output
    assert not store.path_for(gone).exists()
    assert store.path_for(kept).is_file()
