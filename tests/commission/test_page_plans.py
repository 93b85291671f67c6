"""The main pages cost the same with a million claims: every statement they send walks an
index by its key, read from SQLite's plan without planner statistics (a database never
analysed plans as the test database does), and a page loads its user once.

A workspace-scoped table looked up by a key indexes (key, workspace_id): with an index
on workspace_id alone, or leading with it, the planner took `workspace_id = ?` for as
selective as the key and read every party (or transition, pair) of the workspace.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from adjudication.models import Hearing
from adjudication.operations import WorkflowSettings, perform
from adjudication.workflow import Action
from claims.domain import ClaimState
from claims.files import EvidenceStore
from claims.models import Claim
from claims.operations import register_claim
from commission.accounts.models import Office, Role, User
from commission.clock import local_today
from commission.db import Base
from commission.extensions import db
from commission.workspaces import WorkspaceScoped
from tests.support.app import InOperational
from tests.support.claims import TODAY, claim_input, claimant, evidence_input
from tests.support.plans import plan_of, sent_statements
from tests.support.web import login

#: Reference tables of a few dozen rows: reading them whole is cheaper than an index.
SMALL_TABLES = {"office", "workspace", "user_role"}
#: The indexes the claims list walks newest first by workspace alone (either holds the
#: claim ids in order), stopping at its page size.
WALKED_TO_A_LIMIT = {"ix_claim_workspace_list", "ix_claim_workspace_id"}
WORKSPACE_ONLY = re.compile(r"USING (?:COVERING )?INDEX (\w+) \(workspace_id=\?\)")
USER_BY_ID = re.compile(r'FROM "?user"?\s.*WHERE "?user"?\.id = (\?|%\(\w+\)s)', re.DOTALL)
FULL_SCAN = re.compile(r"\bSCAN (\w+)(?! USING)")


@pytest.fixture
def case(app, make_user):
    """An HQ adjudicator with a claim in screening (a transition in its history, a
    document, a hearing, a deadline) and a second claim on its parcel: an open pair."""
    adjudicator = make_user(Role.ADJUDICATOR, office="HQ")
    with InOperational(app) as session:
        office = session.scalar(select(Office).where(Office.code == "BGD"))
        store = EvidenceStore(app.config["QAYD_DATA_DIR"])
        parcel = claim_input().parcel
        parcel.muqataa_no = str(random.randint(10_000, 99_999))
        claims = [
            register_claim(
                session,
                claim_input(parcel=parcel, parties=[claimant(family=family)]),
                by=None,
                office=office,
                today=TODAY,
                evidence=[evidence_input()],
                store=store,
            )
            for family in ("الجبوري", "الشمري")
        ]
        claim = claims[0]
        claim.assigned_to_id = adjudicator.id
        session.flush()
        perform(
            session,
            claim,
            Action.START_SCREENING,
            by=session.get(User, adjudicator.id),
            expected_version=claim.version,
            today=local_today(),
            settings=WorkflowSettings.from_config(app.config),
        )
        claim.deadline_on = local_today() + timedelta(days=3)
        session.add(
            Hearing(
                claim_id=claim.id,
                office_id=office.id,
                starts_at=datetime.now(UTC) + timedelta(days=2),
                place="Hearing room 2",
                scheduled_by_id=adjudicator.id,
            )
        )
        session.commit()
        number = claim.number
        assert session.scalar(select(Claim.state).where(Claim.number == number)) == (
            ClaimState.SCREENING
        )
    return adjudicator, number


def _pages(number: str) -> list[str]:
    return [
        "/claims/",
        "/claims/?name=الجبوري",
        f"/claims/?number={number}",
        f"/claims/{number}",
        "/adjudication/",
        "/claims/conflicts",
        f"/claims/conflicts?claim={number}",
        "/adjudication/deadlines",
        "/adjudication/hearings?office=BGD",
    ]


def _statements_of(app, client, path: str) -> list[tuple[str, object]]:
    with app.app_context():
        engine = db.engine
    with sent_statements(engine, kinds=("SELECT",)) as sent:
        response = client.get(path)
    assert response.status_code == 200, path
    return sent


def test_every_statement_of_the_main_pages_finds_its_rows_by_index(app, client, case):
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's planner picks by statistics")
    adjudicator, number = case
    login(client, adjudicator)
    tables = set(Base.metadata.tables)
    for path in _pages(number):
        client.get(path)  # caches warmed, as a page in service
        sent = _statements_of(app, client, path)
        with app.app_context():
            for statement, parameters in sent:
                plan = plan_of(statement, parameters)
                scanned = {name for name in FULL_SCAN.findall(plan) if name in tables}
                assert scanned <= SMALL_TABLES, f"{path}: {statement}\n{plan}"
                by_workspace_alone = set(WORKSPACE_ONLY.findall(plan)) - WALKED_TO_A_LIMIT
                assert not by_workspace_alone, f"{path}: {statement}\n{plan}"


def test_a_page_loads_its_user_once_and_no_evidence_for_a_list(app, client, case):
    """The user row is read when the request starts, not again after the view's commit
    (for the response headers); a list of claims shows no documents and reads none."""
    adjudicator, number = case
    login(client, adjudicator)
    for path in _pages(number):
        client.get(path)
        statements = [statement for statement, _ in _statements_of(app, client, path)]
        user_reads = [s for s in statements if USER_BY_ID.search(s)]
        assert len(user_reads) == 1, (path, user_reads)
        if path.startswith(("/claims/?", "/adjudication/")) or path == "/claims/":
            assert not [s for s in statements if "FROM evidence" in s], path


def test_tables_looked_up_by_a_key_index_it_with_the_workspace_and_not_the_workspace_alone():
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if not issubclass(model, WorkspaceScoped) or not model.workspace_keys:
            continue
        table = mapper.local_table
        indexes = [tuple(column.name for column in index.columns) for index in table.indexes]
        for key in model.workspace_keys:
            assert (key, "workspace_id") in {columns[:2] for columns in indexes}, table.name
        assert ("workspace_id",) not in indexes, table.name
