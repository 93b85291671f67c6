"""Extensions, created unbound here and bound to an app in `create_app`.

The session hooks (workspace scoping, audit log, file publishing) attach to
Flask-SQLAlchemy's session class here, so every session the app makes has them and none
can be made without.
"""

import weakref

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from commission.audit import install_audit_log
from commission.db import Base
from commission.files import install_file_publishing
from commission.workspaces import install_workspace_scoping

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()

install_workspace_scoping(FlaskSession)
# Before-commit hooks run in this order: staged files are published first, then the
# audit entries are chained, so the chain's head stays locked only for the append and
# the commit, not while files are moved into place.
install_file_publishing(FlaskSession)
install_audit_log(FlaskSession)

#: Key, in a pooled SQLite connection's info, of the cursors it returned rows on.
_OPEN_ROW_CURSORS = "qayd_open_row_cursors"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys; WAL so the session store never waits on a reader."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@event.listens_for(Engine, "after_cursor_execute")
def _remember_sqlite_row_cursor(connection, cursor, statement, parameters, context, many) -> None:
    """SQLite: note each cursor that returns rows, so check-in can close what is left open.

    A result read only in part and still referenced after its session ended (a streamed
    read that failed half-way, its frame kept alive by the traceback) keeps its statement
    active, and an active statement keeps the read snapshot of when it started on its
    connection whatever commit or rollback follows: pysqlite's rollback does not reset
    it. Back in the pool, that connection would read stale rows in the next session and
    fail its first write at once with "database is locked" (SQLITE_BUSY_SNAPSHOT, which
    the busy timeout does not wait for).
    """
    if type(cursor).__module__ != "sqlite3" or cursor.description is None:
        return
    connection.connection.info.setdefault(_OPEN_ROW_CURSORS, weakref.WeakSet()).add(cursor)


@event.listens_for(Engine, "checkin")
def _close_sqlite_row_cursors(dbapi_connection, connection_record) -> None:
    """SQLite: close the cursors a session left open, ending their read snapshot."""
    cursors = connection_record.info.pop(_OPEN_ROW_CURSORS, ())
    if dbapi_connection is None:
        return  # invalidated: the connection, and every cursor with it, is closed
    for cursor in list(cursors):
        cursor.close()
