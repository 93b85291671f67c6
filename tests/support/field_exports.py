"""Exports of the field form as KoboToolbox and ODK Central write them, for the tests.

The headers come from the form's own questions (`claims.interchange.fieldform.survey`)
with their group paths, so the files follow the form as the servers would.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
import zipfile
from pathlib import Path

from openpyxl import Workbook

from claims.interchange.fieldform import (
    CO_CLAIMANT_COUNT,
    CO_CLAIMANTS,
    DOCUMENT_COUNT,
    DOCUMENTS,
    FORM_ID,
    FORM_VERSION,
    survey,
)
from tests.support.claim_forms import pdf_bytes
from tests.support.claims import png_bytes

_GROUPS = {"begin_group", "begin_repeat"}
_ENDS = {"end_group", "end_repeat"}


def question_paths() -> dict[str, tuple[str, list[str]]]:
    """Each question's repeat ("" for the submission itself) and group path."""
    paths, stack = {}, []
    for question in survey():
        if question.type in _GROUPS:
            stack.append((question.type, question.name))
        elif question.type in _ENDS:
            stack.pop()
        elif question.type not in ("start", "end"):
            repeat = next((name for kind, name in stack if kind == "begin_repeat"), "")
            paths[question.name] = (repeat, [name for _kind, name in stack])
    return paths


def _columns(repeat: str) -> list[tuple[str, list[str]]]:
    return [(name, path) for name, (owner, path) in question_paths().items() if owner == repeat]


@dataclasses.dataclass
class Document:
    kind: str
    filename: str
    data: bytes
    #: The photo question, or the file question (a PDF).
    as_photo: bool = True


@dataclasses.dataclass
class Submission:
    answers: dict[str, str]
    co_claimants: list[dict[str, str]] = dataclasses.field(default_factory=list)
    documents: list[Document] = dataclasses.field(default_factory=list)
    uuid: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    submitted_at: str = "2026-11-20T09:14:03"

    @property
    def instance_id(self) -> str:
        return f"uuid:{self.uuid}"

    def values(self) -> dict[str, str]:
        return {
            **self.answers,
            CO_CLAIMANT_COUNT: str(len(self.co_claimants)),
            DOCUMENT_COUNT: str(len(self.documents)),
        }


def submission(claimant_name: str, muqataa: str, parcel: str, **answers) -> Submission:
    """A good submission: one claimant, a house in Baghdad, a photographed deed."""
    values = {
        "claimant_name": claimant_name,
        "claimant_id_type": "national_id",
        "claimant_id_no": "199012345678",
        "claimant_contact": "07701234567",
        "claimant_is_heir": "no",
        "governorate": "IQ-BG",
        "district": "Karkh",
        "muqataa_no": muqataa,
        "muqataa_name": "المنصور",
        "parcel_no": parcel,
        "area_m2": "250",
        "property_type": "house",
        "address": "محلة 605، زقاق 12، دار 4",
        "claim_basis": "forced_relocation",
        "dispossession_date": "1991-03-15",
        "remedy": "restitution",
        "filed_date": "2026-11-20",
        "description": "Collected in the field.",
    }
    values.update(answers)
    # Attachment names are unique per device; the muqata'a keeps them apart across tests.
    filename = f"deed-{muqataa}-{parcel.replace('/', '-')}.png"
    return Submission(values, documents=[Document("title_deed", filename, png_bytes((9, 9, 9)))])


def _document_answers(document: Document) -> dict[str, str]:
    return {
        "document_kind": document.kind,
        "document_photo": document.filename if document.as_photo else "",
        "document_file": "" if document.as_photo else document.filename,
    }


def _co_claimant_answers(co_claimant: dict[str, str]) -> dict[str, str]:
    return {f"co_{name}": value for name, value in co_claimant.items()}


# ---------------------------------------------------------------------- KoboToolbox


def _kobo_header(name: str, path: list[str]) -> str:
    return "/".join([*path, name])


KOBO_META = ["__version__", "_id", "_uuid", "_submission_time", "_validation_status"]
KOBO_META += ["_notes", "_status", "_submitted_by", "_tags", "_index"]


def _kobo_main_rows(submissions: list[Submission], *, with_groups: bool = True):
    columns = _columns("")
    header = ["start", "end"]
    header += [_kobo_header(name, path) if with_groups else name for name, path in columns]
    header += ["meta/instanceID", *KOBO_META]
    rows = [header]
    for index, item in enumerate(submissions, start=1):
        values = item.values()
        row = ["2026-11-20T08:50:00.000+03:00", "2026-11-20T09:10:00.000+03:00"]
        row += [values.get(name, "") for name, _path in columns]
        row += [item.instance_id, FORM_VERSION, str(1000 + index), item.uuid, item.submitted_at]
        row += ["", "", "submitted_via_web", "enumerator1", "", str(index)]
        rows.append(row)
    return rows


def write_kobo_xlsx(path: Path, submissions: list[Submission], *, with_groups=True) -> Path:
    """The "XLS" export, XML values and headers, groups in the headers (or not): the
    submissions on the first sheet, a sheet per repeat with `_parent_index`."""
    workbook = Workbook()
    main = workbook.active
    main.title = "Qayd — claim registration"[:31]
    for row in _kobo_main_rows(submissions, with_groups=with_groups):
        main.append(row)
    for repeat, items_of, answers_of in (
        (CO_CLAIMANTS, lambda item: item.co_claimants, _co_claimant_answers),
        (DOCUMENTS, lambda item: item.documents, _document_answers),
    ):
        sheet = workbook.create_sheet(repeat)
        columns = _columns(repeat)
        sheet.append(
            [_kobo_header(name, path) for name, path in columns]
            + ["_index", "_parent_table_name", "_parent_index", "_submission__uuid"]
        )
        index = 0
        for parent_index, item in enumerate(submissions, start=1):
            for entry in items_of(item):
                index += 1
                answers = answers_of(entry)
                sheet.append(
                    [answers.get(name, "") for name, _path in columns]
                    + [index, main.title, parent_index, item.uuid]
                )
    workbook.save(path)
    return path


def write_kobo_csv(path: Path, submissions: list[Submission]) -> Path:
    """The CSV export: `;`-separated, the submissions alone (no repeats)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(_kobo_main_rows(submissions))
    return path


def write_kobo_media(folder: Path, submissions: list[Submission]) -> Path:
    """The attachments as the media zip unpacks: a folder per submission's uuid."""
    for item in submissions:
        where = folder / "enumerator1" / "attachments" / "a1b2c3d4e5" / item.uuid
        where.mkdir(parents=True, exist_ok=True)
        for document in item.documents:
            (where / document.filename).write_bytes(document.data)
    return folder


# ----------------------------------------------------------------------- ODK Central


def _odk_header(name: str, path: list[str]) -> str:
    return "-".join([*path, name])


ODK_META = ["KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected"]
ODK_META += ["Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]


def _csv_text(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def write_odk_zip(path: Path, submissions: list[Submission], *, with_media=True) -> Path:
    """The "CSV (zip)" export with media: FORM.csv, FORM-REPEAT.csv, media/."""
    columns = _columns("")
    rows = [
        ["SubmissionDate", "start", "end"]
        + [_odk_header(name, path) for name, path in columns]
        + ["meta-instanceID", *ODK_META]
    ]
    for item in submissions:
        values = item.values()
        rows.append(
            [f"{item.submitted_at}.412Z", "2026-11-20T08:50:00.000+03:00", ""]
            + [values.get(name, "") for name, _path in columns]
            + [item.instance_id, item.instance_id, "7", "enumerator1", "1", "1", "", ""]
            + ["collect:abc", "0", FORM_VERSION]
        )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{FORM_ID}.csv", _csv_text(rows))
        for repeat, items_of, answers_of in (
            (CO_CLAIMANTS, lambda item: item.co_claimants, _co_claimant_answers),
            (DOCUMENTS, lambda item: item.documents, _document_answers),
        ):
            columns = _columns(repeat)
            repeat_rows = [
                [_odk_header(name, path) for name, path in columns] + ["PARENT_KEY", "KEY"]
            ]
            for item in submissions:
                for number, entry in enumerate(items_of(item), start=1):
                    answers = answers_of(entry)
                    repeat_rows.append(
                        [answers.get(name, "") for name, _path in columns]
                        + [item.instance_id, f"{item.instance_id}/{repeat}[{number}]"]
                    )
            archive.writestr(f"{FORM_ID}-{repeat}.csv", _csv_text(repeat_rows))
        if with_media:
            for item in submissions:
                for document in item.documents:
                    archive.writestr(f"media/{document.filename}", document.data)
    return path


__all__ = [
    "Document",
    "Submission",
    "pdf_bytes",
    "png_bytes",
    "question_paths",
    "submission",
    "write_kobo_csv",
    "write_kobo_media",
    "write_kobo_xlsx",
    "write_odk_zip",
]
