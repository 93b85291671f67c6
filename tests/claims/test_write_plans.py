"""Registration and edits stay fast at any size, statistics or not: every statement they
send finds its rows through an index that narrows to them, never by reading a table or a
whole workspace.

A database that was never analysed (a new one, or one just filled by an import) gives the
planner no statistics, and then an index on `workspace_id` alone looks as narrow as the
index on a claim's own id, though it holds every row of the workspace: at a million
claims one registration took a second reading them. SQLite's planner without statistics
chooses the same at any size, and its test database is never analysed, so its plans
here are those of a million claims. PostgreSQL's choice also weighs the tables' sizes,
which a test database does not have: there, as in the search tests, every statement must
still find an index path with sequential scans ruled out.
"""

from __future__ import annotations

import re

from claims.matching import MatchThresholds
from claims.queries import check_conflicts, open_candidates_of
from commission.extensions import db
from tests.support.claims import claim_input, claimant
from tests.support.plans import plan_of, sent_statements

#: The tables that grow with the claims; a statement must not read any of them through
#: anything wider than the rows it wants.
_GROWING_TABLES = (
    "claim",
    "party",
    "parcel",
    "claim_match_key",
    "party_search_key",
    "claim_quality_flag",
    "conflict_candidate",
    "evidence",
    "audit_entry",
    "user_session",
)
#: SQLite: a table read whole, or searched by the workspace alone.
_SQLITE_WIDE = re.compile(
    rf"^(SCAN ({'|'.join(_GROWING_TABLES)})\b.*"
    rf"|SEARCH ({'|'.join(_GROWING_TABLES)}) USING (COVERING )?INDEX \S+ \(workspace_id=\?\))$",
    re.MULTILINE,
)
#: PostgreSQL: a table read whole.
_POSTGRESQL_WIDE = re.compile(rf"Seq Scan on ({'|'.join(_GROWING_TABLES)}) ")


def assert_narrow(sent) -> None:
    assert sent
    wide = _SQLITE_WIDE if db.session.get_bind().dialect.name == "sqlite" else _POSTGRESQL_WIDE
    for statement, parameters in sent:
        plan = plan_of(statement, parameters)
        assert not wide.search(plan), (statement, plan)


def _competitor():
    data = claim_input(
        parties=[claimant(given="كاظم", father="جواد", grandfather="علي", family="الموسوي")]
    )
    data.parcel.parcel_no = "٣٤٥/٦"
    return data


def test_registering_a_claim_on_a_claimed_parcel_reads_only_what_it_needs(intake):
    intake.register(claim_input())
    db.session.commit()
    with sent_statements() as sent:
        claim = intake.register(_competitor())
        db.session.commit()
    [pair] = open_candidates_of(db.session, claim)
    assert pair.kind == "competing"
    assert_narrow(sent)


def test_editing_a_claim_in_a_pair_reads_only_what_it_needs(intake):
    intake.register(claim_input())
    claim = intake.register(_competitor())
    db.session.commit()
    with sent_statements() as sent:
        intake.edit(claim, _competitor())
        db.session.commit()
    assert_narrow(sent)


def test_the_conflict_check_of_the_form_reads_only_what_it_needs(intake):
    intake.register(claim_input())
    db.session.commit()
    with sent_statements() as sent:
        found = check_conflicts(db.session, _competitor(), MatchThresholds())
    assert found
    assert_narrow(sent)


def test_a_registration_finds_its_candidates_by_key_and_their_claims_by_id(intake):
    """The index conditions themselves, not only the absence of a scan: the keys are
    looked up by key (PostgreSQL without statistics once took the key index for its
    workspace column alone and filtered every key of the workspace), and the claims
    found are read by their ids."""
    intake.register(claim_input())
    db.session.commit()
    with sent_statements(kinds=("SELECT",)) as sent:
        intake.register(_competitor())
        db.session.commit()
    key_look_up = next(
        (statement, parameters)
        for statement, parameters in sent
        if re.search(r'FROM claim_match_key\s+WHERE claim_match_key\."?key"? IN', statement)
    )
    claims_by_id = next(
        (statement, parameters)
        for statement, parameters in sent
        if re.search(r"FROM claim\b", statement) and "claim.id IN" in statement
    )
    if db.session.get_bind().dialect.name == "sqlite":
        assert "ix_claim_match_key_lookup (key=?" in plan_of(*key_look_up)
        assert "INTEGER PRIMARY KEY (rowid=?)" in plan_of(*claims_by_id)
    else:
        assert re.search(r"Index Cond: \(+key\)::text = ANY", plan_of(*key_look_up))
        assert "Index Scan using pk_claim on claim" in plan_of(*claims_by_id)
