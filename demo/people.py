"""The demo staff: one account per role, all with the same known password."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from commission.accounts.models import Role, User
from commission.accounts.operations import create_user

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


@dataclasses.dataclass(frozen=True)
class DemoStaff:
    """Who does what in the demo claims' history."""

    #: Registers the claims (at the office of each claim's parcel), lodges appeals and
    #: records withdrawals.
    clerk: User
    adjudicator: User
    #: Assigns claims and approves or returns drafts (never drafts: four eyes).
    reviewer: User
    #: Decides appeals: a reviewer who neither drafted nor approved the decision appealed.
    appeals_reviewer: User


#: The demo user who plays each part of `DemoStaff`.
DEMO_STAFF = {
    "clerk": "clerk",
    "adjudicator": "adjudicator",
    "reviewer": "reviewer",
    "appeals_reviewer": "reviewer2",
}


def seed_demo_users(session: Session, *, hasher) -> list[str]:
    """Create the demo users that do not exist yet; return their usernames."""
    created = []
    for username, full_name, roles, office_code in DEMO_USERS:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(
                session,
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                roles=roles,
                office_code=office_code,
                hasher=hasher,
            )
            created.append(username)
    return created


def demo_staff(session: Session) -> DemoStaff:
    return DemoStaff(
        **{
            part: session.scalar(select(User).where(User.username == username))
            for part, username in DEMO_STAFF.items()
        }
    )
