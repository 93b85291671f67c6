"""The conflict check through HTTP: possible conflicts on the claim page, and the check
on the registration and edit forms before saving."""

from __future__ import annotations

import hashlib

from claims.models import Claim
from commission.accounts.models import Role
from tests.support.app import InOperational as Db
from tests.support.app import unique
from tests.support.claim_forms import claim_form, edit_form, post_claim, register
from tests.support.web import csrf_token


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


def test_the_check_needs_a_parcel_to_look_for(client, logged_in):
    logged_in(Role.CLERK)
    form = claim_form(
        csrf_token(client, "/claims/new"),
        parcel_no="",
        save=None,
        check_conflicts="Check for conflicting claims",
    )
    response = post_claim(client, form)
    assert response.status_code == 200
    assert "Give the governorate and the parcel number" in response.get_data(as_text=True)


def test_the_edit_form_check_does_not_find_the_claim_itself(client, logged_in):
    logged_in(Role.CLERK)
    number = register(client, parcel_no="97531", muqataa_no="975", address="")
    values = edit_form(client, number)
    values.pop("save", None)
    values["check_conflicts"] = "Check for conflicting claims"
    page = post_claim(client, values, f"/claims/{number}/edit").get_data(as_text=True)
    warning = page.split('id="conflict-check"', 1)[1].split("</section>", 1)[0]
    assert number not in warning
