"""Registering the good rows of an import file (`flask claims import`)."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.files import EvidenceStore
from claims.interchange.readers import ClaimFile, InterchangeError
from claims.interchange.rows import RowError
from claims.matching import MatchThresholds
from claims.models import Claim
from claims.operations import DEFAULT_THRESHOLDS, ClaimInvalid, register_claim
from commission.accounts.models import Office, User


@dataclasses.dataclass
class ImportReport:
    rows: int = 0
    #: Rows registered (or, in a dry run, that would be).
    imported: int = 0
    #: Rows whose ref the workspace already has: skipped, so importing twice is harmless.
    already_imported: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    numbers: list[str] = dataclasses.field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({error.line for error in self.errors})


#: Rows registered between two flushes that also empty the session, bounding memory.
IMPORT_BATCH_SIZE = 500


def import_claims(
    session: Session,
    claim_file: ClaimFile,
    *,
    office_code: str | None,
    by: User | None,
    today: date,
    store: EvidenceStore,
    dry_run: bool = False,
    partial: bool = False,
    keep_numbers: bool = False,
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
) -> ImportReport:
    """Register every good row of `claim_file` with `register_claim`; never commits.

    All rows are read and checked whatever happens, so the report names every bad
    row. Without `partial`, registration stops at the first bad row (the boundary then
    rolls everything back); with `dry_run` nothing is registered at all. A row whose
    ref is already a claim's `import_ref` in this workspace is skipped and counted.
    """
    offices = {office.code: office for office in session.scalars(select(Office))}
    forced_office = None
    if office_code:
        forced_office = offices.get(office_code.strip().upper())
        if forced_office is None:
            raise InterchangeError(f"no office with code {office_code!r}")
    report = ImportReport()
    registering = not dry_run
    # One query for every ref imported before, instead of one per row.
    imported_refs = set(
        session.scalars(select(Claim.import_ref).where(Claim.import_ref.is_not(None)))
    )
    for row in claim_file.rows():
        report.rows += 1
        errors = list(row.errors)
        office = forced_office
        if office is None:
            if not row.office_code:
                errors.append(
                    RowError(row.line, row.ref, "office", "no office: give --office or fill it")
                )
            elif row.office_code not in offices:
                errors.append(
                    RowError(row.line, row.ref, "office", f"unknown office {row.office_code!r}")
                )
            else:
                office = offices[row.office_code]
        if not errors and row.ref in imported_refs:
            report.already_imported += 1
            continue
        if not errors and registering:
            try:
                claim = register_claim(
                    session,
                    row.claim,
                    by=by,
                    office=office,
                    today=today,
                    store=store,
                    thresholds=thresholds,
                )
            except ClaimInvalid as invalid:  # checked when parsed; kept for safety
                errors.extend(
                    RowError(row.line, row.ref, field, str(message))
                    for field, message in invalid.errors.items()
                )
            else:
                if keep_numbers:
                    report.numbers.append(claim.number)
                if (report.imported + 1) % IMPORT_BATCH_SIZE == 0:
                    # Otherwise the identity map would hold every claim of the file.
                    session.flush()
                    session.expunge_all()
        if errors:
            report.errors.extend(errors)
            # Without --partial one bad row dooms the file: check the rest, write nothing.
            registering = registering and partial
        else:
            report.imported += 1
    return report
