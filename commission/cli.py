"""CLI commands: `flask --app wsgi users|offices|seed-demo|audit|claims|conflicts …`.

Each command is a boundary: it runs in the operational workspace as a named actor and
commits once at the end, or not at all.
"""

from __future__ import annotations

import getpass
import sys
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from adjudication.demo import DemoStaff, advance_demo_claims, demo_state_counts
from adjudication.operations import WorkflowSettings
from claims.demo import DEMO_SEED, seed_demo_claims
from claims.files import EvidenceStore
from commission.accounts.models import Role, User
from commission.accounts.operations import (
    UnknownOffice,
    create_user,
    disable_user,
    sync_offices,
)
from commission.accounts.passwords import WeakPassword
from commission.accounts.throttle import unlock_login
from commission.audit import (
    Actor,
    append_anchors,
    current_anchors,
    read_anchors,
    set_actor,
    verify_chain,
)
from commission.clock import local_today
from commission.extensions import db
from commission.sessions import end_sessions_of, purge_expired_sessions
from commission.workspaces import (
    ALL_WORKSPACES,
    Workspace,
    operational_workspace_id,
    use_workspace,
)

#: Password of every demo user: printed by `flask seed-demo` and in the README.
DEMO_PASSWORD = "qayd-demo-2026"

#: The demo users: username, full name, roles, office code. The adjudicator and the
#: reviewers work at headquarters so that the demo claims of every office can be theirs;
#: a second reviewer decides the appeals, since the one who approved a decision may not.
DEMO_USERS = [
    ("clerk", "Zainab Hassan Ali", {Role.CLERK}, "BGD"),
    ("adjudicator", "Omar Khalid al-Jubouri", {Role.ADJUDICATOR}, "HQ"),
    ("reviewer", "Huda Salman al-Tamimi", {Role.REVIEWER}, "HQ"),
    ("reviewer2", "Faisal Jaber al-Rubaie", {Role.REVIEWER}, "HQ"),
    ("trainer", "Karim Aziz Mahmoud", {Role.TRAINER}, "HQ"),
    ("admin", "Layla Nouri Abbas", {Role.ADMIN}, "HQ"),
]

#: Who does what in the demo claims' history: the clerk registers them (at the office of
#: each claim's parcel), lodges appeals and records withdrawals.
DEMO_STAFF = {
    "clerk": "clerk",
    "adjudicator": "adjudicator",
    "reviewer": "reviewer",
    "appeals_reviewer": "reviewer2",
}

users_cli = AppGroup("users", help="Manage user accounts.")
offices_cli = AppGroup("offices", help="Manage branch offices.")
audit_cli = AppGroup("audit", help="Check the audit log.")


@contextmanager
def command_boundary(label: str, workspace_id: int | None = None):
    """The workspace (the operational one unless another is named), a named actor, one
    commit at the end or a rollback."""
    if workspace_id is None:
        workspace_id = operational_workspace_id(db.session)
    with use_workspace(workspace_id):
        set_actor(Actor(None, f"cli:{label}:{getpass.getuser()}"))
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


@users_cli.command("create")
@click.argument("username")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="Repeat for several roles.",
)
@click.option("--office", "office_code", required=True, help="Office code, e.g. BGD or HQ.")
@click.option("--full-name", default=None, help="Defaults to the username.")
@click.password_option(help="Prompted for when not given.")
def create_user_command(username, roles, office_code, full_name, password):
    """Create a user; the password is prompted for (twice)."""
    try:
        with command_boundary("users-create"):
            user = create_user(
                db.session,
                username=username,
                full_name=full_name or username,
                password=password,
                roles={Role(role) for role in roles},
                office_code=office_code,
                hasher=current_app.extensions["qayd_password_hasher"],
            )
    except (UnknownOffice, WeakPassword, ValueError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.username} ({', '.join(sorted(roles))}) at {office_code.upper()}.")


@users_cli.command("disable")
@click.argument("username")
def disable_user_command(username):
    """Disable an account and end all its sessions at once."""
    try:
        with command_boundary("users-disable"):
            user = disable_user(db.session, username)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    end_sessions_of(user.id)
    click.echo(f"Disabled {username}; its sessions are ended.")


@users_cli.command("unlock")
@click.argument("username")
def unlock_user_command(username):
    """Lift the pause on an account's logins after repeated failures, at every address."""
    if db.session.scalar(select(User.id).where(User.username == username)) is None:
        raise click.ClickException(f"No user {username!r}.")
    unlock_login(username, by=f"cli:{getpass.getuser()}")
    click.echo(f"Logins of {username} are no longer paused.")


@users_cli.command("purge-sessions")
def purge_sessions_command():
    """Delete expired sessions (for a daily cron)."""
    click.echo(f"Deleted {purge_expired_sessions()} expired sessions.")


@offices_cli.command("sync")
def sync_offices_command():
    """Create or update one office per governorate, plus headquarters."""
    with command_boundary("offices-sync"):
        changed = sync_offices(db.session)
    click.echo(f"Offices in step with the reference data ({changed} changed).")


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
        created = []
        for username, full_name, roles, office_code in DEMO_USERS:
            if db.session.scalar(select(User.id).where(User.username == username)) is None:
                create_user(
                    db.session,
                    username=username,
                    full_name=full_name,
                    password=DEMO_PASSWORD,
                    roles=roles,
                    office_code=office_code,
                    hasher=current_app.extensions["qayd_password_hasher"],
                )
                created.append(username)
        if claim_count:
            staff = DemoStaff(
                **{
                    part: db.session.scalar(select(User).where(User.username == username))
                    for part, username in DEMO_STAFF.items()
                }
            )
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
    for username, _full_name, roles, office_code in DEMO_USERS:
        click.echo(f"  {username:<12} {', '.join(sorted(roles)):<12} office {office_code}")


@audit_cli.command("anchor")
def anchor_audit_command():
    """Append every chain's head to the anchor log under QAYD_DATA_DIR and print it as
    JSON lines, to be shipped off this host (e.g. `flask audit anchor | logger`)."""
    anchors = current_anchors(db.session)
    db.session.rollback()
    append_anchors(current_app.config["QAYD_DATA_DIR"], anchors)
    for anchor in anchors:
        click.echo(anchor.to_json())


@audit_cli.command("verify")
def verify_audit_command():
    """Recompute every workspace's hash chain, check it against the anchor log and the
    letters issued; print each head hash; exit 1 if anything is wrong."""
    from documents.models import Letter

    anchors = read_anchors(current_app.config["QAYD_DATA_DIR"])
    broken = False
    for workspace in db.session.scalars(select(Workspace).order_by(Workspace.id)):
        newest_letter_seq = db.session.scalar(
            select(func.max(Letter.audit_seq))
            .where(Letter.workspace_id == workspace.id)
            .execution_options(**{ALL_WORKSPACES: True})
        )
        report = verify_chain(
            db.session,
            workspace,
            # Training chains are removed with their runs; only the operational one is
            # held to every head it ever had.
            anchors=anchors if not workspace.is_training else (),
            newest_letter_seq=newest_letter_seq,
        )
        status = "OK" if report.ok else "BROKEN"
        click.echo(
            f"workspace {report.workspace_id} ({report.workspace_name}): {status}, "
            f"{report.entries} entries, head #{report.head_seq} {report.head_hash}"
        )
        if not report.ok:
            broken = True
            click.echo(f"  first problem: {report.problem}", err=True)
    operational_ids = set(
        db.session.scalars(select(Workspace.id).where(Workspace.kind == "operational"))
    )
    for anchor in anchors:
        if anchor.kind == "operational" and anchor.workspace_id not in operational_ids:
            broken = True
            click.echo(
                f"workspace {anchor.workspace_id} was anchored as operational on "
                f"{anchor.anchored_at} but is no longer the operational workspace",
                err=True,
            )
    db.session.rollback()
    sys.exit(1 if broken else 0)


def register(app) -> None:
    from adjudication.cli import adjudication_cli
    from claims.cli import claims_cli, conflicts_cli
    from documents.cli import letters_cli
    from training.cli import training_cli

    app.cli.add_command(adjudication_cli)
    app.cli.add_command(claims_cli)
    app.cli.add_command(letters_cli)
    app.cli.add_command(conflicts_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(offices_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(training_cli)
