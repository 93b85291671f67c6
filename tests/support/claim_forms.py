"""The claim forms as a browser posts them: a valid registration form, the edit form's
current values read back from its HTML, and what a registration left behind."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import select

from claims.models import Claim, Party
from tests.support.app import unique
from tests.support.web import csrf_token

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


def claims_of_family(session, family_name: str) -> list[Claim]:
    return list(
        session.scalars(
            select(Claim).join(Party).where(Party.family_name == family_name).distinct()
        )
    )


def evidence_files(app) -> set[Path]:
    root = Path(app.config["QAYD_DATA_DIR"]) / "evidence"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


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


def edit_form(client, number: str) -> dict:
    """The edit form's current values, as the browser would post them back."""
    values = form_values(client.get(f"/claims/{number}/edit").get_data(as_text=True))
    values["save"] = ""
    return values


def field_errors(html: str, field_id: str) -> str:
    """The error list rendered right after the field with this id."""
    match = re.search(
        rf'id="{re.escape(field_id)}-errors" role="alert">(.*?)</ul>', html, flags=re.S
    )
    assert match, f"no errors shown for {field_id}"
    return match.group(1)
