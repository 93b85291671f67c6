"""Search that finds people: names in any spelling or script, identity numbers and claim
number tails, each answered from an index."""

from __future__ import annotations

import re

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, select

from claims.domain import PartyInput, PartyRole
from claims.matching import name_words
from claims.models import ClaimCounter, PartySearchKey
from claims.operations import register_claim
from claims.queries import ClaimFilters, search_claims
from commission.accounts.models import Role, User
from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import operational_workspace_id, use_workspace
from tests.support.app import unique
from tests.support.claims import TODAY, IntakeContext, claim_input, claimant
from tests.support.import_rows import imported, legacy_row, run_import, write_rows
from tests.support.plans import plan_of, sent_statements


@pytest.fixture
def viewers(make_user):
    """User ids: a headquarters adjudicator and a Nineveh clerk."""
    return {
        "hq": make_user(Role.ADJUDICATOR, office="HQ").id,
        "nineveh": make_user(Role.CLERK, office="NIN").id,
    }


def person(given, father="", grandfather="", family="", **kw) -> PartyInput:
    return claimant(given=given, father=father, grandfather=grandfather, family=family, **kw)


def register(intake, *parties, office="BGD"):
    claim = register_claim(
        db.session,
        claim_input(parties=list(parties)),
        by=None,
        office=intake.office(office),
        today=TODAY,
        store=intake.store,
    )
    db.session.flush()
    return claim


#: Eighteen given names with eighteen different skeletons, in one Latin spelling.
MANY_NAMES = (
    "Karim Salim Nabil Jamil Rashid Hamid Majid Sami Fadil Kamal Munir Basil Talib Ghazi "
    "Zuhair Nizar Wafiq Labib"
)
#: The revision before the search's word pairs.
PAIRS_REVISION_BEFORE = "5c0e7a91d2b4"


def search(viewer_id, limit=50, **filters):
    viewer = db.session.get(User, viewer_id)
    return search_claims(db.session, ClaimFilters(**filters), viewer=viewer, limit=limit)


def numbers(claims) -> list[str]:
    return [claim.number for claim in claims]


def test_alef_without_hamza_finds_the_hamzated_name(intake, viewers):
    ahmad = register(intake, person("أحمد", "حسن", "علي", "الربيعي"))
    assert numbers(search(viewers["hq"], name="احمد")) == [ahmad.number]
    assert numbers(search(viewers["hq"], name="إحمد")) == [ahmad.number]


def test_a_compound_name_is_found_written_together_or_apart(intake, viewers):
    apart = register(intake, person("عبد الله", "كريم", "جاسم", "العبيدي"))
    together = register(intake, person("عبدالله", "سالم", "", "الدوري"))
    found = set(numbers(search(viewers["hq"], name="عبدالله")))
    assert found == {apart.number, together.number}
    assert set(numbers(search(viewers["hq"], name="عبد الله"))) == found
    assert set(numbers(search(viewers["hq"], name="Abdullah"))) == found


@pytest.mark.parametrize(
    ("entered", "typed"),
    [
        ("فاطمة", "فاطمه"),  # taa marbuta
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("مُحَمَّد", "محمد"),  # diacritics
        ("محمد", "مـحـمـد"),  # tatweel
        ("مؤيد", "مويد"),  # hamza on waw
    ],
)
def test_arabic_letter_variants_and_marks_are_folded(intake, viewers, entered, typed):
    claim = register(intake, person(entered, "حسين", "", "الجبوري"))
    assert numbers(search(viewers["hq"], name=typed)) == [claim.number]
    assert numbers(search(viewers["hq"], name=f"{typed} الجبوري")) == [claim.number]


def test_a_latin_query_finds_arabic_names_and_the_closest_comes_first(intake, viewers):
    full = register(intake, person("شيرزاد", "عبد الله", "قاسم", "التميمي"))
    short = register(intake, person("شيرزاد", "", "", ""))
    other = register(intake, person("شيرين", "قاسم", "", "التميمي"))
    found = numbers(search(viewers["hq"], name="Shirzad"))
    assert found == [short.number, full.number]  # the whole name before a longer one
    assert other.number not in found
    assert numbers(search(viewers["hq"], name="Shirzad Abdullah Qasim")) == [full.number]


def test_an_arabic_query_finds_a_name_entered_only_in_latin_letters(intake, viewers):
    claim = register(intake, person("Mohamed", "Abdulrahman", "", "al-Jubouri"))
    assert numbers(search(viewers["hq"], name="محمد عبد الرحمن")) == [claim.number]
    assert numbers(search(viewers["hq"], name="Muhammad Abd al-Rahman")) == [claim.number]


def test_the_latin_spelling_of_a_party_is_searched_too(intake, viewers):
    claim = register(intake, person("كاظم", "جواد", "", "", latin_name="Kadhim Jawad"))
    assert numbers(search(viewers["hq"], name="Kazim Jawad")) == [claim.number]


def test_closer_names_rank_first_then_newer_claims(intake, viewers):
    longer = register(intake, person("أحمد", "حسن", "علي", "الجبوري"))
    exact = register(intake, person("احمد", "حسن"))
    newer_longer = register(intake, person("أحمد", "حسن", "كاظم", "الجبوري"))
    assert numbers(search(viewers["hq"], name="أحمد حسن")) == [
        exact.number,
        newer_longer.number,
        longer.number,
    ]


def test_every_word_must_be_in_one_party(intake, viewers):
    occupant = PartyInput(role=PartyRole.RESPONDENT, given_name="كريم", family_name="الساعدي")
    claim = register(intake, person("زينب", "علي", "", "التميمي"), occupant)
    assert numbers(search(viewers["hq"], name="كريم الساعدي")) == [claim.number]
    assert search(viewers["hq"], name="زينب الساعدي") == []


def test_words_are_found_in_any_order_and_at_any_distance(intake, viewers):
    claim = register(intake, person("محمد", "حسين", "علي", "الجبوري"))
    assert numbers(search(viewers["hq"], name="الجبوري محمد")) == [claim.number]
    assert numbers(search(viewers["hq"], name="Ali Mohammed")) == [claim.number]
    assert numbers(search(viewers["hq"], name="Jubouri Hussein Muhammad")) == [claim.number]


def test_common_words_that_no_one_has_together_find_nothing(intake, viewers):
    register(intake, person("محمد", "حسين", "", "الجبوري"))
    register(intake, person("زينب", "علي", "", "التميمي"))
    assert search(viewers["hq"], name="محمد التميمي") == []
    assert search(viewers["hq"], name="Zainab al-Jubouri") == []
    assert search(viewers["hq"], name="محمد حسين التميمي") == []


def test_every_word_of_a_long_query_is_checked(intake, viewers):
    """The pairs of the first words choose where to look; the words after them are
    checked on each party found."""
    whole = register(intake, person("محمد", "حسين", "علي", "كاظم الجبوري"))
    register(intake, person("محمد", "حسين", "علي", "كاظم التميمي"))
    query = "Mohammed Hussein Ali Kadhim al-Jubouri"
    assert numbers(search(viewers["hq"], name=query)) == [whole.number]
    assert search(viewers["hq"], name=f"{query} Shammari") == []


def test_a_name_that_matches_nothing_finds_nothing(intake, viewers):
    register(intake, person("محمد", "حسين", "", "الجبوري"))
    assert search(viewers["hq"], name="زرادشت") == []
    assert search(viewers["hq"], name="محمد زرادشت") == []
    assert search(viewers["hq"], name="ال") == []  # an article alone is no name


def test_name_search_keeps_the_office_and_the_other_filters(intake, viewers):
    baghdad = register(intake, person("يوسف", "محمود"))
    nineveh = register(intake, person("يوسف", "محمود"), office="NIN")
    assert numbers(search(viewers["nineveh"], name="Yousif Mahmoud")) == [nineveh.number]
    assert numbers(search(viewers["hq"], name="يوسف", number=baghdad.number)) == [baghdad.number]


def test_identity_numbers_are_found_in_any_script_and_grouping(intake, viewers):
    claim = register(intake, person("سعاد", "جبار", id_document_number="١٩٨٤٠٥١٢٣٤٥٦"))
    register(intake, person("سعاد", "جبار", id_document_number="198405123457"))
    assert numbers(search(viewers["hq"], id_number="1984 0512-3456")) == [claim.number]
    assert numbers(search(viewers["hq"], id_number="١٩٨٤٠٥١٢٣٤٥٦")) == [claim.number]
    assert search(viewers["hq"], id_number="1984051234") == []  # a whole number, not a part
    assert search(viewers["hq"], id_number=" - ") == []


def test_a_claim_number_tail_finds_that_number_at_every_office(intake, viewers):
    offices = {code: intake.office(code) for code in ("BGD", "NIN")}
    for office in offices.values():
        db.session.add(ClaimCounter(office_id=office.id, year=TODAY.year, last_seq=22))
    db.session.flush()
    baghdad = register(intake, person("علي"))
    nineveh = register(intake, person("علي"), office="NIN")
    later = register(intake, person("علي"))
    assert baghdad.number == f"BGD-{TODAY.year}-000023"
    hq = viewers["hq"]
    assert numbers(search(hq, number="000023")) == [nineveh.number, baghdad.number]
    assert numbers(search(hq, number="23")) == [nineveh.number, baghdad.number]
    assert numbers(search(hq, number="٢٤")) == [later.number]
    assert numbers(search(viewers["nineveh"], number="000023")) == [nineveh.number]
    assert search(hq, number="000025") == []


def test_an_edit_replaces_the_names_a_claim_is_found_by(intake, viewers):
    claim = register(intake, person("هاشم", "ناصر"))
    intake.edit(claim, claim_input(parties=[person("حيدر", "ناصر")]))
    db.session.flush()
    assert search(viewers["hq"], name="هاشم") == []
    assert numbers(search(viewers["hq"], name="حيدر ناصر")) == [claim.number]


def test_imported_claims_are_found_by_name_and_identity_number(intake, viewers, tmp_path):
    prefix = unique("found")
    rows = [
        legacy_row(
            f"{prefix}-1",
            "77",
            1,
            claimant_name="Sherzad Qassem al-Barzinji",
            claimant_id_no="1984 0512 3499",
        ),
        legacy_row(f"{prefix}-2", "77", 2, claimant_name="نوزاد حمه البرزنجي", office=""),
    ]
    assert run_import(write_rows(tmp_path / "people.csv", rows)).published
    first, second = (claim.number for claim in imported(prefix))
    assert numbers(search(viewers["hq"], name="شيرزاد البرزنجي")) == [first]
    assert numbers(search(viewers["hq"], id_number="١٩٨٤٠٥١٢٣٤٩٩")) == [first]
    assert numbers(search(viewers["hq"], name="Nawzad Barzinji")) == [second]


def test_rekey_fills_the_search_keys_of_existing_claims(app, runner, viewers):
    with app.app_context(), use_workspace(operational_workspace_id(db.session)):
        intake = IntakeContext(app, operational_workspace_id(db.session))
        claim = intake.register(claim_input(parties=[person("نوزاد", "حمه", "", "البرزنجي")]))
        db.session.commit()
        claim_id = claim.id
        db.session.execute(delete(PartySearchKey).where(PartySearchKey.claim_id == claim_id))
        db.session.commit()
        assert search(viewers["hq"], name="Nawzad Barzinji") == []
        db.session.remove()

    result = runner.invoke(args=["conflicts", "rekey"])
    assert result.exit_code == 0, result.output
    with app.app_context(), use_workspace(operational_workspace_id(db.session)):
        found = search(viewers["hq"], name="Nawzad Barzinji")
        assert [one.id for one in found] == [claim_id]
        db.session.remove()


def test_the_upgrade_gives_existing_parties_the_word_pairs_the_search_makes(app, workspace):
    """The migration that brought word pairs makes them in SQL from the stored word keys;
    they must be the keys registration stores, in both databases."""
    with app.app_context(), use_workspace(workspace):
        set_actor(Actor(None, "test"))
        intake = IntakeContext(app, workspace)
        parties = [
            person("محمد", "عبد الرحمن", "حسين", "الجبوري", latin_name="Mohamed Abdulrahman"),
            person("شيرزاد", "قاسم", latin_name="Sherzad Qassem al-Barzinji"),
            # More words than pairs are made of: the first sixteen are paired.
            person("زيد", latin_name=MANY_NAMES),
        ]
        claim_ids = [intake.register(claim_input(parties=[party])).id for party in parties]
        db.session.commit()

        def pairs():
            rows = db.session.execute(
                select(PartySearchKey.party_id, PartySearchKey.key).where(
                    PartySearchKey.claim_id.in_(claim_ids), PartySearchKey.key.startswith("P|")
                )
            )
            found = set(rows.tuples())
            db.session.commit()
            return found

        registered = pairs()
        many = {key for party_id, key in registered if party_id == max(registered)[0]}
        assert len(name_words(MANY_NAMES)) > 16 and len(many) == 16 * 15 // 2
        downgrade(revision=PAIRS_REVISION_BEFORE)
        assert pairs() == set()
        upgrade()
        assert pairs() == registered
        db.session.remove()


def test_a_common_name_ranks_only_the_newest_window(intake, viewers, monkeypatch):
    monkeypatch.setattr("claims.queries.NAME_RANKING_WINDOW", 2)
    first = register(intake, person("حسين"))
    second = register(intake, person("حسين", "علي", "", "الحسيني"))
    third = register(intake, person("حسين", "كريم", "", "الحسيني"))
    assert set(numbers(search(viewers["hq"], name="حسين"))) == {second.number, third.number}
    assert first.number not in numbers(search(viewers["hq"], name="حسين"))


# ------------------------------------------------------------------ query plans

SEARCHES = {
    "name, one word": dict(name="احمد"),
    "name, two words": dict(name="أحمد حسن"),
    "name, three words": dict(name="Shirzad Abdullah Qasim"),
    "name, five words": dict(name="شيرزاد عبد الله قاسم التميمي حسن"),
    "name with filters": dict(name="محمد", governorate_code="IQ-BG", number="BGD-2026-"),
    "identity number": dict(id_number="1984 0512 3456"),
    "claim number tail": dict(number="000023"),
}

#: Tables a search must never read whole.
_SEARCHED_TABLES = ("claim", "party", "party_search_key", "parcel")


@pytest.mark.parametrize("filters", SEARCHES.values(), ids=SEARCHES.keys())
def test_each_search_looks_up_an_index_and_reads_no_table_whole(intake, viewers, filters):
    """At any size: SQLite's plan of every statement the search sends (the claims' parties
    and evidence loaded with them included) searches an index by more than the workspace;
    PostgreSQL, its sequential scans ruled out, still finds an index path for each (its
    planner prefers a scan on a table this small)."""
    register(intake, person("أحمد", "حسن", id_document_number="198405123456"))
    register(intake, person("شيرزاد", "عبد الله", "قاسم", "التميمي"))
    with sent_statements(kinds=("SELECT",)) as sent:
        search(viewers["hq"], **filters)
    assert sent
    dialect = db.session.get_bind().dialect.name
    for statement, parameters in sent:
        plan = plan_of(statement, parameters)
        for table in _SEARCHED_TABLES:
            assert not _reads_whole(plan, table, dialect), (statement, plan)


def _reads_whole(plan: str, table: str, dialect: str) -> bool:
    """Does the plan read every row of `table`? On SQLite, also: every row of the
    workspace (an index on the workspace alone), the plan its planner picks without
    statistics when a better index is missing, whatever the size of the table."""
    if dialect == "sqlite":
        named = rf"^(SCAN|SEARCH) {table}(_\d+)?\b"
        whole = rf"{named}( USING (COVERING )?INDEX \w+ \(workspace_id=\?\))?$"
        return re.search(whole, plan, re.MULTILINE) is not None
    return f"Seq Scan on {table} " in plan


def stored_keys(claim) -> set[str]:
    return set(
        db.session.scalars(select(PartySearchKey.key).where(PartySearchKey.claim_id == claim.id))
    )


def test_the_stored_keys_of_a_party_are_its_name_words_their_pairs_and_identity_number(intake):
    claim = register(intake, person("شيرزاد", "عبدالله", id_document_number="A-123 45"))
    assert stored_keys(claim) == {"W|xrdd", "W|abdl", "P|abdl xrdd", "I|A12345"}


def test_a_name_of_any_length_gets_keys_that_fit_the_key_column(intake, viewers):
    """A run of letters no name has, or a list of words, pasted into the Latin spelling:
    every key still fits, and the party is found by what its keys keep."""
    long_word = "Bcdfghjklmnpqrstvwxz" * 3
    many_words = " ".join(f"B{letter}k" for letter in "bcdfghjklmnpqrstvwxz")
    claim = register(intake, person("زيد", "سالم", latin_name=f"{long_word} {many_words}"))
    keys = stored_keys(claim)
    assert max(len(key) for key in keys) <= PartySearchKey.key.type.length
    assert numbers(search(viewers["hq"], name=f"زيد {long_word}")) == [claim.number]
    assert numbers(search(viewers["hq"], name="Bbk Bck زيد")) == [claim.number]
    assert numbers(search(viewers["hq"], name="Bzk")) == [claim.number]
