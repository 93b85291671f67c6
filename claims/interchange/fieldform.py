"""The XLSForm for registering claims in the field with ODK Collect or KoboToolbox.

This module is the form's source; `fieldforms/claim_registration.xlsx` is written from
it (`flask claims fieldform`, a test keeps the two the same). It lives beside the
readers of the form's exports (`claims.interchange.field`) because both read one table:
a question is named after the interchange column it fills (`claimant_name`,
`parcel_no` …), and the repeat of co-claimants after the numbered columns
(`co_claimant_name` of the first repeat is `claimant_name_2`), so an export with or
without group paths in its headers becomes the same row the legacy import checks.

The questions and their constraints are the registration form's (claims/forms.py,
claims.operations.validate_claim): the same required fields, lengths, date bounds,
parcel-number shape and choice lists (governorates from commission.governorates, the
enums of claims.domain). Labels are in English and Arabic. What the form cannot check
(co-claimants' shares adding up to 100, a parcel number past nine digits) the import
checks and reports per row.

The choice lists' labels are the web form's, read from the catalogue in each language
(an application context is needed to build the workbook); openpyxl is imported only to
write it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from flask_babel import force_locale

from claims.domain import Remedy
from commission.bilingual import Bilingual
from commission.governorates import GOVERNORATES
from config import Config

FORM_ID = "qayd_claim_registration"
#: Raised whenever the questions change, so ODK Central and Kobo take it as a new version.
FORM_VERSION = "2026112701"
FORM_TITLE = "Qayd — claim registration / قيد — تسجيل دعوى"

EN, AR = "English (en)", "Arabic (ar)"

#: The repeats of the form: co-claimants (numbered claimant columns 2, 3 …) and the
#: documents photographed or attached (evidence of the claim).
CO_CLAIMANTS = "co_claimants"
DOCUMENTS = "documents"
#: Questions of the co-claimant repeat are the claimant's, with this prefix.
CO_PREFIX = "co_"
#: How many co-claimants and documents a submission has: a CSV export carries no repeat
#: rows, so the import compares these with the repeat rows it found.
CO_CLAIMANT_COUNT = "co_claimant_count"
DOCUMENT_COUNT = "document_count"
DOCUMENT_KIND, DOCUMENT_PHOTO, DOCUMENT_FILE = "document_kind", "document_photo", "document_file"

_DIGIT = "[0-9٠-٩۰-۹]"
#: The parcel numbers `parse_parcel_number` reads: digits in any script, an optional
#: sub-number after one separator (345, ٣٤٥/٦, 345-6).
PARCEL_NUMBER_PATTERN = rf"^{_DIGIT}{{1,9}}(\s*[/\\.٫٬،,\s-]\s*{_DIGIT}{{1,9}})?$"
_MAX_AREA = "10000000000"


@dataclasses.dataclass(frozen=True)
class Question:
    type: str
    name: str
    label: Bilingual | None = None
    hint: Bilingual | None = None
    required: str = ""
    constraint: str = ""
    constraint_message: Bilingual | None = None
    relevant: str = ""
    default: str = ""
    calculation: str = ""
    appearance: str = ""
    repeat_count: str = ""
    body_accept: str = ""
    parameters: str = ""


def _length(limit: int) -> tuple[str, Bilingual]:
    return f"string-length(.) <= {limit}", Bilingual(
        f"At most {limit} characters.", f"لا يزيد على {limit} حرفاً."
    )


def _text(name: str, en: str, ar: str, limit: int, **options) -> Question:
    constraint, message = _length(limit)
    return Question(
        "text",
        name,
        Bilingual(en, ar),
        constraint=constraint,
        constraint_message=message,
        **options,
    )


_REQUIRED = "yes"
_SHARE = Question(
    "decimal",
    "claimant_share",
    Bilingual("Share (%)", "الحصة (%)"),
    hint=Bilingual(
        "Needed when there are co-claimants; the shares add up to 100.",
        "مطلوبة عند وجود مدعين آخرين، ومجموع الحصص 100.",
    ),
    constraint=". > 0 and . <= 100",
    constraint_message=Bilingual(
        "A share is more than 0 and at most 100.", "الحصة أكبر من صفر ولا تزيد على 100."
    ),
)


def _claimant_questions(prefix: str, share_required: str) -> list[Question]:
    """The questions of one claimant: the first one's (prefix "") or a co-claimant's."""
    name = f"{prefix}claimant"
    return [
        _text(
            f"{name}_name",
            "Full name (four parts, as on the identity document)",
            "الاسم الرباعي (كما في وثيقة الهوية)",
            200,
            hint=Bilingual("In Arabic script or Latin letters.", "بالحروف العربية أو اللاتينية."),
            required=_REQUIRED,
        ),
        _text(f"{name}_latin_name", "Name in Latin letters", "الاسم بالحروف اللاتينية", 200),
        Question(
            "select_one identity_document",
            f"{name}_id_type",
            Bilingual("Identity document", "وثيقة الهوية"),
        ),
        _text(f"{name}_id_no", "Document number", "رقم الوثيقة", 50),
        dataclasses.replace(
            _SHARE, name=f"{name}_share", required=share_required, relevant=share_required
        ),
        _text(f"{name}_contact", "Telephone or address for notices", "هاتف أو عنوان للتبليغ", 200),
        Question(
            "select_one yes_no",
            f"{name}_is_heir",
            Bilingual("Heir of a deceased owner", "وارث لمالك متوفى"),
            default="no",
        ),
        _text(
            f"{name}_heir_of",
            "Name of the deceased owner",
            "اسم المالك المتوفى",
            200,
            relevant=f"${{{name}_is_heir}} = 'yes'",
            required=_REQUIRED,
        ),
    ]


def _dates() -> list[Question]:
    filed_earliest = Config.FILED_ON_EARLIEST.isoformat()
    dispossession_earliest = Config.DISPOSSESSION_ON_EARLIEST.isoformat()
    return [
        Question(
            "date",
            "dispossession_date",
            Bilingual("Date of dispossession", "تاريخ نزع الملكية"),
            constraint=(
                f". >= date('{dispossession_earliest}') and . <= today() and . <= ${{filed_date}}"
            ),
            constraint_message=Bilingual(
                f"Between {dispossession_earliest} and the filing date.",
                f"بين {dispossession_earliest} وتاريخ تقديم الدعوى.",
            ),
        ),
        Question(
            "date",
            "filed_date",
            Bilingual("Date filed", "تاريخ تقديم الدعوى"),
            required=_REQUIRED,
            default="today()",
            constraint=f". >= date('{filed_earliest}') and . <= today()",
            constraint_message=Bilingual(
                f"Between {filed_earliest} and today.", f"بين {filed_earliest} واليوم."
            ),
        ),
    ]


def survey() -> list[Question]:
    """The questions, in the order the enumerator sees them."""
    area_constraint = f". > 0 and . < {_MAX_AREA}"
    return [
        Question("start", "start"),
        Question("end", "end"),
        Question("begin_group", "claimant", Bilingual("First claimant", "المدعي الأول")),
        *_claimant_questions("", f"${{{CO_CLAIMANT_COUNT}}} > 0"),
        Question(
            "integer",
            CO_CLAIMANT_COUNT,
            Bilingual("How many co-claimants?", "كم عدد المدعين الآخرين؟"),
            required=_REQUIRED,
            default="0",
            constraint=". >= 0 and . <= 20",
            constraint_message=Bilingual("From 0 to 20.", "من 0 إلى 20."),
        ),
        Question("end_group", ""),
        Question(
            "begin_repeat",
            CO_CLAIMANTS,
            Bilingual("Co-claimant", "مدعٍ آخر"),
            repeat_count=f"${{{CO_CLAIMANT_COUNT}}}",
        ),
        *_claimant_questions(CO_PREFIX, _REQUIRED),
        Question("end_repeat", ""),
        Question(
            "begin_group",
            "respondent",
            Bilingual("Respondent / current occupant", "المدعى عليه / الشاغل الحالي"),
        ),
        _text("respondent_name", "Name", "الاسم", 200),
        _text("respondent_latin_name", "Name in Latin letters", "الاسم بالحروف اللاتينية", 200),
        Question("end_group", ""),
        Question("begin_group", "property", Bilingual("The property", "العقار")),
        Question(
            "select_one governorate",
            "governorate",
            Bilingual("Governorate", "المحافظة"),
            required=_REQUIRED,
            appearance="minimal",
        ),
        _text("district", "District (qadha)", "القضاء", 100),
        _text("muqataa_no", "Muqata'a number", "رقم المقاطعة", 20),
        _text("muqataa_name", "Muqata'a name", "اسم المقاطعة", 100),
        Question(
            "text",
            "parcel_no",
            Bilingual("Parcel number", "رقم القطعة"),
            hint=Bilingual(
                "With a sub-number if it has one, e.g. 345/6. Leave empty if the claimant "
                "does not know it.",
                "مع الرقم الفرعي إن وجد، مثل 345/6. اتركه فارغاً إن لم يعرفه المدعي.",
            ),
            constraint=f"regex(., '{PARCEL_NUMBER_PATTERN}')",
            constraint_message=Bilingual(
                "Digits only, with one separator before a sub-number (345 or 345/6).",
                "أرقام فقط، مع فاصل واحد قبل الرقم الفرعي (345 أو 345/6).",
            ),
        ),
        Question(
            "decimal",
            "area_m2",
            Bilingual("Area (m²)", "المساحة (م²)"),
            constraint=area_constraint,
            constraint_message=Bilingual("More than zero.", "أكبر من صفر."),
        ),
        Question(
            "select_one property_type",
            "property_type",
            Bilingual("Property type", "نوع العقار"),
            required=_REQUIRED,
        ),
        _text(
            "address",
            "Address of the property",
            "عنوان العقار",
            2000,
            appearance="multiline",
        ),
        Question("end_group", ""),
        Question("begin_group", "claim", Bilingual("The claim", "الدعوى")),
        Question(
            "select_one claim_basis",
            "claim_basis",
            Bilingual("Basis of the claim", "سبب الدعوى"),
            required=_REQUIRED,
        ),
        *_dates(),
        Question(
            "select_one remedy",
            "remedy",
            Bilingual("Remedy sought", "المطلوب"),
            required=_REQUIRED,
            default=str(Remedy.RESTITUTION),
        ),
        _text("description", "Description", "الوصف", 10000, appearance="multiline"),
        Question("end_group", ""),
        Question("begin_repeat", DOCUMENTS, Bilingual("Document", "مستند")),
        Question(
            "select_one evidence_kind",
            DOCUMENT_KIND,
            Bilingual("Kind of document", "نوع المستند"),
            required=_REQUIRED,
        ),
        Question(
            "image",
            DOCUMENT_PHOTO,
            Bilingual("Photograph of the document", "صورة المستند"),
            # Enough to read a deed's small print; a phone's full size is several MB.
            parameters="max-pixels=2400",
        ),
        Question(
            "file",
            DOCUMENT_FILE,
            Bilingual("Or a scan (PDF)", "أو نسخة ممسوحة (PDF)"),
            relevant=f"${{{DOCUMENT_PHOTO}}} = ''",
            required=_REQUIRED,
            body_accept="application/pdf",
        ),
        Question("end_repeat", ""),
        Question("calculate", DOCUMENT_COUNT, calculation=f"count(${{{DOCUMENTS}}})"),
    ]


def _in_both_languages(label) -> Bilingual:
    """A web form label (lazy, from the catalogue) as the form prints it in each language."""
    with force_locale("en"):
        english = str(label)
    with force_locale("ar"):
        arabic = str(label)
    return Bilingual(english, arabic)


def choices() -> dict[str, dict[str, Bilingual]]:
    """Each choice list by name: {choice name (what the export holds): labels}. The labels
    are the registration form's (claims/forms.py) in English and Arabic, read from the
    catalogue: an application context is needed."""
    from claims.forms import (
        BASIS_LABELS,
        EVIDENCE_KIND_LABELS,
        IDENTITY_DOCUMENT_LABELS,
        PROPERTY_TYPE_LABELS,
        REMEDY_LABELS,
    )

    web_lists = {
        "property_type": PROPERTY_TYPE_LABELS,
        "claim_basis": BASIS_LABELS,
        "remedy": REMEDY_LABELS,
        "identity_document": IDENTITY_DOCUMENT_LABELS,
        "evidence_kind": EVIDENCE_KIND_LABELS,
    }
    return {
        "governorate": {
            governorate.code: Bilingual(governorate.name_en, governorate.name_ar)
            for governorate in sorted(GOVERNORATES, key=lambda governorate: governorate.name_en)
        },
        **{
            name: {str(value): _in_both_languages(label) for value, label in labels.items()}
            for name, labels in web_lists.items()
        },
        "yes_no": {"yes": Bilingual("Yes", "نعم"), "no": Bilingual("No", "لا")},
    }


# ------------------------------------------------------------------------ the workbook

#: Survey sheet columns: (header, how a question gives the cell).
_SURVEY_COLUMNS = (
    ("type", lambda q: q.type),
    ("name", lambda q: q.name),
    (f"label::{EN}", lambda q: q.label.en if q.label else ""),
    (f"label::{AR}", lambda q: q.label.ar if q.label else ""),
    (f"hint::{EN}", lambda q: q.hint.en if q.hint else ""),
    (f"hint::{AR}", lambda q: q.hint.ar if q.hint else ""),
    ("required", lambda q: q.required),
    (f"required_message::{EN}", lambda q: "Required." if q.required else ""),
    (f"required_message::{AR}", lambda q: "مطلوب." if q.required else ""),
    ("constraint", lambda q: q.constraint),
    (
        f"constraint_message::{EN}",
        lambda q: q.constraint_message.en if q.constraint_message else "",
    ),
    (
        f"constraint_message::{AR}",
        lambda q: q.constraint_message.ar if q.constraint_message else "",
    ),
    ("relevant", lambda q: q.relevant),
    ("default", lambda q: q.default),
    ("calculation", lambda q: q.calculation),
    ("appearance", lambda q: q.appearance),
    ("repeat_count", lambda q: q.repeat_count),
    ("body::accept", lambda q: q.body_accept),
    ("parameters", lambda q: q.parameters),
)


def sheets() -> dict[str, list[list[str]]]:
    """The workbook as rows of text per sheet: survey, choices, settings."""
    survey_rows = [[header for header, _cell in _SURVEY_COLUMNS]]
    survey_rows += [[cell(question) for _header, cell in _SURVEY_COLUMNS] for question in survey()]
    choice_rows = [["list_name", "name", f"label::{EN}", f"label::{AR}"]]
    for list_name, options in choices().items():
        choice_rows += [[list_name, name, text.en, text.ar] for name, text in options.items()]
    settings_rows = [
        ["form_title", "form_id", "version", "default_language", "instance_name"],
        [
            FORM_TITLE,
            FORM_ID,
            FORM_VERSION,
            EN,
            "concat(${claimant_name}, ' — ', ${governorate})",
        ],
    ]
    return {"survey": survey_rows, "choices": choice_rows, "settings": settings_rows}


def write_xlsform(path: str | Path) -> Path:
    """Write the form as an XLSX workbook, ready to upload to KoboToolbox or ODK Central."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets().items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = Path(path)
    workbook.save(path)
    return path


def read_xlsform(path: str | Path) -> dict[str, list[list[str]]]:
    """A workbook's sheets as rows of text, as `sheets()` gives them (to compare the two)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return {
            sheet.title: [
                ["" if value is None else str(value) for value in row]
                for row in sheet.iter_rows(values_only=True)
            ]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()
