"""`flask --app wsgi training scenarios|start|score`: practice runs from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from commission.accounts.models import User
from commission.cli import command_boundary
from commission.extensions import db
from training.models import TrainingRun
from training.operations import Seeding, TrainingRefused, score_seat, start_run
from training.scenarios.loading import ScenarioInvalid, load_scenarios
from training.scenarios.schema import ScenarioVocabulary

training_cli = AppGroup("training", help="Practice scenarios and runs.")


def _scenarios():
    try:
        return load_scenarios(ScenarioVocabulary.from_config(current_app.config))
    except ScenarioInvalid as invalid:
        raise click.ClickException(str(invalid)) from None


@training_cli.command("scenarios")
def scenarios_command():
    """List the packaged scenarios and what each teaches."""
    for scenario in _scenarios().values():
        click.echo(f"{scenario.id}: {scenario.title.en}")
        click.echo(f"    {scenario.lesson.en}")


@training_cli.command("start")
@click.argument("scenario_id")
@click.option("--trainee", "trainees", multiple=True, required=True, help="Username; repeat.")
@click.option("--trainer", required=True, help="Username of the trainer who runs it.")
def start_command(scenario_id: str, trainees: tuple[str, ...], trainer: str):
    """Start a run of SCENARIO_ID: a seeded training workspace for each trainee."""
    scenario = _scenarios().get(scenario_id)
    if scenario is None:
        raise click.ClickException(
            f"no scenario {scenario_id!r}; `flask training scenarios` lists them"
        )
    try:
        with command_boundary("training-start"):
            users = {
                user.username: user
                for user in db.session.scalars(
                    select(User).where(User.username.in_([trainer, *trainees]))
                )
            }
            missing = sorted({trainer, *trainees} - set(users))
            if missing:
                raise click.ClickException(f"no such user: {', '.join(missing)}")
            run = start_run(
                db.session,
                scenario,
                by=users[trainer],
                trainees=[users[name] for name in trainees],
                seeding=Seeding.from_app(current_app),
            )
            seats = [(seat.trainee.username, seat.workspace_id) for seat in run.seats]
            run_id = run.id
    except TrainingRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Run {run_id} of {scenario_id} started:")
    for username, workspace_id in seats:
        click.echo(f"  {username}: training workspace {workspace_id}")


@training_cli.command("score")
@click.argument("run_id", type=int)
def score_command(run_id: int):
    """Score every trainee of RUN_ID against the model answer (as the practice stands)."""
    with command_boundary("training-score"):
        run = db.session.get(TrainingRun, run_id)
        if run is None:
            raise click.ClickException(f"no training run {run_id}")
        scenario = _scenarios().get(run.scenario_id)
        if scenario is None:
            raise click.ClickException(f"run {run_id}'s scenario {run.scenario_id} is gone")
        lines = []
        for seat in run.seats:
            report = score_seat(db.session, seat, scenario)
            missed = sum(1 for item in report["items"] if not item["passed"])
            lines.append(f"  {seat.trainee.username}: {report['percent']}% ({missed} missed)")
    click.echo(f"Run {run_id} ({scenario.id}):")
    for line in lines:
        click.echo(line)
