"""Login throttling that no one can turn against someone else.

Failed logins are counted per (account name, client address) and per client address,
in Flask-Limiter's storage (Redis in production, so every worker and machine shares the
counts; memory for a single development process). A guesser is slowed down at their own
address; the account's owner, logging in from anywhere else, is not. Names that exist and
names that do not are counted alike, so the counts say nothing about who has an account.

An administrator's unlock moves the account to a new generation of counters: the old
ones, at every address, no longer apply.
"""

from __future__ import annotations

import hashlib
import logging

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

logger = logging.getLogger(__name__)

#: Applies no limit of its own to any route: the login view asks it explicitly.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

#: Unlock generations outlive every failure window by far.
_GENERATION_EXPIRY_SECONDS = 30 * 24 * 3600


def _namespace() -> str:
    # The prefix keeps separate deployments (or test runs) sharing one Redis apart.
    return current_app.config.get("RATELIMIT_KEY_PREFIX", "") + "qayd-login"


def _account_key(username: str) -> str:
    # Hashed: any text a client sends makes a short, safe storage key.
    return hashlib.sha256(username.strip().casefold().encode("utf-8", "replace")).hexdigest()


def _generation(account: str) -> str:
    return str(limiter.storage.get(f"{_namespace()}/generation/{account}") or 0)


def _limits(config):
    return (
        (parse(config["LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS"]), "account-address"),
        (parse(config["LOGIN_FAILURES_PER_ADDRESS"]), "address"),
    )


def _identifiers(scope: str, username: str, address: str) -> tuple[str, ...]:
    if scope == "address":
        return (_namespace(), scope, address)
    account = _account_key(username)
    return (_namespace(), scope, account, _generation(account), address)


def client_address() -> str:
    return request.remote_addr or "unknown"


def login_allowed(config, username: str, address: str) -> bool:
    """Whether this address may try this name now (no limit reached)."""
    return all(
        limiter.limiter.test(item, *_identifiers(scope, username, address))
        for item, scope in _limits(config)
    )


def record_failed_login(config, username: str, address: str) -> None:
    for item, scope in _limits(config):
        limiter.limiter.hit(item, *_identifiers(scope, username, address))
    logger.warning("failed login for %r from %s", username, address)


def unlock_login(username: str, *, by: str) -> None:
    """Lift the throttle on an account at every address (an administrator's act)."""
    account = _account_key(username)
    limiter.storage.incr(f"{_namespace()}/generation/{account}", expiry=_GENERATION_EXPIRY_SECONDS)
    logger.warning("logins of %s unlocked by %s", username, by)
