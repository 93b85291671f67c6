"""Claims fixtures; the builders of valid claim input are in tests.support.claims."""

from __future__ import annotations

import pytest

from commission.accounts.models import Role, User
from commission.extensions import db


@pytest.fixture
def reviewer(make_user, intake):
    """An adjudicator, loaded in the intake context's session."""
    ref = make_user(Role.ADJUDICATOR)
    return db.session.get(User, ref.id)
