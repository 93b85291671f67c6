"""Claims fixtures; the builders of valid claim input are in tests.support.claims."""

from __future__ import annotations

import pytest

from commission.accounts.models import Role, User
from commission.extensions import db
from tests.support.app import InOperational


@pytest.fixture
def reviewer(make_user, intake):
    """An adjudicator, loaded in the intake context's session."""
    ref = make_user(Role.ADJUDICATOR)
    return db.session.get(User, ref.id)


@pytest.fixture
def stored(app):
    """Sessions of the operational workspace that the requests of a test wrote into."""
    return lambda: InOperational(app)
