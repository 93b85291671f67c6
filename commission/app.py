"""The app factory: the composition root that binds the extensions and wires in the
domain packages' blueprints and commands."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_babel import get_locale

from config import Config, TestConfig


def create_app(config: Config | None = None) -> Flask:
    """Build the application. No queries, migrations or network calls happen here."""
    from adjudication import views as adjudication_views
    from adjudication.cli import adjudication_cli
    from claims import views as claims_views
    from claims.cli import claims_cli, conflicts_cli
    from claims.files import EvidenceStore
    from claims.models import Evidence
    from commission import boundary, cli, params, policy, web
    from commission.accounts import views as account_views
    from commission.accounts.models import User
    from commission.accounts.passwords import make_hasher
    from commission.accounts.throttle import limiter
    from commission.extensions import babel, csrf, db, login_manager, migrate
    from commission.files import StoredFiles
    from commission.sessions import DatabaseSessionInterface
    from commission.views import bp as main_bp
    from demo.cli import seed_demo_command
    from documents import views as documents_views
    from documents.cli import letters_cli
    from documents.files import LetterStore
    from documents.models import Letter
    from training import views as training_views
    from training.cli import training_cli

    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    app.config.from_object(config or TestConfig())

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        render_as_batch=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    # Sessions are server-side and regenerated at login; Flask-Login need not rotate them.
    login_manager.session_protection = None

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id))
        # A disabled account's open sessions stop working at its next request.
        return user if user is not None and user.is_active else None

    app.session_interface = DatabaseSessionInterface()
    hasher = make_hasher(app.config)
    app.extensions["qayd_password_hasher"] = hasher
    app.extensions["qayd_dummy_hash"] = hasher.hash("no user has this password")

    # Before any route is added: every `<int:…>` id is bounded to the database's integers.
    app.url_map.converters["int"] = params.IdConverter
    app.register_blueprint(main_bp)
    app.register_blueprint(account_views.bp)
    app.register_blueprint(claims_views.bp)
    app.register_blueprint(claims_views.public)
    app.register_blueprint(adjudication_views.bp)
    app.register_blueprint(adjudication_views.api)
    app.register_blueprint(documents_views.bp)
    app.register_blueprint(training_views.bp)
    policy.declare_endpoint(app, "static", policy.PUBLIC)
    boundary.install_boundary(app)

    # The workspace first: roles (and so the policy) depend on it.
    app.before_request(web.start_request)
    app.before_request(policy.enforce_policy)
    app.before_request(account_views.require_password_change)
    app.after_request(web.set_security_headers)
    app.register_error_handler(web.CSRFError, web.handle_csrf_error)
    app.register_error_handler(web.InternalServerError, web.handle_server_error)
    app.register_error_handler(web.HTTPException, web.handle_http_error)

    @app.context_processor
    def inject_layout():
        locale = str(get_locale() or "en")
        return {
            "current_locale": locale,
            "text_direction": "rtl" if locale == "ar" else "ltr",
            "languages": app.config["LANGUAGES"],
            "may_call": policy.may_call,
        }

    #: Every kind of stored file and what references it, for the garbage collector.
    app.extensions["qayd_stored_files"] = (
        StoredFiles(EvidenceStore, Evidence.sha256),
        StoredFiles(LetterStore, Letter.sha256),
    )
    #: Columns that record how far their workspace's audit chain had come (an issued
    #: letter's), so that `flask audit verify` finds a chain trimmed below them.
    app.extensions["qayd_chain_positions"] = (Letter.audit_seq,)

    cli.register(app)
    for command in (
        claims_cli,
        conflicts_cli,
        adjudication_cli,
        letters_cli,
        training_cli,
        seed_demo_command,
    ):
        app.cli.add_command(command)
    return app
