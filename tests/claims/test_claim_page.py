"""The claim page through HTTP: what it shows, evidence downloads, and claims of another
office or workspace not found."""

from __future__ import annotations

import hashlib
import io
import re

from sqlalchemy import select

from claims.files import EvidenceStore
from claims.operations import register_claim
from claims.queries import find_claim
from commission.accounts.models import Office, Role, User
from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import (
    Workspace,
    WorkspaceKind,
    operational_workspace_id,
    use_workspace,
)
from tests.support.app import unique
from tests.support.claim_forms import register
from tests.support.claims import TODAY, claim_input, claimant, evidence_input, png_bytes
from tests.support.web import csrf_token, login


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


# ---- parcel identification from the claim page ---------------------------------------


def _identification(token: str, muqataa: str, **overrides) -> dict:
    data = {
        "csrf_token": token,
        "version": "1",
        "governorate_code": "IQ-BG",
        "muqataa_no": muqataa,
        "parcel_no": "512/3",
        "reason": "Registry extract no. 4471.",
    }
    data.update(overrides)
    return data


def test_a_reviewer_requests_the_extract_and_records_the_parcel_from_the_claim_page(
    client, logged_in, stored
):
    logged_in(Role.CLERK)
    number = register(client, muqataa_no="", parcel_no="")
    logged_in(Role.REVIEWER)
    token = csrf_token(client, f"/claims/{number}")
    muqataa = str(int(unique("m")[-8:], 16))

    requested = client.post(
        f"/claims/{number}/registry-extract", data={"csrf_token": token, "note": "Blue gate."}
    )
    assert requested.status_code == 303
    assert requested.headers["Location"].endswith(f"/claims/{number}#letters")
    recorded = client.post(f"/claims/{number}/parcel", data=_identification(token, muqataa))
    assert recorded.status_code == 303

    html = client.get(f"/claims/{number}").get_data(as_text=True)
    assert "The parcel is recorded" in html
    assert "Registry extract requested" in html and "Parcel identified" in html
    with stored() as session:
        claim = find_claim(session, number)
        assert claim.parcel.parcel_key == f"IQ-BG|{muqataa}|512/3"
        assert claim.stated_parcel_no == ""


def test_a_refused_identification_shows_the_errors_on_the_claim_page_and_stores_nothing(
    client, logged_in, stored
):
    logged_in(Role.CLERK)
    number = register(client, muqataa_no="", parcel_no="")
    logged_in(Role.REVIEWER)
    token = csrf_token(client, f"/claims/{number}")
    muqataa = str(int(unique("m")[-8:], 16))

    refused = client.post(
        f"/claims/{number}/parcel", data=_identification(token, muqataa, area_m2="-4")
    )
    assert refused.status_code == 400
    assert "The area must be more than zero." in refused.get_data(as_text=True)
    stale = client.post(
        f"/claims/{number}/parcel", data=_identification(token, muqataa, version="7")
    )
    assert stale.status_code == 303
    assert "Someone else changed this claim" in client.get(f"/claims/{number}").get_data(
        as_text=True
    )
    with stored() as session:
        assert find_claim(session, number).parcel_id is None


def test_an_arabic_claim_page_names_staff_in_arabic_script(app, client, logged_in):
    clerk = logged_in(Role.CLERK)
    with app.app_context():
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "test"))
            db.session.get(User, clerk.id).name_ar = "زينب حسن علي"
            db.session.commit()
        db.session.remove()
    number = register(client)
    client.post("/language/ar", data={"csrf_token": csrf_token(client, "/"), "next": "/"})
    html = client.get(f"/claims/{number}").get_data(as_text=True)
    assert "زينب حسن علي" in html  # registered by, in the page's script
    assert "Test User" not in html


def test_a_claim_lacking_data_says_so_on_its_page_and_in_the_list(client, logged_in):
    logged_in(Role.CLERK)
    number = register(
        client,
        **{"claimants-0-id_document_type": "", "claimants-0-id_document_number": ""},
    )
    page = client.get(f"/claims/{number}").get_data(as_text=True)
    assert '<span class="tag quality-flag"' in page and "No identity number" in page
    listed = client.get("/claims/", query_string={"number": number}).get_data(as_text=True)
    assert "No identity number" in listed.split("<tbody>")[1]

    complete = register(client)
    assert "quality-flag" not in client.get(f"/claims/{complete}").get_data(as_text=True)
