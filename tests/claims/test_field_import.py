"""Importing the field form's submissions as KoboToolbox and ODK Central export them:
the same checks, staging and publication as any import, the documents as evidence
(checked as uploads are), and the submission id that makes a second import harmless."""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
import struct
import threading
import uuid
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, text

from claims.domain import EvidenceKind, PartyRole
from claims.files import EvidenceStore
from claims.interchange import ArchiveLimits, InterchangeError, import_claims
from claims.interchange.field import FieldExport, FieldFormat, detect_format, open_import_file
from claims.interchange.fieldform import FORM_ID
from claims.models import Claim, Evidence
from commission.audit import Actor, AuditEntry, row_snapshot, set_actor, verify_chain
from commission.extensions import db
from commission.workspaces import Workspace, operational_workspace_id, use_workspace
from tests.support.claims import TODAY, IntakeContext, claim_input, evidence_input
from tests.support.field_exports import (
    Document,
    pdf_bytes,
    png_bytes,
    submission,
    write_kobo_csv,
    write_kobo_media,
    write_kobo_xlsx,
    write_odk_zip,
)
from tests.support.import_rows import write_rows

MAX_BYTES = 20 * 1024 * 1024


@pytest.fixture
def muqataa():
    return str(random.randint(100_000, 999_999))


def field_import(app, path, *, media=None, **options):
    """`flask claims import` of a field export in the current workspace."""
    with open_import_file(path, today=TODAY, media=media, max_evidence_bytes=MAX_BYTES) as export:
        assert isinstance(export, FieldExport)
        return import_claims(
            db.session,
            export,
            office_code=None,
            by=None,
            commit=options.pop("commit", db.session.commit),
            store=EvidenceStore(app.config["QAYD_DATA_DIR"]),
            **options,
        )


def claims_of(items) -> list[Claim]:
    ids = [item.instance_id for item in items]
    return db.session.scalars(
        select(Claim).where(Claim.submission_id.in_(ids)).order_by(Claim.id)
    ).all()


def evidence_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence))


def family(muqataa):
    """An Arabic-script claimant with a co-claimant (shares 60/40), a deed photograph
    and a court ruling as PDF; and a claimant whose name is in Latin letters."""
    arabic = submission(
        "محمد عبد الرحمن حسين الجبوري",
        muqataa,
        "345/6",
        claimant_share="60",
        claimant_latin_name="Mohammed Abdulrahman Hussein al-Jubouri",
        respondent_name="كاظم جاسم علي",
    )
    arabic.co_claimants = [
        {
            "claimant_name": "فاطمة عبد الرحمن حسين الجبوري",
            "claimant_id_no": "199112345679",
            "claimant_share": "40",
            "claimant_is_heir": "yes",
            "claimant_heir_of": "عبد الرحمن حسين الجبوري",
        }
    ]
    arabic.documents.append(
        Document("court_ruling", f"ruling-{muqataa}.pdf", pdf_bytes(), as_photo=False)
    )
    latin = submission("Yousif Elias Saleh al-Harki", muqataa, "12", property_type="shop")
    latin.answers["property_type"] = "commercial"
    return [arabic, latin]


def check_imported(app, items, muqataa):
    arabic_claim, latin_claim = claims_of(items)
    assert arabic_claim.submission_id == items[0].instance_id and arabic_claim.import_ref is None
    claimants = arabic_claim.parties_in(PartyRole.CLAIMANT)
    assert [party.full_name for party in claimants] == [
        "محمد عبد الرحمن حسين الجبوري",
        "فاطمة عبد الرحمن حسين الجبوري",
    ]
    assert [party.share_percent for party in claimants] == [60, 40]
    assert claimants[0].latin_name == "Mohammed Abdulrahman Hussein al-Jubouri"
    assert claimants[1].is_heir and claimants[1].deceased_owner_name == "عبد الرحمن حسين الجبوري"
    assert [party.full_name for party in arabic_claim.parties_in(PartyRole.RESPONDENT)] == [
        "كاظم جاسم علي"
    ]
    assert (arabic_claim.stated_muqataa_no, arabic_claim.stated_parcel_no) == (muqataa, "345/6")
    assert arabic_claim.office.code == "BGD" and arabic_claim.number.startswith("BGD-2026-")

    store = EvidenceStore(app.config["QAYD_DATA_DIR"])
    evidence = {item.kind: item for item in arabic_claim.evidence}
    assert set(evidence) == {EvidenceKind.TITLE_DEED, EvidenceKind.COURT_RULING}
    deed = evidence[EvidenceKind.TITLE_DEED]
    assert (deed.original_filename, deed.media_type) == (f"deed-{muqataa}-345-6.png", "image/png")
    assert store.read(deed.sha256) == items[0].documents[0].data
    assert evidence[EvidenceKind.COURT_RULING].media_type == "application/pdf"

    [latin_claimant] = latin_claim.parties_in(PartyRole.CLAIMANT)
    assert latin_claimant.latin_name == "Yousif Elias Saleh al-Harki"
    assert latin_claim.property_type == "commercial"
    assert len(latin_claim.evidence) == 1


@pytest.mark.parametrize("media_as", ["folder", "zip"])
def test_a_kobo_xlsx_export_with_repeats_and_media_imports_once(
    intake, app, tmp_path, muqataa, media_as
):
    items = family(muqataa)
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", items)
    media = write_kobo_media(tmp_path / "media", items)
    if media_as == "zip":
        media = Path(shutil.make_archive(str(tmp_path / "media"), "zip", media))
    assert detect_format(path, ArchiveLimits()) == FieldFormat.KOBO

    report = field_import(app, path, media=media)
    assert report.errors == [] and report.published and report.imported == 2
    check_imported(app, items, muqataa)

    stored_evidence = evidence_count()
    again = field_import(app, path, media=media)
    assert (again.imported, again.already_imported, again.errors) == (0, 2, [])
    assert again.skipped == [(2, items[0].instance_id), (3, items[1].instance_id)]
    assert len(claims_of(items)) == 2 and evidence_count() == stored_evidence


def evidence_entries(workspace_id: int) -> dict[str, dict]:
    """The audit log's evidence created, by evidence id."""
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.workspace_id == workspace_id,
            AuditEntry.entity == "evidence",
            AuditEntry.action == "create",
        )
    )
    return {entry.entity_id: json.loads(entry.after_json) for entry in entries}


def test_each_document_filed_is_the_audit_entry_of_evidence_filed_through_the_web(
    intake, app, tmp_path, muqataa
):
    registered = intake.register(evidence=[evidence_input()])
    db.session.commit()
    web_entry = evidence_entries(intake.workspace_id)[str(registered.evidence[0].id)]

    items = family(muqataa)
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", items)
    report = field_import(app, path, media=write_kobo_media(tmp_path / "media", items))
    assert report.imported == 2
    filed = [evidence for claim in claims_of(items) for evidence in claim.evidence]
    assert len(filed) == 3
    entries = evidence_entries(intake.workspace_id)
    for evidence in filed:
        entry = entries[str(evidence.id)]
        assert entry.keys() == web_entry.keys()
        stored = {key: getattr(evidence, key) for key in entry}
        assert entry == row_snapshot(Evidence, stored)
        assert (entry["status"], entry["added_in_state"]) == ("current", None)
    # Each document's entry comes after its claim's.
    seq_of = {
        (entity, entity_id): seq
        for entity, entity_id, seq in db.session.execute(
            select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.seq).where(
                AuditEntry.workspace_id == intake.workspace_id
            )
        )
    }
    assert all(
        seq_of[("evidence", str(item.id))] > seq_of[("claim", str(item.claim_id))] for item in filed
    )
    assert verify_chain(db.session, db.session.get(Workspace, intake.workspace_id)).ok


@pytest.mark.parametrize("replacement", ["another image", "not an image"])
def test_a_document_changed_after_staging_is_refused_and_nothing_is_published(
    intake, app, tmp_path, muqataa, replacement
):
    items = family(muqataa)
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", items)
    media = write_kobo_media(tmp_path / "media", items)
    [deed] = (media / "enumerator1").rglob(items[0].documents[0].filename)
    stored_evidence = evidence_count()

    commits = []

    def commit_then_swap_the_deed():
        # The second commit ends the staging: the deed changes before the publication.
        db.session.commit()
        commits.append(True)
        if len(commits) == 2:
            deed.write_bytes(
                png_bytes((10, 200, 10)) if replacement == "another image" else b"<html>"
            )

    with pytest.raises(InterchangeError, match="changed since the import checked it"):
        field_import(app, path, media=media, commit=commit_then_swap_the_deed)
    db.session.rollback()
    assert claims_of(items) == [] and evidence_count() == stored_evidence


@pytest.mark.parametrize("unpacked", [False, True])
def test_an_odk_central_csv_zip_with_media_imports_once(intake, app, tmp_path, muqataa, unpacked):
    items = family(muqataa)
    path = write_odk_zip(tmp_path / f"{muqataa}.zip", items)
    if unpacked:
        shutil.unpack_archive(path, tmp_path / "export")
        path = tmp_path / "export"
    assert detect_format(path, ArchiveLimits()) == FieldFormat.ODK

    report = field_import(app, path)
    assert report.errors == [] and report.imported == 2
    check_imported(app, items, muqataa)

    stored_evidence = evidence_count()
    again = field_import(app, path)
    assert (again.imported, again.already_imported) == (0, 2)
    assert len(claims_of(items)) == 2 and evidence_count() == stored_evidence


def disguised(muqataa):
    """A web page named as a photograph, beside a good submission."""
    good, bad = submission("علي حسن كاظم", muqataa, "7"), submission("Omar Saleh", muqataa, "8")
    bad.documents = [
        Document("title_deed", f"deed-{muqataa}-8.jpg", b"<html><script>alert(1)</script>")
    ]
    return [good, bad]


@pytest.mark.parametrize("kind", ["kobo", "odk"])
def test_a_disguised_attachment_is_a_row_error_and_nothing_is_imported(
    intake, app, tmp_path, muqataa, kind
):
    items = disguised(muqataa)
    if kind == "kobo":
        path = write_kobo_xlsx(tmp_path / "kobo.xlsx", items)
        media = write_kobo_media(tmp_path / "media", items)
    else:
        path, media = write_odk_zip(tmp_path / "odk.zip", items), None
    stored_evidence = evidence_count()
    dry = field_import(app, path, media=media, dry_run=True)
    real = field_import(app, path, media=media)
    assert [str(error) for error in dry.errors] == [str(error) for error in real.errors]
    [error] = real.errors
    assert (error.line, error.ref, error.column) == (3, items[1].instance_id, "documents[1]")
    assert error.message == (
        f"deed-{muqataa}-8.jpg: Only PDF, JPEG, PNG and TIFF files are accepted."
    )
    assert not real.published and claims_of(items) == [] and evidence_count() == stored_evidence

    partial = field_import(app, path, media=media, partial=True)
    assert partial.imported == 1
    assert [claim.submission_id for claim in claims_of(items)] == [items[0].instance_id]


def test_the_dry_run_gives_the_real_runs_verdicts(intake, app, tmp_path, muqataa):
    items = family(muqataa)
    items[0].co_claimants[0]["claimant_share"] = "30"  # 60 + 30: not 100
    items[1].documents.append(Document("photo", "missing.png", png_bytes(), as_photo=True))
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", items)
    media = write_kobo_media(tmp_path / "media", items)
    (media / "enumerator1" / "attachments" / "a1b2c3d4e5" / items[1].uuid / "missing.png").unlink()

    dry = field_import(app, path, media=media, dry_run=True)
    real = field_import(app, path, media=media)
    assert [str(error) for error in dry.errors] == [str(error) for error in real.errors]
    assert {(error.line, error.column) for error in real.errors} == {
        (2, "claimant_share"),
        (3, "documents[2]"),
    }
    assert "missing.png: not among the attachments in media" in str(real.errors[-1])
    assert (dry.imported, real.published) == (0, False)
    assert claims_of(items) == []


def test_without_the_media_a_kobo_export_asks_for_them(intake, app, tmp_path, muqataa):
    items = [submission("Sara Khidr Ahmed", muqataa, "3")]
    report = field_import(app, write_kobo_xlsx(tmp_path / "kobo.xlsx", items), dry_run=True)
    [error] = report.errors
    assert "give the attachments (media zip or folder) with --media" in error.message


def test_a_kobo_csv_export_without_repeats_refuses_co_claimants_it_cannot_carry(
    intake, app, tmp_path, muqataa
):
    items = family(muqataa)
    for item in items:
        item.documents = []
    path = write_kobo_csv(tmp_path / "kobo.csv", items)
    assert detect_format(path, ArchiveLimits()) == FieldFormat.KOBO
    report = field_import(app, path)
    [error] = report.errors
    assert (error.line, error.column) == (2, "co_claimant_count")
    assert "has 1 co-claimants, but the export holds no repeats" in error.message
    assert claims_of(items) == []


def test_a_submission_id_twice_in_one_export_is_an_error(intake, app, tmp_path, muqataa):
    first, second = submission("حسين علي", muqataa, "1"), submission("حسين كاظم", muqataa, "2")
    first.documents = second.documents = []
    second.uuid = first.uuid
    report = field_import(app, write_odk_zip(tmp_path / "odk.zip", [first, second]), dry_run=True)
    [error] = report.errors
    assert (error.line, error.column) == (3, "KEY")
    assert "duplicate of the one on line 2" in error.message


def test_the_format_is_found_from_the_file(tmp_path, muqataa):
    items = [submission("Ahmed Omar", muqataa, "5")]
    interchange = write_rows(tmp_path / "legacy.csv", [{"ref": "r1", "claimant_name": "x"}])
    assert detect_format(interchange, ArchiveLimits()) == FieldFormat.INTERCHANGE
    assert detect_format(write_kobo_xlsx(tmp_path / "k.xlsx", items), ArchiveLimits()) == "kobo"
    assert detect_format(write_odk_zip(tmp_path / "o.zip", items), ArchiveLimits()) == "odk"


def test_the_command_imports_a_kobo_export_twice_and_reports_each_row_already_imported(
    app, runner, tmp_path, muqataa
):
    items = family(muqataa)
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", items)
    media = write_kobo_media(tmp_path / "media", items)
    first = runner.invoke(args=["claims", "import", str(path), "--media", str(media)])
    assert first.exit_code == 0, first.output
    assert "Imported 2 claims" in first.output
    second = runner.invoke(
        args=["claims", "import", str(path), "--media", str(media), "--format", "kobo"]
    )
    assert second.exit_code == 0, second.output
    assert f"line 2 (ref {items[0].instance_id}): already imported" in second.output
    assert "Imported 0 claims: 2 rows read, 0 bad, 2 already imported" in second.output
    with app.app_context(), use_workspace(operational_workspace_id(db.session)):
        assert len(claims_of(items)) == 2
        db.session.remove()


def test_a_kobo_export_without_group_paths_reads_the_same(intake, app, tmp_path, muqataa):
    items = family(muqataa)
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", items, with_groups=False)
    report = field_import(app, path, media=write_kobo_media(tmp_path / "media", items))
    assert report.errors == [] and report.imported == 2
    check_imported(app, items, muqataa)


def test_an_export_with_labels_for_headers_is_refused_whole(tmp_path):
    workbook = Workbook()
    workbook.active.append(["Full name (four parts, as on the identity document)", "_uuid"])
    workbook.active.append(["محمد حسن", str(uuid.uuid4())])
    workbook.save(tmp_path / "labels.xlsx")
    with pytest.raises(InterchangeError, match="with XML names \\(not labels\\) as headers"):
        open_import_file(tmp_path / "labels.xlsx", today=TODAY, max_evidence_bytes=MAX_BYTES)


def damaged_media_zip(path: Path, item, *, forge_size: bool) -> Path:
    """A media zip whose attachment does not unpack to what its headers say: a size
    forged small over a file fifty times the limit (a zip bomb), or a flipped byte."""
    document = item.documents[0]
    name = f"enumerator1/attachments/a1b2c3d4e5/{item.uuid}/{document.filename}"
    data = document.data + (b"\0" * (MAX_BYTES * 50) if forge_size else b"")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    raw = bytearray(path.read_bytes())
    if forge_size:
        # The uncompressed size in the local header and in the central directory.
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            struct.pack_into("<I", raw, raw.find(signature) + offset, len(document.data))
    else:
        raw[raw.find(b"PK\x01\x02") - 30] ^= 0xFF  # inside the compressed data
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("forge_size", [True, False])
def test_an_attachment_that_does_not_unpack_as_its_zip_says_is_a_row_error(
    intake, app, tmp_path, muqataa, forge_size
):
    good, bad = submission("علي حسن كاظم", muqataa, "7"), submission("Omar Saleh", muqataa, "8")
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", [good, bad])
    media = damaged_media_zip(tmp_path / "media.zip", bad, forge_size=forge_size)
    with zipfile.ZipFile(media, "a") as archive:
        for document in good.documents:
            name = f"enumerator1/attachments/a1b2c3d4e5/{good.uuid}/{document.filename}"
            archive.writestr(name, document.data)
    stored_evidence = evidence_count()

    report = field_import(app, path, media=media)
    [error] = report.errors
    assert (error.line, error.column) == (3, "documents[1]")
    assert error.message.startswith(f"{bad.documents[0].filename}: the attachment is damaged")
    assert not report.published and claims_of([good, bad]) == []
    assert evidence_count() == stored_evidence


def test_a_symbolic_link_among_the_attachments_is_a_row_error(intake, app, tmp_path, muqataa):
    """A link in the export's folder would file a document from elsewhere on the server."""
    item = submission("Sara Khidr Ahmed", muqataa, "3")
    path = write_odk_zip(tmp_path / "odk.zip", [item])
    shutil.unpack_archive(path, tmp_path / "export")
    document = item.documents[0]
    elsewhere = tmp_path / "elsewhere.png"
    elsewhere.write_bytes(document.data)
    attachment = tmp_path / "export" / "media" / document.filename
    attachment.unlink()
    attachment.symlink_to(elsewhere)

    report = field_import(app, tmp_path / "export")
    [error] = report.errors
    assert (error.line, error.column) == (2, "documents[1]")
    assert error.message == f"{document.filename}: a link to another file, not a file: refused"
    assert not report.published and claims_of([item]) == []


@pytest.mark.parametrize("where", ["header", "row"])
def test_an_odk_csv_that_is_not_utf8_is_refused_whole(intake, app, tmp_path, muqataa, where):
    item = submission("Sara Khidr Ahmed", muqataa, "3")
    item.documents = []
    path = write_odk_zip(tmp_path / "odk.zip", [item])
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    main = f"{FORM_ID}.csv"
    if where == "header":
        members[main] = b"\xff\xfe" + members[main]
    else:
        members[main] += "\n".join(["x"] * 5000).encode() + b"\n\xff\xfe,\n"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)

    with pytest.raises(InterchangeError, match="is not UTF-8 text"):
        field_import(app, path)
    assert claims_of([item]) == []


def _waiting_on_a_lock() -> bool:
    return bool(
        db.session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        )
    )


def test_a_clerk_registering_on_a_parcel_the_import_is_creating_joins_it(
    app, workspace, intake, tmp_path, muqataa
):
    """The publication holds the parcels it creates until it commits: a clerk registering
    a claim on one of them meanwhile waits, then files the claim on that parcel."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the race matters on PostgreSQL")
    item = submission("Sara Khidr Ahmed", muqataa, "3")
    item.documents = []
    path = write_odk_zip(tmp_path / "odk.zip", [item])
    clerk_outcome: list = []

    def register_on_the_parcel():
        with app.app_context(), use_workspace(workspace):
            set_actor(Actor(None, "clerk"))
            data = claim_input(
                parcel=dataclasses.replace(claim_input().parcel, muqataa_no=muqataa, parcel_no="3")
            )
            try:
                claim = IntakeContext(app, workspace).register(data)
                db.session.commit()
                clerk_outcome.append(claim.parcel_id)
            except Exception as error:  # collected and asserted below
                db.session.rollback()
                clerk_outcome.append(repr(error))
            finally:
                db.session.remove()

    clerk = threading.Thread(target=register_on_the_parcel)

    def commit_once_the_clerk_waits():
        if db.session.scalar(select(func.count()).select_from(Claim)) and not clerk.ident:
            # The publication's commit: its claim and parcel are written, not committed.
            clerk.start()
            with app.app_context():
                while clerk.is_alive() and not _waiting_on_a_lock():
                    db.session.rollback()
                db.session.remove()
        db.session.commit()

    report = field_import(app, path, commit=commit_once_the_clerk_waits)
    clerk.join()
    assert report.imported == 1 and report.published
    [imported] = claims_of([item])
    assert clerk_outcome == [imported.parcel_id]


@pytest.mark.parametrize("counted", [True, False])
def test_a_repeat_row_of_no_submission_refuses_the_export_whole(
    intake, app, tmp_path, muqataa, counted
):
    """A document whose `_parent_index` names no submission would be lost without a
    word, even when the form's counts are missing (an older version of the form)."""
    items = [submission("Sara Khidr Ahmed", muqataa, "3"), submission("Omar Saleh", muqataa, "4")]
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", items)
    media = write_kobo_media(tmp_path / "media", items)
    workbook = load_workbook(path)
    main, documents = workbook.worksheets[0], workbook["documents"]
    parent = [cell.value for cell in documents[1]].index("_parent_index") + 1
    documents.cell(row=3, column=parent, value=99)
    if not counted:
        for column, cell in enumerate(main[1], start=1):
            if cell.value.endswith("_count"):
                for row in range(2, main.max_row + 1):
                    main.cell(row=row, column=column, value=None)
    workbook.save(path)

    with pytest.raises(InterchangeError, match="a row of no submission .*_parent_index 99"):
        field_import(app, path, media=media, partial=True)
    db.session.rollback()
    assert claims_of(items) == []


def test_two_submissions_of_one_repeat_key_refuse_the_export_whole(intake, app, tmp_path, muqataa):
    """Two rows of the main sheet with one `_index` cannot tell their documents and
    co-claimants apart: neither gets the other's, even without the form's counts."""
    items = [submission("Sara Khidr Ahmed", muqataa, "3"), submission("Omar Saleh", muqataa, "4")]
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", items)
    media = write_kobo_media(tmp_path / "media", items)
    workbook = load_workbook(path)
    main, documents = workbook.worksheets[0], workbook["documents"]
    header = [cell.value for cell in main[1]]
    main.cell(row=3, column=header.index("_index") + 1, value=1)
    for column, name in enumerate(header, start=1):
        if name.endswith("_count"):
            main.cell(row=2, column=column, value=None)
            main.cell(row=3, column=column, value=None)
    parent = [cell.value for cell in documents[1]].index("_parent_index") + 1
    documents.cell(row=3, column=parent, value=1)
    workbook.save(path)

    with pytest.raises(InterchangeError, match="_index 1 is on lines 2 and 3"):
        field_import(app, path, media=media, partial=True)
    db.session.rollback()
    assert claims_of(items) == []


def test_an_import_creating_a_parcel_a_clerk_is_registering_on_links_the_clerks(
    app, workspace, intake, tmp_path, muqataa
):
    """A clerk has created a parcel, not yet committed, when the publication creates it
    too: the publication waits, then links its claim to the clerk's parcel."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the race matters on PostgreSQL")
    item = submission("Sara Khidr Ahmed", muqataa, "3")
    item.documents = []
    path = write_odk_zip(tmp_path / "odk.zip", [item])
    parcel_flushed, clerk_outcome = threading.Event(), []

    def register_and_commit_once_the_import_waits():
        with app.app_context(), use_workspace(workspace):
            set_actor(Actor(None, "clerk"))
            data = claim_input(
                parcel=dataclasses.replace(claim_input().parcel, muqataa_no=muqataa, parcel_no="3")
            )
            try:
                claim = IntakeContext(app, workspace).register(data)
                db.session.flush()
                parcel_flushed.set()
                with app.app_context():
                    while not _waiting_on_a_lock():
                        db.session.rollback()
                    db.session.remove()
                db.session.commit()
                clerk_outcome.append(claim.parcel_id)
            except Exception as error:  # collected and asserted below
                db.session.rollback()
                clerk_outcome.append(repr(error))
            finally:
                parcel_flushed.set()
                db.session.remove()

    clerk = threading.Thread(target=register_and_commit_once_the_import_waits)
    clerk.start()
    parcel_flushed.wait(timeout=60)
    report = field_import(app, path)
    clerk.join()
    assert report.imported == 1 and report.published
    [imported] = claims_of([item])
    assert clerk_outcome == [imported.parcel_id]


def test_a_symbolic_link_among_an_odk_folders_csv_files_is_refused(tmp_path, muqataa):
    item = submission("Sara Khidr Ahmed", muqataa, "3")
    shutil.unpack_archive(write_odk_zip(tmp_path / "odk.zip", [item]), tmp_path / "export")
    (tmp_path / "elsewhere.csv").write_text("claimant_name,governorate,KEY\n")
    (tmp_path / "export" / "a.csv").symlink_to(tmp_path / "elsewhere.csv")
    with pytest.raises(InterchangeError, match="a.csv: a link to another file, not a file"):
        open_import_file(tmp_path / "export", today=TODAY, max_evidence_bytes=MAX_BYTES)
