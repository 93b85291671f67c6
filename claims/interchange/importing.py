"""Registering the rows of an import file (`flask claims import`): check, stage, publish.

1. **Stage.** Every row is parsed and checked (`rows.parse_record`, the rules of
   registration included), its office found and its ref looked up, and the verdict is
   written to `import_row` with the parsed record, a chunk per transaction. Staging
   holds no lock another user waits on. A dry run is this step alone, so it refuses
   exactly what the real run would.
2. **Publish**, only when no row is bad or with `partial`: in one transaction, the good
   rows become claims through the building blocks of `register_claim` (its parcels, its
   claim rows and parties, its match keys, its audit). Instead of one advisory lock per
   parcel and the office counters held from the first row, it takes one lock on the
   workspace's imports, creates the parcels it needs in bulk, gives each claim a
   provisional negative sequence, and numbers them all at the end with one counter
   update per office and year, so the counters are held only for that last moment.
3. **Check conflicts** of the published claims with the batch scan (`claims.scan`) over
   the governorates the file touched, a governorate per transaction: each claim is
   matched against every stored claim of its governorate, the file's others included,
   and new pairs are recorded as open candidates. (Claims of different governorates are
   never one parcel.) One `record_candidates` per claim would take a query per claim.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice

from sqlalchemy import String, cast, func, insert, literal, select, text, update
from sqlalchemy.orm import Session

from claims.domain import (
    ClaimBasis,
    ClaimInput,
    IdentityDocument,
    ImportStatus,
    ParcelInput,
    PartyInput,
    PartyRole,
    PropertyType,
    Remedy,
    RowVerdict,
)
from claims.interchange.readers import ClaimFile, InterchangeError
from claims.interchange.rows import ParsedRow, RowError
from claims.matching import MatchThresholds, normalise_claim
from claims.matching.blocking import blocking_keys
from claims.models import Claim, ClaimMatchKey, ImportBatch, ImportRow, Parcel, PartySearchKey
from claims.operations import (
    DEFAULT_THRESHOLDS,
    new_claim,
    new_parcel,
    parcel_identity,
    reserve_claim_numbers,
)
from claims.queries import claim_fields, search_keys_of
from claims.scan import ShardDone, finish_scan, scan_shards, start_scan
from commission.accounts.models import Office, User
from commission.db import utcnow
from commission.governorates import GOVERNORATES
from commission.workspaces import current_workspace_id

#: Rows checked and staged per transaction.
STAGE_CHUNK_SIZE = 1000
#: Rows published per flush (one transaction in all); bounds the session's memory.
PUBLISH_CHUNK_SIZE = 1000


@dataclasses.dataclass
class ImportReport:
    rows: int = 0
    #: Rows registered (or, in a dry run, that would be).
    imported: int = 0
    #: Rows whose ref the workspace already has: skipped, so importing twice is harmless.
    already_imported: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    published: bool = False

    @property
    def bad_rows(self) -> int:
        return len({error.line for error in self.errors})


# ----------------------------------------------------------------- the staged record


def record_json(claim: ClaimInput) -> str:
    return json.dumps(dataclasses.asdict(claim), default=str, ensure_ascii=False)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _party_input(values: dict) -> PartyInput:
    id_type = values["id_document_type"]
    return PartyInput(
        **{
            **values,
            "role": PartyRole(values["role"]),
            "id_document_type": IdentityDocument(id_type) if id_type else None,
            "share_percent": _decimal(values["share_percent"]),
        }
    )


def claim_input_of(record: str) -> ClaimInput:
    """The ClaimInput a staged row recorded (the inverse of `record_json`)."""
    values = json.loads(record)
    parcel = values["parcel"]
    return ClaimInput(
        **{
            **values,
            "parcel": ParcelInput(
                **{
                    **parcel,
                    "property_type": PropertyType(parcel["property_type"]),
                    "area_m2": _decimal(parcel["area_m2"]),
                }
            ),
            "parties": [_party_input(party) for party in values["parties"]],
            "claim_basis": ClaimBasis(values["claim_basis"]),
            "remedy": Remedy(values["remedy"]),
            "filed_on": _date(values["filed_on"]),
            "dispossession_on": _date(values["dispossession_on"]),
        }
    )


# ------------------------------------------------------------------------- staging


class OfficeChoice:
    """Which office registers a row: `--office` for all, else the row's office column,
    else the branch office of the row's governorate."""

    def __init__(self, session: Session, forced_code: str | None):
        offices = session.scalars(select(Office).order_by(Office.id)).all()
        self.offices = {office.code: office for office in offices}
        self.forced = None
        if forced_code:
            self.forced = self.offices.get(forced_code.strip().upper())
            if self.forced is None:
                raise InterchangeError(f"no office with code {forced_code!r}")
        #: Headquarters shares Baghdad's governorate but registers no branch's claims.
        self.by_governorate: dict[str, Office] = {}
        branch_codes = {governorate.code: governorate.office_code for governorate in GOVERNORATES}
        for office in offices:
            if office.is_headquarters:
                continue
            current = self.by_governorate.get(office.governorate_code)
            if current is None or office.code == branch_codes.get(office.governorate_code):
                self.by_governorate[office.governorate_code] = office

    def of(self, row: ParsedRow) -> Office | RowError:
        if self.forced is not None:
            return self.forced
        if row.office_code:
            if row.office_code not in self.offices:
                return RowError(row.line, row.ref, "office", f"unknown office {row.office_code!r}")
            return self.offices[row.office_code]
        if not row.governorate_code:
            # The governorate column is in error already: the row is bad either way.
            return RowError(row.line, row.ref, "office", "no office: give --office or fill it")
        office = self.by_governorate.get(row.governorate_code)
        if office is None:
            return RowError(
                row.line,
                row.ref,
                "office",
                f"no branch office for {row.governorate_code}: give --office or fill it",
            )
        return office


def start_import(session: Session, *, file_name: str, dry_run: bool, partial: bool) -> ImportBatch:
    batch = ImportBatch(file_name=file_name[:255], is_dry_run=dry_run, is_partial=partial)
    session.add(batch)
    session.flush()
    return batch


def _staged_row(batch: ImportBatch, row: ParsedRow, office: Office | RowError) -> dict:
    errors = list(row.errors)
    if isinstance(office, RowError):
        errors.append(office)
    values = {
        "workspace_id": batch.workspace_id,
        "batch_id": batch.id,
        "line": row.line,
        "ref": row.ref[:100],
        "verdict": RowVerdict.BAD if errors else RowVerdict.GOOD,
        "office_id": None if isinstance(office, RowError) else office.id,
        "record": None,
        "errors": None,
    }
    if errors:
        values["errors"] = json.dumps(
            [[error.column, error.message] for error in errors], ensure_ascii=False
        )
    else:
        values["record"] = record_json(row.claim)
    return values


def stage_rows(
    session: Session, batch: ImportBatch, claim_file: ClaimFile, offices: OfficeChoice
) -> Iterator[int]:
    """Check every row of the file into `import_row`; yield the rows staged so far after
    each chunk, where the caller commits."""
    rows = claim_file.rows()
    staged = 0
    while chunk := list(islice(rows, STAGE_CHUNK_SIZE)):
        values = [_staged_row(batch, row, offices.of(row)) for row in chunk]
        refs = [value["ref"] for value in values if value["verdict"] == RowVerdict.GOOD]
        known = set(session.scalars(select(Claim.import_ref).where(Claim.import_ref.in_(refs))))
        for value in values:
            if value["verdict"] == RowVerdict.GOOD and value["ref"] in known:
                value["verdict"] = RowVerdict.ALREADY_IMPORTED
        session.execute(insert(ImportRow), values)
        staged += len(values)
        yield staged
    batch.status = ImportStatus.STAGED
    session.flush()


def staged_report(session: Session, batch: ImportBatch) -> ImportReport:
    counts = dict(
        session.execute(
            select(ImportRow.verdict, func.count())
            .where(ImportRow.batch_id == batch.id)
            .group_by(ImportRow.verdict)
        ).all()
    )
    report = ImportReport(
        rows=sum(counts.values()),
        imported=counts.get(RowVerdict.GOOD, 0),
        already_imported=counts.get(RowVerdict.ALREADY_IMPORTED, 0),
        published=batch.status == ImportStatus.PUBLISHED,
    )
    bad = session.execute(
        select(ImportRow.line, ImportRow.ref, ImportRow.errors)
        .where(ImportRow.batch_id == batch.id, ImportRow.verdict == RowVerdict.BAD)
        .order_by(ImportRow.line)
    )
    for line, ref, errors in bad:
        report.errors.extend(
            RowError(line, ref, column, message) for column, message in json.loads(errors)
        )
    return report


# ----------------------------------------------------------------------- publishing


def _good_rows(session: Session, batch_id: int) -> Iterator[list[ImportRow]]:
    after = 0
    while True:
        chunk = session.scalars(
            select(ImportRow)
            .where(
                ImportRow.batch_id == batch_id,
                ImportRow.verdict == RowVerdict.GOOD,
                ImportRow.line > after,
            )
            .order_by(ImportRow.line)
            .limit(PUBLISH_CHUNK_SIZE)
        ).all()
        if not chunk:
            return
        after = chunk[-1].line
        yield chunk


def _parcels(session: Session, records: list[ClaimInput]) -> list[Parcel | None]:
    """Each record's parcel: the stored row, a new one shared by the file's rows that
    name it, or None for a record that names no parcel (its parcel is to be identified).

    A stored parcel is linked as it is, never rewritten (the claim keeps what it says
    about its property), so the import takes no lock on parcels that clerks are
    registering claims on.
    """
    identities = {
        index: parcel_identity(record.parcel)
        for index, record in enumerate(records)
        if record.parcel.names_a_parcel
    }
    keys = {key for _number, key in identities.values()}
    found = {
        parcel.parcel_key: parcel
        for parcel in session.scalars(select(Parcel).where(Parcel.parcel_key.in_(keys)))
    }
    parcels: list[Parcel | None] = []
    for index, record in enumerate(records):
        if index not in identities:
            parcels.append(None)
            continue
        number, key = identities[index]
        if key not in found:
            found[key] = new_parcel(record.parcel, number=number, key=key)
            session.add(found[key])
        parcels.append(found[key])
    return parcels


def _store_match_keys(session: Session, claims: list[Claim]) -> None:
    """The claims' blocking keys and their parties' search keys, as registration stores
    them: an imported claim meets later claims and is found by the claim search."""
    workspace_id = current_workspace_id()
    rows = [
        {"workspace_id": workspace_id, "claim_id": claim.id, "key": key}
        for claim in claims
        for key in sorted(
            {
                key
                for fields in claim_fields(claim)
                for key in blocking_keys(normalise_claim(fields))
            }
        )
    ]
    if rows:
        session.execute(insert(ClaimMatchKey), rows)
    search_rows = [
        {"workspace_id": workspace_id, "party_id": party.id, "claim_id": claim.id, "key": key}
        for claim in claims
        for party in claim.parties
        for key in search_keys_of(party)
    ]
    if search_rows:
        session.execute(insert(PartySearchKey), search_rows)


def lock_imports(session: Session) -> None:
    """One lock for the workspace's publications: two imports of the same refs at once
    cannot both pass the ref check."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:lock))"),
            {"lock": f"import:{current_workspace_id()}"},
        )


def publish_rows(session: Session, batch: ImportBatch, *, by: User | None) -> Counter:
    """Register the batch's good rows with provisional numbers; flush, never commit.
    Returns the number of claims per (office id, year), for `number_published`."""
    lock_imports(session)
    offices = {office.id: office for office in session.scalars(select(Office))}
    per_office_year: Counter = Counter()
    batch_id, position = batch.id, 0
    for chunk in _good_rows(session, batch_id):
        # Another import may have published some of these refs since they were staged.
        known = set(
            session.scalars(
                select(Claim.import_ref).where(Claim.import_ref.in_([row.ref for row in chunk]))
            )
        )
        rows = [row for row in chunk if row.ref not in known]
        for row in chunk:
            if row.ref in known:
                row.verdict = RowVerdict.ALREADY_IMPORTED
        records = [claim_input_of(row.record) for row in rows]
        claims = []
        for row, record, parcel in zip(rows, records, _parcels(session, records), strict=True):
            office = offices[row.office_id]
            position += 1
            per_office_year[(office.id, record.filed_on.year)] += 1
            claims.append(
                new_claim(
                    record,
                    parcel=parcel,
                    office=office,
                    number=f"~{batch_id}-{position}",
                    seq=-per_office_year[(office.id, record.filed_on.year)],
                    by=by,
                )
            )
        session.add_all(claims)
        session.flush()
        _store_match_keys(session, claims)
        session.flush()
        session.expunge_all()
    return per_office_year


def number_published(session: Session, batch_id: int, counts: Counter) -> ImportBatch:
    """Give the published claims their numbers: per office and year one counter update
    reserves the whole block, and one UPDATE turns provisional sequence -k into the
    block's k-th number, in file order."""
    offices = {office.id: office for office in session.scalars(select(Office))}
    postgresql = session.get_bind().dialect.name == "postgresql"
    table = Claim.__table__
    numbering = {}
    for (office_id, year), count in sorted(counts.items()):
        office = offices[office_id]
        last = reserve_claim_numbers(session, office, year, count)
        base = last - count
        final_seq = base - table.c.seq
        digits = (
            func.lpad(cast(final_seq, String), 6, "0")
            if postgresql
            else func.printf("%06d", final_seq)
        )
        session.execute(
            update(table)
            .where(
                table.c.workspace_id == current_workspace_id(),
                table.c.office_id == office_id,
                table.c.year == year,
                table.c.seq < 0,
            )
            .values(seq=final_seq, number=literal(f"{office.code}-{year}-", String).concat(digits))
        )
        numbering[f"{office.code}-{year}"] = [base + 1, last]
    batch = session.get(ImportBatch, batch_id)
    batch.numbering = json.dumps(numbering, sort_keys=True)
    batch.status = ImportStatus.PUBLISHED
    batch.finished_at = utcnow()
    session.flush()
    return batch


def check_published_conflicts(
    session: Session, batch: ImportBatch, thresholds: MatchThresholds, *, workers: int = 1
) -> Iterator[ShardDone]:
    """Record the conflict candidates of the published claims: the batch scan over the
    governorates the file touched, so each claim is matched against every stored claim
    of its governorate, the file's others included, by the matcher `match-csv` uses.
    Yields after each governorate, where the caller commits."""
    touched = set(
        session.scalars(
            select(Claim.governorate_code)
            .join(ImportRow, ImportRow.ref == Claim.import_ref)
            .where(ImportRow.batch_id == batch.id, ImportRow.verdict == RowVerdict.GOOD)
            .distinct()
        )
    )
    scan = start_scan(session, restart=True)
    yield from scan_shards(session, scan, thresholds, workers=workers, governorates=touched)
    finish_scan(session, scan)


def import_claims(
    session: Session,
    claim_file: ClaimFile,
    *,
    office_code: str | None,
    by: User | None,
    commit: Callable[[], None],
    dry_run: bool = False,
    partial: bool = False,
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
    workers: int = 1,
) -> ImportReport:
    """Stage, publish and check the file, calling `commit` between the steps (the
    boundary's commit: each chunk of staging and of the conflict check is an item of
    the batch, the publication one transaction).

    Without `partial`, one bad row and nothing is published; with `dry_run` nothing is
    published at all. A row whose ref is already a claim's `import_ref` in this
    workspace is skipped and counted.
    """
    offices = OfficeChoice(session, office_code)
    batch = start_import(session, file_name=claim_file.path.name, dry_run=dry_run, partial=partial)
    commit()
    for _staged in stage_rows(session, batch, claim_file, offices):
        commit()
    report = staged_report(session, batch)
    if dry_run:
        commit()
        return report
    if report.errors and not partial:
        batch.status = ImportStatus.REFUSED
        batch.finished_at = utcnow()
        commit()
        return report
    batch_id = batch.id
    counts = publish_rows(session, batch, by=by)
    batch = number_published(session, batch_id, counts)
    commit()
    for _shard in check_published_conflicts(session, batch, thresholds, workers=workers):
        commit()
    return staged_report(session, session.get(ImportBatch, batch_id))
