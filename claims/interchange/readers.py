"""Reading import files: CSV (UTF-8, any of , ; tab) or XLSX, row by row.

XLSX files are read with openpyxl in read-only mode (defusedxml installed, so the XML
parsers refuse entity tricks). Before openpyxl sees an archive, its central directory is
checked: more members or more uncompressed bytes than `ArchiveLimits` allows and the
file is refused unopened. Python's zipfile never inflates a member past its declared
size, so the declared sizes checked here bound the real ones.
"""

from __future__ import annotations

import csv
import dataclasses
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO

from claims.interchange.columns import (
    BASE_COLUMNS,
    KNOWN_COLUMNS,
    NUMBERED_CLAIMANT_RE,
    column_key,
)
from claims.interchange.rows import ParsedRow, RowError, parse_record

#: Import files larger than this are refused; the CLI reads overrides from the app
#: config keys QAYD_IMPORT_MAX_XLSX_BYTES and QAYD_IMPORT_MAX_XLSX_MEMBERS.
MAX_XLSX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_XLSX_MEMBERS = 1000

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclasses.dataclass(frozen=True)
class ArchiveLimits:
    max_uncompressed_bytes: int = MAX_XLSX_UNCOMPRESSED_BYTES
    max_members: int = MAX_XLSX_MEMBERS


class InterchangeError(ValueError):
    """The file as a whole cannot be read (format, encoding, header, size)."""


def check_archive(path: str | Path, limits: ArchiveLimits) -> None:
    """Refuse an XLSX whose central directory promises too much, before opening it."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise InterchangeError(f"not a readable XLSX file ({error})") from None
    if len(members) > limits.max_members:
        raise InterchangeError(
            f"the XLSX archive has {len(members)} parts, more than the "
            f"{limits.max_members} allowed: refused unopened"
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed_bytes:
        raise InterchangeError(
            f"the XLSX archive unpacks to {total:,} bytes, more than the "
            f"{limits.max_uncompressed_bytes:,} allowed: refused unopened"
        )


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_records(path: Path, limits: ArchiveLimits) -> Iterator[tuple[int, list[str]]]:
    check_archive(path, limits)
    from openpyxl import load_workbook  # only imported when an XLSX is read

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise InterchangeError(f"not a readable XLSX file ({error})") from None
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [cell_text(value) for value in values]
    finally:
        workbook.close()


def _csv_dialect(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter]) if any(counts.values()) else ","


def csv_records(handle: IO[str]) -> Iterator[tuple[int, list[str]]]:
    first_line = handle.readline()
    handle.seek(0)
    reader = csv.reader(handle, delimiter=_csv_dialect(first_line))
    line = 1
    try:
        for record in reader:
            yield line, [value.strip() for value in record]
            line = reader.line_num + 1
    except csv.Error as error:
        raise InterchangeError(f"line {reader.line_num}: not valid CSV ({error})") from None


def records(path: Path, limits: ArchiveLimits) -> Iterator[tuple[int, list[str]]]:
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == ZIP_MAGIC:
        yield from _xlsx_records(path, limits)
        return
    if magic == OLE_MAGIC:
        raise InterchangeError("old Excel (.xls) files are not read: save it as .xlsx or CSV")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv_records(handle)
    except UnicodeDecodeError as error:
        raise InterchangeError(
            f"the file is not UTF-8 text (byte {error.start}): save it as CSV UTF-8 or XLSX"
        ) from None


def _header(values: list[str]) -> list[str]:
    names = [column_key(value) for value in values]
    seen = set()
    for name in names:
        if name and name in seen:
            raise InterchangeError(f"the column {name!r} appears twice in the header")
        seen.add(name)
    if "ref" not in seen:
        raise InterchangeError("the header has no `ref` column (the first row must name columns)")
    return names


class ClaimFile:
    """An import file, read row by row: `columns`, `warnings`, then iterate `rows()`."""

    def __init__(self, path: str | Path, *, today: date, limits: ArchiveLimits | None = None):
        self.path = Path(path)
        self.today = today
        self.limits = limits or ArchiveLimits()
        self.warnings: list[str] = []
        self._records = records(self.path, self.limits)
        try:
            _line, header = next(self._records)
        except StopIteration:
            raise InterchangeError("the file is empty") from None
        self.columns = _header(header)
        self.claimant_indexes = [1]
        for column in self.columns:
            match = NUMBERED_CLAIMANT_RE.match(column)
            if match and int(match.group(2)) >= 2:
                if int(match.group(2)) not in self.claimant_indexes:
                    self.claimant_indexes.append(int(match.group(2)))
            elif column and column not in KNOWN_COLUMNS:
                self.warnings.append(f"column {column!r} is not an interchange column: ignored")
        self.claimant_indexes.sort()
        missing = [column for column in BASE_COLUMNS if column not in self.columns]
        if missing:
            self.warnings.append(f"columns missing (read as empty): {', '.join(missing)}")

    def close(self) -> None:
        self._records.close()

    def __enter__(self) -> ClaimFile:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def rows(self) -> Iterator[ParsedRow]:
        """Every non-blank row, parsed and validated; a ref seen before is an error."""
        seen_refs: dict[str, int] = {}
        for line, values in self._records:
            if not any(values):
                continue
            record = dict(zip(self.columns, values, strict=False))
            row = parse_record(
                record, line, today=self.today, claimant_indexes=self.claimant_indexes
            )
            if row.ref and row.ref in seen_refs:
                duplicate = f"duplicate of the ref on line {seen_refs[row.ref]}"
                row.errors.insert(0, RowError(line, row.ref, "ref", duplicate))
                row.claim = None
            elif row.ref:
                seen_refs[row.ref] = line
            yield row


def read_claims(
    path: str | Path, *, today: date, limits: ArchiveLimits | None = None
) -> list[ParsedRow]:
    """All rows of a file at once (small files, tests); the import streams `ClaimFile.rows`."""
    with ClaimFile(path, today=today, limits=limits) as claim_file:
        return list(claim_file.rows())
