"""The edit form through HTTP: prefilled, saved with the version shown, stale edits
refused, errors shown with nothing changed, and no edits after registration."""

from __future__ import annotations

import io
import re

from claims.queries import find_claim
from commission.accounts.models import Role
from tests.support.claim_forms import edit_form, field_errors, post_claim, register
from tests.support.claims import png_bytes


def test_edit_form_is_prefilled_and_saves_with_the_version_shown(client, logged_in, stored):
    logged_in(Role.CLERK)
    number = register(client, **{"evidence-0-file": (io.BytesIO(png_bytes((1, 1, 9))), "a.png")})
    form = edit_form(client, number)
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
    first = edit_form(client, number)
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
    first = edit_form(client, number)
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
    form = edit_form(client, number)
    form["parcel_no"] = "x/y"
    form["claimants-0-given_name"] = ""
    response = post_claim(client, form, f"/claims/{number}/edit")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not a parcel number" in field_errors(html, "parcel_no")
    assert "given name is required" in field_errors(html, "claimants-0-given_name")
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
