"""Registration and editing through the service layer."""

from __future__ import annotations

import os
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from claims.domain import PartyInput, PartyRole
from claims.files import EvidenceStore, UploadRefused, check_upload
from claims.matching.normalise import InvalidParcelNumber, ParcelNumber, parse_parcel_number
from claims.models import Claim, Evidence, Parcel
from claims.operations import ClaimInvalid, StaleClaim
from commission.audit import Actor, AuditEntry, set_actor
from commission.extensions import db
from commission.files import STAGING_DIRECTORY
from commission.workspaces import use_workspace
from tests.support.claims import TODAY, claim_input, claimant, evidence_input, png_bytes


def test_registration_creates_a_numbered_claim_with_parties_and_parcel(intake):
    claim = intake.register()
    db.session.commit()
    assert claim.number == "BGD-2026-000001"
    assert claim.state == "registered"
    assert claim.parcel.parcel_key == "IQ-BG|12|345/6"
    assert claim.claimants[0].full_name == "محمد عبد الرحمن حسين الجبوري"
    entities = db.session.scalars(select(AuditEntry.entity)).all()
    assert {"claim", "parcel", "party"} <= set(entities)


def test_numbers_are_consecutive_per_office_and_year(intake):
    numbers = [intake.register().number for _ in range(3)]
    numbers.append(intake.register(office=intake.office("NIN")).number)
    numbers.append(intake.register(claim_input(filed_on=date(2025, 12, 31))).number)
    db.session.commit()
    assert numbers == [
        "BGD-2026-000001",
        "BGD-2026-000002",
        "BGD-2026-000003",
        "NIN-2026-000001",
        "BGD-2025-000001",
    ]


def test_a_rolled_back_registration_gives_its_number_back(intake):
    intake.register()
    db.session.commit()
    intake.register()
    db.session.rollback()
    assert intake.register().number == "BGD-2026-000002"


def test_claims_on_the_same_parcel_share_the_parcel_row(intake):
    first = intake.register()
    second = intake.register(claim_input(parties=[claimant(given="علي")]))
    db.session.commit()
    assert first.parcel_id == second.parcel_id
    assert db.session.scalar(select(func.count()).select_from(Parcel)) == 1


@pytest.mark.parametrize(
    ("entered", "expected"),
    [
        ("345/6", (345, 6)),
        ("٣٤٥/٦", (345, 6)),
        ("۳۴۵-۶", (345, 6)),
        ("0345", (345, None)),
        (" 345 / 06 ", (345, 6)),
        ("345\\6", (345, 6)),
        ("345/0", (345, None)),
    ],
)
def test_parcel_numbers_parse_in_any_script(entered, expected):
    assert parse_parcel_number(entered) == ParcelNumber(*expected)


@pytest.mark.parametrize("entered", ["", "abc", "345/6/7", "0", "12a"])
def test_unparseable_parcel_numbers_are_refused(entered):
    with pytest.raises(InvalidParcelNumber):
        parse_parcel_number(entered)


VALIDATION_CASES = {
    "filed_on": dict(filed_on=TODAY + timedelta(days=1)),
    "dispossession_on": dict(dispossession_on=date(2026, 6, 1)),
    "parcel_no": dict(),
    "claimants": dict(parties=[]),
    "shares": dict(
        parties=[
            claimant(share_percent=Decimal("50")),
            claimant(given="علي", share_percent=Decimal("40")),
        ]
    ),
    "claimant.0.given_name": dict(parties=[claimant(given="  ")]),
    "claimant.0.deceased_owner_name": dict(parties=[claimant(is_heir=True)]),
    "authority_document": dict(
        parties=[claimant(), PartyInput(role=PartyRole.REPRESENTATIVE, given_name="حسن")]
    ),
}


@pytest.mark.parametrize("field", sorted(VALIDATION_CASES))
def test_each_rule_names_its_field_and_nothing_is_stored(intake, field):
    data = claim_input(**VALIDATION_CASES[field])
    if field == "parcel_no":
        data.parcel.parcel_no = "12a"
    with pytest.raises(ClaimInvalid) as refused:
        intake.register(data)
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 0


def test_co_claimant_shares_that_sum_to_100_are_accepted(intake):
    data = claim_input(
        parties=[
            claimant(share_percent=Decimal("62.5")),
            claimant(given="فاطمة", share_percent=Decimal("37.5")),
        ]
    )
    assert len(intake.register(data).claimants) == 2


def test_evidence_is_stored_by_content_outside_the_database(intake):
    claim = intake.register(evidence=[evidence_input()])
    db.session.commit()
    [evidence] = claim.evidence
    path = intake.store.path_for(evidence.sha256)
    assert path.read_bytes() == png_bytes()
    assert evidence.original_filename == "صك الملكية.png"
    assert evidence.media_type == "image/png"
    assert "static" not in path.parts


def test_a_failed_registration_leaves_no_orphan_file(intake):
    # Bytes no other test stores: a scan already in the store is not staged again.
    unique_scan = png_bytes(colour=tuple(os.urandom(3)))
    evidence = evidence_input(unique_scan)
    intake.register(evidence=[evidence])
    staging = intake.store.data_dir / STAGING_DIRECTORY
    assert list(staging.glob(f"{evidence.upload.sha256}.*"))
    db.session.rollback()
    assert not intake.store.path_for(evidence.upload.sha256).exists()
    assert not list(staging.glob(f"{evidence.upload.sha256}.*"))


def test_a_failed_file_write_leaves_no_claim(intake, monkeypatch, tmp_path):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    # An empty store of its own: a scan another test stored already is not written again.
    intake.store = EvidenceStore(tmp_path)
    monkeypatch.setattr("commission.files.os.fsync", disk_full)
    with pytest.raises(OSError):
        intake.register(evidence=[evidence_input(png_bytes(colour=(9, 9, 9)))])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 0
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 not a scan", "deed.pdf", "Only PDF, JPEG, PNG and TIFF"),
        (b"%PDF-1.7 truncated", "deed.pdf", "damaged"),
        (b"\x89PNG\r\n\x1a\n broken", "photo.png", "damaged"),
        (b"", "empty.pdf", "empty"),
        (b"%PDF-" + b"x" * 2048 + b"%%EOF", "big.pdf", "larger than"),
    ],
)
def test_uploads_are_checked_by_content(data, name, message):
    with pytest.raises(UploadRefused, match=message):
        check_upload(data, name, max_bytes=2048 if name == "big.pdf" else 10**6)


def test_hostile_file_names_are_only_display_text(intake):
    upload = check_upload(png_bytes(colour=(4, 5, 6)), "../../etc/passwd.png", max_bytes=10**6)
    assert upload.display_name == "passwd.png"
    path = intake.store.path_for(upload.sha256)
    assert path.is_relative_to(intake.store.root)
    with pytest.raises(ValueError):
        intake.store.path_for("../../etc/passwd")


def test_editing_with_the_version_shown_saves(intake):
    claim = intake.register()
    db.session.commit()
    intake.edit(claim, claim_input(description="Corrected description"))
    db.session.commit()
    assert claim.description == "Corrected description"
    assert claim.version == 2


def test_a_stale_edit_is_refused_and_overwrites_nothing(intake):
    claim = intake.register()
    db.session.commit()
    shown_version = claim.version
    intake.edit(claim, claim_input(description="First editor"), expected_version=shown_version)
    db.session.commit()
    with pytest.raises(StaleClaim):
        intake.edit(claim, claim_input(description="Second editor"), expected_version=shown_version)
    db.session.rollback()
    assert db.session.get(Claim, claim.id).description == "First editor"


def test_concurrent_registrations_get_distinct_consecutive_numbers(app, workspace):
    threads_count = 50
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite serialises writers; the race matters on PostgreSQL")
    numbers, errors = [], []
    barrier = threading.Barrier(threads_count)

    def register_one():
        from tests.support.claims import IntakeContext

        with app.app_context(), use_workspace(workspace):
            set_actor(Actor(None, "race"))
            intake = IntakeContext(app, workspace)
            barrier.wait()
            try:
                claim = intake.register()
                db.session.commit()
                numbers.append(claim.number)
            except Exception as error:  # collected and asserted below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register_one) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"BGD-2026-{n:06d}" for n in range(1, threads_count + 1)]
