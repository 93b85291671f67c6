"""Practice runs: a seeded workspace per trainee, roles that stay inside it, the TRAINING
banner, isolation from the real claims both ways, scoring, reset and delete."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy import func, select

from adjudication.operations import WorkflowSettings
from claims.files import EvidenceStore
from claims.matching import MatchThresholds
from claims.models import Claim, Evidence
from commission.accounts.models import Role, User
from commission.audit import Actor, set_actor
from commission.db import Base
from commission.extensions import db
from commission.workspaces import ALL_WORKSPACES, Workspace, operational_workspace_id, use_workspace
from tests.support.app import InOperational as Operational
from tests.support.app import unique
from tests.support.files import age_files, collect_old_garbage
from tests.support.training import SCENARIOS
from tests.support.web import csrf_token, login
from training.models import TrainingRun, TrainingSeat, WorkspaceRole
from training.operations import (
    Seeding,
    TrainingRefused,
    close_run,
    delete_run,
    reset_seat,
    start_run,
    submit_seat,
)

SCENARIO = "two-families"


def _seeding(app) -> Seeding:
    return Seeding(
        today=date(2026, 11, 24),
        store=EvidenceStore(app.config["QAYD_DATA_DIR"]),
        settings=WorkflowSettings.from_config(app.config),
        thresholds=MatchThresholds.from_config(app.config),
        hasher=app.extensions["qayd_password_hasher"],
    )


@pytest.fixture
def people(make_user):
    return {
        "trainer": make_user(Role.TRAINER, office="HQ"),
        "trainee": make_user(Role.CLERK),
        "second": make_user(Role.CLERK),
    }


@pytest.fixture
def run(app, people):
    """A committed run of the two-families scenario for two trainees."""
    with Operational(app) as session:
        users = {name: session.get(User, ref.id) for name, ref in people.items()}
        started = start_run(
            session,
            SCENARIOS[SCENARIO],
            by=users["trainer"],
            trainees=[users["trainee"], users["second"]],
            seeding=_seeding(app),
        )
        session.commit()
        run_id = started.id
    return run_id


def _seats(app, run_id) -> dict[int, int]:
    with Operational(app) as session:
        return {
            seat.trainee_id: seat.workspace_id
            for seat in session.scalars(select(TrainingSeat).where(TrainingSeat.run_id == run_id))
        }


def _claims_in(app, workspace_id) -> list[Claim]:
    with app.app_context(), use_workspace(workspace_id):
        claims = list(db.session.scalars(select(Claim)))
        db.session.expunge_all()
        db.session.remove()
        return claims


def test_each_trainee_gets_a_seeded_workspace_of_their_own(app, run, people):
    scenario = SCENARIOS[SCENARIO]
    seats = _seats(app, run)
    assert set(seats) == {people["trainee"].id, people["second"].id}
    assert len(set(seats.values())) == 2
    for workspace_id in seats.values():
        refs = {claim.import_ref for claim in _claims_in(app, workspace_id)}
        assert refs == {scenario.import_ref(claim.ref) for claim in scenario.claims}
    with Operational(app) as session:
        roles = set(
            session.execute(
                select(WorkspaceRole.user_id, WorkspaceRole.role).where(
                    WorkspaceRole.workspace_id == seats[people["trainee"].id]
                )
            ).tuples()
        )
    assert roles == {
        (people["trainee"].id, "clerk"),
        (people["trainee"].id, "adjudicator"),
        (people["trainee"].id, "reviewer"),
        (people["trainer"].id, "reviewer"),
    }


def test_nothing_of_a_run_reaches_the_operational_workspace(app, runner, run, tmp_path):
    scenario = SCENARIOS[SCENARIO]
    refs = {scenario.import_ref(claim.ref) for claim in scenario.claims}
    with Operational(app) as session:
        operational_refs = set(session.scalars(select(Claim.import_ref)))
    assert not refs & operational_refs

    # Export and scan of the operational workspace.
    out = tmp_path / "export.csv"
    assert runner.invoke(args=["claims", "export", str(out)]).exit_code == 0
    with out.open(encoding="utf-8-sig") as handle:
        exported = {row["ref"] for row in csv.DictReader(handle)}
    assert not refs & exported
    scan = runner.invoke(args=["conflicts", "scan", "--restart", "--workers", "1"])
    assert scan.exit_code == 0, scan.output
    # The operational chain verifies on its own (other tests break chains of their own
    # training workspaces on purpose, so the exit code is not this test's to judge).
    verify = runner.invoke(args=["audit", "verify"])
    with Operational(app) as session:
        operational = operational_workspace_id(session)
    [line] = [
        line for line in verify.output.splitlines() if line.startswith(f"workspace {operational} ")
    ]
    assert ": OK," in line


def test_trainees_work_in_their_workspace_with_its_roles_only(app, client, run, people):
    seats = _seats(app, run)
    mine = seats[people["trainee"].id]
    login(client, people["trainee"])
    # Outside training the trainee is a clerk: no conflict queue.
    assert client.get("/claims/conflicts").status_code == 403
    token = csrf_token(client, "/training/")
    response = client.post("/training/workspace", data={"csrf_token": token, "workspace": mine})
    assert response.status_code == 302
    page = client.get("/claims/").get_data(as_text=True)
    assert "TRAINING" in page and "تدريب" in page
    # In the sandbox the trainee holds an adjudicator's and a reviewer's roles too.
    assert client.get("/claims/conflicts").status_code == 200
    training_numbers = {claim.number for claim in _claims_in(app, mine)}
    assert all(number in page for number in training_numbers)

    # Another trainee's sandbox is not theirs to enter.
    other = seats[people["second"].id]
    token = csrf_token(client, "/training/")
    refused = client.post("/training/workspace", data={"csrf_token": token, "workspace": other})
    assert refused.status_code == 404


def test_a_trainee_cannot_reach_operational_claims(app, client, run, people):
    from tests.support.claims import IntakeContext, claim_input, claimant

    family = unique("الحقيقي")
    with Operational(app) as session:
        intake = IntakeContext(app, operational_workspace_id(session))
        real = intake.register(claim_input(parties=[claimant(family=family)]))
        session.commit()
        number, claim_id = real.number, real.id
    seats = _seats(app, run)
    login(client, people["trainee"])
    token = csrf_token(client, "/training/")
    client.post(
        "/training/workspace",
        data={"csrf_token": token, "workspace": seats[people["trainee"].id]},
    )
    # Claim numbers restart in every workspace: the same number in the sandbox is the
    # sandbox's own claim, never the real one.
    page = client.get(f"/claims/{number}")
    assert page.status_code == 404 or family not in page.get_data(as_text=True)
    assert "No claim matches this search." in client.get(f"/claims/?name={family}").get_data(
        as_text=True
    )
    with Operational(app) as session:
        assert session.get(Claim, claim_id).state == "registered"


def test_operational_roles_do_not_carry_into_training(app, client, run, people, make_user):
    seats = _seats(app, run)
    login(client, people["trainer"])
    token = csrf_token(client, "/training/")
    client.post(
        "/training/workspace",
        data={"csrf_token": token, "workspace": seats[people["trainee"].id]},
    )
    # The trainer looks around as a reviewer: the trainer's own pages are not reachable
    # from inside, and no adjudicator's queue.
    assert client.get(f"/training/runs/{run}").status_code == 403
    assert client.get("/adjudication/").status_code == 403
    assert "TRAINING" in client.get("/claims/").get_data(as_text=True)

    outsider = make_user(Role.ADJUDICATOR, Role.REVIEWER, Role.CLERK)
    login(client, outsider)
    token = csrf_token(client, "/training/")
    refused = client.post(
        "/training/workspace",
        data={"csrf_token": token, "workspace": seats[people["trainee"].id]},
    )
    assert refused.status_code == 404


def test_reset_reseeds_and_delete_leaves_nothing(app, run, people):
    scenario = SCENARIOS[SCENARIO]
    seats = _seats(app, run)
    workspace_ids = set(seats.values())
    with app.app_context(), use_workspace(seats[people["trainee"].id]):
        set_actor(Actor(None, "test"))
        first = db.session.scalars(select(Claim).order_by(Claim.id)).first()
        first.description = "changed by the trainee"
        db.session.commit()
        db.session.remove()

    with Operational(app) as session:
        seat = session.scalar(
            select(TrainingSeat).where(
                TrainingSeat.trainee_id == people["trainee"].id, TrainingSeat.run_id == run
            )
        )
        trainer = session.get(User, people["trainer"].id)
        reset_seat(session, seat, scenario, by=trainer, seeding=_seeding(app))
        session.commit()
    claims = _claims_in(app, seats[people["trainee"].id])
    assert len(claims) == len(scenario.claims)
    assert "changed by the trainee" not in {claim.description for claim in claims}

    with Operational(app) as session:
        evidence_hashes = set(
            session.scalars(
                select(Evidence.sha256)
                .where(Evidence.workspace_id.in_(workspace_ids))
                .execution_options(**{ALL_WORKSPACES: True})
            )
        )
        trainer = session.get(User, people["trainer"].id)
        delete_run(session, session.get(TrainingRun, run), by=trainer)
        session.commit()
        for table in Base.metadata.sorted_tables:
            if "workspace_id" in table.c:
                left = session.execute(
                    select(func.count())
                    .select_from(table)
                    .where(table.c.workspace_id.in_(workspace_ids)),
                    execution_options={ALL_WORKSPACES: True},
                ).scalar()
                assert left == 0, table.name
        assert (
            session.scalar(
                select(func.count()).select_from(Workspace).where(Workspace.id.in_(workspace_ids))
            )
            == 0
        )
        assert session.get(TrainingRun, run) is None
    store = EvidenceStore(app.config["QAYD_DATA_DIR"])
    assert evidence_hashes
    # Deleting rows never deletes files: that is the garbage collector's alone.
    assert all(store.path_for(sha).exists() for sha in evidence_hashes)
    age_files(store.path_for(sha) for sha in evidence_hashes)
    with Operational(app) as session:
        collect_old_garbage(app, session)
        # Seeding is deterministic, so other runs may share these scans: a file goes
        # exactly when no row of any workspace refers to it any more.
        still_used = set(
            session.scalars(
                select(Evidence.sha256)
                .where(Evidence.sha256.in_(evidence_hashes))
                .execution_options(**{ALL_WORKSPACES: True})
            )
        )
    for sha in evidence_hashes:
        assert store.path_for(sha).exists() == (sha in still_used), sha


def test_delete_keeps_a_file_that_real_evidence_shares(app, run, people):
    from tests.support.claims import IntakeContext, claim_input, evidence_input

    seats = _seats(app, run)
    workspace_id = seats[people["trainee"].id]
    with app.app_context(), use_workspace(workspace_id):
        sha = db.session.scalars(select(Evidence.sha256)).first()
        path = EvidenceStore(app.config["QAYD_DATA_DIR"]).path_for(sha)
        data = path.read_bytes()
        db.session.remove()
    with Operational(app) as session:
        intake = IntakeContext(app, operational_workspace_id(session))
        intake.register(claim_input(), evidence=[evidence_input(data, name="same-scan.png")])
        session.commit()
        trainer = session.get(User, people["trainer"].id)
        delete_run(session, session.get(TrainingRun, run), by=trainer)
        session.commit()
        age_files([path])
        collect_old_garbage(app, session)
    assert path.exists()  # the operational claim's scan stays


@pytest.mark.parametrize("act", ["close", "reset", "delete"])
def test_another_trainer_cannot_manage_the_run(app, run, people, make_user, act):
    other = make_user(Role.TRAINER, office="HQ")
    scenario = SCENARIOS[SCENARIO]
    with Operational(app) as session:
        training_run = session.get(TrainingRun, run)
        by = session.get(User, other.id)
        with pytest.raises(TrainingRefused):
            if act == "close":
                close_run(session, training_run, scenario, by=by)
            elif act == "reset":
                reset_seat(session, training_run.seats[0], scenario, by=by, seeding=_seeding(app))
            else:
                delete_run(session, training_run, by=by)
        session.rollback()
        training_run = session.get(TrainingRun, run)
        assert training_run.closed_at is None
        assert len(training_run.seats) == 2


def test_an_admin_closes_any_run(app, run, make_user):
    admin = make_user(Role.ADMIN, office="HQ")
    with Operational(app) as session:
        training_run = session.get(TrainingRun, run)
        close_run(session, training_run, SCENARIOS[SCENARIO], by=session.get(User, admin.id))
        session.commit()
        assert training_run.closed_at is not None
        assert all(seat.scored_at is not None for seat in training_run.seats)


def test_only_the_trainee_submits_their_practice(app, run, people):
    with Operational(app) as session:
        seats = {seat.trainee_id: seat for seat in session.get(TrainingRun, run).seats}
        mine = seats[people["trainee"].id]
        with pytest.raises(TrainingRefused):
            submit_seat(
                session, mine, SCENARIOS[SCENARIO], by=session.get(User, people["second"].id)
            )
        with pytest.raises(TrainingRefused):
            submit_seat(
                session, mine, SCENARIOS[SCENARIO], by=session.get(User, people["trainer"].id)
            )
        report = submit_seat(
            session, mine, SCENARIOS[SCENARIO], by=session.get(User, people["trainee"].id)
        )
        assert mine.submitted_at is not None and report["percent"] == mine.score_percent


def test_another_trainer_posting_to_a_run_changes_nothing(app, client, run, make_user):
    login(client, make_user(Role.TRAINER, office="HQ"))
    token = csrf_token(client, "/training/")
    response = client.post(f"/training/runs/{run}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    assert client.get(f"/training/runs/{run}").status_code == 404
    with Operational(app) as session:
        assert session.get(TrainingRun, run) is not None


def test_starting_a_run_without_a_scenario_is_refused_with_a_message(app, client, people):
    with Operational(app) as session:
        before = session.scalar(select(func.count()).select_from(TrainingRun))
    login(client, people["trainer"])
    token = csrf_token(client, "/training/")
    response = client.post(
        "/training/runs",
        data={"csrf_token": token, "scenario": "no-such", "trainee": people["trainee"].id},
        follow_redirects=True,
    )
    assert "Choose a scenario." in response.get_data(as_text=True)
    with Operational(app) as session:
        assert session.scalar(select(func.count()).select_from(TrainingRun)) == before
