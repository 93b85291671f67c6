"""Imports through the staging table: checked rows first, then one publication.

Most tests call the import in a workspace of their own (the `intake` fixture), with the
session's commit as the boundary, as `flask claims import` does.
"""

from __future__ import annotations

import dataclasses
import json
import random

import pytest
from sqlalchemy import func, select, text

from claims.domain import ImportStatus, QualityFlag, RowVerdict
from claims.interchange import ClaimFile
from claims.interchange.importing import (
    STAGE_CHUNK_SIZE,
    OfficeChoice,
    number_published,
    publish_rows,
    stage_rows,
    start_import,
)
from claims.models import (
    Claim,
    ClaimMatchKey,
    ConflictCandidate,
    ImportBatch,
    ImportRow,
    Parcel,
    PartySearchKey,
)
from claims.operations import refresh_match_keys
from claims.queries import ClaimFilters, search_claims
from commission.audit import AuditEntry, verify_chain
from commission.extensions import db
from commission.workspaces import Workspace
from tests.support.app import unique
from tests.support.claims import TODAY, claim_input
from tests.support.import_rows import imported, legacy_row, run_import, write_rows


@pytest.fixture
def muqataa():
    return str(random.randint(100_000, 999_999))


def test_a_nul_byte_is_a_row_error_in_the_dry_run_and_in_the_real_run(intake, tmp_path, muqataa):
    prefix = unique("nul")
    rows = [
        legacy_row(f"{prefix}-1", muqataa, 1),
        legacy_row(f"{prefix}-2", muqataa, 2, claimant_name="علي\x00 حسن كاظم"),
    ]
    path = write_rows(tmp_path / "nul.csv", rows)
    for dry_run in (True, False):
        report = run_import(path, dry_run=dry_run)
        [error] = report.errors
        assert (error.line, error.column) == (3, "claimant_name")
        assert "control character (U+0000)" in error.message
        assert not report.published
    assert imported(prefix) == []


def test_one_bad_row_after_many_good_chunks_publishes_nothing(intake, tmp_path, muqataa):
    prefix = unique("aon")
    rows = [legacy_row(f"{prefix}-{i}", muqataa, i) for i in range(1, STAGE_CHUNK_SIZE + 20)]
    rows.append(legacy_row(f"{prefix}-bad", muqataa, 9999, governorate="Atlantis"))
    report = run_import(write_rows(tmp_path / "many.csv", rows))
    assert [str(error) for error in report.errors] == [
        f"line {len(rows) + 1} (ref {prefix}-bad): governorate: unknown governorate 'Atlantis'"
    ]
    assert not report.published
    assert imported(prefix) == []
    batch = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    assert batch.status == ImportStatus.REFUSED


def test_partial_publishes_the_good_rows_and_stages_the_verdict_of_each(intake, tmp_path, muqataa):
    prefix = unique("part")
    rows = [
        legacy_row(f"{prefix}-1", muqataa, 1),
        legacy_row(f"{prefix}-2", muqataa, 2, filed_date="2031-01-01"),
        legacy_row(f"{prefix}-3", muqataa, 3),
    ]
    report = run_import(write_rows(tmp_path / "part.csv", rows), partial=True)
    assert report.published and report.imported == 2 and report.bad_rows == 1
    assert [claim.import_ref for claim in imported(prefix)] == [f"{prefix}-1", f"{prefix}-3"]
    verdicts = db.session.execute(
        select(ImportRow.ref, ImportRow.verdict, Claim.id.is_not(None))
        .join(ImportBatch)
        .outerjoin(Claim, Claim.import_ref == ImportRow.ref)
        .where(ImportRow.ref.startswith(prefix), ImportBatch.is_dry_run.is_(False))
        .order_by(ImportRow.line)
    ).all()
    assert verdicts == [
        (f"{prefix}-1", RowVerdict.GOOD, True),
        (f"{prefix}-2", RowVerdict.BAD, False),
        (f"{prefix}-3", RowVerdict.GOOD, True),
    ]


def test_imported_claims_are_numbered_in_file_order_after_a_registration_made_meanwhile(
    intake, tmp_path, muqataa
):
    prefix = unique("num")
    rows = [legacy_row(f"{prefix}-{i}", muqataa, i) for i in range(1, 6)]
    path = write_rows(tmp_path / "num.csv", rows)
    batch = start_import(db.session, file_name=path.name, dry_run=False, partial=False)
    with ClaimFile(path, today=TODAY) as claim_file:
        for _ in stage_rows(db.session, batch, claim_file, OfficeChoice(db.session, None)):
            db.session.commit()
    batch_id = batch.id
    counts = publish_rows(db.session, batch, by=None)
    # A clerk registers while the file is being published: the clerk's claim is numbered
    # at once, the file's claims take the block after it.
    clerk = intake.register(claim_input())
    assert clerk.number == "BGD-2026-000001"
    number_published(db.session, batch_id, counts)
    db.session.commit()
    assert [claim.number for claim in imported(prefix)] == [
        f"BGD-2026-{seq:06d}" for seq in range(2, 7)
    ]
    assert [claim.seq for claim in imported(prefix)] == [2, 3, 4, 5, 6]
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.status == ImportStatus.PUBLISHED and batch.numbering == '{"BGD-2026": [2, 6]}'


def test_imported_claims_are_checked_against_each_other_and_stored_claims(
    intake, tmp_path, muqataa
):
    parcel = dataclasses.replace(claim_input().parcel, muqataa_no=muqataa, parcel_no="7")
    stored_id = intake.register(claim_input(parcel=parcel)).id
    db.session.commit()
    prefix = unique("conf")
    rows = [
        # Same parcel as the stored claim, another claimant: competing.
        legacy_row(
            f"{prefix}-1",
            muqataa,
            7,
            claimant_name="يوسف خضر الياس الحمداني",
            address="محلة 903، زقاق 14، دار 7",
        ),
        # Two rows of the file on one parcel, the same person: a duplicate filing.
        *(
            legacy_row(
                f"{prefix}-{n}",
                muqataa,
                8,
                claimant_name=name,
                claimant_id_no="199512345678",
                address="Mahalla 905, Zuqaq 2, House 8",
            )
            for n, name in ((2, "Omar Saleh Jasim al-Obeidi"), (3, "عمر صالح جاسم العبيدي"))
        ),
    ]
    report = run_import(write_rows(tmp_path / "conf.csv", rows))
    assert report.published
    first, second, third = imported(prefix)
    pairs = {
        (pair.claim_a_id, pair.claim_b_id): pair.kind
        for pair in db.session.scalars(select(ConflictCandidate))
    }
    assert pairs[(stored_id, first.id)] == "competing"
    assert pairs[(second.id, third.id)] == "duplicate"


def test_importing_again_skips_what_was_published(intake, tmp_path, muqataa):
    prefix = unique("again")
    path = write_rows(
        tmp_path / "again.csv", [legacy_row(f"{prefix}-{i}", muqataa, i) for i in range(1, 4)]
    )
    assert run_import(path).imported == 3
    second = run_import(path)
    assert (second.imported, second.already_imported, second.published) == (0, 3, True)
    assert len(imported(prefix)) == 3


@pytest.fixture
def postgresql_intake(app, intake):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("advisory and row locks are PostgreSQL's")
    return intake


def test_publishing_holds_no_parcel_lock_and_no_office_counter_until_numbering(
    postgresql_intake, tmp_path, muqataa
):
    intake = postgresql_intake
    intake.register(claim_input())  # the office counter row exists and is free
    db.session.commit()
    prefix = unique("lock")
    rows = [legacy_row(f"{prefix}-{i}", muqataa, i) for i in range(1, 301)]
    path = write_rows(tmp_path / "lock.csv", rows)
    batch = start_import(db.session, file_name=path.name, dry_run=False, partial=False)
    with ClaimFile(path, today=TODAY) as claim_file:
        for _ in stage_rows(db.session, batch, claim_file, OfficeChoice(db.session, None)):
            db.session.commit()
    batch_id = batch.id
    counts = publish_rows(db.session, batch, by=None)
    importer_pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()

    with db.engine.connect() as other:
        other.execute(text("SET lock_timeout = '2s'"))
        advisory = other.execute(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = :pid"),
            {"pid": importer_pid},
        ).scalar_one()
        assert advisory == 1  # the import's own lock, none per parcel
        parcel_lock = f"parcel:{intake.workspace_id}:IQ-BG|{muqataa}|1"
        assert other.execute(
            text("SELECT pg_try_advisory_xact_lock(hashtext(:lock))"), {"lock": parcel_lock}
        ).scalar_one()
        # A registration at the same office would take this row lock: it is free.
        locked = other.execute(
            text("SELECT last_seq FROM claim_counter WHERE workspace_id = :ws FOR UPDATE NOWAIT"),
            {"ws": intake.workspace_id},
        ).all()
        assert locked
        other.rollback()

    number_published(db.session, batch_id, counts)
    db.session.commit()
    assert len(imported(prefix)) == 300
    assert db.session.scalar(select(func.count()).select_from(Claim).where(Claim.seq < 0)) == 0


def test_an_imported_name_is_stored_without_bidi_controls_or_invisible_characters(
    intake, tmp_path, muqataa
):
    prefix = unique("clean")
    typed = "\u202eعلي\u200b حسن\u2066 كاظم\u00ad\ufeff"
    write_rows(tmp_path / "rows.csv", [legacy_row(f"{prefix}-1", muqataa, 1, claimant_name=typed)])
    run_import(tmp_path / "rows.csv")
    (claim,) = imported(prefix)
    assert claim.claimants[0].full_name == "علي حسن كاظم"


def test_each_imported_claim_is_one_audit_entry_with_its_parties_and_the_chain_verifies(
    intake, tmp_path, muqataa
):
    prefix = unique("audit")
    rows = [
        legacy_row(f"{prefix}-1", muqataa, 1, respondent_name="حسن علي كاظم الربيعي"),
        legacy_row(f"{prefix}-2", muqataa, 1),
        legacy_row(f"{prefix}-3", muqataa, 2, parcel_no=""),
    ]
    run_import(write_rows(tmp_path / "audit.csv", rows))
    claims = imported(prefix)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.workspace_id == intake.workspace_id)
        .order_by(AuditEntry.seq)
    ).all()
    claim_entries = [entry for entry in entries if entry.entity == "claim"]
    assert [entry.entity_id for entry in claim_entries] == [str(claim.id) for claim in claims]
    assert {entry.action for entry in claim_entries} == {"create"}
    first = json.loads(claim_entries[0].after_json)
    assert first["import_ref"] == f"{prefix}-1" and first["state"] == "registered"
    assert [party["role"] for party in first["parties"]] == ["claimant", "respondent"]
    assert [party["id"] for party in first["parties"]] == [p.id for p in claims[0].parties]
    assert "parcel_unidentified" in json.loads(claim_entries[2].after_json)["quality_flags"]
    assert "parcel_unidentified" not in first["quality_flags"]
    # Rows 1 and 2 share one new parcel, recorded once, with the first; row 3 names none.
    assert first["parcel_created"]["id"] == claims[0].parcel_id == claims[1].parcel_id
    assert first["parcel_created"]["parcel_key"] == f"IQ-BG|{muqataa}|1"
    assert "parcel_created" not in json.loads(claim_entries[1].after_json)
    # No entry per party, flag or parcel: the claim's entry holds them.
    assert not {"party", "claim_quality_flag", "parcel"} & {entry.entity for entry in entries}
    workspace = db.session.get(Workspace, intake.workspace_id)
    assert verify_chain(db.session, workspace).ok


def test_imported_rows_share_parcels_with_each_other_and_with_stored_claims(
    intake, tmp_path, muqataa
):
    parcel = dataclasses.replace(claim_input().parcel, muqataa_no=muqataa, parcel_no="7")
    stored = intake.register(claim_input(parcel=parcel))
    db.session.commit()
    stored_parcel = {
        column: getattr(stored.parcel, column)
        for column in ("id", "district", "muqataa_name", "area_m2", "parcel_key")
    }
    prefix = unique("share")
    rows = [
        # The stored claim's parcel, its number in Arabic-Indic digits, another district.
        legacy_row(f"{prefix}-1", muqataa, 7, parcel_no="٧", district="Adhamiya"),
        legacy_row(f"{prefix}-2", muqataa, 8),
        legacy_row(f"{prefix}-3", muqataa, 8, parcel_no="0008"),
        legacy_row(f"{prefix}-4", muqataa, 9, parcel_no=""),
    ]
    run_import(write_rows(tmp_path / "share.csv", rows))
    first, second, third, fourth = imported(prefix)
    assert first.parcel_id == stored_parcel["id"]
    assert first.stated_district == "Adhamiya"
    db.session.expire_all()
    assert {
        column: getattr(db.session.get(Parcel, stored_parcel["id"]), column)
        for column in stored_parcel
    } == stored_parcel
    assert second.parcel_id == third.parcel_id not in (None, stored_parcel["id"])
    assert second.parcel.parcel_key == f"IQ-BG|{muqataa}|8"
    assert fourth.parcel_id is None
    assert QualityFlag.PARCEL_UNIDENTIFIED in {flag.flag for flag in fourth.quality_flags}
    assert QualityFlag.PARCEL_UNIDENTIFIED not in {flag.flag for flag in second.quality_flags}


def _keys(claim: Claim) -> tuple[list, list]:
    match = db.session.scalars(
        select(ClaimMatchKey.key).where(ClaimMatchKey.claim_id == claim.id).order_by("key")
    ).all()
    search = db.session.execute(
        select(PartySearchKey.party_id, PartySearchKey.key)
        .where(PartySearchKey.claim_id == claim.id)
        .order_by(PartySearchKey.party_id, PartySearchKey.key)
    ).all()
    return match, search


def test_imported_claims_have_the_match_and_search_keys_a_registration_gives(
    intake, reviewer, tmp_path, muqataa
):
    parcel = dataclasses.replace(claim_input().parcel, muqataa_no=muqataa, parcel_no="7")
    intake.register(claim_input(parcel=parcel))
    db.session.commit()
    prefix = unique("keys")
    rows = [
        legacy_row(f"{prefix}-1", muqataa, 7, respondent_name="Hassan Ali al-Rubaie"),
        legacy_row(f"{prefix}-2", muqataa, 8, claimant_latin_name="Omar Saleh"),
        legacy_row(f"{prefix}-3", muqataa, 9, muqataa_no="", claimant_id_no=""),
    ]
    run_import(write_rows(tmp_path / "keys.csv", rows))
    claims = imported(prefix)
    stored = [_keys(claim) for claim in claims]
    assert all(match and search for match, search in stored)
    for claim in claims:
        refresh_match_keys(db.session, claim)  # what registering or editing stores
    db.session.flush()
    assert [_keys(claim) for claim in claims] == stored
    # Found by the claims search, by a word of the name in the other script.
    found = search_claims(db.session, ClaimFilters(name="حسن الربيعي"), viewer=reviewer)
    assert claims[0].id in {claim.id for claim in found}
