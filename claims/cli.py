"""`flask --app wsgi claims import|export`: claims in and out of CSV and XLSX files.

Each command is one boundary (`command_boundary`). An import commits each chunk of its
staging table, then publishes the good rows in one transaction, or — on a dry run, or a
bad row without `--partial` — publishes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from claims.domain import PartyRole
from claims.files import EvidenceStore
from claims.interchange import (
    MAX_XLSX_MEMBERS,
    MAX_XLSX_UNCOMPRESSED_BYTES,
    ArchiveLimits,
    InterchangeError,
    import_claims,
    write_claims_csv,
)
from claims.interchange.field import FieldFormat, open_import_file
from claims.interchange.fieldform import write_xlsform
from claims.matching import InvalidMatchInput, MatchThresholds, match_csv
from claims.models import Claim, Party
from claims.operations import refresh_match_keys
from claims.scan import finish_scan, scan_shards, shard_sizes, start_scan
from commission.cli import command_boundary
from commission.clock import local_today
from commission.extensions import db

#: Rows fetched per round trip by the export.
EXPORT_BATCH_SIZE = 500

claims_cli = AppGroup("claims", help="Import, export and match claims.")


def archive_limits(config) -> ArchiveLimits:
    return ArchiveLimits(
        max_uncompressed_bytes=config.get(
            "QAYD_IMPORT_MAX_XLSX_BYTES", MAX_XLSX_UNCOMPRESSED_BYTES
        ),
        max_members=config.get("QAYD_IMPORT_MAX_XLSX_MEMBERS", MAX_XLSX_MEMBERS),
    )


@claims_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--office",
    "office_code",
    default=None,
    help="Office that registers every row (e.g. NIN); default: each row's office column.",
)
@click.option("--dry-run", is_flag=True, help="Check every row and report; change nothing.")
@click.option("--partial", is_flag=True, help="Import the good rows even if some are bad.")
@click.option(
    "--format",
    "file_format",
    type=click.Choice([str(member) for member in FieldFormat]),
    default=None,
    help="interchange columns, a KoboToolbox export or an ODK Central export "
    "(default: found from the file).",
)
@click.option(
    "--media",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="The attachments of a KoboToolbox export (its media zip or folder); ODK "
    "Central's CSV zip carries its own.",
)
def import_command(
    path: Path,
    office_code: str | None,
    dry_run: bool,
    partial: bool,
    file_format: str | None,
    media: Path | None,
):
    """Register the claims of a CSV or XLSX file in the interchange columns, or of an
    export of the field form from KoboToolbox (XLSX or CSV) or ODK Central (CSV zip).

    All or nothing unless --partial: one bad row and nothing is imported. Rows whose ref
    (a field submission's instanceID) was imported before are skipped, so importing a
    file twice creates nothing new. The documents of field submissions become evidence,
    checked as uploads are. The rows are checked into a staging table first (a dry run
    stops there), then published in one transaction. Exits with 1 when any row is bad.
    """
    today = local_today()  # one date for checking and registering, even across midnight
    config = current_app.config
    try:
        with command_boundary("claims-import"):
            with open_import_file(
                path,
                today=today,
                format=FieldFormat(file_format) if file_format else None,
                media=media,
                limits=archive_limits(config),
                max_evidence_bytes=config["EVIDENCE_MAX_BYTES"],
            ) as claim_file:
                for warning in claim_file.warnings:
                    click.echo(f"warning: {warning}")
                report = import_claims(
                    db.session,
                    claim_file,
                    office_code=office_code,
                    by=None,
                    commit=db.session.commit,
                    dry_run=dry_run,
                    partial=partial,
                    thresholds=MatchThresholds.from_config(config),
                    workers=os.cpu_count() or 1,
                    store=EvidenceStore(config["QAYD_DATA_DIR"]),
                )
    except InterchangeError as error:
        raise click.ClickException(f"{path.name}: {error}. Nothing was imported.") from None
    except IntegrityError:
        # Two imports of the same refs at once: the unique import_ref (or submission_id)
        # stopped the second.
        raise click.ClickException(
            f"{path.name}: another import registered some of these refs at the same time. "
            "Nothing was imported; run the import again to add what is missing."
        ) from None

    for error in report.errors:
        click.echo(str(error))
    for line, ref in report.skipped:
        click.echo(f"line {line} (ref {ref}): already imported")
    counts = (
        f"{report.rows} rows read, {report.bad_rows} bad, "
        f"{report.already_imported} already imported (skipped)"
    )
    if dry_run:
        click.echo(f"Dry run: {counts}, {report.imported} would be imported. No claim changed.")
    elif report.published:
        click.echo(f"Imported {report.imported} claims: {counts}.")
    else:
        click.echo(
            f"Nothing imported: {counts}. Fix the rows above, or use --partial "
            "to import the good rows only."
        )
    raise SystemExit(1 if report.errors else 0)


@claims_cli.command("fieldform")
@click.option(
    "-o",
    "--output",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("fieldforms/claim_registration.xlsx"),
    show_default=True,
)
def fieldform_command(out_path: Path):
    """Write the XLSForm for registering claims in the field with ODK Collect or
    KoboToolbox (upload it to KoboToolbox or ODK Central)."""
    write_xlsform(out_path)
    click.echo(f"Wrote the field form to {out_path}.")


@claims_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(path: Path):
    """Write every claim of the workspace to a CSV file (UTF-8 with BOM), streamed: the
    interchange columns, then each claim's number and state."""
    partial_path = path.with_name(f".{path.name}.partial")
    with command_boundary("claims-export"):
        max_claimants = (
            db.session.scalar(
                select(func.count())
                .select_from(Party)
                .where(Party.role == PartyRole.CLAIMANT)
                .group_by(Party.claim_id)
                .order_by(func.count().desc())
                .limit(1)
            )
            or 1
        )
        claims = db.session.scalars(
            select(Claim).order_by(Claim.id).execution_options(yield_per=EXPORT_BATCH_SIZE)
        )
        try:
            # Closed on every path: a stream left half read holds its read snapshot.
            with claims, partial_path.open("w", encoding="utf-8-sig", newline="") as handle:
                count = write_claims_csv(claims, handle, max_claimants=max_claimants)
            os.replace(partial_path, path)
        except OSError as error:
            raise click.ClickException(f"cannot write {path}: {error.strerror}") from None
        finally:
            partial_path.unlink(missing_ok=True)
    click.echo(f"Exported {count} claims to {path}.")


@claims_cli.command("match-csv")
@click.argument("in_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write ref_a, ref_b, kind, score, reasons.",
)
@click.option("--workers", type=int, default=None, help="Processes (default: one per CPU).")
def match_csv_command(in_path: Path, out_path: Path, workers: int | None):
    """Find conflicting claims in a CSV in the interchange columns, with no database."""
    try:
        summary = match_csv(
            in_path, out_path, MatchThresholds.from_config(current_app.config), workers=workers
        )
    except InvalidMatchInput as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"{summary.claims} claims, {summary.candidate_pairs} candidate pairs scored, "
        f"{summary.pairs_written} pairs written to {out_path}."
    )


conflicts_cli = AppGroup("conflicts", help="Find conflicting claims in stored data.")


@conflicts_cli.command("scan")
@click.option("--restart", is_flag=True, help="Start a new scan instead of continuing one.")
@click.option("--workers", type=int, default=None, help="Scoring processes (default: one per CPU).")
def scan_command(restart: bool, workers: int | None):
    """Match every claim of the workspace against the others and store the pairs not yet
    known as open candidates for review.

    The scan goes one governorate at a time and commits each one, so an interrupted scan
    (Ctrl-C, a lost connection) continues where it stopped when run again.
    """
    thresholds = MatchThresholds.from_config(current_app.config)
    with command_boundary("conflicts-scan"):
        scan = start_scan(db.session, restart=restart)
        todo, done_claims = shard_sizes(db.session, scan)
        db.session.commit()
        if done_claims:
            click.echo(f"Continuing scan {scan.id}: {len(scan.shards)} governorates done.")
        with click.progressbar(
            length=done_claims + sum(todo.values()), label="Scanning claims", show_pos=True
        ) as bar:
            bar.update(done_claims)
            for shard in scan_shards(
                db.session, scan, thresholds, workers=workers or os.cpu_count() or 1
            ):
                db.session.commit()
                bar.update(shard.claims)
        finish_scan(db.session, scan)
        new_pairs, claims = scan.new_pairs, done_claims + sum(todo.values())
    click.echo(f"Scan {scan.id} done: {claims} claims, {new_pairs} new candidate pairs.")


#: Claims whose keys are rewritten per transaction by `conflicts rekey`.
REKEY_BATCH_SIZE = 500


@conflicts_cli.command("rekey")
def rekey_command():
    """Rewrite every claim's stored blocking keys, and its parties' search keys, with the
    current matcher.

    Needed once after an upgrade that changes how keys are made or adds key tables (the
    release notes say so): until then, new claims do not meet older ones through the
    changed key families, and parties without search keys are not found by the search.
    Commits every 500 claims; run again after an interruption (it is idempotent).
    """
    with command_boundary("conflicts-rekey"):
        total = db.session.scalar(select(func.count()).select_from(Claim))
        with click.progressbar(length=total, label="Rewriting keys", show_pos=True) as bar:
            after = 0
            while True:
                batch = db.session.scalars(
                    select(Claim).where(Claim.id > after).order_by(Claim.id).limit(REKEY_BATCH_SIZE)
                ).all()
                if not batch:
                    break
                for claim in batch:
                    refresh_match_keys(db.session, claim)
                after = batch[-1].id
                db.session.commit()
                db.session.expunge_all()
                bar.update(len(batch))
    click.echo(f"Rewrote the blocking and search keys of {total} claims.")
