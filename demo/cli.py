"""`flask --app wsgi seed-demo`: the demo commission, one boundary, refused in production."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from adjudication.operations import WorkflowSettings
from claims.files import EvidenceStore
from commission.accounts.operations import sync_offices
from commission.cli import command_boundary
from commission.clock import local_today
from commission.extensions import db
from demo.claims import DEMO_SEED, seed_demo_claims
from demo.histories import advance_demo_claims, demo_state_counts
from demo.people import (
    DEMO_PASSWORD,
    DEMO_USERS,
    demo_staff,
    seed_demo_office_contacts,
    seed_demo_users,
)


@click.command("seed-demo")
@click.option(
    "--claims",
    "claim_count",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also register demo claims demo-1 … demo-N (with planted conflicts) and give "
    "them a history through the workflow.",
)
@with_appcontext
def seed_demo_command(claim_count):
    """Offices, the demo users and N demo claims in every state of the workflow
    (idempotent). Refused in production."""
    if not current_app.config["ALLOW_DEMO_SEED"]:
        raise click.ClickException("seed-demo writes known passwords and is refused here.")
    registered = []
    with command_boundary("seed-demo"):
        sync_offices(db.session)
        seed_demo_office_contacts(db.session)
        created = seed_demo_users(db.session, hasher=current_app.extensions["qayd_password_hasher"])
        if claim_count:
            staff = demo_staff(db.session)
            today = local_today()
            registered = seed_demo_claims(
                db.session,
                claim_count,
                by=staff.clerk,
                today=today,
                store=EvidenceStore(current_app.config["QAYD_DATA_DIR"]),
            )
            advance_demo_claims(
                db.session,
                registered,
                staff=staff,
                settings=WorkflowSettings.from_config(current_app.config),
                today=today,
                seed=DEMO_SEED,
            )
            states = demo_state_counts(db.session)
    click.echo(f"Demo data ready ({len(created)} users created).")
    if claim_count:
        click.echo(
            f"Demo claims demo-1 … demo-{claim_count}: {len(registered)} created, "
            f"{claim_count - len(registered)} already there. Demo claims by state:"
        )
        for state, count in states.items():
            click.echo(f"  {state:<18} {count:>5}")
    click.echo(f"Demo logins (password {DEMO_PASSWORD!r} for all):")
    for username, _full_name, _name_ar, roles, office_code in DEMO_USERS:
        click.echo(f"  {username:<12} {', '.join(sorted(roles)):<12} office {office_code}")
