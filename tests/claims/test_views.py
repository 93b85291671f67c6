"""The intake screens through HTTP: registration, the claim page, editing, evidence
download, the claim list and its office scoping.

Tests commit for real into the shared operational workspace, so each one asserts on the
claims it made itself (found by a unique name or number), never on global counts.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from claims.files import EvidenceStore
from claims.models import Claim, Party
from claims.operations import register_claim
from claims.queries import find_claim
from commission.accounts.models import Office, Role
from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import (
    Workspace,
    WorkspaceKind,
    use_workspace,
)
from tests.claims.conftest import TODAY, claim_input, claimant, evidence_input, png_bytes
from tests.conftest import InOperational as Db
from tests.conftest import commission_today, csrf_token, login, unique

NUMBER_RE = re.compile(r"/claims/([A-Z]+-\d{4}-\d{6})$")


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def claim_form(token: str, **overrides) -> dict:
    """A valid registration form as the browser posts it."""
    data = {
        "csrf_token": token,
        "claimants-0-given_name": "محمد",
        "claimants-0-father_name": "عبد الرحمن",
        "claimants-0-grandfather_name": "حسين",
        "claimants-0-family_name": unique("الجبوري"),
        "claimants-0-latin_name": "Mohamed Abdulrahman Hussein al-Jubouri",
        "claimants-0-id_document_type": "national_id",
        "claimants-0-id_document_number": "199012345678",
        "claimants-0-contact": "0770 123 4567",
        "claimants-0-share_percent": "",
        "claimants-0-deceased_owner_name": "",
        "governorate_code": "IQ-BG",
        "district": "Karrada",
        "muqataa_no": "12",
        "muqataa_name": "الكرادة",
        "parcel_no": "345/6",
        "area_m2": "250",
        "property_type": "house",
        "address": "محلة 903، زقاق 14، دار 7",
        "claim_basis": "confiscation",
        "dispossession_on": "1991-05-12",
        "remedy": "restitution",
        "filed_on": "2026-03-01",
        "description": "House confiscated in 1991.",
        "evidence-0-kind": "title_deed",
        "evidence-1-kind": "other",
        "save": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_claim(client, data: dict, path: str = "/claims/new"):
    return client.post(path, data=data, content_type="multipart/form-data")


def register(client, **overrides) -> str:
    """Register a claim through the form; return its number."""
    response = post_claim(client, claim_form(csrf_token(client, "/claims/new"), **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    match = NUMBER_RE.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


@pytest.fixture
def stored(app):
    return lambda: Db(app)


def claims_of_family(session, family_name: str) -> list[Claim]:
    return list(
        session.scalars(
            select(Claim).join(Party).where(Party.family_name == family_name).distinct()
        )
    )


def evidence_files(app) -> set[Path]:
    root = Path(app.config["QAYD_DATA_DIR"]) / "evidence"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


# ---- registration ------------------------------------------------------------------


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


def _field_errors(html: str, field_id: str) -> str:
    """The error list rendered right after the field with this id."""
    match = re.search(
        rf'id="{re.escape(field_id)}-errors" role="alert">(.*?)</ul>', html, flags=re.S
    )
    assert match, f"no errors shown for {field_id}"
    return match.group(1)


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
        ({"parcel_no": "<b>1</b>"}, "parcel_no", "“&lt;b&gt;1&lt;/b&gt;” is not a parcel number"),
        ({"parcel_no": "99999999999"}, "parcel_no", "too long"),
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
    assert message in _field_errors(html, field_id)
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
        **{"filed_on": "someday", "claimants-0-given_name": "", "parcel_no": "x", "area_m2": "0"},
    )
    html = post_claim(client, data).get_data(as_text=True)
    assert "Not a valid date" in _field_errors(html, "filed_on")
    assert "given name is required" in _field_errors(html, "claimants-0-given_name")
    assert "not a parcel number" in _field_errors(html, "parcel_no")
    assert "more than zero" in _field_errors(html, "area_m2")


def test_a_claim_without_claimants_is_refused(client, logged_in):
    logged_in(Role.CLERK)
    data = claim_form(csrf_token(client, "/claims/new"))
    data = {key: value for key, value in data.items() if not key.startswith("claimants-")}
    response = post_claim(client, data)
    # The form always has one claimant row; an empty one is a missing given name.
    assert response.status_code == 400
    assert "given name is required" in _field_errors(
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
    assert message in _field_errors(response.get_data(as_text=True), "evidence-1-file")
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
    assert "larger than 1 MB" in _field_errors(response.get_data(as_text=True), "evidence-0-file")
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


# ---- the claim page and evidence downloads -------------------------------------------


def test_claim_page_shows_number_state_parcel_parties_and_evidence(client, logged_in):
    logged_in(Role.CLERK)
    scan = png_bytes((7, 7, 7))
    number = register(
        client,
        **{"parcel_no": "٣٤٥/٦", "evidence-0-file": (io.BytesIO(scan), "deed.png")},
    )
    logged_in(Role.ADJUDICATOR)
    html = client.get(f"/claims/{number}").get_data(as_text=True)
    assert f'<h1 class="claim-number" dir="ltr">{number}</h1>' in html
    assert "registered" in html
    assert "345/6" in html and "٣٤٥/٦" in html  # normalised, and as entered
    assert "Baghdad" in html and "الكرادة" in html
    assert "Test User" in html  # registered by
    assert hashlib.sha256(scan).hexdigest()[:12] in html
    assert "Edit the claim" not in html  # adjudicators do not edit intake data


def test_evidence_download_sends_the_bytes_with_safe_headers(client, logged_in):
    logged_in(Role.CLERK)
    scan = png_bytes((8, 8, 8))
    number = register(client, **{"evidence-0-file": (io.BytesIO(scan), "صك الملكية.png")})
    html = client.get(f"/claims/{number}").get_data(as_text=True)
    (link,) = re.findall(rf'href="(/claims/{number}/evidence/\d+)"', html)
    response = client.get(link)
    assert response.status_code == 200
    assert response.data == scan
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%D8%B5%D9%83%20%D8%A7%D9%84%D9%85%D9%84%D9%83%D9%8A%D8%A9.png" in (
        disposition
    )
    assert "no-store" in response.headers["Cache-Control"]


def test_claims_of_another_office_are_not_found(client, logged_in, make_user):
    logged_in(Role.CLERK, office="BGD")
    number = register(client, **{"evidence-0-file": (io.BytesIO(png_bytes((9, 9, 9))), "d.png")})
    html = client.get(f"/claims/{number}").get_data(as_text=True)
    (link,) = re.findall(rf'href="(/claims/{number}/evidence/\d+)"', html)

    other = make_user(Role.CLERK, Role.ADJUDICATOR, office="NIN")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, other).status_code == 302
    assert client.get(f"/claims/{number}").status_code == 404
    assert client.get(link).status_code == 404
    assert client.get(f"/claims/{number}/edit").status_code == 404

    headquarters = make_user(Role.ADJUDICATOR, office="HQ")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, headquarters).status_code == 302
    assert client.get(f"/claims/{number}").status_code == 200
    assert client.get(link).status_code == 200


def test_evidence_of_another_claim_is_not_served_under_this_number(client, logged_in):
    logged_in(Role.CLERK)
    first = register(client, **{"evidence-0-file": (io.BytesIO(png_bytes((3, 3, 3))), "a.png")})
    second = register(client)
    html = client.get(f"/claims/{first}").get_data(as_text=True)
    (evidence_id,) = re.findall(rf'href="/claims/{first}/evidence/(\d+)"', html)
    assert client.get(f"/claims/{second}/evidence/{evidence_id}").status_code == 404


def test_a_claim_of_another_workspace_is_not_found(app, client, logged_in):
    """A training run's claim is invisible to operational pages, even to headquarters."""
    logged_in(Role.CLERK, Role.TRAINER, office="HQ")
    family = unique("تدريب")
    with app.app_context():
        training = Workspace(kind=WorkspaceKind.TRAINING, name=unique("views-test"))
        db.session.add(training)
        db.session.commit()
        with use_workspace(training.id):
            set_actor(Actor(None, "test"))
            claim = register_claim(
                db.session,
                claim_input(parties=[claimant(family=family)]),
                by=None,
                office=db.session.scalar(select(Office).where(Office.code == "ANB")),
                today=TODAY,
                evidence=[evidence_input(png_bytes((5, 4, 3)))],
                store=EvidenceStore(app.config["QAYD_DATA_DIR"]),
            )
            db.session.commit()
            number, evidence_id = claim.number, claim.evidence[0].id
        db.session.remove()
    # An operational claim may carry the same number; the training one never shows.
    for path in (f"/claims/{number}", f"/claims/{number}/edit"):
        page = client.get(path)
        assert page.status_code == 404 or family not in page.get_data(as_text=True), path
    assert client.get(f"/claims/{number}/evidence/{evidence_id}").status_code == 404
    listed = client.get("/claims/", query_string={"name": family}).get_data(as_text=True)
    assert "No claim matches this search." in listed


# ---- editing ---------------------------------------------------------------------------


class _FormValues(HTMLParser):
    """The values a browser would submit for the first form with a file upload."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("enctype") == "multipart/form-data":
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[name] = attrs.get("value", "y")
            else:
                self.values[name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data.lstrip("\n")


def form_values(html: str) -> dict:
    parser = _FormValues()
    parser.feed(html)
    return parser.values


def _edit_form(client, number: str) -> dict:
    """The edit form's current values, as the browser would post them back."""
    values = form_values(client.get(f"/claims/{number}/edit").get_data(as_text=True))
    values["save"] = ""
    return values


def test_edit_form_is_prefilled_and_saves_with_the_version_shown(client, logged_in, stored):
    logged_in(Role.CLERK)
    number = register(client, **{"evidence-0-file": (io.BytesIO(png_bytes((1, 1, 9))), "a.png")})
    form = _edit_form(client, number)
    assert form["version"] == "1"
    assert form["claimants-0-given_name"] == "محمد"
    assert form["parcel_no"] == "345/6"
    assert form["governorate_code"] == "IQ-BG"
    form["claimants-0-given_name"] = "أحمد"
    form["evidence-0-file"] = (io.BytesIO(png_bytes((1, 1, 8))), "b.png")
    response = post_claim(client, form, f"/claims/{number}/edit")
    assert response.status_code == 302, response.get_data(as_text=True)
    with stored() as session:
        claim = find_claim(session, number)
        assert claim.version == 2
        assert claim.claimants[0].given_name == "أحمد"
        assert sorted(item.original_filename for item in claim.evidence) == ["a.png", "b.png"]


def test_the_second_of_two_edits_from_the_same_version_is_refused(client, logged_in, stored):
    logged_in(Role.CLERK)
    number = register(client)
    first = _edit_form(client, number)
    second = dict(first)
    first["description"] = "First clerk's change."
    second["description"] = "Second clerk's change."
    assert post_claim(client, first, f"/claims/{number}/edit").status_code == 302
    response = post_claim(client, second, f"/claims/{number}/edit")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this claim" in html
    # The re-rendered form shows the claim as it is now, with its current version.
    assert "First clerk&#39;s change." in html
    assert re.search(r'name="version" type="hidden" value="2"|value="2"[^>]*name="version"', html)
    with stored() as session:
        claim = find_claim(session, number)
        assert claim.description == "First clerk's change."
        assert claim.version == 2


def test_edits_that_change_only_parties_are_versioned_too(client, logged_in, stored):
    logged_in(Role.CLERK)
    number = register(client)
    first = _edit_form(client, number)
    second = dict(first)
    first["claimants-0-given_name"] = "أحمد"
    second["claimants-0-given_name"] = "علي"
    assert post_claim(client, first, f"/claims/{number}/edit").status_code == 302
    assert post_claim(client, second, f"/claims/{number}/edit").status_code == 409
    with stored() as session:
        claim = find_claim(session, number)
        assert (claim.version, claim.claimants[0].given_name) == (2, "أحمد")


def test_edit_errors_are_shown_and_change_nothing(client, logged_in, stored):
    logged_in(Role.CLERK)
    number = register(client)
    form = _edit_form(client, number)
    form["parcel_no"] = "x/y"
    form["claimants-0-given_name"] = ""
    response = post_claim(client, form, f"/claims/{number}/edit")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not a parcel number" in _field_errors(html, "parcel_no")
    assert "given name is required" in _field_errors(html, "claimants-0-given_name")
    with stored() as session:
        claim = find_claim(session, number)
        assert claim.version == 1 and claim.claimants[0].given_name == "محمد"


def test_a_claim_past_registration_cannot_be_edited(client, logged_in, stored):
    logged_in(Role.CLERK)
    number = register(client)
    with stored() as session:
        find_claim(session, number).state = "screening"
        session.commit()
    response = client.get(f"/claims/{number}/edit")
    assert response.status_code == 302
    assert "Only a claim that is still registered" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert "Edit the claim" not in client.get(f"/claims/{number}").get_data(as_text=True)


# ---- the list -------------------------------------------------------------------------


def _numbers_in(html: str) -> list[str]:
    return re.findall(r'href="/claims/([A-Z]+-\d{4}-\d{6})"', html)


def test_branch_staff_list_only_their_office_and_headquarters_every_office(
    client, logged_in, make_user
):
    marker = unique("مكتب")
    logged_in(Role.CLERK, office="BGD")
    in_baghdad = register(client, **{"claimants-0-family_name": marker})
    logged_in(Role.CLERK, office="NIN")
    in_nineveh = register(
        client, **{"claimants-0-family_name": marker, "governorate_code": "IQ-NI"}
    )

    listed = _numbers_in(
        client.get("/claims/", query_string={"name": marker}).get_data(as_text=True)
    )
    assert listed == [in_nineveh]
    logged_in(Role.REVIEWER, office="HQ")
    listed = _numbers_in(
        client.get("/claims/", query_string={"name": marker}).get_data(as_text=True)
    )
    assert listed == [in_nineveh, in_baghdad]


def test_the_older_page_continues_exactly_where_the_first_ended(
    app, client, logged_in, stored, monkeypatch
):
    monkeypatch.setattr("claims.views.PAGE_SIZE", 3)
    marker = unique("صفحة")
    logged_in(Role.CLERK)
    numbers = [register(client, **{"claimants-0-family_name": marker}) for _ in range(7)]
    newest_first = list(reversed(numbers))

    seen = []
    url = "/claims/?" + f"name={marker}"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen.append(_numbers_in(html))
        older = re.search(r'href="([^"]+)" rel="next"', html)
        url = older.group(1).replace("&amp;", "&") if older else None
        if url:
            assert "before=" in url and "name=" in url  # the filter goes on to the next page
    assert seen == [newest_first[0:3], newest_first[3:6], newest_first[6:7]]


@pytest.fixture
def searchable(client, logged_in) -> dict[str, str]:
    """Three claims of one clerk that differ in what the search can tell apart; returns
    their numbers as "first", "second", "third" and the values to search for."""
    logged_in(Role.CLERK, office="HQ")
    found = {"family": unique("الربيعي"), "latin": unique("Rubaie")}
    found["first"] = register(
        client,
        **{
            "claimants-0-family_name": found["family"],
            "claimants-0-latin_name": f"Mohamed {found['latin']}",
            "parcel_no": "٧٧٧/٣",
            "governorate_code": "IQ-BA",
            "filed_on": "2025-01-15",
            "dispossession_on": "",
        },
    )
    found["second"] = register(
        client,
        **{
            "claimants-0-given_name": "زينب",
            "claimants-0-family_name": found["family"],
            "claimants-0-latin_name": "",
            "parcel_no": "777",
            "filed_on": "2026-02-10",
        },
    )
    found["third"] = register(
        client,
        **{
            "claimants-0-given_name": "حسن",
            "claimants-0-family_name": found["family"],
            "claimants-0-latin_name": "",
            "parcel_no": "778",
            "filed_on": "2026-03-20",
        },
    )
    office, year, seq = found["second"].split("-")
    found["second_unpadded"] = f"{office.lower()}-{year}-{int(seq)}"
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"name": "{family}"}, ["third", "second", "first"]),
        ({"name": "زينب {family}"}, ["second"]),
        ({"name": "MOHAMED"}, None),  # too common to assert on; must not fail
        ({"name": "mohamed {latin_lower}"}, ["first"]),
        ({"name": "{latin_upper}"}, ["first"]),
        ({"name": "{family}", "governorate": "IQ-BA"}, ["first"]),
        ({"name": "{family}", "parcel_no": "٧٧٧"}, ["second", "first"]),
        ({"name": "{family}", "parcel_no": "777/3"}, ["first"]),
        ({"name": "{family}", "parcel_no": "۷۷۷-۳"}, ["first"]),
        ({"name": "{family}", "filed_from": "2026-01-01"}, ["third", "second"]),
        ({"name": "{family}", "filed_to": "2026-02-10"}, ["second", "first"]),
        ({"name": "{family}", "state": "registered"}, ["third", "second", "first"]),
        ({"name": "{family}", "state": "screening"}, []),
        ({"number": "{second}"}, ["second"]),
        ({"number": "{second_unpadded}"}, ["second"]),
        ({"number": "HQ-2025-", "name": "{family}"}, ["first"]),
    ],
)
def test_search_finds_claims_by_each_filter(client, searchable, query, expected):
    values = dict(searchable, latin_lower=searchable["latin"].lower())
    values["latin_upper"] = searchable["latin"].upper()
    response = client.get(
        "/claims/", query_string={key: value.format(**values) for key, value in query.items()}
    )
    assert response.status_code == 200
    if expected is None:
        return
    names = {searchable[name]: name for name in ("first", "second", "third")}
    listed = [names.get(number, number) for number in _numbers_in(response.get_data(as_text=True))]
    assert listed == expected


def test_an_invalid_search_says_which_filter_is_wrong(client, logged_in):
    logged_in(Role.ADJUDICATOR)
    response = client.get("/claims/", query_string={"parcel_no": "abc", "filed_from": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not a parcel number" in _field_errors(html, "parcel_no") or "Not a valid date" in html
    response = client.get("/claims/", query_string={"parcel_no": "abc"})
    assert "not a parcel number" in _field_errors(response.get_data(as_text=True), "parcel_no")


def test_every_claim_role_can_open_the_list(client, logged_in):
    for role in (Role.CLERK, Role.ADJUDICATOR, Role.REVIEWER, Role.TRAINER, Role.ADMIN):
        logged_in(role)
        assert client.get("/claims/").status_code == 200


def test_arabic_pages_render(client, logged_in):
    logged_in(Role.CLERK)
    number = register(client)
    client.post("/language/ar", data={"csrf_token": csrf_token(client, "/"), "next": "/"})
    for path in ("/claims/new", f"/claims/{number}", "/claims/", f"/claims/{number}/edit"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'dir="rtl"' in response.get_data(as_text=True)


def test_claim_page_shows_possible_conflicts_on_the_same_parcel(client, logged_in):
    logged_in(Role.CLERK)
    parcel = str(700000 + int(hashlib.sha256(unique("p").encode()).hexdigest()[:5], 16))
    first = register(client, parcel_no=parcel)
    second = register(
        client,
        parcel_no=parcel,
        **{
            "claimants-0-given_name": "كاظم",
            "claimants-0-father_name": "جواد",
            "claimants-0-grandfather_name": "علي",
            "claimants-0-family_name": "الموسوي",
            "claimants-0-latin_name": "",
            "claimants-0-id_document_number": "",
        },
    )
    page = client.get(f"/claims/{second}").get_data(as_text=True)
    assert "Possible conflicting claims" in page
    assert first in page
    assert "competing claim" in page


def test_the_registration_form_warns_of_a_claimed_parcel_before_saving(app, client, logged_in):
    logged_in(Role.CLERK)
    parcel = str(900000 + int(hashlib.sha256(unique("w").encode()).hexdigest()[:5], 16))
    first = register(client, parcel_no=parcel)
    token = csrf_token(client, "/claims/new")
    # The same claimant again, now spelled in Latin letters only, the parcel in
    # Arabic-Indic digits: the check finds the stored claim and stores nothing.
    form = claim_form(
        token,
        parcel_no=parcel.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
        save=None,
        check_conflicts="Check for conflicting claims",
        **{
            "claimants-0-given_name": "Mohamed",
            "claimants-0-father_name": "Abdulrahman",
            "claimants-0-grandfather_name": "Hussein",
            "claimants-0-family_name": "al-Jubouri",
            "claimants-0-latin_name": "",
        },
    )
    with Db(app) as session:
        before = session.query(Claim).count()
    response = post_claim(client, form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    warning = page.split('id="conflict-check"', 1)[1].split("</section>", 1)[0]
    assert "Possible conflicting claims" in warning
    assert first in warning
    assert "duplicate" in warning  # same person, same parcel
    assert 'value="Mohamed"' in page  # the form keeps what was typed
    with Db(app) as session:
        assert session.query(Claim).count() == before


def test_the_check_says_so_when_nothing_conflicts(client, logged_in):
    logged_in(Role.CLERK)
    form = claim_form(
        csrf_token(client, "/claims/new"),
        parcel_no="98765/4",
        muqataa_no="987",
        address="",
        save=None,
        check_conflicts="Check for conflicting claims",
        **{"claimants-0-family_name": unique("النعيمي"), "claimants-0-latin_name": ""},
    )
    page = post_claim(client, form).get_data(as_text=True)
    assert "No conflicting claims found" in page


def test_the_check_needs_a_governorate_to_look_in(client, logged_in):
    logged_in(Role.CLERK)
    form = claim_form(
        csrf_token(client, "/claims/new"),
        governorate_code="",
        save=None,
        check_conflicts="Check for conflicting claims",
    )
    response = post_claim(client, form)
    assert response.status_code == 200
    assert "Give the governorate, then check for conflicts" in response.get_data(as_text=True)


def test_the_edit_form_check_does_not_find_the_claim_itself(client, logged_in):
    logged_in(Role.CLERK)
    number = register(client, parcel_no="97531", muqataa_no="975", address="")
    values = _edit_form(client, number)
    values.pop("save", None)
    values["check_conflicts"] = "Check for conflicting claims"
    page = post_claim(client, values, f"/claims/{number}/edit").get_data(as_text=True)
    warning = page.split('id="conflict-check"', 1)[1].split("</section>", 1)[0]
    assert number not in warning


def _conflicting_pair(client, logged_in) -> tuple[str, str]:
    logged_in(Role.CLERK)
    parcel = str(800000 + int(hashlib.sha256(unique("q").encode()).hexdigest()[:5], 16))
    first = register(client, parcel_no=parcel)
    second = register(
        client,
        parcel_no=parcel,
        **{
            "claimants-0-given_name": "كاظم",
            "claimants-0-family_name": unique("الموسوي"),
            "claimants-0-latin_name": "",
            "claimants-0-id_document_number": "",
        },
    )
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    return first, second


def _pair_id(app, first: str) -> int:
    from claims.models import ConflictCandidate

    with Db(app) as session:
        claim = find_claim(session, first)
        return session.scalar(
            select(ConflictCandidate.id).where(ConflictCandidate.claim_a_id == claim.id)
        )


def test_adjudicator_confirms_a_pair_in_the_review_queue(app, client, logged_in):
    first, second = _conflicting_pair(client, logged_in)
    logged_in(Role.ADJUDICATOR)
    queue = client.get(f"/claims/conflicts?claim={second}").get_data(as_text=True)
    assert first in queue and second in queue
    pair_id = _pair_id(app, first)
    token = csrf_token(client, "/claims/conflicts")
    response = client.post(
        f"/claims/conflicts/{pair_id}/review",
        data={
            f"pair-{pair_id}-csrf_token": token,
            "csrf_token": token,
            f"pair-{pair_id}-decision": "confirm",
            f"pair-{pair_id}-note": "Same house, two families",
        },
    )
    assert response.status_code == 302
    from claims.models import ConflictCandidate

    with Db(app) as session:
        pair = session.get(ConflictCandidate, pair_id)
        assert pair.status == "confirmed" and pair.review_note == "Same house, two families"
    after = client.get(f"/claims/conflicts?claim={second}").get_data(as_text=True)
    assert f"{first} ~ {second}" not in after
    # Both claims now show the group they are decided in, each naming the other.
    for this, other in ((first, second), (second, first)):
        page = client.get(f"/claims/{this}").get_data(as_text=True)
        group = page.split('id="group-heading"', 1)[1].split("</section>", 1)[0]
        assert other in group and this in group


def test_a_review_without_reason_changes_nothing(app, client, logged_in):
    first, _second = _conflicting_pair(client, logged_in)
    logged_in(Role.ADJUDICATOR)
    pair_id = _pair_id(app, first)
    token = csrf_token(client, "/claims/conflicts")
    client.post(
        f"/claims/conflicts/{pair_id}/review",
        data={
            "csrf_token": token,
            f"pair-{pair_id}-csrf_token": token,
            f"pair-{pair_id}-decision": "dismiss",
            f"pair-{pair_id}-note": "",
        },
    )
    from claims.models import ConflictCandidate

    with Db(app) as session:
        assert session.get(ConflictCandidate, pair_id).status == "open"


def test_clerks_cannot_review_conflicts(client, logged_in):
    logged_in(Role.CLERK)
    assert client.get("/claims/conflicts").status_code == 403


# ---- the claim's own property facts and parcels to be identified --------------------


def test_a_registration_on_a_claimed_parcel_leaves_the_other_claims_facts_unchanged(
    client, logged_in, stored
):
    logged_in(Role.CLERK)
    muqataa = str(int(unique("m")[-8:], 16))
    first = register(client, muqataa_no=muqataa, property_type="residential_land", area_m2="250")
    second = register(
        client,
        muqataa_no=muqataa,
        property_type="house",
        area_m2="300",
        parcel_no="٣٤٥/٦",
        **{"claimants-0-family_name": unique("العبيدي")},
    )
    with stored() as session:
        earlier, later = find_claim(session, first), find_claim(session, second)
        assert earlier.parcel_id == later.parcel_id
        assert (earlier.property_type, earlier.area_m2, earlier.stated_parcel_no) == (
            "residential_land",
            250,
            "345/6",
        )
        assert (later.property_type, later.area_m2) == ("house", 300)
    html = client.get(f"/claims/{first}").get_data(as_text=True)
    assert "Residential land" in html


def test_a_claim_without_muqataa_and_parcel_number_is_registered_to_be_identified(
    client, logged_in, stored
):
    logged_in(Role.CLERK)
    number = register(client, muqataa_no="", parcel_no="")
    with stored() as session:
        claim = find_claim(session, number)
        assert claim.parcel_id is None and claim.governorate_code == "IQ-BG"
    html = client.get(f"/claims/{number}").get_data(as_text=True)
    assert "Parcel to be identified" in html
    listed = client.get("/claims/?parcel_to_identify=y").get_data(as_text=True)
    assert number in listed
