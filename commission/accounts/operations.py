"""Verbs that change users and offices. They flush; the caller's boundary commits."""

from __future__ import annotations

import logging
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from commission.accounts.models import Office, Role, User, UserRole
from commission.accounts.passwords import check_password_strength, verify_password
from commission.governorates import GOVERNORATES, HEADQUARTERS
from commission.refusals import N_, Refusal, RefusalKind

logger = logging.getLogger(__name__)


class LoginRefused(Refusal):
    """Login failed; the message is safe to show (it never says which part was wrong).
    The default message is the one answer to an unknown name, a wrong password and
    paused tries alike."""

    kind = RefusalKind.INPUT
    message = N_(
        "Wrong username or password. After repeated failures, logins from this computer "
        "pause for a few minutes; an administrator can lift the pause."
    )


class UnknownOffice(Refusal, ValueError):
    kind = RefusalKind.INPUT
    message = N_("No office with code %(code)s.")


def sync_offices(session: Session) -> int:
    """Create or update one office per governorate plus headquarters; returns changes."""
    existing = {office.code: office for office in session.scalars(select(Office))}
    wanted = [(gov.office_code, gov.code, gov.name_en, gov.name_ar, False) for gov in GOVERNORATES]
    hq_code, hq_en, hq_ar, hq_governorate = HEADQUARTERS
    wanted.append((hq_code, hq_governorate, hq_en, hq_ar, True))
    changed = 0
    for code, governorate_code, name_en, name_ar, is_hq in wanted:
        office = existing.get(code)
        if office is None:
            office = Office(code=code)
            session.add(office)
        values = {
            "governorate_code": governorate_code,
            "name_en": name_en,
            "name_ar": name_ar,
            "is_headquarters": is_hq,
        }
        if any(getattr(office, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(office, key, value)
            changed += 1
    session.flush()
    return changed


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    password: str,
    roles: set[Role],
    office_code: str,
    hasher: PasswordHasher,
) -> User:
    check_password_strength(password)
    office = session.scalar(select(Office).where(Office.code == office_code.upper()))
    if office is None:
        raise UnknownOffice(code=office_code)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValueError(f"User {username!r} already exists.")
    user = User(
        username=username,
        full_name=full_name,
        password_hash=hasher.hash(password),
        office=office,
        role_grants=[UserRole(role=Role(role)) for role in sorted(roles)],
    )
    session.add(user)
    session.flush()
    return user


def disable_user(session: Session, username: str) -> User:
    """Disable an account; the caller ends its sessions after the commit."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValueError(f"No user {username!r}.")
    user.is_active_account = False
    session.flush()
    return user


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    now: datetime,
    hasher: PasswordHasher,
    dummy_hash: str,
    throttled: bool,
) -> User:
    """Check a login. A password is always verified against a hash (the user's, or a
    dummy one for an unknown name) and every refusal says the same, so neither the time
    nor the answer tells an unknown name, a wrong password and a paused one apart.
    `throttled`: this name may not be tried from this address now."""
    user = session.scalar(select(User).where(User.username == username))
    matches = verify_password(hasher, user.password_hash if user else dummy_hash, password)
    if user is None or not matches or throttled:
        raise LoginRefused()
    if not user.is_active_account:
        raise LoginRefused(N_("This account is disabled."))
    user.last_login_at = now
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    session.flush()
    return user
