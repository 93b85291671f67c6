"""Text hygiene through the registration form and match-csv: invisible characters do
not hide a conflict, bidi controls are not stored, a NUL is a field error."""

from __future__ import annotations

import csv

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from claims.models import Claim, Party
from commission.accounts.models import Role
from tests.support.app import InOperational as Db
from tests.support.app import unique
from tests.support.claim_forms import claim_form, field_errors, post_claim, register
from tests.support.web import csrf_token

INVISIBLE = ["\u200b", "\u2060", "\u00ad", "\ufeff"]
HEADER = "ref,governorate,muqataa_no,parcel_no,claimant_name,respondent_name\n"


def test_bidi_controls_are_not_stored(app, client, logged_in):
    logged_in(Role.CLERK)
    family = unique("الجبوري")
    number = register(client, **{"claimants-0-family_name": f"\u202e{family}\u2066\u200f"})
    with Db(app) as session:
        claim = session.scalar(select(Claim).where(Claim.number == number))
        names = [party.family_name for party in claim.parties]
    assert family in names


def test_a_nul_is_a_field_error_and_stores_nothing(app, client, logged_in):
    logged_in(Role.CLERK)
    family = unique("nul")
    form = claim_form(
        csrf_token(client, "/claims/new"), **{"claimants-0-family_name": f"{family}\x00"}
    )
    response = post_claim(client, form)
    assert response.status_code == 400
    assert "U+0000" in field_errors(response.get_data(as_text=True), "claimants-0-family_name")
    with Db(app) as session:
        assert session.scalar(select(Party).where(Party.family_name.like(f"{family}%"))) is None


def _match(runner, tmp_path, rows: list[str]) -> set[tuple[str, str, str]]:
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(
        args=["claims", "match-csv", str(source), "-o", str(out), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        return {(row["ref_a"], row["ref_b"], row["kind"]) for row in csv.DictReader(handle)}


def test_match_csv_invisible_characters_keep_a_duplicate_and_a_counterclaim(runner, tmp_path):
    for char in INVISIBLE:
        name = f"محمد عب{char}د الرح{char}من حسين"
        pairs = _match(
            runner,
            tmp_path,
            [
                "A,IQ-BG,12,345,محمد عبد الرحمن حسين,علي كاظم",
                f"B,IQ-BG,12,3{char}45,{name},علي كاظم",
                f"C,IQ-BG,12,345,علي كا{char}ظم,{name}",
            ],
        )
        assert ("A", "B", "duplicate") in pairs, char
        assert ("A", "C", "counterclaim") in pairs or ("B", "C", "counterclaim") in pairs, char


def test_match_csv_refuses_a_nul_naming_the_line(runner, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "A,IQ-BG,12,345,Ali\x00,\n", encoding="utf-8")
    result = runner.invoke(args=["claims", "match-csv", str(source), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code != 0
    assert "U+0000" in result.output and "line" in result.output


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(max_size=300))
def test_any_text_in_the_registration_form_is_never_a_server_error(client, logged_in, text):
    if not getattr(client, "_logged_in_for_hypothesis", False):
        logged_in(Role.CLERK)
        client._logged_in_for_hypothesis = True
    form = claim_form(
        csrf_token(client, "/claims/new"),
        **{"claimants-0-given_name": text, "parcel_no": text, "address": text, "district": text},
    )
    assert post_claim(client, form).status_code < 500
