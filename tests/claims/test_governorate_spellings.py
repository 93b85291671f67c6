"""Every way a governorate enters the system reads the same spellings and refuses the
same nonsense: the registration and search forms, an import row, a `match-csv` row and
the resolver they all share."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from claims.forms import ClaimForm, ClaimSearchForm
from claims.interchange import parse_record
from claims.matching import ClaimFields, normalise_claim
from commission.governorates import UnknownGovernorate, resolve_governorate
from tests.support.claims import TODAY

SPELLINGS = [
    ("Salah al-Din", "IQ-SD"),
    ("salah al-din", "IQ-SD"),
    ("Salahuddin", "IQ-SD"),
    ("صلاح الدين", "IQ-SD"),
    ("محافظة صلاح الدين", "IQ-SD"),
    ("Ramadi", "IQ-AN"),
    ("Al Anbar", "IQ-AN"),
    ("الانبار", "IQ-AN"),
    ("Kut", "IQ-WA"),
    ("Irbil", "IQ-AR"),
    ("Erbil", "IQ-AR"),
    ("Hawler", "IQ-AR"),
    ("هەولێر", "IQ-AR"),
    ("أربيل", "IQ-AR"),
    ("Zi Qar", "IQ-DQ"),
    ("Dhi Qar", "IQ-DQ"),
    ("Thi Qar", "IQ-DQ"),
    ("ذي قار", "IQ-DQ"),
    ("Ninawa", "IQ-NI"),
    ("Nineveh", "IQ-NI"),
    ("Ninewa", "IQ-NI"),
    ("نينوى", "IQ-NI"),
    ("محافظة نينوى", "IQ-NI"),
    ("Ninawa Governorate", "IQ-NI"),
    ("سلێمانی", "IQ-SU"),
    ("IQ-BG", "IQ-BG"),
    ("IQ BG", "IQ-BG"),
    ("iq_bg", "IQ-BG"),
    ("BG", "IQ-BG"),
    ("BGD", "IQ-BG"),
    ("بغداد", "IQ-BG"),
    ("Halabja", "IQ-HALABJA"),
    ("هەڵەبجە", "IQ-HALABJA"),
    ("IQ-HALABJA", "IQ-HALABJA"),
    ("HLB", "IQ-HALABJA"),
]
NONSENSE = ["Atlantis", "IQ-KR", "IQ-ZZ", "Kurdistan", "BGDX", "42", "محافظة"]


def _registration_form(entered: str) -> ClaimForm:
    form = ClaimForm(formdata=MultiDict({"governorate_code": entered}))
    form.governorate_code.validate(form)
    return form


def _search_form(entered: str) -> ClaimSearchForm:
    form = ClaimSearchForm(formdata=MultiDict({"governorate": entered}))
    form.governorate.validate(form)
    return form


def _import_row(entered: str):
    values = {
        "ref": "r1",
        "governorate": entered,
        "muqataa_no": "12",
        "parcel_no": "345",
        "property_type": "house",
        "claim_basis": "confiscation",
        "filed_date": TODAY.isoformat(),
        "claimant_name": "محمد عبد الرحمن حسين",
    }
    return parse_record(values, 2, today=TODAY)


@pytest.mark.parametrize(("entered", "code"), SPELLINGS)
def test_every_path_reads_the_same_spellings(app, entered, code):
    assert resolve_governorate(entered).code == code
    assert normalise_claim(ClaimFields(ref="r1", governorate=entered)).governorate == code
    row = _import_row(entered)
    assert row.errors == []
    assert row.claim.parcel.governorate_code == code
    with app.test_request_context():
        registration = _registration_form(entered)
        assert (registration.governorate_code.data, registration.governorate_code.errors) == (
            code,
            [],
        )
        search = _search_form(entered)
        assert (search.governorate.data, search.governorate.errors) == (code, [])


@pytest.mark.parametrize("entered", NONSENSE)
def test_every_path_refuses_the_same_nonsense(app, entered):
    with pytest.raises(UnknownGovernorate):
        resolve_governorate(entered)
    assert normalise_claim(ClaimFields(ref="r1", governorate=entered)).governorate is None
    row = _import_row(entered)
    assert [error.column for error in row.errors] == ["governorate"]
    assert row.claim is None
    with app.test_request_context():
        assert _registration_form(entered).governorate_code.errors
        assert _search_form(entered).governorate.errors
