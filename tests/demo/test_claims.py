"""Demo claims: the generator and `flask seed-demo --claims N`."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func, select

from claims.domain import ClaimState
from claims.interchange import is_latin_script
from claims.matching.blocking import parcel_key
from claims.matching.normalise import fold_digits, parse_muqataa_number, parse_parcel_number
from claims.models import Claim
from claims.operations import validate_claim
from commission.accounts.models import User
from commission.extensions import db
from commission.governorates import BY_CODE
from commission.workspaces import operational_workspace_id, use_workspace
from demo.claims import generate_demo_claims, iter_demo_claims
from tests.support.claims import TODAY


def key(claim) -> str:
    return parcel_key(
        claim.parcel.governorate_code,
        parse_muqataa_number(claim.parcel.muqataa_no),
        parse_parcel_number(claim.parcel.parcel_no),
    )


def test_the_same_seed_gives_the_same_claims_and_every_claim_is_valid():
    first = generate_demo_claims(400, seed=3, today=TODAY)
    assert first == generate_demo_claims(400, seed=3, today=TODAY)
    assert first != generate_demo_claims(400, seed=4, today=TODAY)
    assert [claim.import_ref for claim in first] == [f"demo-{i}" for i in range(1, 401)]
    assert all(validate_claim(claim, today=TODAY) == {} for claim in first)


def test_demo_data_looks_like_iraqi_intake():
    claims = generate_demo_claims(1000, seed=11, today=TODAY)
    parties = [party for claim in claims for party in claim.parties]
    latin = " ".join(party.latin_name for party in parties)
    for spelling in ("Mohammed", "Muhammad", "Mohamed", "Abdul ", "Abd al-", "al-", "el-"):
        assert spelling in latin, spelling
    assert all(party.given_name and party.family_name for party in parties)
    numbers = [claim.parcel.parcel_no for claim in claims]
    assert any(number != fold_digits(number) for number in numbers)  # ٣٤٥/٦
    assert any("/" in number for number in numbers)
    codes = Counter(claim.parcel.governorate_code for claim in claims)
    assert codes.keys() <= BY_CODE.keys()
    assert codes.most_common(1)[0][0] == "IQ-NI"
    assert any(len(claim.in_role("claimant")) > 1 for claim in claims)  # heirs with shares


def test_conflicts_are_planted():
    demos = list(iter_demo_claims(1000, seed=11, today=TODAY))
    by_ref = {demo.claim.import_ref: demo.claim for demo in demos}
    kinds = Counter(demo.planted for demo in demos)
    assert kinds["competing"] and kinds["duplicate"] and kinds["counterclaim"]
    claims_per_parcel = defaultdict(set)
    for demo in demos:
        claims_per_parcel[key(demo.claim)].add(demo.claim.parties[0].family_name)
    assert any(len(families) >= 3 for families in claims_per_parcel.values())
    for demo in demos:
        if not demo.planted:
            continue
        earlier = by_ref[demo.of_ref]
        assert key(demo.claim) == key(earlier)
        claimant, first = demo.claim.parties[0], earlier.parties[0]
        if demo.planted == "duplicate":
            # The same person, this time in Latin letters.
            assert is_latin_script(claimant.given_name)
            assert claimant.id_document_number == first.id_document_number
        if demo.planted == "competing":
            assert claimant.family_name != first.family_name
        if demo.planted == "counterclaim" and not is_latin_script(first.given_name):
            # The earlier claimant is now the respondent, in Arabic script.
            respondent = demo.claim.in_role("respondent")[0]
            assert respondent.given_name == first.given_name
            assert respondent.family_name == first.family_name


def demo_claims(app) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        with use_workspace(operational_workspace_id(db.session)):
            rows = db.session.execute(
                select(Claim.import_ref, Claim.number, User.username)
                .outerjoin(User, User.id == Claim.registered_by_id)
                .where(Claim.import_ref.in_([f"demo-{i}" for i in range(1, 41)]))
                .order_by(Claim.id)
            ).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def test_seed_demo_claims_is_idempotent(app, runner):
    first = runner.invoke(args=["seed-demo", "--claims", "25"])
    assert first.exit_code == 0, first.output
    assert "Demo claims by state:" in first.output
    assert all(f"  {state} " in first.output for state in ClaimState)
    seeded = demo_claims(app)
    assert len(seeded) == 25
    assert {username for _ref, _number, username in seeded} == {"clerk"}

    again = runner.invoke(args=["seed-demo", "--claims", "25"])
    assert again.exit_code == 0, again.output
    assert "0 created, 25 already there" in again.output
    assert demo_claims(app) == seeded

    more = runner.invoke(args=["seed-demo", "--claims", "40"])
    assert "15 created, 25 already there" in more.output
    assert demo_claims(app)[:25] == seeded


def test_demo_claims_are_registered_at_the_office_of_their_governorate(app, runner):
    assert runner.invoke(args=["seed-demo", "--claims", "25"]).exit_code == 0
    with app.app_context():
        with use_workspace(operational_workspace_id(db.session)):
            claims = db.session.scalars(
                select(Claim).where(Claim.import_ref.in_([f"demo-{i}" for i in range(1, 26)]))
            ).all()
            offices = {office.governorate_code for office in (c.office for c in claims)}
            assert all(
                claim.office.governorate_code == claim.parcel.governorate_code for claim in claims
            )
            assert len(offices) > 1
            parcels = db.session.scalar(
                select(func.count(func.distinct(Claim.parcel_id))).where(
                    Claim.id.in_([claim.id for claim in claims])
                )
            )
            assert parcels <= len(claims)
        db.session.remove()
