"""`flask --app wsgi adjudication tick`: the daily job that makes decisions final.

The tick runs in the operational workspace (`command_boundary`) and commits each claim on
its own, so one claim that fails is reported and the others still become final; running
it again, or twice at once, changes nothing more (`finalise_if_due` checks again).
"""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from adjudication.operations import (
    WorkflowError,
    WorkflowSettings,
    claims_due_for_final,
    finalise_if_due,
)
from claims.models import Claim
from claims.operations import StaleClaim
from commission.cli import command_boundary
from commission.clock import local_today
from commission.extensions import db

adjudication_cli = AppGroup("adjudication", help="Adjudication jobs.")


@adjudication_cli.command("tick")
@click.option(
    "--today",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to run as, YYYY-MM-DD (default: today), to catch up after downtime.",
)
def tick_command(as_of: datetime | None):
    """Make final every claim whose appeal window has closed without an appeal, and every
    appeal decided without remand (for a daily cron). Exits with 1 if any claim failed."""
    today = as_of.date() if as_of else local_today()
    if today > local_today():
        # A day ahead would close appeal windows that are still open.
        raise click.BadParameter("cannot be after today.", param_hint="--today")
    settings = WorkflowSettings.from_config(current_app.config)
    finalised, failed = 0, 0
    with command_boundary("adjudication-tick"):
        due = claims_due_for_final(db.session, today)
        for claim_id in due:
            number = db.session.scalar(select(Claim.number).where(Claim.id == claim_id))
            try:
                changed = finalise_if_due(db.session, claim_id, today, settings)
                db.session.commit()
            except (WorkflowError, StaleClaim, SQLAlchemyError) as error:
                db.session.rollback()
                failed += 1
                click.echo(f"{number}: not finalised: {_why(error)}", err=True)
                continue
            if changed:
                finalised += 1
                click.echo(f"{number}: final")
    if not due:
        click.echo(f"Tick as of {today}: no claim is due to become final; nothing changed.")
    else:
        click.echo(
            f"Tick as of {today}: {finalised} claims made final, {failed} failed, "
            f"{len(due) - finalised - failed} already final or no longer due."
        )
    raise SystemExit(1 if failed else 0)


def _why(error: Exception) -> str:
    if isinstance(error, StaleClaim):
        return "someone changed it meanwhile; the next run looks at it again."
    return str(error).splitlines()[0]
