"""Verbs that change users and offices. They flush; the caller's boundary commits."""

from __future__ import annotations

import dataclasses
import logging
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from commission.accounts.models import Office, Role, User, UserRole
from commission.accounts.passwords import (
    WeakPassword,
    check_password_strength,
    verify_password,
)
from commission.governorates import GOVERNORATES, HEADQUARTERS
from commission.refusals import N_, Refusal, RefusalKind
from commission.sessions import UserSession

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


class UsernameTaken(Refusal, ValueError):
    kind = RefusalKind.INPUT
    message = N_("The username %(username)s is taken.")


class AccountRefused(Refusal):
    """An administrator's change that the rules of the staff list refuse."""


class NotStaff(Refusal):
    """A service account (or no account): not on the staff list, not changed from it."""

    kind = RefusalKind.NOT_FOUND
    message = N_("No such member of staff.")


#: Letters of one-time passwords: no 0/O, 1/l/I, easy to read out and type.
_ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_ONE_TIME_GROUPS, _ONE_TIME_GROUP_LENGTH = 4, 4


def one_time_password() -> str:
    """A random password for an administrator to hand over once, e.g. "k7pm-3xq9-…":
    16 letters from 31, about 79 bits."""
    groups = (
        "".join(secrets.choice(_ONE_TIME_ALPHABET) for _ in range(_ONE_TIME_GROUP_LENGTH))
        for _ in range(_ONE_TIME_GROUPS)
    )
    return "-".join(groups)


@dataclasses.dataclass(frozen=True)
class StaffDetails:
    """What an administrator writes about a member of staff."""

    full_name: str
    name_ar: str
    roles: frozenset[Role]
    office_code: str


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


#: Longest office contact (the column's width).
MAX_CONTACT_LENGTH = 300


def set_office_contact(session: Session, office_code: str, contact: str) -> Office:
    """How claimants reach the office, as the public status look-up shows it."""
    office = _office(session, office_code)
    contact = contact.strip()
    if len(contact) > MAX_CONTACT_LENGTH:
        raise AccountRefused(
            N_("An office contact has at most %(count)d characters."),
            kind=RefusalKind.INPUT,
            count=MAX_CONTACT_LENGTH,
        )
    office.contact = contact
    session.flush()
    return office


def _office(session: Session, office_code: str) -> Office:
    office = session.scalar(select(Office).where(Office.code == office_code.upper()))
    if office is None:
        raise UnknownOffice(code=office_code, fields={"office": N_("Choose an office.")})
    return office


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    password: str,
    roles: set[Role],
    office_code: str,
    hasher: PasswordHasher,
    name_ar: str | None = None,
    must_change_password: bool = False,
    is_service_account: bool = False,
) -> User:
    """A new account. `name_ar` defaults to `full_name` (for accounts named once, such as
    the command line's and the system's own)."""
    check_password_strength(password)
    office = _office(session, office_code)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UsernameTaken(username=username, fields={"username": N_("This username is taken.")})
    user = User(
        username=username,
        full_name=full_name,
        name_ar=name_ar or full_name,
        password_hash=hasher.hash(password),
        office=office,
        must_change_password=must_change_password,
        is_service_account=is_service_account,
        role_grants=[UserRole(role=Role(role)) for role in sorted(roles)],
    )
    session.add(user)
    session.flush()
    return user


def create_staff_account(
    session: Session,
    username: str,
    details: StaffDetails,
    *,
    by: User,
    hasher: PasswordHasher,
) -> tuple[User, str]:
    """An administrator creates an account with a one-time password, returned to be
    handed over once: the user must replace it at their first login."""
    _refuse_no_roles(details)
    password = one_time_password()
    user = create_user(
        session,
        username=username,
        full_name=details.full_name,
        name_ar=details.name_ar,
        password=password,
        roles=set(details.roles),
        office_code=details.office_code,
        hasher=hasher,
        must_change_password=True,
    )
    logger.info("account %s created by %s", username, by.username)
    return user, password


def staff_member(session: Session, user_id: int) -> User:
    """The member of staff with this id; service accounts are not staff."""
    user = session.get(User, user_id)
    if user is None or user.is_service_account:
        raise NotStaff()
    return user


def _refuse_no_roles(details: StaffDetails) -> None:
    if not details.roles:
        raise AccountRefused(
            N_("Give the account at least one role."),
            kind=RefusalKind.INPUT,
            fields={"roles": N_("Choose at least one role.")},
        )


def _refuse_service_account(user: User) -> None:
    if user.is_service_account:
        raise NotStaff()


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse a change that would leave no active administrator: `user` is about to stop
    being one. The active administrators' rows and their admin grants are locked first
    (PostgreSQL), so two administrators cannot each remove the other at the same moment:
    the second waits, and a grant the first deleted drops out of its answer (a user row
    only locked, not changed, would be read as it was before the wait)."""
    admins = session.scalars(
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == Role.ADMIN,
            User.is_active_account.is_(True),
            User.is_service_account.is_(False),
        )
        .with_for_update(of=(User, UserRole))
    ).all()
    if not set(admins) - {user.id}:
        raise AccountRefused(N_("%(username)s is the last administrator."), username=user.username)


def update_staff_account(session: Session, user: User, details: StaffDetails, *, by: User) -> User:
    """Names, roles and office. Role grants are added and removed one by one, so the
    audit log shows each role given or taken."""
    _refuse_service_account(user)
    _refuse_no_roles(details)
    if Role.ADMIN in user.roles and Role.ADMIN not in details.roles and user.is_active_account:
        _keep_an_admin(session, user)
    # Read before any change: the query's autoflush would split the change in two entries.
    office = _office(session, details.office_code)
    user.full_name = details.full_name
    user.name_ar = details.name_ar
    user.office = office
    held = {Role(grant.role): grant for grant in user.role_grants}
    for role, grant in held.items():
        if role not in details.roles:
            user.role_grants.remove(grant)
            # Deleted explicitly: an orphan the flush removes leaves no audit entry.
            session.delete(grant)
    for role in sorted(details.roles - held.keys()):
        user.role_grants.append(UserRole(role=role))
    session.flush()
    logger.info("account %s changed by %s", user.username, by.username)
    return user


def _end_sessions(session: Session, user: User, *, now: datetime) -> None:
    """Called before the account's other changes: the delete flushes what was changed
    before it, which would split one act into two audit entries. In the request's
    transaction, so the sessions end if, and when, the change commits."""
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user.sessions_ended_at = now


def disable_account(session: Session, user: User, *, by: User, now: datetime) -> User:
    """Disable an account and end its sessions. Nobody disables themselves, and the
    last administrator stays."""
    _refuse_service_account(user)
    if user.id == by.id:
        raise AccountRefused(N_("You cannot disable your own account."))
    if Role.ADMIN in user.roles and user.is_active_account:
        _keep_an_admin(session, user)
    _end_sessions(session, user, now=now)
    user.is_active_account = False
    session.flush()
    logger.warning("account %s disabled by %s", user.username, by.username)
    return user


def enable_account(session: Session, user: User, *, by: User) -> User:
    _refuse_service_account(user)
    user.is_active_account = True
    session.flush()
    logger.warning("account %s enabled by %s", user.username, by.username)
    return user


def disable_user(session: Session, username: str) -> User:
    """Disable an account by name (the command line, which has no user to act as); its
    sessions end with the commit."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValueError(f"No user {username!r}.")
    user.is_active_account = False
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.flush()
    return user


def record_unlock(session: Session, user: User, *, by: User | None, now: datetime) -> User:
    """Record that an administrator lifted the pause on the account's logins; the caller
    moves the throttle's counters (`throttle.unlock_login`), which live outside the
    database."""
    _refuse_service_account(user)
    user.logins_unlocked_at = now
    session.flush()
    logger.warning("logins of %s unlocked by %s", user.username, by.username if by else "cli")
    return user


def reset_password(
    session: Session, user: User, *, by: User, now: datetime, hasher: PasswordHasher
) -> str:
    """A new one-time password for the account (returned to be handed over once), to be
    replaced at the next login; the old password and every open session stop working."""
    _refuse_service_account(user)
    password = one_time_password()
    _end_sessions(session, user, now=now)
    user.password_hash = hasher.hash(password)
    user.must_change_password = True
    user.password_changed_at = now
    session.flush()
    logger.warning("password of %s reset by %s", user.username, by.username)
    return password


def end_sessions(session: Session, user: User, *, by: User, now: datetime) -> User:
    """Log the account out everywhere."""
    _refuse_service_account(user)
    _end_sessions(session, user, now=now)
    session.flush()
    logger.warning("sessions of %s ended by %s", user.username, by.username)
    return user


class PasswordChangeRefused(Refusal):
    kind = RefusalKind.INPUT


class WrongCurrentPassword(PasswordChangeRefused):
    """A wrong current password: a guess, counted as a failed login."""

    message = N_("The current password is wrong.")


def change_own_password(
    session: Session,
    user: User,
    *,
    current_password: str,
    new_password: str,
    now: datetime,
    hasher: PasswordHasher,
    throttled: bool = False,
) -> User:
    """The user replaces their password (a one-time one, or their own). `throttled`:
    this name has failed too often from this address to try a current password now."""
    if throttled:
        raise PasswordChangeRefused(
            LoginRefused.message, fields={"current_password": LoginRefused.message}
        )
    if not verify_password(hasher, user.password_hash, current_password):
        raise WrongCurrentPassword(fields={"current_password": WrongCurrentPassword.message})
    try:
        check_password_strength(new_password)
    except WeakPassword as weak:
        raise PasswordChangeRefused(
            weak.message, fields={"new_password": weak}, **weak.values
        ) from None
    if new_password == current_password:
        raise PasswordChangeRefused(
            N_("Choose a password different from the current one."),
            fields={"new_password": N_("Choose a password different from the current one.")},
        )
    user.password_hash = hasher.hash(new_password)
    user.must_change_password = False
    user.password_changed_at = now
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
