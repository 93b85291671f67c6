"""Read-only questions about claims: the searchable list and who may see a claim.

Workspace scoping is added by the session hook (commission/workspaces.py); what is
added here is office scoping: branch staff see their own office's claims, headquarters
staff see every office's. Lists are keyset-paginated newest first (`id < before`, never
OFFSET) so a page costs the same on page 1 and page 10,000, and the plain scans walk the
indexes (workspace_id, id) and (workspace_id, office_id, id) backwards.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from claims.domain import ClaimState
from claims.models import Claim, Parcel, Party
from claims.parcels import fold_digits, parse_parcel_number
from commission.accounts.models import User
from commission.workspaces import current_workspace_id

#: A complete claim number, leniently typed: "bgd-2026-123" means BGD-2026-000123.
_FULL_NUMBER_RE = re.compile(r"^([A-Z]{2,8})-(\d{4})-(\d{1,6})$")


@dataclasses.dataclass
class ClaimFilters:
    #: A whole claim number, or its beginning ("BGD-2026-").
    number: str = ""
    #: Words each found (case-insensitively) in one party's name parts or Latin name.
    name: str = ""
    governorate_code: str = ""
    #: A parcel number in any script; "345" also finds its sub-parcels 345/1, 345/2 …
    parcel_no: str = ""
    state: ClaimState | None = None
    filed_from: date | None = None
    filed_to: date | None = None
    #: Only claims whose parcel is still to be identified.
    parcel_to_identify: bool = False


def normalise_claim_number(entered: str) -> str:
    """Upper case, ASCII digits, no spaces; a complete number gets its zero padding."""
    text = fold_digits(entered or "").strip().upper().replace(" ", "")
    match = _FULL_NUMBER_RE.match(text)
    if match:
        office, year, seq = match.groups()
        return f"{office}-{year}-{int(seq):06d}"
    return text


def search_claims(
    session: Session,
    filters: ClaimFilters,
    *,
    viewer: User,
    before_id: int | None = None,
    limit: int = 50,
) -> list[Claim]:
    """Claims the viewer may see that match every filter given, newest first.

    Raises `InvalidParcelNumber` when the parcel number filter is not a parcel number.
    """
    statement = select(Claim)
    if not viewer.sees_all_offices:
        statement = statement.where(Claim.office_id == viewer.office_id)

    number = normalise_claim_number(filters.number)
    if number:
        if _FULL_NUMBER_RE.match(number):
            statement = statement.where(Claim.number == number)
        else:
            statement = statement.where(Claim.number.startswith(number, autoescape=True))

    words = (filters.name or "").split()
    if words:
        name_columns = (
            Party.given_name,
            Party.father_name,
            Party.grandfather_name,
            Party.family_name,
            Party.latin_name,
        )
        # Every word in some name part of the same party: "محمد الجبوري" finds
        # Muhammad son of … of the Jubouri family, "jubouri" finds al-Jubouri.
        statement = statement.where(
            exists().where(
                Party.claim_id == Claim.id,
                and_(
                    *(
                        or_(*(column.icontains(word, autoescape=True) for column in name_columns))
                        for word in words
                    )
                ),
            )
        )

    if filters.governorate_code:
        statement = statement.where(Claim.governorate_code == filters.governorate_code.upper())
    parcel_conditions = []
    if (filters.parcel_no or "").strip():
        main, sub = parse_parcel_number(filters.parcel_no)
        parcel_conditions.append(Parcel.parcel_no == main)
        if sub is not None:
            parcel_conditions.append(Parcel.parcel_sub == sub)
    if parcel_conditions:
        statement = statement.where(
            Claim.parcel_id.in_(select(Parcel.id).where(*parcel_conditions))
        )

    if filters.parcel_to_identify:
        statement = statement.where(Claim.parcel_id.is_(None))

    if filters.state is not None:
        statement = statement.where(Claim.state == filters.state)
    if filters.filed_from is not None:
        statement = statement.where(Claim.filed_on >= filters.filed_from)
    if filters.filed_to is not None:
        statement = statement.where(Claim.filed_on <= filters.filed_to)

    if before_id is not None:
        statement = statement.where(Claim.id < before_id)
    statement = statement.order_by(Claim.id.desc()).limit(limit)
    return list(session.scalars(statement))


def find_claim(session: Session, number: str) -> Claim | None:
    """The claim with this number in the current workspace (scoped by the session hook)."""
    return session.scalar(select(Claim).where(Claim.number == normalise_claim_number(number)))


def claim_visible_to(claim: Claim, user: User) -> bool:
    """May `user` see this claim? Its own workspace and, for branch staff, their office."""
    if claim.workspace_id != current_workspace_id():
        return False
    return user.sees_all_offices or claim.office_id == user.office_id
