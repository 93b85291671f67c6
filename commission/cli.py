"""The base layer's CLI commands (`flask --app wsgi users|offices|audit|files …`) and the
boundary every command of every package runs in.

Each command is a boundary: it runs in the operational workspace as a named actor and
commits once at the end, or not at all.
"""

from __future__ import annotations

import getpass
import sys
from contextlib import contextmanager
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from commission.accounts.models import Role, User
from commission.accounts.operations import (
    AccountRefused,
    UnknownOffice,
    create_user,
    disable_user,
    record_unlock,
    set_office_contact,
    sync_offices,
)
from commission.accounts.passwords import WeakPassword
from commission.accounts.throttle import unlock_login
from commission.audit import (
    Actor,
    append_anchors,
    current_anchors,
    newest_recorded_seq,
    read_anchors,
    set_actor,
    verify_chain,
)
from commission.boundary import refusal_text, transaction
from commission.db import utcnow
from commission.extensions import db
from commission.files import collect_garbage
from commission.sessions import purge_expired_sessions
from commission.text import UnacceptableCharacter, clean_text
from commission.workspaces import Workspace, operational_workspace_id, use_workspace

users_cli = AppGroup("users", help="Manage user accounts.")
offices_cli = AppGroup("offices", help="Manage branch offices.")
audit_cli = AppGroup("audit", help="Check the audit log.")
files_cli = AppGroup("files", help="Look after the stored evidence and letter files.")


@contextmanager
def command_boundary(label: str, workspace_id: int | None = None):
    """The workspace (the operational one unless another is named), a named actor, one
    commit at the end or a rollback."""
    if workspace_id is None:
        workspace_id = operational_workspace_id(db.session)
    with use_workspace(workspace_id):
        set_actor(Actor(None, f"cli:{label}:{getpass.getuser()}"))
        with transaction(db.session):
            yield


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
@click.option("--full-name", default=None, help="In Latin script; defaults to the username.")
@click.option("--name-ar", default=None, help="In Arabic script; defaults to the full name.")
@click.password_option(help="Prompted for when not given.")
def create_user_command(username, roles, office_code, full_name, name_ar, password):
    """Create a user; the password is prompted for (twice)."""
    try:
        with command_boundary("users-create"):
            user = create_user(
                db.session,
                username=username,
                full_name=full_name or username,
                name_ar=name_ar,
                password=password,
                roles={Role(role) for role in roles},
                office_code=office_code,
                hasher=current_app.extensions["qayd_password_hasher"],
            )
    except (UnknownOffice, WeakPassword) as refused:
        raise click.ClickException(refusal_text(refused)) from None
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.username} ({', '.join(sorted(roles))}) at {office_code.upper()}.")


@users_cli.command("disable")
@click.argument("username")
def disable_user_command(username):
    """Disable an account and end all its sessions at once."""
    try:
        with command_boundary("users-disable"):
            disable_user(db.session, username)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Disabled {username}; its sessions are ended.")


@users_cli.command("unlock")
@click.argument("username")
def unlock_user_command(username):
    """Lift the pause on an account's logins after repeated failures, at every address."""
    with command_boundary("users-unlock"):
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None or user.is_service_account:
            raise click.ClickException(f"No user {username!r}.")
        record_unlock(db.session, user, by=None, now=utcnow())
    unlock_login(username, by=f"cli:{getpass.getuser()}")
    click.echo(f"Logins of {username} are no longer paused.")


@users_cli.command("purge-sessions")
def purge_sessions_command():
    """Delete expired sessions (for a daily cron)."""
    with command_boundary("users-purge-sessions"):
        removed = purge_expired_sessions(db.session)
    click.echo(f"Deleted {removed} expired sessions.")


@offices_cli.command("sync")
def sync_offices_command():
    """Create or update one office per governorate, plus headquarters."""
    with command_boundary("offices-sync"):
        changed = sync_offices(db.session)
    click.echo(f"Offices in step with the reference data ({changed} changed).")


@offices_cli.command("contact")
@click.argument("office_code")
@click.argument("contact")
def office_contact_command(office_code, contact):
    """Set how claimants reach an office (telephone, address, hours), shown by the
    public status look-up; an empty CONTACT removes it."""
    try:
        with command_boundary("offices-contact"):
            office = set_office_contact(db.session, office_code, clean_text(contact))
    except (UnknownOffice, AccountRefused, UnacceptableCharacter) as refused:
        raise click.ClickException(refusal_text(refused)) from None
    click.echo(f"Contact of {office.code}: {office.contact or '(none)'}")


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
    anchors = read_anchors(current_app.config["QAYD_DATA_DIR"])
    broken = False
    for workspace in db.session.scalars(select(Workspace).order_by(Workspace.id)):
        report = verify_chain(
            db.session,
            workspace,
            # Training chains are removed with their runs; only the operational one is
            # held to every head it ever had.
            anchors=anchors if not workspace.is_training else (),
            newest_letter_seq=newest_recorded_seq(
                db.session, workspace.id, current_app.extensions["qayd_chain_positions"]
            ),
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


@files_cli.command("gc")
@click.option(
    "--grace-hours",
    type=click.IntRange(min=1),
    default=None,
    help="Keep files touched this recently (default: FILE_GC_GRACE). Longer than any transaction.",
)
def files_gc_command(grace_hours):
    """Remove evidence and letter files that no row of any workspace references (for a
    daily cron). Safe while the application runs."""
    grace = timedelta(hours=grace_hours) if grace_hours else current_app.config["FILE_GC_GRACE"]
    report = collect_garbage(
        db.session,
        current_app.config["QAYD_DATA_DIR"],
        current_app.extensions["qayd_stored_files"],
        grace=grace,
    )
    db.session.rollback()
    for kind, removed in report.removed.items():
        for sha256 in removed:
            click.echo(f"removed {kind}/{sha256}")
    for kind, removed in report.removed.items():
        click.echo(
            f"{kind}: {len(removed)} removed, {report.kept_referenced[kind]} kept (referenced), "
            f"{report.kept_recent[kind]} kept (touched within {grace / timedelta(hours=1):g} h)."
        )
    click.echo(f"Abandoned staged files removed: {report.abandoned_staging}.")


def register(app) -> None:
    """The base layer's command groups; the domain packages' come from `create_app`."""
    app.cli.add_command(users_cli)
    app.cli.add_command(offices_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(files_cli)
