"""Server-side sessions in the database, for logged-in users only.

A logged-in user's cookie carries only a random id; the table keys sessions by the id's
SHA-256, so a copy of the table holds no usable cookie. Logging out deletes the row, so a
cookie copied before logout opens nothing after it, on every worker. The row is written
in its own short transaction, independent of whatever the request did, and touched at
most once per SESSION_REFRESH_EVERY, not on every request. Expired rows are deleted by
the logins themselves, at most once per SESSION_PURGE_EVERY in each process.

Anonymous visitors (the login page, /verify) get no row: what their session holds (the
login form's CSRF token, a message after logout) travels in the same cookie, signed with
SECRET_KEY, so a flood of anonymous requests stores nothing.

A logged-in user's flashed messages ("Claim … is registered") travel the same way, in a
second signed cookie bound to the session, not in the row: a message is set by one
request and shown by the next, and writing the row for each would make every form a
clerk saves cost two more writes. The row is written only when what it holds changes
(a login, the language) or its expiry is due to move.

Flask-Session's SQLAlchemy backend was not used: it creates its table when the app
starts, commits the application's own session in the middle of a request and stores
naive datetimes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from datetime import datetime, timedelta

from flask import request
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import ForeignKey, String, Text, delete, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.datastructures import CallbackDict

from commission.db import Base, UTCDateTime, utcnow
from commission.extensions import db

logger = logging.getLogger(__name__)

_LAST_PURGE_KEY = "qayd_sessions_last_purge"


class UserSession(Base):
    __tablename__ = "user_session"

    #: SHA-256 of the id in the cookie; the id itself is never stored.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self) -> str:
        return f"<UserSession user={self.user_id} expires={self.expires_at:%Y-%m-%d %H:%M}>"


def _hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


#: The session key Flask-Login keeps the user's id under: a session that has it is stored.
USER_ID_KEY = "_user_id"
#: Signer salt of anonymous sessions, so no other signed value passes as one.
ANONYMOUS_SALT = "qayd-anonymous-session"
#: The session key Flask keeps flashed messages under.
FLASHES_KEY = "_flashes"
#: Signer salt of a logged-in session's flashed messages.
FLASHES_SALT = "qayd-session-flashes"


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, session_id=None, expires_at=None, stored_data=None):
        def on_update(session):
            session.modified = True

        super().__init__(initial, on_update)
        self.session_id = session_id
        self.expires_at = expires_at
        #: The row's data as read, to write the row only when it changed.
        self.stored_data = stored_data
        self.modified = False
        #: Ids whose rows must go: the old id after `regenerate`, every id after `clear`.
        self.retired_ids: list[str] = []

    def regenerate(self) -> None:
        """Give this session a new id (at login), so a planted id is worth nothing."""
        if self.session_id:
            self.retired_ids.append(self.session_id)
        self.session_id = None
        self.modified = True

    def clear(self) -> None:
        """Empty the session (logout): its row goes, even if a message is added after."""
        if self.session_id:
            self.retired_ids.append(self.session_id)
        self.session_id = None
        super().clear()


def _signer(app) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.secret_key, salt=ANONYMOUS_SALT)


def _flash_signer(app) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.secret_key, salt=FLASHES_SALT)


def _flash_cookie_name(app) -> str:
    return f"{app.config['SESSION_COOKIE_NAME']}_flashes"


def _stored_data(session: ServerSession) -> str:
    """What the row keeps: the session without its flashed messages."""
    data = {key: value for key, value in session.items() if key != FLASHES_KEY}
    return json.dumps(data, default=str, sort_keys=True)


class DatabaseSessionInterface(SessionInterface):
    def open_session(self, app, request) -> ServerSession:
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or len(cookie) > 4096:
            return ServerSession()
        if "." in cookie:
            return self._open_anonymous(app, cookie)
        session = self._open_stored(cookie)
        if session.session_id:
            self._open_flashes(app, request, session)
        return session

    def _open_anonymous(self, app, cookie: str) -> ServerSession:
        max_age = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
        try:
            data = _signer(app).loads(cookie, max_age=max_age)
        except BadSignature:
            return ServerSession()
        # A signed cookie never makes anyone logged in: only a stored session does.
        data.pop(USER_ID_KEY, None)
        return ServerSession(data)

    def _open_stored(self, session_id: str) -> ServerSession:
        if len(session_id) > 128:
            return ServerSession()
        with db.engine.connect() as connection:
            row = connection.execute(
                select(UserSession.data, UserSession.expires_at).where(
                    UserSession.id_hash == _hash_id(session_id),
                    UserSession.expires_at > utcnow(),
                )
            ).first()
        if row is None:
            return ServerSession()
        session = ServerSession(
            json.loads(row.data), session_id=session_id, expires_at=row.expires_at
        )
        session.stored_data = _stored_data(session)
        return session

    def _open_flashes(self, app, request, session: ServerSession) -> None:
        cookie = request.cookies.get(_flash_cookie_name(app))
        if not cookie or len(cookie) > 4096:
            return
        max_age = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
        try:
            bound_to, flashes = _flash_signer(app).loads(cookie, max_age=max_age)
        except (BadSignature, ValueError, TypeError):
            return
        # Messages flashed to another session (a cookie carried over) are not shown here.
        if bound_to == _hash_id(session.session_id) and isinstance(flashes, list):
            dict.__setitem__(session, FLASHES_KEY, [tuple(flash) for flash in flashes])

    def save_session(self, app, session: ServerSession, response) -> None:
        cookie_name = self.get_cookie_name(app)
        cookie_options = {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "httponly": self.get_cookie_httponly(app),
            "samesite": self.get_cookie_samesite(app),
        }
        retired = list(session.retired_ids)
        if not session and session.session_id:
            # Emptied (logout): the row goes, whatever the browser does with the cookie.
            retired.append(session.session_id)
            session.session_id = None
        if retired:
            with db.engine.begin() as connection:
                connection.execute(
                    delete(UserSession).where(
                        UserSession.id_hash.in_([_hash_id(sid) for sid in retired])
                    )
                )
        if not session:
            if cookie_name in request.cookies:
                response.delete_cookie(cookie_name, **cookie_options)
            self._drop_flashes_cookie(app, response, cookie_options)
            return
        if USER_ID_KEY not in session:
            if session.modified:
                response.set_cookie(
                    cookie_name, _signer(app).dumps(dict(session)), **cookie_options
                )
            self._drop_flashes_cookie(app, response, cookie_options)
            response.vary.add("Cookie")
            return

        now = utcnow()
        idle_timeout: timedelta = app.config["SESSION_IDLE_TIMEOUT"]
        refresh_every: timedelta = app.config["SESSION_REFRESH_EVERY"]
        user_id = session.get("_user_id")
        values = {
            "data": _stored_data(session),
            "user_id": int(user_id) if user_id else None,
            "expires_at": now + idle_timeout,
        }
        if session.session_id is None:
            session.session_id = secrets.token_urlsafe(32)
            with db.engine.begin() as connection:
                connection.execute(
                    insert(UserSession).values(
                        id_hash=_hash_id(session.session_id), created_at=now, **values
                    )
                )
            response.set_cookie(cookie_name, session.session_id, **cookie_options)
        elif (
            _stored_data(session) != session.stored_data
            or session.expires_at - now < idle_timeout - refresh_every
        ):
            with db.engine.begin() as connection:
                connection.execute(
                    update(UserSession)
                    .where(UserSession.id_hash == _hash_id(session.session_id))
                    .values(**values)
                )
        self._save_flashes(app, session, response, cookie_options)
        response.vary.add("Cookie")

    def _save_flashes(self, app, session: ServerSession, response, cookie_options) -> None:
        flashes = session.get(FLASHES_KEY)
        if not flashes:
            self._drop_flashes_cookie(app, response, cookie_options)
            return
        plain = [[str(category), str(message)] for category, message in flashes]
        signed = _flash_signer(app).dumps([_hash_id(session.session_id), plain])
        response.set_cookie(_flash_cookie_name(app), signed, **cookie_options)

    def _drop_flashes_cookie(self, app, response, cookie_options) -> None:
        """Shown, or left from a session that ended: the browser forgets them."""
        if _flash_cookie_name(app) in request.cookies:
            response.delete_cookie(_flash_cookie_name(app), **cookie_options)


def purge_expired_sessions(session: Session) -> int:
    """Delete the expired session rows; the caller's boundary commits."""
    result = session.execute(delete(UserSession).where(UserSession.expires_at <= utcnow()))
    return result.rowcount


def purge_expired_sessions_now_and_then(app, session: Session) -> None:
    """Delete expired rows if this process has not done so for SESSION_PURGE_EVERY: cheap
    enough to do in every login's transaction, so no one has to run a command for it."""
    now = time.monotonic()
    last = app.extensions.get(_LAST_PURGE_KEY)
    if last is not None and now - last < app.config["SESSION_PURGE_EVERY"].total_seconds():
        return
    app.extensions[_LAST_PURGE_KEY] = now
    removed = purge_expired_sessions(session)
    if removed:
        logger.info("purged %d expired sessions", removed)
