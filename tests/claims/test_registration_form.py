"""The registration form through HTTP: a clerk registers a claim with its parties and
evidence; every error is named beside its field and nothing is stored; uploads are checked.

Tests commit for real into the shared operational workspace, so each one asserts on the
claims it made itself (found by a unique name or number), never on global counts.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from claims.queries import find_claim
from commission.accounts.models import Role
from tests.support.app import commission_today, unique
from tests.support.claim_forms import (
    claim_form,
    claims_of_family,
    evidence_files,
    field_errors,
    pdf_bytes,
    post_claim,
    register,
)
from tests.support.claims import png_bytes
from tests.support.web import csrf_token


def test_clerk_registers_a_claim_with_an_arabic_claimant_and_evidence(
    app, client, logged_in, stored
):
    clerk = logged_in(Role.CLERK)
    family = unique("الجبوري")
    scan = png_bytes((10, 120, 200))
    number = register(
        client,
        **{
            "claimants-0-family_name": family,
            "evidence-0-file": (io.BytesIO(scan), "صك الملكية.png"),
            "evidence-1-kind": "court_ruling",
            "evidence-1-file": (io.BytesIO(pdf_bytes()), "حكم.pdf"),
        },
    )
    assert number.startswith("BGD-2026-")

    page = client.get(f"/claims/{number}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert number in html
    assert f"محمد عبد الرحمن حسين {family}" in html
    assert "صك الملكية.png" in html and "حكم.pdf" in html
    assert f"Claim {number} is registered." in html

    with stored() as session:
        claim = find_claim(session, number)
        assert claim.state == "registered"
        assert claim.office.code == "BGD"
        assert claim.registered_by_id == clerk.id
        assert claim.parcel.parcel_key == "IQ-BG|12|345/6"
        assert claim.dispossession_on == date(1991, 5, 12)
        (party,) = claim.parties
        assert (party.role, party.given_name, party.family_name) == ("claimant", "محمد", family)
        assert party.id_document_type == "national_id"
        kinds = {item.original_filename: (item.kind, item.media_type) for item in claim.evidence}
        assert kinds == {
            "صك الملكية.png": ("title_deed", "image/png"),
            "حكم.pdf": ("court_ruling", "application/pdf"),
        }
        assert all(item.uploaded_by_id == clerk.id for item in claim.evidence)


def test_co_claimants_heirs_respondent_and_representative_are_stored(client, logged_in, stored):
    logged_in(Role.CLERK)
    family = unique("التميمي")
    number = register(
        client,
        **{
            "claimants-0-family_name": family,
            "claimants-0-share_percent": "٥٠",
            "claimants-1-given_name": "فاطمة",
            "claimants-1-father_name": "علي",
            "claimants-1-family_name": family,
            "claimants-1-share_percent": "50.0",
            "claimants-1-is_heir": "y",
            "claimants-1-deceased_owner_name": "علي حسن التميمي",
            "respondent-given_name": "كريم",
            "respondent-family_name": "الساعدي",
            "representative-given_name": "سعاد",
            "representative-family_name": "المحامية",
            "representative-authority_document": "وكالة عامة 1234/2026",
        },
    )
    with stored() as session:
        claim = find_claim(session, number)
        roles = [(party.role, party.given_name) for party in claim.parties]
        assert roles == [
            ("claimant", "محمد"),
            ("claimant", "فاطمة"),
            ("respondent", "كريم"),
            ("representative", "سعاد"),
        ]
        heir = claim.parties[1]
        assert heir.is_heir and heir.deceased_owner_name == "علي حسن التميمي"
        assert [party.share_percent for party in claim.claimants] == [50, 50]
        assert claim.parties[3].authority_document == "وكالة عامة 1234/2026"


def test_add_another_claimant_rerenders_the_form_with_one_more_row(client, logged_in, stored):
    logged_in(Role.CLERK)
    family = unique("العبيدي")
    data = claim_form(csrf_token(client, "/claims/new"), **{"claimants-0-family_name": family})
    del data["save"]
    data["add_claimant"] = "Add another claimant"
    response = post_claim(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="claimants-1-given_name"' in html
    assert f'value="{family}"' in html  # what was typed is kept
    assert "The claim was not saved" not in html  # no errors shown for the new row
    with stored() as session:
        assert claims_of_family(session, family) == []


def test_a_claimant_row_can_be_removed_again(client, logged_in):
    logged_in(Role.CLERK)
    data = claim_form(
        csrf_token(client, "/claims/new"),
        **{"claimants-1-given_name": "زائد", "remove_claimant": "1", "save": None},
    )
    html = post_claim(client, data).get_data(as_text=True)
    assert 'name="claimants-0-given_name"' in html
    assert "زائد" not in html


def test_the_new_form_offers_the_clerks_governorate_and_todays_date(client, logged_in):
    logged_in(Role.CLERK, office="NIN")
    html = client.get("/claims/new").get_data(as_text=True)
    assert re.search(r'<option selected value="IQ-NI">|<option value="IQ-NI" selected>', html)
    assert f'value="{commission_today().isoformat()}"' in html
    assert 'dir="auto"' in html and 'lang="ar"' in html


TOMORROW = (commission_today() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"filed_on": TOMORROW}, "filed_on", "cannot be in the future"),
        ({"filed_on": ""}, "filed_on", "Give the date the claim was filed"),
        ({"filed_on": "1.3.2026"}, "filed_on", "Not a valid date"),
        (
            {"dispossession_on": "2026-06-01", "filed_on": "2026-03-01"},
            "dispossession_on",
            "before the filing",
        ),
        ({"parcel_no": "abc"}, "parcel_no", "is not a parcel number"),
        ({"parcel_no": ""}, "parcel_no", "The parcel number is required"),
        ({"parcel_no": "<b>1</b>"}, "parcel_no", "“&lt;b&gt;1&lt;/b&gt;” is not a parcel number"),
        ({"parcel_no": "99999999999"}, "parcel_no", "too long"),
        ({"muqataa_no": " "}, "muqataa_no", "muqata&#39;a (cadastral district) number is required"),
        ({"area_m2": "-4"}, "area_m2", "more than zero"),
        ({"area_m2": "lots"}, "area_m2", "Write a number"),
        ({"area_m2": "1e20"}, "area_m2", "too large"),
        ({"area_m2": "NaN"}, "area_m2", "Write a number"),
        ({"governorate_code": ""}, "governorate_code", "Choose the governorate"),
        ({"claimants-0-given_name": ""}, "claimants-0-given_name", "given name is required"),
        (
            {"claimants-0-is_heir": "y"},
            "claimants-0-deceased_owner_name",
            "Name the deceased owner",
        ),
        ({"claimants-0-share_percent": "150"}, "claimants-0-share_percent", "at most 100"),
        ({"claimants-0-family_name": "x" * 101}, "claimants-0-family_name", "100 characters"),
        (
            {"representative-given_name": "سعاد"},
            "representative-authority_document",
            "needs proof of authority",
        ),
        (
            {"respondent-family_name": "الساعدي"},
            "respondent-given_name",
            "given name is required",
        ),
        (
            {
                "claimants-0-share_percent": "60",
                "claimants-1-given_name": "فاطمة",
                "claimants-1-share_percent": "30",
            },
            "section-shares",
            "must add up to 100",
        ),
    ],
)
def test_each_error_is_shown_next_to_its_field_and_nothing_is_stored(
    app, client, logged_in, stored, overrides, field_id, message
):
    logged_in(Role.CLERK)
    family = unique("الدليمي")
    overrides.setdefault("claimants-0-family_name", family)
    family = overrides["claimants-0-family_name"]
    files_before = evidence_files(app)
    data = claim_form(
        csrf_token(client, "/claims/new"),
        **{"evidence-0-file": (io.BytesIO(png_bytes((1, 2, 3))), "deed.png")},
        **overrides,
    )
    response = post_claim(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in field_errors(html, field_id)
    assert "The claim was not saved" in html
    assert "choose the evidence files again" in html
    with stored() as session:
        assert claims_of_family(session, family) == []
    assert evidence_files(app) == files_before


def test_every_error_is_named_in_one_pass(client, logged_in):
    """A form error (a bad date) does not hide the rule errors (a missing name)."""
    logged_in(Role.CLERK)
    data = claim_form(
        csrf_token(client, "/claims/new"),
        **{"filed_on": "someday", "claimants-0-given_name": "", "muqataa_no": "", "area_m2": "0"},
    )
    html = post_claim(client, data).get_data(as_text=True)
    assert "Not a valid date" in field_errors(html, "filed_on")
    assert "given name is required" in field_errors(html, "claimants-0-given_name")
    assert "number is required" in field_errors(html, "muqataa_no")
    assert "more than zero" in field_errors(html, "area_m2")


def test_a_claim_without_claimants_is_refused(client, logged_in):
    logged_in(Role.CLERK)
    data = claim_form(csrf_token(client, "/claims/new"))
    data = {key: value for key, value in data.items() if not key.startswith("claimants-")}
    response = post_claim(client, data)
    # The form always has one claimant row; an empty one is a missing given name.
    assert response.status_code == 400
    assert "given name is required" in field_errors(
        response.get_data(as_text=True), "claimants-0-given_name"
    )


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"MZ\x90\x00 not a scan at all", "scan.pdf", "Only PDF, JPEG, PNG and TIFF"),
        (b"<html><script>alert(1)</script></html>", "../../../static/x.png", "Only PDF"),
        (b"\x89PNG\r\n\x1a\n broken", "photo.png", "damaged or incomplete"),
        (b"", "empty.pdf", "The file is empty"),
    ],
)
def test_refused_uploads_store_nothing(app, client, logged_in, stored, content, filename, message):
    logged_in(Role.CLERK)
    family = unique("الحسيني")
    files_before = evidence_files(app)
    data = claim_form(
        csrf_token(client, "/claims/new"),
        **{
            "claimants-0-family_name": family,
            "evidence-0-file": (io.BytesIO(png_bytes((4, 5, 6))), "good.png"),
            "evidence-1-file": (io.BytesIO(content), filename),
        },
    )
    response = post_claim(client, data)
    assert response.status_code == 400
    assert message in field_errors(response.get_data(as_text=True), "evidence-1-file")
    with stored() as session:
        assert claims_of_family(session, family) == []
    assert evidence_files(app) == files_before


def test_a_file_larger_than_the_limit_is_refused(app, client, logged_in, stored, monkeypatch):
    logged_in(Role.CLERK)
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 1024 * 1024)
    family = unique("الكبيسي")
    files_before = evidence_files(app)
    big = png_bytes() + b"\0" * (1024 * 1024)
    data = claim_form(
        csrf_token(client, "/claims/new"),
        **{"claimants-0-family_name": family, "evidence-0-file": (io.BytesIO(big), "big.png")},
    )
    response = post_claim(client, data)
    assert response.status_code == 400
    assert "larger than 1 MB" in field_errors(response.get_data(as_text=True), "evidence-0-file")
    with stored() as session:
        assert claims_of_family(session, family) == []
    assert evidence_files(app) == files_before


def test_a_hostile_file_name_is_only_display_text(app, client, logged_in, stored):
    logged_in(Role.CLERK)
    scan = png_bytes((66, 6, 6))
    number = register(
        client,
        **{"evidence-0-file": (io.BytesIO(scan), "..\\..\\..\\etc/<img src=x onerror=1>.png")},
    )
    data_dir = Path(app.config["QAYD_DATA_DIR"]).resolve()
    with stored() as session:
        (evidence,) = find_claim(session, number).evidence
        assert evidence.original_filename == "<img src=x onerror=1>.png"
        sha256 = evidence.sha256
    # Stored only under its content hash, inside the data directory.
    stored_files = [path for path in data_dir.rglob("*") if path.name == sha256]
    assert len(stored_files) == 1
    assert not (data_dir.parent / "etc").exists()
    html = client.get(f"/claims/{number}").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=1&gt;.png" in html


def test_the_registration_form_refuses_a_post_without_csrf_token(client, logged_in, stored):
    logged_in(Role.CLERK)
    family = unique("الزبيدي")
    data = claim_form("not-a-token", **{"claimants-0-family_name": family})
    response = post_claim(client, data)
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    with stored() as session:
        assert claims_of_family(session, family) == []


@pytest.mark.parametrize("role", [Role.ADJUDICATOR, Role.REVIEWER, Role.TRAINER, Role.ADMIN])
def test_only_clerks_register_and_edit(client, logged_in, role):
    logged_in(role)
    assert client.get("/claims/new").status_code == 403
    assert client.get("/claims/BGD-2026-000001/edit").status_code == 403
