"""Documents fixtures: committed claims in a chosen state, for the web and the CLI."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from claims.domain import ClaimState
from claims.models import Claim
from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import operational_workspace_id, use_workspace
from documents.files import LetterStore
from documents.letters import LetterKind
from documents.operations import LetterSettings, issue_letter
from tests.support.adjudication import Cases, Staff
from tests.support.claims import IntakeContext

VERIFY_BASE_URL = "https://qayd.test/verify"


@dataclasses.dataclass(frozen=True)
class SavedClaim:
    id: int
    number: str
    workspace_id: int


@dataclasses.dataclass(frozen=True)
class SavedLetter:
    id: int
    claim_number: str
    verification_code: str
    sha256: str


class CommittedCases:
    """Claims put in a state and committed, each in an app context of its own, so that
    requests and commands (which open their own sessions) see them."""

    def __init__(self, app, make_user, workspace_id: int | None = None):
        self.app = app
        self.make_user = make_user
        self.workspace_id = workspace_id

    @contextmanager
    def _context(self) -> Iterator[Cases]:
        with self.app.app_context():
            workspace = self.workspace_id or operational_workspace_id(db.session)
            with use_workspace(workspace):
                set_actor(Actor(None, "test"))
                try:
                    yield Cases(IntakeContext(self.app, workspace), Staff(self.make_user))
                finally:
                    db.session.remove()

    def claim(self, state: ClaimState | None = None, **options) -> SavedClaim:
        """A claim of BGD in `state` (registered if None), committed."""
        with self._context() as cases:
            claim = cases.in_state(state, **options) if state else cases.register()
            db.session.commit()
            return SavedClaim(claim.id, claim.number, claim.workspace_id)

    def broken(self, state: ClaimState) -> SavedClaim:
        """A claim in `state` without the records the state implies (damaged data)."""
        with self._context() as cases:
            claim = cases.register()
            claim.state = state
            db.session.commit()
            return SavedClaim(claim.id, claim.number, claim.workspace_id)

    def letter(self, state: ClaimState | None, kind: LetterKind) -> SavedLetter:
        """A claim in `state` and its letter of `kind`, issued and committed."""
        saved = self.claim(state)
        with self._context():
            letter = issue_letter(
                db.session,
                db.session.get(Claim, saved.id),
                kind,
                by=None,
                settings=LetterSettings.from_config(
                    self.app.config, verify_base_url=VERIFY_BASE_URL
                ),
                store=LetterStore(self.app.config["QAYD_DATA_DIR"]),
            )
            db.session.commit()
            return SavedLetter(letter.id, saved.number, letter.verification_code, letter.sha256)


@pytest.fixture
def operational(app, make_user) -> CommittedCases:
    """Committed claims of the operational workspace, which web requests use."""
    return CommittedCases(app, make_user)


@pytest.fixture
def training(app, make_user, workspace) -> CommittedCases:
    """Committed claims of a fresh training workspace of the test's own."""
    return CommittedCases(app, make_user, workspace)
