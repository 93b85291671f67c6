"""The demo staff: one account per role, all with the same known password."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from commission.accounts.models import Office, Role, User
from commission.accounts.operations import create_user

#: Password of every demo user: printed by `flask seed-demo` and in the README.
DEMO_PASSWORD = "qayd-demo-2026"

#: The demo users: username, name in Latin and in Arabic script, roles, office code. The
#: adjudicator and the reviewers work at headquarters so that the demo claims of every
#: office can be theirs; a second reviewer decides the appeals, since the one who approved
#: a decision may not. (The migration that added Arabic names gave these same ones to
#: databases seeded before it.)
DEMO_USERS = [
    ("clerk", "Zainab Hassan Ali", "زينب حسن علي", {Role.CLERK}, "BGD"),
    ("adjudicator", "Omar Khalid al-Jubouri", "عمر خالد الجبوري", {Role.ADJUDICATOR}, "HQ"),
    ("reviewer", "Huda Salman al-Tamimi", "هدى سلمان التميمي", {Role.REVIEWER}, "HQ"),
    ("reviewer2", "Faisal Jaber al-Rubaie", "فيصل جابر الربيعي", {Role.REVIEWER}, "HQ"),
    ("trainer", "Karim Aziz Mahmoud", "كريم عزيز محمود", {Role.TRAINER}, "HQ"),
    ("admin", "Layla Nouri Abbas", "ليلى نوري عباس", {Role.ADMIN}, "HQ"),
]

#: Office hours printed with each demo office's (made-up) telephone number.
DEMO_OFFICE_HOURS = "Sunday–Thursday 08:00–14:00 · الأحد–الخميس"


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
    for username, full_name, name_ar, roles, office_code in DEMO_USERS:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(
                session,
                username=username,
                full_name=full_name,
                name_ar=name_ar,
                password=DEMO_PASSWORD,
                roles=roles,
                office_code=office_code,
                hasher=hasher,
            )
            created.append(username)
    return created


def seed_demo_office_contacts(session: Session) -> None:
    """A telephone number and hours for every office that has no contact yet."""
    offices = session.scalars(select(Office).where(Office.contact == "").order_by(Office.code))
    for number, office in enumerate(offices, start=1):
        office.contact = f"+964 770 100 {number:04d} · {DEMO_OFFICE_HOURS}"
    session.flush()


def demo_staff(session: Session) -> DemoStaff:
    return DemoStaff(
        **{
            part: session.scalar(select(User).where(User.username == username))
            for part, username in DEMO_STAFF.items()
        }
    )
