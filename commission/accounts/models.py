from __future__ import annotations

from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.audit import AUDIT_INFO_KEY, Audited
from commission.db import Base, UTCDateTime, utcnow
from commission.roles import Role
from commission.workspaces import training_roles

ROLE_LABELS = {
    Role.CLERK: _l("clerk"),
    Role.ADJUDICATOR: _l("adjudicator"),
    Role.REVIEWER: _l("reviewer"),
    Role.TRAINER: _l("trainer"),
    Role.ADMIN: _l("admin"),
}


ROLE_VALUES = ", ".join(f"'{role.value}'" for role in Role)


class Office(Audited, Base):
    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Three letters that begin the office's claim numbers (BGD-2026-000123).
    code: Mapped[str] = mapped_column(String(8), unique=True)
    #: ISO 3166-2:IQ code of the governorate (or a local code, see governorates.py).
    governorate_code: Mapped[str] = mapped_column(String(16))
    name_en: Mapped[str] = mapped_column(String(100))
    name_ar: Mapped[str] = mapped_column(String(100))
    #: Headquarters staff see the claims of every office.
    is_headquarters: Mapped[bool] = mapped_column(Boolean, default=False)
    #: How claimants reach the office (telephone, address, hours), shown by the public
    #: status look-up; any script.
    contact: Mapped[str] = mapped_column(String(300), default="")

    users: Mapped[list[User]] = relationship(back_populates="office")

    @property
    def local_name(self) -> str:
        """The office's name in the language of the page."""
        return self.name_ar if str(get_locale()) == "ar" else self.name_en

    def __repr__(self) -> str:
        return f"<Office {self.code}>"


class User(UserMixin, Audited, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    #: The name in Latin script, as English pages and letters print it.
    full_name: Mapped[str] = mapped_column(String(200))
    #: The name in Arabic script, as Arabic pages and letters print it.
    name_ar: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255), info={AUDIT_INFO_KEY: "redact"})
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    is_active_account: Mapped[bool] = mapped_column("is_active", Boolean, default=True)
    #: An account the system acts as (the training scenarios' cast): nobody logs in to
    #: it and the staff pages leave it out.
    is_service_account: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The password was set by an administrator (a one-time password): the user must
    #: choose their own before doing anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When an administrator last lifted the pause on this account's logins; the pause
    #: itself is counted outside the database, so this column is what the audit log shows.
    logins_unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When an administrator last ended all of this account's sessions.
    sessions_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, info={AUDIT_INFO_KEY: "skip"}
    )

    office: Mapped[Office] = relationship(back_populates="users", lazy="joined")
    role_grants: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    @property
    def local_name(self) -> str:
        """The name in the script of the page's language."""
        return self.name_ar if str(get_locale()) == "ar" else self.full_name

    @property
    def roles(self) -> frozenset[Role]:
        """The roles in the current workspace: in a training workspace only those held
        there (see training.models.WorkspaceRole), elsewhere the user's own."""
        in_training = training_roles()
        if in_training is not None:
            return in_training.get(self.id, frozenset())
        return frozenset(Role(grant.role) for grant in self.role_grants)

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & set(roles))

    @property
    def sees_all_offices(self) -> bool:
        # A training workspace is the trainee's own sandbox: every claim in it is theirs.
        return self.office.is_headquarters or training_roles() is not None

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(Audited, Base):
    __tablename__ = "user_role"
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_VALUES})", name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_grants")

    def __repr__(self) -> str:
        return f"<UserRole {self.user_id} {self.role}>"
