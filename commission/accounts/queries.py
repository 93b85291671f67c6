"""Reads of the staff list: plain `select()` statements, no changes."""

from __future__ import annotations

import dataclasses

from sqlalchemy import Select, or_, select
from wtforms import SelectChoice

from commission.accounts.models import Office, User, UserRole
from commission.roles import Role

#: Staff list rows per page.
STAFF_PAGE_SIZE = 100


@dataclasses.dataclass(frozen=True)
class StaffFilters:
    name: str = ""
    role: Role | None = None
    office_code: str = ""
    #: True: active accounts only; False: disabled only; None: both.
    active: bool | None = None


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def staff_query(filters: StaffFilters, *, after: str = "", limit: int = STAFF_PAGE_SIZE) -> Select:
    """Members of staff by username, from the first after `after`; service accounts left
    out."""
    query = (
        select(User)
        .join(Office, Office.id == User.office_id)
        .where(User.is_service_account.is_(False))
        .order_by(User.username)
        .limit(limit)
    )
    if after:
        query = query.where(User.username > after)
    if filters.name:
        pattern = _like_pattern(filters.name.casefold())
        query = query.where(
            or_(
                User.username.ilike(pattern, escape="\\"),
                User.full_name.ilike(pattern, escape="\\"),
                User.name_ar.like(_like_pattern(filters.name), escape="\\"),
            )
        )
    if filters.role is not None:
        query = query.where(
            select(UserRole.user_id)
            .where(UserRole.user_id == User.id, UserRole.role == filters.role)
            .exists()
        )
    if filters.office_code:
        query = query.where(Office.code == filters.office_code)
    if filters.active is not None:
        query = query.where(User.is_active_account.is_(filters.active))
    return query


def office_choices(session) -> list[SelectChoice]:
    """Every office as "CODE · name", headquarters first."""
    offices = session.scalars(select(Office).order_by(Office.is_headquarters.desc(), Office.code))
    return [SelectChoice(office.code, f"{office.code} · {office.local_name}") for office in offices]
