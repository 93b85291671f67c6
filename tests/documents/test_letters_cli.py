"""`flask letters render|batch`: stored letters written out, batches resumed."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from claims.domain import ClaimState
from commission.extensions import db
from commission.workspaces import ALL_WORKSPACES
from documents.files import LetterStore
from documents.models import Letter


def letters_in(app, workspace_id: int) -> int:
    with app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(Letter)
            .where(Letter.workspace_id == workspace_id)
            .execution_options(**{ALL_WORKSPACES: True})
        )
        db.session.remove()
    return count


def stored_sha256(app, path) -> str:
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    assert LetterStore(app.config["QAYD_DATA_DIR"]).path_for(sha256).is_file()
    return sha256


def test_render_issues_the_letter_once_and_writes_its_stored_bytes(app, runner, training, tmp_path):
    claim = training.claim(ClaimState.DECISION_ISSUED)
    args = ["letters", "render", claim.number, "--workspace", str(claim.workspace_id)]

    first = runner.invoke(args=[*args, "-o", str(tmp_path / "first.pdf")])
    assert first.exit_code == 0, first.output
    assert "decision letter T-" in first.output
    second = runner.invoke(args=[*args, "-o", str(tmp_path / "second.pdf")])
    assert second.exit_code == 0, second.output

    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "second.pdf").read_bytes()
    stored_sha256(app, tmp_path / "first.pdf")
    assert letters_in(app, claim.workspace_id) == 1


def test_render_of_another_kind(runner, training, tmp_path):
    claim = training.claim()
    result = runner.invoke(
        args=[
            "letters",
            "render",
            claim.number,
            "--kind",
            "receipt",
            "--workspace",
            str(claim.workspace_id),
            "-o",
            str(tmp_path / "receipt.pdf"),
        ]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "receipt.pdf").read_bytes().startswith(b"%PDF-")


def test_render_refuses_a_letter_the_claim_has_no_record_for(app, runner, training, tmp_path):
    claim = training.claim(ClaimState.UNDER_REVIEW)
    result = runner.invoke(
        args=[
            "letters",
            "render",
            claim.number,
            "--workspace",
            str(claim.workspace_id),
            "-o",
            str(tmp_path / "decision.pdf"),
        ]
    )
    assert result.exit_code == 1
    assert "No decision has been issued on this claim." in result.output
    assert not (tmp_path / "decision.pdf").exists()
    assert letters_in(app, claim.workspace_id) == 0


def test_render_of_an_unknown_claim_or_workspace(runner, tmp_path):
    result = runner.invoke(args=["letters", "render", "BGD-1999-999999", "-o", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "There is no claim BGD-1999-999999." in result.output
    result = runner.invoke(
        args=["letters", "render", "X", "--workspace", "999999", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "there is no workspace 999999" in result.output


def test_batch_writes_each_claims_letter_reports_a_failure_and_goes_on(
    app, runner, training, tmp_path
):
    good = [training.claim(ClaimState.DECISION_ISSUED) for _ in range(3)]
    broken = training.broken(ClaimState.DECISION_ISSUED)
    training.claim(ClaimState.UNDER_REVIEW)  # not in the state: left alone
    args = [
        "letters",
        "batch",
        "--state",
        "decision_issued",
        "-o",
        str(tmp_path / "out"),
        "--workspace",
        str(broken.workspace_id),
    ]

    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert f"failed {broken.number}: No decision has been issued on this claim." in result.output
    assert "4 claims: 3 letters written, 0 already there, 1 failed." in result.output
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written == sorted(f"{claim.number}-decision.pdf" for claim in good)
    assert letters_in(app, broken.workspace_id) == 3


def test_batch_resumes_skipping_files_already_written(app, runner, training, tmp_path):
    claims = [training.claim(ClaimState.DECISION_ISSUED) for _ in range(3)]
    out = tmp_path / "out"
    args = [
        "letters",
        "batch",
        "--state",
        "decision_issued",
        "-o",
        str(out),
        "--workspace",
        str(claims[0].workspace_id),
    ]
    assert runner.invoke(args=args).exit_code == 0
    first = {path.name: path.read_bytes() for path in out.iterdir()}

    # An interrupted run: one file never written, one cut short.
    (out / f"{claims[0].number}-decision.pdf").unlink()
    truncated = out / f"{claims[1].number}-decision.pdf"
    truncated.write_bytes(truncated.read_bytes()[:100])

    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "3 claims: 2 letters written, 1 already there, 0 failed." in result.output
    assert {path.name: path.read_bytes() for path in out.iterdir()} == first
    assert letters_in(app, claims[0].workspace_id) == 3


def test_batch_needs_a_kind_for_a_state_that_waits_for_no_letter(runner, tmp_path):
    result = runner.invoke(args=["letters", "batch", "--state", "final", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "choose --kind" in result.output
