"""The XLSForm for field collection: pyxform turns it into an XForm that ODK Collect and
KoboToolbox run, it is the workbook its source writes, and its questions keep the
registration form's choices, labels and rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from flask_babel import force_locale
from pyxform.xls2xform import convert

from claims import forms
from claims.domain import ClaimBasis, EvidenceKind, IdentityDocument, PropertyType, Remedy
from claims.interchange.columns import KNOWN_COLUMNS
from claims.interchange.fieldform import (
    AR,
    CO_PREFIX,
    EN,
    PARCEL_NUMBER_PATTERN,
    choices,
    read_xlsform,
    sheets,
    survey,
    write_xlsform,
)
from claims.matching.normalise import InvalidParcelNumber, parse_parcel_number
from commission.governorates import GOVERNORATES

XLSFORM = Path(__file__).parents[2] / "fieldforms" / "claim_registration.xlsx"
XF = "{http://www.w3.org/2002/xforms}"


@pytest.fixture(scope="module")
def xform():
    warnings: list[str] = []
    # ODK Validate (JavaRosa, shipped with pyxform) checks the XForm where Java runs.
    result = convert(str(XLSFORM), warnings=warnings, validate=shutil.which("java") is not None)
    return result.xform, warnings


def test_pyxform_converts_the_form_without_warnings(xform):
    text, warnings = xform
    assert warnings == []
    root = ElementTree.fromstring(text)
    languages = {node.get("lang") for node in root.iter(f"{XF}translation")}
    assert languages == {EN, AR}


def test_the_committed_workbook_is_the_one_its_source_writes(app, tmp_path):
    with app.app_context():
        assert read_xlsform(XLSFORM) == sheets()
        assert read_xlsform(write_xlsform(tmp_path / "form.xlsx")) == sheets()


def _binds(text: str) -> dict[str, dict[str, str]]:
    root = ElementTree.fromstring(text)
    return {bind.get("nodeset").rsplit("/", 1)[-1]: bind.attrib for bind in root.iter(f"{XF}bind")}


def test_the_web_forms_required_fields_are_required(xform):
    binds = _binds(xform[0])
    for name in ("claimant_name", "governorate", "property_type", "claim_basis", "filed_date"):
        assert binds[name]["required"] == "true()", name
    assert binds["co_claimant_share"]["required"] == "true()"
    assert binds["claimant_share"]["required"] == " /data/claimant/co_claimant_count  > 0"


def test_the_questions_fill_interchange_columns():
    """A question's name is the column it fills, so the import reads exports by name."""
    answers = {
        question.name
        for question in survey()
        if question.type.split()[0] in {"text", "integer", "decimal", "date", "select_one"}
    }
    form_only = {"claimant_is_heir", "co_claimant_is_heir", "co_claimant_count", "document_kind"}
    columns = {
        name.removeprefix(CO_PREFIX) if name.startswith("co_claimant_") else name
        for name in answers - form_only
    }
    assert columns <= KNOWN_COLUMNS
    assert {"claimant_name", "claimant_share", "governorate", "parcel_no"} <= columns


def test_the_choice_lists_are_the_domains():
    lists = choices()
    assert list(lists["governorate"]) == sorted(
        (governorate.code for governorate in GOVERNORATES),
        key=lambda code: next(g.name_en for g in GOVERNORATES if g.code == code),
    )
    for name, enum_class in (
        ("property_type", PropertyType),
        ("claim_basis", ClaimBasis),
        ("remedy", Remedy),
        ("identity_document", IdentityDocument),
        ("evidence_kind", EvidenceKind),
    ):
        assert list(lists[name]) == [member.value for member in enum_class], name


def test_the_choice_labels_are_the_web_forms_in_both_languages(app):
    web_labels = {
        "property_type": forms.PROPERTY_TYPE_LABELS,
        "claim_basis": forms.BASIS_LABELS,
        "remedy": forms.REMEDY_LABELS,
        "identity_document": forms.IDENTITY_DOCUMENT_LABELS,
        "evidence_kind": forms.EVIDENCE_KIND_LABELS,
    }
    with app.test_request_context():
        for name, labels in web_labels.items():
            for value, text in choices()[name].items():
                web_label = labels[value]
                with force_locale("en"):
                    assert text.en == str(web_label), value
                with force_locale("ar"):
                    assert text.ar == str(web_label), value
    governorates = {governorate.code: governorate for governorate in GOVERNORATES}
    for code, text in choices()["governorate"].items():
        assert (text.en, text.ar) == (governorates[code].name_en, governorates[code].name_ar)


@pytest.mark.parametrize(
    "entered",
    [
        "345",
        "٣٤٥/٦",
        "345-6",
        "345 / 6",
        "0345",
        "12.3",
        "٣٤٥،٦",
        "34a",
        "345/6/7",
        "",
        "x",
        "1234567890",
    ],
)
def test_the_parcel_number_constraint_is_the_imports(entered):
    try:
        parse_parcel_number(entered)
        accepted = True
    except InvalidParcelNumber:
        accepted = False
    assert bool(re.match(PARCEL_NUMBER_PATTERN, entered)) == accepted
