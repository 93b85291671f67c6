"""Extensions, created unbound here and bound to an app in `create_app`.

The session hooks (workspace scoping, audit log, file publishing) attach to
Flask-SQLAlchemy's session class here, so every session the app makes has them and none
can be made without.
"""

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
