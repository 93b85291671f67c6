"""argon2id password hashing (werkzeug's default scrypt cost is below OWASP ASVS 5)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from commission.refusals import N_, Refusal, RefusalKind

MIN_PASSWORD_LENGTH = 12


class WeakPassword(Refusal, ValueError):
    kind = RefusalKind.INPUT
    message = N_("A password needs at least %(count)d characters.")


def make_hasher(config) -> PasswordHasher:
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST_KIB"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(count=MIN_PASSWORD_LENGTH)


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
