"""`flask --app wsgi letters render|batch`: letters written out as PDF files.

Both issue a letter that has not been issued yet (as the system, like any batch) and
write the stored bytes, so a file written here is identical to the download on the
claim page. In a batch each claim is its own boundary: its letter commits on its own,
a failure is reported and the batch goes on, and a run stopped half-way continues
where it stopped, skipping the files already written with the right content.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from claims.domain import ClaimState
from claims.models import Claim
from claims.queries import find_claim
from commission.boundary import refusal_text
from commission.cli import command_boundary
from commission.extensions import db
from commission.workspaces import Workspace, operational_workspace_id, use_workspace
from documents.files import LetterStore
from documents.letters import LetterKind
from documents.operations import (
    DEFAULT_VERIFY_BASE_URL,
    LetterNotAvailable,
    LetterSettings,
    issue_letter,
)

letters_cli = AppGroup("letters", help="Issue letters and write them out as PDF files.")

#: The letter a claim in each state is waiting for: `batch`'s default kind.
LETTER_OF_STATE = {
    ClaimState.REGISTERED: LetterKind.RECEIPT,
    ClaimState.RESPONDENT_NOTICE: LetterKind.RESPONDENT_NOTICE,
    ClaimState.INCOMPLETE: LetterKind.DOCUMENT_REQUEST,
    ClaimState.HEARING_SCHEDULED: LetterKind.HEARING_NOTICE,
    ClaimState.DECISION_ISSUED: LetterKind.DECISION,
    ClaimState.APPEAL_DECIDED: LetterKind.APPEAL_OUTCOME,
}

_KINDS = click.Choice([kind.value for kind in LetterKind])
_WORKSPACE_HELP = "Workspace id, e.g. a training run's (default: the operational workspace)."


def _chosen_workspace(workspace_id: int | None) -> int:
    if workspace_id is None:
        return operational_workspace_id(db.session)
    if db.session.get(Workspace, workspace_id) is None:
        raise click.BadParameter(f"there is no workspace {workspace_id}", param_hint="--workspace")
    return workspace_id


def _settings() -> LetterSettings:
    return LetterSettings.from_config(current_app.config, verify_base_url=DEFAULT_VERIFY_BASE_URL)


def _store() -> LetterStore:
    return LetterStore(current_app.config["QAYD_DATA_DIR"])


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: an interrupted batch never leaves half a PDF behind."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".letter-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _already_written(path: Path, sha256: str) -> bool:
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256


@letters_cli.command("render")
@click.argument("number")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--kind", type=_KINDS, default=LetterKind.DECISION.value, show_default=True)
@click.option("--workspace", "workspace_id", type=int, default=None, help=_WORKSPACE_HELP)
def render_command(number: str, output: Path, kind: str, workspace_id: int | None):
    """Write the letter of KIND of claim NUMBER to a PDF file, issuing it first if it has
    not been issued yet."""
    with command_boundary("letters", _chosen_workspace(workspace_id)):
        claim = find_claim(db.session, number)
        if claim is None:
            raise click.ClickException(f"There is no claim {number}.")
        try:
            letter = issue_letter(
                db.session, claim, LetterKind(kind), by=None, settings=_settings(), store=_store()
            )
        except LetterNotAvailable as refused:
            raise click.ClickException(f"{claim.number}: {refusal_text(refused)}") from None
        data = _store().read_checked(letter.sha256)
        number, code = claim.number, letter.verification_code
    _write(output, data)
    click.echo(f"{number}: {kind} letter {code} written to {output}.")


@letters_cli.command("batch")
@click.option(
    "--state",
    type=click.Choice([state.value for state in ClaimState]),
    required=True,
    help="Every claim in this state.",
)
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for NUMBER-KIND.pdf files (created if missing).",
)
@click.option("--kind", type=_KINDS, default=None, help="Default: the letter the state calls for.")
@click.option("--workspace", "workspace_id", type=int, default=None, help=_WORKSPACE_HELP)
def batch_command(state: str, directory: Path, kind: str | None, workspace_id: int | None):
    """Issue (or fetch) the letter of every claim in a state and write each to a file.

    Resumable: files already written with the letter's content are skipped. A claim whose
    letter fails is reported and the others go on; exits with 1 if any failed.
    """
    letter_kind = LetterKind(kind) if kind else LETTER_OF_STATE.get(ClaimState(state))
    if letter_kind is None:
        raise click.UsageError(f"Claims in state {state} wait for no letter: choose --kind.")
    workspace = _chosen_workspace(workspace_id)
    directory.mkdir(parents=True, exist_ok=True)
    settings, store = _settings(), _store()
    with use_workspace(workspace):
        claims = db.session.execute(
            select(Claim.id, Claim.number).where(Claim.state == state).order_by(Claim.number)
        ).all()
        db.session.rollback()

    written = skipped = 0
    failures: list[str] = []
    with click.progressbar(claims, label=f"Letters ({letter_kind})", show_pos=True) as bar:
        for claim_id, number in bar:
            target = directory / f"{number}-{letter_kind}.pdf"
            try:
                with command_boundary("letters", workspace):
                    claim = db.session.get(Claim, claim_id)
                    letter = issue_letter(
                        db.session, claim, letter_kind, by=None, settings=settings, store=store
                    )
                    data = None
                    if not _already_written(target, letter.sha256):
                        data = store.read_checked(letter.sha256)
                if data is None:
                    skipped += 1
                else:
                    _write(target, data)
                    written += 1
            except LetterNotAvailable as refused:
                failures.append(f"{number}: {refusal_text(refused)}")
            except Exception as error:  # one claim's failure must not stop the others
                failures.append(f"{number}: {type(error).__name__}: {error}")
    for failure in failures:
        click.echo(f"failed {failure}", err=True)
    click.echo(
        f"{len(claims)} claims: {written} letters written, {skipped} already there, "
        f"{len(failures)} failed."
    )
    if failures:
        raise SystemExit(1)
