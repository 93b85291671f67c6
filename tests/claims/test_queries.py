"""The claim search and visibility rules, on a fresh workspace of their own."""

from __future__ import annotations

from datetime import date

import pytest

from claims.domain import ClaimState, ParcelInput
from claims.matching.normalise import InvalidParcelNumber
from claims.operations import register_claim
from claims.queries import (
    ClaimFilters,
    claim_visible_to,
    find_claim,
    normalise_claim_number,
    search_claims,
)
from commission.accounts.models import Role, User
from commission.extensions import db
from commission.workspaces import use_workspace
from tests.support.claims import TODAY, claim_input, claimant
from tests.support.plans import plan_of, sent_statements


@pytest.fixture
def viewers(make_user):
    """User ids: a Baghdad clerk, a Nineveh clerk, a headquarters reviewer."""
    return {
        "baghdad": make_user(Role.CLERK, office="BGD").id,
        "nineveh": make_user(Role.CLERK, office="NIN").id,
        "hq": make_user(Role.REVIEWER, office="HQ").id,
    }


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def register(intake, office="BGD", **overrides):
    claim = register_claim(
        db.session,
        claim_input(**overrides),
        by=None,
        office=intake.office(office),
        today=TODAY,
        store=intake.store,
    )
    db.session.flush()
    return claim


def parcel(**overrides) -> ParcelInput:
    values = dict(
        governorate_code="IQ-BG",
        muqataa_no="12",
        parcel_no="345/6",
        property_type="house",
    )
    values.update(overrides)
    return ParcelInput(**values)


def numbers(claims) -> list[str]:
    return [claim.number for claim in claims]


def search(viewer_id, before_id=None, limit=50, **filters):
    return search_claims(
        db.session,
        ClaimFilters(**filters),
        viewer=user(viewer_id),
        before_id=before_id,
        limit=limit,
    )


def test_branch_staff_see_their_office_and_headquarters_every_office(intake, viewers):
    baghdad = register(intake, "BGD")
    nineveh = register(intake, "NIN")
    assert numbers(search(viewers["baghdad"])) == [baghdad.number]
    assert numbers(search(viewers["nineveh"])) == [nineveh.number]
    assert numbers(search(viewers["hq"])) == [nineveh.number, baghdad.number]


def test_keyset_pages_continue_where_the_last_ended_without_gaps_or_repeats(intake, viewers):
    registered = [register(intake) for _ in range(7)]
    newest_first = list(reversed(numbers(registered)))
    pages, before = [], None
    while True:
        page = search(viewers["baghdad"], before_id=before, limit=3)
        if not page:
            break
        pages.append(numbers(page))
        before = page[-1].id
    assert pages == [newest_first[:3], newest_first[3:6], newest_first[6:]]


def test_a_claim_registered_meanwhile_does_not_shift_the_next_page(intake, viewers):
    registered = [register(intake) for _ in range(4)]
    first_page = search(viewers["baghdad"], limit=2)
    register(intake)  # lands on top, not in the middle of the pages already seen
    second_page = search(viewers["baghdad"], before_id=first_page[-1].id, limit=2)
    assert numbers(second_page) == [registered[1].number, registered[0].number]


def test_name_search_finds_each_word_in_one_party_in_either_script(intake, viewers):
    jubouri = register(intake)  # محمد عبد الرحمن حسين الجبوري / Mohamed … al-Jubouri
    other = register(
        intake,
        parties=[claimant(given="زينب", father="علي", family="التميمي", latin_name="Zainab Ali")],
    )
    hq = viewers["hq"]
    assert numbers(search(hq, name="الجبوري")) == [jubouri.number]
    assert numbers(search(hq, name="عبد الرحمن")) == [jubouri.number]
    assert numbers(search(hq, name="محمد الجبوري")) == [jubouri.number]
    assert numbers(search(hq, name="ABDULRAHMAN")) == [jubouri.number]
    assert numbers(search(hq, name="zainab")) == [other.number]
    assert numbers(search(hq, name="علي")) == [other.number]
    assert search(hq, name="محمد التميمي") == []  # both words in the same party
    assert search(hq, name="%") == [] and search(hq, name="_") == []  # no wildcards


def test_name_search_also_finds_respondents_and_representatives(intake, viewers):
    from claims.domain import PartyInput, PartyRole

    occupant = PartyInput(role=PartyRole.RESPONDENT, given_name="كريم", family_name="الساعدي")
    claim = register(intake, parties=[claimant(), occupant])
    assert numbers(search(viewers["hq"], name="الساعدي")) == [claim.number]


def test_number_search_takes_a_whole_number_or_its_beginning(intake, viewers):
    first, second = register(intake), register(intake)
    later = register(intake, filed_on=date(2025, 6, 1))
    hq = viewers["hq"]
    assert numbers(search(hq, number=second.number)) == [second.number]
    assert numbers(search(hq, number="bgd-2026-2")) == [second.number]
    assert numbers(search(hq, number="BGD-٢٠٢٦-١")) == [first.number]
    assert numbers(search(hq, number="BGD-2026-")) == [second.number, first.number]
    assert numbers(search(hq, number="BGD-2025")) == [later.number]
    assert search(hq, number="BGD-2026-%") == []


def test_parcel_search_reads_any_script_and_a_main_number_finds_its_sub_parcels(intake, viewers):
    sub = register(intake, parcel=parcel(parcel_no="٣٤٥/٦"))
    main = register(intake, parcel=parcel(parcel_no="345"))
    other = register(intake, parcel=parcel(parcel_no="346"))
    hq = viewers["hq"]
    assert numbers(search(hq, parcel_no="345")) == [main.number, sub.number]
    assert numbers(search(hq, parcel_no="٣٤٥")) == [main.number, sub.number]
    assert numbers(search(hq, parcel_no="0345/6")) == [sub.number]
    assert numbers(search(hq, parcel_no="۳۴۶")) == [other.number]
    with pytest.raises(InvalidParcelNumber):
        search(hq, parcel_no="three")


def test_governorate_state_and_date_filters(intake, viewers):
    basra = register(intake, parcel=parcel(governorate_code="IQ-BA"), filed_on=date(2026, 1, 10))
    baghdad = register(intake, filed_on=date(2026, 2, 20))
    baghdad.state = ClaimState.SCREENING
    db.session.flush()
    hq = viewers["hq"]
    assert numbers(search(hq, governorate_code="iq-ba")) == [basra.number]
    assert numbers(search(hq, state=ClaimState.SCREENING)) == [baghdad.number]
    assert numbers(search(hq, state=ClaimState.REGISTERED)) == [basra.number]
    assert numbers(search(hq, filed_from=date(2026, 2, 20))) == [baghdad.number]
    assert numbers(search(hq, filed_to=date(2026, 2, 19))) == [basra.number]
    assert search(hq, governorate_code="IQ-BA", state=ClaimState.SCREENING) == []


def test_claims_of_other_workspaces_are_never_found(app, intake, viewers, workspace):
    from commission.workspaces import Workspace, WorkspaceKind

    claim = register(intake)
    db.session.commit()
    elsewhere = Workspace(kind=WorkspaceKind.TRAINING, name="other run")
    db.session.add(elsewhere)
    db.session.commit()
    with use_workspace(elsewhere.id):
        assert search(viewers["hq"]) == []
        assert find_claim(db.session, claim.number) is None
        assert not claim_visible_to(claim, user(viewers["hq"]))


def test_claim_visibility_follows_the_office(intake, viewers):
    claim = register(intake, "BGD")
    assert claim_visible_to(claim, user(viewers["baghdad"]))
    assert claim_visible_to(claim, user(viewers["hq"]))
    assert not claim_visible_to(claim, user(viewers["nineveh"]))


@pytest.mark.parametrize(
    ("entered", "normalised"),
    [
        ("bgd-2026-123", "BGD-2026-000123"),
        (" BGD-٢٠٢٦-٠٠٠١٢٣ ", "BGD-2026-000123"),
        ("BGD-2026", "BGD-2026"),
        ("nin", "NIN"),
    ],
)
def test_claim_numbers_are_normalised_leniently(entered, normalised):
    assert normalise_claim_number(entered) == normalised


@pytest.mark.parametrize(
    ("viewer", "indexes"),
    [
        ("baghdad", ("ix_claim_workspace_office_list",)),
        # In SQLite every index ends with the rowid (= id), so (workspace_id) serves as
        # well as (workspace_id, id); the planner may take either.
        ("hq", ("ix_claim_workspace_list", "ix_claim_workspace_id")),
    ],
)
def test_the_plain_list_walks_an_index_newest_first(intake, viewers, viewer, indexes):
    """The statement search_claims sends is an index range scan with no sort step, so a
    page costs the same with a million claims (checked on SQLite's plan)."""
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's planner picks by statistics")
    register(intake)
    with sent_statements(kinds=("SELECT",)) as sent:
        search(viewers[viewer], before_id=1_000_000, limit=51)
    statement, parameters = next(
        (statement, parameters) for statement, parameters in sent if "FROM claim" in statement
    )
    plan = plan_of(statement, parameters)
    assert any(f"USING INDEX {index} " in plan for index in indexes), plan
    assert "TEMP B-TREE" not in plan, plan  # no sort: the index gives the order
