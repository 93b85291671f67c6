"""Exports of the field form (`claims.interchange.fieldform`) as KoboToolbox and ODK
Central produce them, read into the rows the interchange import checks and stages.

- **KoboToolbox**, "XML values and headers": an XLSX whose first sheet holds one
  submission per row (`_uuid`, `_submission_time`, `_index`, headers with or without
  group paths such as `claimant/claimant_name`) and one sheet per repeat whose rows
  point at their submission by `_parent_index`; or the CSV export (`;`), which holds
  no repeats. Attachments: the "media attachments" zip (or its folder), where each file
  sits in a folder named after its submission's uuid, given with `--media`.
- **ODK Central**, "CSV (zip)": `FORM.csv` (`SubmissionDate`, `meta-instanceID`,
  `KEY`, headers with `-` between groups), `FORM-REPEAT.csv` per repeat (`PARENT_KEY`),
  and the attachments under `media/`; the zip itself or the folder it unpacks to.

A submission becomes the row the legacy import reads (`rows.parse_record`): the form's
questions are named after the interchange columns, the co-claimants become claimants
2, 3 … and the ref is the submission id (ODK Central's `KEY`, KoboToolbox's
`meta/rootUuid` or `_uuid`: the id an edited submission keeps), which the claim keeps
as `submission_id`. Each document of the `documents` repeat is looked up in the
attachments and checked as a web upload is (`claims.files.check_upload`); a missing or
refused file is an error of the row. Nothing here touches the database.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path, PurePosixPath

from claims.domain import EvidenceKind
from claims.files import UploadRefused, check_upload
from claims.interchange.columns import (
    CLAIMANT_FIELDS,
    KNOWN_COLUMNS,
    OLD_RECORD_COLUMNS,
    RECORD_COLUMNS,
)
from claims.interchange.fieldform import (
    CO_CLAIMANT_COUNT,
    CO_CLAIMANTS,
    CO_PREFIX,
    DOCUMENT_COUNT,
    DOCUMENT_FILE,
    DOCUMENT_KIND,
    DOCUMENT_PHOTO,
    DOCUMENTS,
)
from claims.interchange.readers import (
    OLE_MAGIC,
    ZIP_MAGIC,
    ArchiveLimits,
    ClaimFile,
    InterchangeError,
    cell_text,
    check_archive,
    csv_records,
    records,
)
from claims.interchange.rows import FieldError, ParsedRow, RowError, parse_choice, parse_record
from commission.refusals import N_


class FieldFormat(enum.StrEnum):
    INTERCHANGE = "interchange"
    KOBO = "kobo"
    ODK = "odk"


@dataclasses.dataclass(frozen=True)
class FieldDocument:
    """A document of a submission, found in the attachments and checked."""

    kind: EvidenceKind
    #: The file name the export gives (display text only).
    filename: str
    #: Where the file is among the attachments.
    member: str
    sha256: str


#: The interchange columns a submission's questions fill (a claim's number and state,
#: and the ref, are not the form's to give).
_FORM_COLUMNS = KNOWN_COLUMNS - {"ref", *RECORD_COLUMNS, *OLD_RECORD_COLUMNS}
#: The questions a main sheet must have: without them the export was made with labels
#: for headers, or is not of this form.
_ESSENTIAL = ("claimant_name", "governorate")


def header_leaf(header: str) -> str:
    """A column's question name without its group path: Kobo writes `claimant/claimant_name`
    (or `.`), ODK Central `claimant-claimant_name`; the form's names hold neither."""
    return re.split(r"[/.\-]", header.strip())[-1]


def normalise_submission_id(value: str) -> str:
    """An instanceID as ODK writes it (`uuid:…`), whichever form the export gives."""
    value = value.strip()
    if value and ":" not in value:
        return f"uuid:{value}"
    return value


def _is_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == ZIP_MAGIC


# ------------------------------------------------------------------------ attachments


class Attachments:
    """The files of an export's attachments (a zip or a folder), found by name.

    A name the export gives is looked up by its last part; when several submissions
    hold files of that name, the one under a folder named after the submission's uuid
    is taken (KoboToolbox's media zip), and if that does not decide, none is. With
    `folder`, only files inside a folder of that name count (ODK Central's `media/`).
    A symbolic link in a folder is found but refused: it would file a document from
    elsewhere on the server.
    """

    def __init__(self, path: Path | None, *, folder: str = ""):
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._links: set[str] = set()
        if path is None:
            return
        if path.is_dir():
            members = [file.relative_to(path).as_posix() for file in path.rglob("*")]
            self._links = {member for member in members if (path / member).is_symlink()}
            members = [
                member for member in members if member in self._links or (path / member).is_file()
            ]
        else:
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as error:
                raise InterchangeError(f"{path.name}: not a readable zip file ({error})") from None
            members = [info.filename for info in self._zip.infolist() if not info.is_dir()]
        for member in members:
            parts = PurePosixPath(member).parts
            if not folder or folder in parts[:-1]:
                self._by_name[parts[-1]].append(member)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def find(self, submission_id: str, filename: str) -> str:
        """The member holding `filename` of that submission; FieldError if none or several."""
        name = PurePosixPath(filename.replace("\\", "/")).name
        found = self._by_name.get(name, [])
        if len(found) > 1:
            uuid = submission_id.split(":", 1)[-1]
            found = [member for member in found if uuid in PurePosixPath(member).parts]
        if len(found) == 1:
            if found[0] in self._links:
                raise FieldError(f"{filename}: a link to another file, not a file: refused")
            return found[0]
        if self.path is None:
            raise FieldError(f"{filename}: give the attachments (media zip or folder) with --media")
        if not found and name not in self._by_name:
            raise FieldError(f"{filename}: not among the attachments in {self.path.name}")
        raise FieldError(f"{filename}: several attachments have this name")

    def size(self, member: str) -> int:
        if self._zip is not None:
            return self._zip.getinfo(member).file_size
        return (self.path / member).stat().st_size

    def read(self, member: str) -> bytes:
        """The member's bytes; FieldError if they do not unpack to what the zip's headers
        say (zipfile stops at the size they give, so a forged one fails its CRC)."""
        if self._zip is None:
            return (self.path / member).read_bytes()
        try:
            return self._zip.read(member)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            raise FieldError(
                "the attachment is damaged: it does not unpack as its zip says"
            ) from None


# -------------------------------------------------------------------------- tables


@dataclasses.dataclass
class Table:
    """One sheet or CSV of an export: its question names and its rows with line numbers."""

    headers: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]

    @property
    def leaves(self) -> set[str]:
        return set(self.headers)


def _table(records: Iterator[tuple[int, list[str]]]) -> Table:
    try:
        _line, header = next(records)
    except StopIteration:
        return Table([], iter(()))
    headers = [header_leaf(value) for value in header]

    def rows():
        for line, values in records:
            if any(values):
                yield line, dict(zip(headers, values, strict=False))

    return Table(headers, rows())


def _member_records(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> Iterator[tuple[int, list[str]]]:
    """The records of a CSV inside a zip, refused as `records` refuses a file when its
    text is not UTF-8 or its bytes do not unpack (read lazily: also past the header)."""
    try:
        with archive.open(info) as member:
            yield from csv_records(io.TextIOWrapper(member, encoding="utf-8-sig", newline=""))
    except UnicodeDecodeError:
        raise InterchangeError(
            f"{info.filename} is not UTF-8 text: export the submissions again"
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise InterchangeError(f"{info.filename} is damaged: it does not unpack") from None


def _sheet_records(sheet) -> Iterator[tuple[int, list[str]]]:
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield line, [cell_text(value) for value in values]


def _repeat_kind(table: Table) -> str | None:
    if f"{CO_PREFIX}claimant_name" in table.leaves:
        return CO_CLAIMANTS
    if DOCUMENT_KIND in table.leaves:
        return DOCUMENTS
    return None


# ---------------------------------------------------------------------------- export


class FieldExport:
    """An export of the field form, read submission by submission: `columns`,
    `warnings`, then iterate `rows()`; `read_document` gives a staged document's bytes
    when its claim is published. The same protocol as `ClaimFile`."""

    def __init__(
        self,
        path: str | Path,
        *,
        format: FieldFormat,
        today: date,
        media: str | Path | None = None,
        limits: ArchiveLimits | None = None,
        max_evidence_bytes: int,
    ):
        self.path = Path(path)
        self.format = format
        self.today = today
        self.limits = limits or ArchiveLimits()
        self.max_evidence_bytes = max_evidence_bytes
        self.warnings: list[str] = []
        self._repeats: dict[str, dict[str, list[dict[str, str]]]] = {
            CO_CLAIMANTS: defaultdict(list),
            DOCUMENTS: defaultdict(list),
        }
        self.has_repeats = False
        self._parent_column = ""
        self._workbook = None
        self._archive: zipfile.ZipFile | None = None
        media_path = Path(media) if media is not None else None
        if format == FieldFormat.KOBO:
            self._main = self._read_kobo()
            self.attachments = Attachments(media_path)
        else:
            self._main = self._read_odk()
            if media_path is None and (self.path.is_dir() or _is_zip(self.path)):
                self.attachments = Attachments(self.path, folder="media")
            else:
                self.attachments = Attachments(media_path)
        self.columns = self._main.headers
        missing = [name for name in _ESSENTIAL if name not in self._main.leaves]
        if missing:
            raise InterchangeError(
                f"the export has no {', '.join(missing)} column: export the field form's "
                "submissions with XML names (not labels) as headers"
            )
        if self.id_column is None:
            raise InterchangeError(
                "the export has no submission id column (_uuid, meta/instanceID or KEY)"
            )

    # --------------------------------------------------------------- per format

    def _read_kobo(self) -> Table:
        self._main_key = "_index"
        with self.path.open("rb") as handle:
            magic = handle.read(4)
        if magic != ZIP_MAGIC:
            return _table(records(self.path, self.limits))
        check_archive(self.path, self.limits)
        from openpyxl import load_workbook

        try:
            self._workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a damaged workbook
            raise InterchangeError(f"not a readable XLSX file ({error})") from None
        main, *repeats = (_table(_sheet_records(sheet)) for sheet in self._workbook.worksheets)
        # The repeat sheets are read whole (a few rows per submission) before the
        # submissions are streamed.
        for table in repeats:
            self._add_repeat(table, "_parent_index")
        return main

    def _odk_tables(self) -> list[Table]:
        """The CSV files of an ODK Central export: the zip, the folder it unpacks to,
        or the submissions' CSV alone."""
        if self.path.is_dir():
            files = sorted(self.path.glob("*.csv"))
            for file in files:
                if file.is_symlink():
                    raise InterchangeError(f"{file.name}: a link to another file, not a file")
            return [_table(records(file, self.limits)) for file in files]
        if not _is_zip(self.path):
            return [_table(records(self.path, self.limits))]
        try:
            self._archive = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as error:
            raise InterchangeError(f"not a readable zip file ({error})") from None
        tables = []
        for info in self._archive.infolist():
            if info.is_dir() or not info.filename.lower().endswith(".csv"):
                continue
            if info.file_size > self.limits.max_uncompressed_bytes:
                raise InterchangeError(
                    f"{info.filename} unpacks to {info.file_size:,} bytes, more than the "
                    f"{self.limits.max_uncompressed_bytes:,} allowed: refused unopened"
                )
            tables.append(_table(_member_records(self._archive, info)))
        return tables

    def _read_odk(self) -> Table:
        main = None
        for table in self._odk_tables():
            if "PARENT_KEY" in table.leaves:
                self._add_repeat(table, "PARENT_KEY")
            elif main is None:
                main = table
        if main is None:
            raise InterchangeError("the export holds no CSV of submissions")
        self._main_key = "KEY"
        return main

    def _add_repeat(self, table: Table, parent_column: str) -> None:
        kind = _repeat_kind(table)
        if kind is None:
            return
        self.has_repeats = True
        self._parent_column = parent_column
        for _line, row in table.rows:
            self._repeats[kind][row.get(parent_column, "")].append(row)

    @property
    def id_column(self) -> str | None:
        if self.format == FieldFormat.ODK:
            candidates = ("KEY", "instanceID")
        else:
            candidates = ("rootUuid", "_uuid", "instanceID")
        return next((name for name in candidates if name in self._main.leaves), None)

    @property
    def time_column(self) -> str:
        return "SubmissionDate" if self.format == FieldFormat.ODK else "_submission_time"

    # ------------------------------------------------------------------- reading

    def close(self) -> None:
        self.attachments.close()
        if self._workbook is not None:
            self._workbook.close()
        if self._archive is not None:
            self._archive.close()

    def __enter__(self) -> FieldExport:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def rows(self) -> Iterator[ParsedRow]:
        """Every submission, parsed and validated, its documents checked; a submission
        id seen before is an error. A repeat's row of no submission refuses the export
        once all are read (before anything is published): its co-claimant or document
        would be lost without a word."""
        seen: dict[str, int] = {}
        parent_keys: dict[str, int] = {}
        for line, values in self._main.rows:
            self._refuse_shared_key(parent_keys, line, values.get(self._main_key, ""))
            row = self._submission(line, values)
            if row.ref and row.ref in seen:
                row.errors.insert(
                    0,
                    RowError(
                        line,
                        row.ref,
                        self.id_column,
                        f"duplicate of the one on line {seen[row.ref]}",
                    ),
                )
                row.claim = None
            elif row.ref:
                seen[row.ref] = line
            yield row
        self._refuse_orphans(parent_keys)

    def _refuse_shared_key(self, parent_keys: dict[str, int], line: int, key: str) -> None:
        """Two submissions of one key would each get the other's repeats: the export is
        refused whole, before anything is published. (A key that is the submission id,
        ODK Central's `KEY`, is a duplicate submission, an error of its row.)"""
        if key and key in parent_keys and self.has_repeats and self._main_key != self.id_column:
            raise InterchangeError(
                f"{self._main_key} {key} is on lines {parent_keys[key]} and {line}: their "
                "co-claimants and documents cannot be told apart; export them again"
            )
        parent_keys[key] = line

    def _refuse_orphans(self, parent_keys: dict[str, int]) -> None:
        for kind, rows_of in self._repeats.items():
            orphans = sorted(set(rows_of) - parent_keys.keys())
            if orphans:
                raise InterchangeError(
                    f"the {kind} repeat has a row of no submission ({self._parent_column} "
                    f"{', '.join(orphans[:3])}): export all the submissions again"
                )

    def _submission(self, line: int, values: dict[str, str]) -> ParsedRow:
        submission_id = normalise_submission_id(values.get(self.id_column, ""))
        key = values.get(self._main_key, "")
        co_claimants = self._repeats[CO_CLAIMANTS].get(key, [])
        documents = self._repeats[DOCUMENTS].get(key, [])
        record = {column: value for column, value in values.items() if column in _FORM_COLUMNS}
        record["ref"] = submission_id
        if not record.get("filed_date"):
            # The form defaults it to the day of collection; an older version's
            # submissions fall back on the day they reached the server.
            record["filed_date"] = values.get(self.time_column, "")[:10]
        for index, co_claimant in enumerate(co_claimants, start=2):
            for field in CLAIMANT_FIELDS:
                record[f"claimant_{field}_{index}"] = co_claimant.get(
                    f"{CO_PREFIX}claimant_{field}", ""
                )
        row = parse_record(
            record, line, today=self.today, claimant_indexes=range(1, len(co_claimants) + 2)
        )
        row.errors = [self._form_error(error) for error in row.errors]
        row.errors += self._count_errors(line, submission_id, values, co_claimants, documents)
        for number, document in enumerate(documents, start=1):
            try:
                row.documents.append(self._document(submission_id, document))
            except FieldError as error:
                column = f"{DOCUMENTS}[{number}]"
                row.errors.append(RowError(line, submission_id, column, str(error)))
        if row.claim is not None and not row.errors:
            row.claim = dataclasses.replace(row.claim, import_ref=None, submission_id=submission_id)
        else:
            row.claim = None
        return row

    def _form_error(self, error: RowError) -> RowError:
        """An error named by the form's question, not the interchange column."""
        column = error.column
        numbered = re.match(r"^claimant_(\w+?)_(\d+)$", column)
        if column == "ref":
            column = self.id_column
        elif numbered and numbered.group(1) in CLAIMANT_FIELDS:
            field, index = numbered.group(1), int(numbered.group(2)) - 1
            column = f"{CO_CLAIMANTS}[{index}]/{CO_PREFIX}claimant_{field}"
        return dataclasses.replace(error, column=column)

    def _count_errors(self, line, submission_id, values, co_claimants, documents):
        errors = []
        for column, found, what in (
            (CO_CLAIMANT_COUNT, co_claimants, "co-claimants"),
            (DOCUMENT_COUNT, documents, "documents"),
        ):
            expected = values.get(column, "")
            if not expected.isdigit() or int(expected) == len(found):
                continue
            where = (
                "the export holds no repeats: import the XLSX export"
                if not self.has_repeats
                else f"the export holds {len(found)}"
            )
            errors.append(
                RowError(
                    line,
                    submission_id,
                    column,
                    f"the submission has {expected} {what}, but {where}",
                )
            )
        return errors

    def _document(self, submission_id: str, values: dict[str, str]) -> FieldDocument:
        kind = parse_choice(values.get(DOCUMENT_KIND, ""), EvidenceKind, {})
        filename = values.get(DOCUMENT_PHOTO) or values.get(DOCUMENT_FILE) or ""
        if not filename:
            raise FieldError("no photograph or file")
        member = self.attachments.find(submission_id, filename)
        try:
            if self.attachments.size(member) > self.max_evidence_bytes:
                raise UploadRefused(
                    N_("The file is larger than %(mb)d MB."),
                    mb=self.max_evidence_bytes // (1024 * 1024),
                )
            upload = check_upload(
                self.attachments.read(member), filename, max_bytes=self.max_evidence_bytes
            )
        except (UploadRefused, FieldError) as refused:
            raise FieldError(f"{filename}: {refused}") from None
        return FieldDocument(kind=kind, filename=filename, member=member, sha256=upload.sha256)

    def read_document(self, document: FieldDocument):
        """The checked upload of a staged document, read again when its claim is
        published; refused if the file changed since it was checked."""
        try:
            upload = check_upload(
                self.attachments.read(document.member),
                document.filename,
                max_bytes=self.max_evidence_bytes,
            )
        except (FieldError, UploadRefused) as error:
            raise InterchangeError(
                f"{document.filename} changed since the import checked it ({error}): run it again"
            ) from None
        if upload.sha256 != document.sha256:
            raise InterchangeError(
                f"{document.filename} changed since the import checked it: run it again"
            )
        return upload


# ------------------------------------------------------------------------- detection


def _header_leaves(path: Path, limits: ArchiveLimits) -> set[str]:
    header_first = records(path, limits)
    try:
        _line, header = next(header_first, (0, []))
    finally:
        header_first.close()
    return {header_leaf(value) for value in header}


def detect_format(path: Path, limits: ArchiveLimits) -> FieldFormat:
    """Which kind of file this is: an ODK Central zip or folder, a KoboToolbox export
    (`_uuid` among its headers), or a file in the interchange columns."""
    if path.is_dir():
        return FieldFormat.ODK
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == OLE_MAGIC:
        raise InterchangeError("old Excel (.xls) files are not read: save it as .xlsx or CSV")
    if magic == ZIP_MAGIC:
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError) as error:
            raise InterchangeError(f"not a readable XLSX or zip file ({error})") from None
        if "xl/workbook.xml" not in names:
            return FieldFormat.ODK
    leaves = _header_leaves(path, limits)
    if "ref" in leaves:
        return FieldFormat.INTERCHANGE
    if "KEY" in leaves or "SubmissionDate" in leaves:
        return FieldFormat.ODK
    if "_uuid" in leaves or "_submission_time" in leaves:
        return FieldFormat.KOBO
    return FieldFormat.INTERCHANGE


def open_import_file(
    path: str | Path,
    *,
    today: date,
    format: FieldFormat | None = None,
    media: str | Path | None = None,
    limits: ArchiveLimits | None = None,
    max_evidence_bytes: int,
) -> ClaimFile | FieldExport:
    """The reader for an import file: `format`, or the one `detect_format` finds."""
    path = Path(path)
    limits = limits or ArchiveLimits()
    format = format or detect_format(path, limits)
    if format == FieldFormat.INTERCHANGE:
        if media is not None:
            raise InterchangeError("--media is for KoboToolbox and ODK exports")
        return ClaimFile(path, today=today, limits=limits)
    return FieldExport(
        path,
        format=format,
        today=today,
        media=media,
        limits=limits,
        max_evidence_bytes=max_evidence_bytes,
    )
