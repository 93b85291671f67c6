"""The cast: service accounts that act in a scenario's starting history.

A scenario may start a claim part-way along the workflow (a decision already issued, an
appeal lodged). Those steps need people who may take them: a clerk, an adjudicator, a
reviewer and a second reviewer for appeals. They are disabled accounts with a password
nobody knows, so nobody can log in as them, and the scorer never counts their acts as
the trainee's.
"""

from __future__ import annotations

import dataclasses
import secrets

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from commission.accounts.models import User
from commission.accounts.operations import create_user
from commission.roles import Role

#: Office of the cast: headquarters, which may act on claims of every office.
CAST_OFFICE = "HQ"


@dataclasses.dataclass(frozen=True)
class Cast:
    clerk: User
    adjudicator: User
    reviewer: User
    appeals: User


#: Cast member -> (username, full name, global role).
CAST_ACCOUNTS = {
    "clerk": ("training-clerk", "Training clerk (scenario history)", Role.CLERK),
    "adjudicator": (
        "training-adjudicator",
        "Training adjudicator (scenario history)",
        Role.ADJUDICATOR,
    ),
    "reviewer": ("training-reviewer", "Training reviewer (scenario history)", Role.REVIEWER),
    "appeals": ("training-appeals", "Training appeals reviewer (scenario history)", Role.REVIEWER),
}
CAST_USERNAMES = frozenset(username for username, _, _ in CAST_ACCOUNTS.values())


def training_cast(session: Session, *, hasher: PasswordHasher) -> Cast:
    """The cast's accounts, created (disabled) the first time. Flushes, never commits."""
    members = {}
    for member, (username, full_name, role) in CAST_ACCOUNTS.items():
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(
                session,
                username=username,
                full_name=full_name,
                # Never shown or stored anywhere: the account is not meant to log in.
                password=secrets.token_urlsafe(32),
                roles={role},
                office_code=CAST_OFFICE,
                hasher=hasher,
                is_service_account=True,
            )
            user.is_active_account = False
        members[member] = user
    session.flush()
    return Cast(**members)


def cast_ids(session: Session) -> frozenset[int]:
    """The ids of the cast's accounts that exist."""
    return frozenset(session.scalars(select(User.id).where(User.username.in_(CAST_USERNAMES))))
