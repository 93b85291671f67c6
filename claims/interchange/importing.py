"""Registering the rows of an import file (`flask claims import`): check, stage, publish.

1. **Stage.** Every row is parsed and checked (`rows.parse_record`, the rules of
   registration included), its office found and its ref looked up, and the verdict is
   written to `import_row` with the parsed record, a chunk per transaction. Staging
   holds no lock another user waits on. A dry run is this step alone, so it refuses
   exactly what the real run would.
2. **Publish**, only when no row is bad or with `partial`: in one transaction, the good
   rows become the rows `register_claim` writes (its claim and parcel columns, parties,
   flags, match and search keys), set-based: a chunk of rows per statement, COPY on
   PostgreSQL. Instead of one advisory lock per parcel and the office counters held from
   the first row, it takes one lock on the workspace's imports, looks up and creates the
   parcels it needs in bulk, gives each claim a provisional negative sequence, and
   numbers them all at the end with one counter update per office and year, so the
   counters are held only from then to the commit. Each claim is one audit entry (with
   its parties, flags and the parcel it created), hashed as it is recorded, so the
   commit only chains and copies them under the chain head's lock. A field submission's
   documents are read again, compared with the SHA-256 staged, and filed as the claim's
   evidence, an entry each, as evidence filed with a registration.
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

from sqlalchemy import (
    Connection,
    Row,
    String,
    cast,
    func,
    insert,
    literal,
    select,
    text,
    union,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claims.domain import (
    ClaimBasis,
    ClaimInput,
    EvidenceKind,
    IdentityDocument,
    ImportStatus,
    ParcelInput,
    PartyInput,
    PartyRole,
    PropertyType,
    QualityFlag,
    Remedy,
    RowVerdict,
)
from claims.files import EvidenceStore
from claims.interchange.field import FieldDocument, FieldExport
from claims.interchange.readers import ClaimFile, InterchangeError
from claims.interchange.rows import ParsedRow, RowError
from claims.matching import MatchThresholds, normalise_claim
from claims.matching.blocking import blocking_keys
from claims.models import (
    Claim,
    ClaimMatchKey,
    ClaimQualityFlag,
    Evidence,
    ImportBatch,
    ImportRow,
    Parcel,
    Party,
    PartySearchKey,
)
from claims.operations import (
    DEFAULT_THRESHOLDS,
    claim_columns,
    parcel_columns,
    parcel_identity,
    registration_flags,
    reserve_claim_numbers,
    strip_party,
)
from claims.queries import search_keys_of, stored_fields
from claims.scan import ShardDone, finish_scan, scan_shards, start_scan
from commission.accounts.models import Office, User
from commission.audit import record_entries, row_snapshot
from commission.db import insert_rows, insert_rows_returning_ids, utcnow, with_defaults
from commission.governorates import GOVERNORATES
from commission.workspaces import current_workspace_id

#: Rows checked and staged per transaction.
STAGE_CHUNK_SIZE = 1000
#: Rows published per flush (one transaction in all); bounds the session's memory.
PUBLISH_CHUNK_SIZE = 5000
#: Tries at creating a chunk's new parcels while clerks create some of them first.
_PARCEL_ATTEMPTS = 3


@dataclasses.dataclass
class ImportReport:
    rows: int = 0
    #: Rows registered (or, in a dry run, that would be).
    imported: int = 0
    #: Rows whose ref the workspace already has: skipped, so importing twice is harmless.
    already_imported: int = 0
    #: (line, ref) of each row skipped as already imported.
    skipped: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    errors: list[RowError] = dataclasses.field(default_factory=list)
    published: bool = False

    @property
    def bad_rows(self) -> int:
        return len({error.line for error in self.errors})


# ----------------------------------------------------------------- the staged record


def _plain_fields(value) -> dict:
    """A flat dataclass's fields as a dict: `dataclasses.asdict` without its deep copies."""
    return dict(vars(value))


def record_json(claim: ClaimInput, documents: list[FieldDocument] = ()) -> str:
    """The record as `dataclasses.asdict` gives it, as JSON (in a tenth of its time),
    and a field submission's checked documents."""
    values = {
        **_plain_fields(claim),
        "parcel": _plain_fields(claim.parcel),
        "parties": [_plain_fields(party) for party in claim.parties],
        "quality_flags": list(claim.quality_flags),
    }
    if documents:
        values["documents"] = [_plain_fields(document) for document in documents]
    return json.dumps(values, default=str, ensure_ascii=False)


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


def staged_record(record: str) -> tuple[ClaimInput, list[FieldDocument]]:
    """The ClaimInput and documents a staged row recorded (the inverse of `record_json`)."""
    values = json.loads(record)
    documents = [
        FieldDocument(**{**document, "kind": EvidenceKind(document["kind"])})
        for document in values.pop("documents", [])
    ]
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
    ), documents


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
        values["record"] = record_json(row.claim, row.documents)
    return values


def known_refs(connection: Connection, workspace_id: int, refs: list[str]) -> set[str]:
    """The refs a claim of the workspace already came from: an interchange row's ref
    (`import_ref`) or a field submission's id (`submission_id`)."""
    table = Claim.__table__
    return set(
        connection.execute(
            union(
                *(
                    select(column).where(table.c.workspace_id == workspace_id, column.in_(refs))
                    for column in (table.c.import_ref, table.c.submission_id)
                )
            )
        ).scalars()
    )


def stage_rows(
    session: Session,
    batch: ImportBatch,
    claim_file: ClaimFile | FieldExport,
    offices: OfficeChoice,
) -> Iterator[int]:
    """Check every row of the file into `import_row`; yield the rows staged so far after
    each chunk, where the caller commits."""
    rows = claim_file.rows()
    staged = 0
    while chunk := list(islice(rows, STAGE_CHUNK_SIZE)):
        values = [_staged_row(batch, row, offices.of(row)) for row in chunk]
        refs = [value["ref"] for value in values if value["verdict"] == RowVerdict.GOOD]
        known = known_refs(session.connection(), current_workspace_id(), refs)
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
    report.skipped = list(
        session.execute(
            select(ImportRow.line, ImportRow.ref)
            .where(ImportRow.batch_id == batch.id, ImportRow.verdict == RowVerdict.ALREADY_IMPORTED)
            .order_by(ImportRow.line)
        ).tuples()
    )
    return report


# ----------------------------------------------------------------------- publishing


def _good_rows(connection: Connection, batch_id: int) -> Iterator[list[Row]]:
    table = ImportRow.__table__
    after = 0
    while True:
        chunk = connection.execute(
            select(table.c.id, table.c.line, table.c.ref, table.c.office_id, table.c.record)
            .where(
                table.c.batch_id == batch_id,
                table.c.verdict == RowVerdict.GOOD,
                table.c.line > after,
            )
            .order_by(table.c.line)
            .limit(PUBLISH_CHUNK_SIZE)
        ).all()
        if not chunk:
            return
        after = chunk[-1].line
        yield chunk


def _mark_already_imported(connection: Connection, workspace_id: int, chunk: list[Row]) -> set:
    """The refs of the chunk that another import published since they were staged, their
    rows marked so."""
    row_table = ImportRow.__table__
    known = known_refs(connection, workspace_id, [row.ref for row in chunk])
    if known:
        connection.execute(
            update(row_table)
            .where(row_table.c.id.in_([row.id for row in chunk if row.ref in known]))
            .values(verdict=RowVerdict.ALREADY_IMPORTED)
        )
    return known


def _parcels(
    connection: Connection, workspace_id: int, records: list[ClaimInput]
) -> tuple[list[dict | None], list[dict]]:
    """Each record's parcel row (its column values): the stored row, a new one shared by
    the file's rows that name it, or None for a record that names no parcel (its parcel
    is to be identified); and the rows created.

    A stored parcel is linked as it is, never rewritten (the claim keeps what it says
    about its property), so the import takes no lock on parcels that clerks are
    registering claims on.
    """
    table = Parcel.__table__
    identities = {
        index: parcel_identity(record.parcel)
        for index, record in enumerate(records)
        if record.parcel.names_a_parcel
    }
    keys = {key for _number, key in identities.values()}
    for attempt in range(1, _PARCEL_ATTEMPTS + 1):
        found = {
            row["parcel_key"]: dict(row)
            for row in connection.execute(
                select(table).where(
                    table.c.workspace_id == workspace_id, table.c.parcel_key.in_(keys)
                )
            ).mappings()
        }
        created: dict[str, dict] = {}
        for index, (number, key) in identities.items():
            if key not in found and key not in created:
                created[key] = {
                    "workspace_id": workspace_id,
                    **parcel_columns(records[index].parcel, number=number, key=key),
                }
        new_rows = with_defaults(table, list(created.values()))
        try:
            with connection.begin_nested():
                ids = insert_rows_returning_ids(connection, table, new_rows)
            break
        except IntegrityError:
            # A clerk registered the first claim on one of these parcels meanwhile (a
            # registration locks its parcel, the import none): the insert waited for
            # the clerk's commit, and the parcel is read again with the others.
            if attempt == _PARCEL_ATTEMPTS:
                raise
    for row, id_ in zip(new_rows, ids, strict=True):
        row["id"] = id_
        found[row["parcel_key"]] = row
    parcels = [
        found[identities[index][1]] if index in identities else None
        for index in range(len(records))
    ]
    return parcels, new_rows


def _claim_fields(claim: dict, parcel: dict | None, parties: list[PartyInput]) -> list:
    """The claim as the matcher sees it, as `claims.queries.claim_fields` sees the
    stored claim."""
    return stored_fields(
        ref=claim["number"],
        governorate_code=claim["governorate_code"],
        parcel=(
            parcel["muqataa_no"],
            parcel["muqataa_name"],
            Parcel.display_number(parcel["parcel_no"], parcel["parcel_sub"]),
        )
        if parcel
        else None,
        stated_muqataa_no=claim["stated_muqataa_no"],
        stated_muqataa_name=claim["stated_muqataa_name"],
        stated_parcel_no=claim["stated_parcel_no"],
        property_type=claim["property_type"],
        address=claim["address"],
        parties=parties,
    )


def lock_imports(session: Session) -> None:
    """One lock for the workspace's publications: two imports of the same refs at once
    cannot both pass the ref check."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:lock))"),
            {"lock": f"import:{current_workspace_id()}"},
        )


def _file_documents(
    session: Session,
    workspace_id: int,
    documents_of: list[tuple[int, list[FieldDocument]]],
    *,
    claim_file: FieldExport,
    store: EvidenceStore,
    by: User | None,
) -> None:
    """The chunk's field documents as their claims' evidence, as `attach_evidence` files
    a registration's: each read again from the attachments and refused if it is not the
    file checked at staging, stored in `store` with the transaction, and recorded as
    evidence created. One file in memory at a time (a chunk may hold many photographs),
    the rows inserted in one statement."""
    if not documents_of:
        return
    evidence_rows = []
    for claim_id, documents in documents_of:
        for document in documents:
            upload = claim_file.read_document(document)
            store.put(session, upload)
            evidence_rows.append(
                {
                    "workspace_id": workspace_id,
                    "claim_id": claim_id,
                    "kind": document.kind,
                    "original_filename": upload.display_name,
                    "size_bytes": upload.size_bytes,
                    "sha256": upload.sha256,
                    "media_type": upload.media_type,
                    "uploaded_by_id": by.id if by else None,
                }
            )
    evidence_rows = with_defaults(Evidence.__table__, evidence_rows)
    ids = insert_rows_returning_ids(session.connection(), Evidence.__table__, evidence_rows)
    record_entries(
        session,
        (
            (
                workspace_id,
                "create",
                "evidence",
                str(id_),
                None,
                row_snapshot(Evidence, {**row, "id": id_}),
            )
            for id_, row in zip(ids, evidence_rows, strict=True)
        ),
    )


def publish_rows(
    session: Session,
    batch: ImportBatch,
    *,
    by: User | None,
    claim_file: ClaimFile | FieldExport | None = None,
    store: EvidenceStore | None = None,
) -> Counter:
    """Register the batch's good rows with provisional numbers; flush, never commit.
    Returns the number of claims per (office id, year), for `number_published`.

    The rows `register_claim` would write, written set-based a chunk at a time (parcels
    looked up and created, claims, parties, quality flags, match and search keys, each
    in one statement per chunk), and one audit entry per claim holding the claim with
    its parties, its flags and the parcel it created. A field submission's documents
    become its claim's evidence, stored in `store`, each with the audit entry of
    evidence filed through the web.
    """
    lock_imports(session)
    session.flush()
    connection = session.connection()
    workspace_id = current_workspace_id()
    offices = {office.id: office for office in session.scalars(select(Office))}
    per_office_year: Counter = Counter()
    batch_id, position = batch.id, 0
    for chunk in _good_rows(connection, batch_id):
        known = _mark_already_imported(connection, workspace_id, chunk)
        rows = [row for row in chunk if row.ref not in known]
        staged = [staged_record(row.record) for row in rows]
        records = [record for record, _documents in staged]
        parcels, new_parcels = _parcels(connection, workspace_id, records)
        claim_rows = []
        for row, record, parcel in zip(rows, records, parcels, strict=True):
            office = offices[row.office_id]
            position += 1
            per_office_year[(office.id, record.filed_on.year)] += 1
            claim_rows.append(
                {
                    "workspace_id": workspace_id,
                    "parcel_id": parcel["id"] if parcel else None,
                    **claim_columns(
                        record,
                        parcel_governorate_code=parcel["governorate_code"] if parcel else None,
                        office=office,
                        number=f"~{batch_id}-{position}",
                        seq=-per_office_year[(office.id, record.filed_on.year)],
                        by=by,
                    ),
                }
            )
        claim_rows = with_defaults(Claim.__table__, claim_rows)
        claim_ids = insert_rows_returning_ids(connection, Claim.__table__, claim_rows)
        parties = [[strip_party(party) for party in record.parties] for record in records]
        party_rows = with_defaults(
            Party.__table__,
            [
                {
                    **_plain_fields(party),
                    "workspace_id": workspace_id,
                    "claim_id": claim_id,
                }
                for claim_id, claim_parties in zip(claim_ids, parties, strict=True)
                for party in claim_parties
            ],
        )
        party_ids = insert_rows_returning_ids(connection, Party.__table__, party_rows)
        for row, id_ in zip(party_rows, party_ids, strict=True):
            row["id"] = id_
        flags = [
            registration_flags(record, parcel_identified=parcel is not None)
            for record, parcel in zip(records, parcels, strict=True)
        ]
        insert_rows(
            connection,
            ClaimQualityFlag.__table__,
            [
                {"workspace_id": workspace_id, "claim_id": claim_id, "flag": flag}
                for claim_id, claim_flags in zip(claim_ids, flags, strict=True)
                for flag in claim_flags
            ],
        )
        insert_rows(
            connection,
            ClaimMatchKey.__table__,
            [
                {"workspace_id": workspace_id, "claim_id": claim_id, "key": key}
                for claim_id, claim, parcel, claim_parties in zip(
                    claim_ids, claim_rows, parcels, parties, strict=True
                )
                for key in sorted(
                    {
                        key
                        for fields in _claim_fields(claim, parcel, claim_parties)
                        for key in blocking_keys(normalise_claim(fields))
                    }
                )
            ],
        )
        insert_rows(
            connection,
            PartySearchKey.__table__,
            [
                {
                    "workspace_id": workspace_id,
                    "party_id": row["id"],
                    "claim_id": row["claim_id"],
                    "key": key,
                }
                for row, party in zip(
                    party_rows, (party for group in parties for party in group), strict=True
                )
                for key in search_keys_of(party)
            ],
        )
        _record_audit(session, workspace_id, claim_ids, claim_rows, party_rows, flags, new_parcels)
        _file_documents(
            session,
            workspace_id,
            [
                (claim_id, documents)
                for claim_id, (_record, documents) in zip(claim_ids, staged, strict=True)
                if documents
            ],
            claim_file=claim_file,
            store=store,
            by=by,
        )
    return per_office_year


def _record_audit(
    session: Session,
    workspace_id: int,
    claim_ids: list[int],
    claim_rows: list[dict],
    party_rows: list[dict],
    flags: list[list[QualityFlag]],
    new_parcels: list[dict],
) -> None:
    """The chunk's audit entries, one per claim as registered (its provisional number
    and sequence: `number_published` records the numbers given), with its parties and
    flags, and the parcel it created when it is the first of the file on a new parcel.

    One entry per claim, not one per row written: the commit appends them under the
    chain head's lock, which registrations wait for.
    """
    parties_of: dict[int, list[dict]] = {}
    for row in party_rows:
        parties_of.setdefault(row["claim_id"], []).append(row_snapshot(Party, row))
    created = {row["id"]: row for row in new_parcels}
    entries = []
    for claim_id, row, claim_flags in zip(claim_ids, claim_rows, flags, strict=True):
        after = {
            **row_snapshot(Claim, {**row, "id": claim_id}),
            "parties": parties_of.get(claim_id, []),
            "quality_flags": [str(flag) for flag in claim_flags],
        }
        parcel = created.pop(row["parcel_id"], None)
        if parcel is not None:
            after["parcel_created"] = row_snapshot(Parcel, parcel)
        entries.append((workspace_id, "create", "claim", str(claim_id), None, after))
    record_entries(session, entries)


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
    published = [
        select(Claim.governorate_code)
        .join(ImportRow, ImportRow.ref == ref_column)
        .where(ImportRow.batch_id == batch.id, ImportRow.verdict == RowVerdict.GOOD)
        for ref_column in (Claim.import_ref, Claim.submission_id)
    ]
    touched = set(session.scalars(union(*published)))
    scan = start_scan(session, restart=True)
    yield from scan_shards(session, scan, thresholds, workers=workers, governorates=touched)
    finish_scan(session, scan)


def import_claims(
    session: Session,
    claim_file: ClaimFile | FieldExport,
    *,
    office_code: str | None,
    by: User | None,
    commit: Callable[[], None],
    dry_run: bool = False,
    partial: bool = False,
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
    workers: int = 1,
    store: EvidenceStore | None = None,
) -> ImportReport:
    """Stage, publish and check the file, calling `commit` between the steps (the
    boundary's commit: each chunk of staging and of the conflict check is an item of
    the batch, the publication one transaction).

    Without `partial`, one bad row and nothing is published; with `dry_run` nothing is
    published at all. A row whose ref is already a claim's `import_ref` (or, for a
    field submission, `submission_id`) in this workspace is skipped and counted; a field
    submission's documents are stored in `store`.
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
    counts = publish_rows(session, batch, by=by, claim_file=claim_file, store=store)
    batch = number_published(session, batch_id, counts)
    commit()
    for _shard in check_published_conflicts(session, batch, thresholds, workers=workers):
        commit()
    return staged_report(session, session.get(ImportBatch, batch_id))
