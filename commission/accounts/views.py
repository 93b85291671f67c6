from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from commission.accounts import throttle
from commission.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PostOnlyForm,
    StaffFilterForm,
    StaffForm,
)
from commission.accounts.models import Role, User
from commission.accounts.operations import (
    LoginRefused,
    StaffDetails,
    WrongCurrentPassword,
    authenticate,
    change_own_password,
    create_staff_account,
    disable_account,
    enable_account,
    end_sessions,
    record_unlock,
    reset_password,
    staff_member,
    update_staff_account,
)
from commission.accounts.queries import (
    STAFF_PAGE_SIZE,
    StaffFilters,
    office_choices,
    staff_query,
)
from commission.boundary import on_refusal, put_on_form, refusal_text
from commission.confirm import confirmation_step
from commission.db import utcnow
from commission.extensions import db
from commission.params import text_arg
from commission.policy import allow, allow_any_user, allow_public, wants_json
from commission.sessions import purge_expired_sessions_now_and_then

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after login is a phishing tool."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
@allow_public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        username, address = form.username.data.strip(), throttle.client_address()
        try:
            user = authenticate(
                db.session,
                username,
                form.password.data,
                now=utcnow(),
                hasher=current_app.extensions["qayd_password_hasher"],
                dummy_hash=current_app.extensions["qayd_dummy_hash"],
                throttled=not throttle.login_allowed(config, username, address),
            )
        except LoginRefused as refused:
            # Answered here, not raised on: the view returns normally and the boundary
            # ends the request (the refusal changed no row). The failure is counted in
            # the throttle's shared storage, outside the database.
            throttle.record_failed_login(config, username, address)
            form.password.errors.append(refusal_text(refused))
        else:
            session.regenerate()
            login_user(user)
            purge_expired_sessions_now_and_then(current_app, db.session)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


@bp.route("/logout", methods=["POST"])
@allow_any_user
def logout():
    form = PostOnlyForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You have been logged out."), "info")
    return redirect(url_for("accounts.login"))


#: Where a user who must replace a one-time password may still go.
_OPEN_WHILE_PASSWORD_MUST_CHANGE = frozenset(
    {"accounts.change_password", "accounts.logout", "main.set_language", "static"}
)


def require_password_change():
    """Before every request (after the policy): a user holding a one-time password is
    sent to choose their own before anything else opens."""
    if not (current_user.is_authenticated and current_user.must_change_password):
        return None
    if request.endpoint in _OPEN_WHILE_PASSWORD_MUST_CHANGE or request.endpoint is None:
        return None
    if wants_json():
        abort(403, _("Choose a new password first."))
    return redirect(url_for("accounts.change_password"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow_any_user
def change_password():
    form = PasswordChangeForm()
    user = _acting_user()
    if form.validate_on_submit():

        def form_again(refusal):
            put_on_form(form, refusal)
            return _password_page(form, user), 400

        on_refusal(render=form_again)
        config, address = current_app.config, throttle.client_address()
        try:
            change_own_password(
                db.session,
                user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                now=utcnow(),
                hasher=current_app.extensions["qayd_password_hasher"],
                throttled=not throttle.login_allowed(config, user.username, address),
            )
        except WrongCurrentPassword:
            # Guessed like a login: counted in the same throttle, so an open session
            # cannot try passwords without end.
            throttle.record_failed_login(config, user.username, address)
            raise
        flash(_("Your password is changed."), "info")
        return redirect(url_for("main.home")), 303
    return _password_page(form, user), 400 if form.errors else 200


def _password_page(form: PasswordChangeForm, user: User):
    return render_template(
        "accounts/password.html", form=form, must_change=user.must_change_password
    )


# --------------------------------------------------------------------------- staff


def _acting_user() -> User:
    return current_user._get_current_object()


def _staff_form(*, creating: bool, **kwargs) -> StaffForm:
    return StaffForm(office_codes=office_choices(db.session), creating=creating, **kwargs)


def _details(form: StaffForm) -> StaffDetails:
    return StaffDetails(
        full_name=form.full_name.data,
        name_ar=form.name_ar.data,
        roles=form.chosen_roles,
        office_code=form.office.data,
    )


@bp.route("/admin/users")
@allow(Role.ADMIN)
def user_list():
    form = StaffFilterForm(formdata=request.args, office_codes=office_choices(db.session))
    users: list[User] = []
    has_more = False
    if form.validate():
        filters = StaffFilters(
            name=form.name.data or "",
            role=Role(form.role.data) if form.role.data else None,
            office_code=form.office.data or "",
            active={"active": True, "disabled": False}.get(form.status.data),
        )
        after = text_arg("after") or ""
        page = staff_query(filters, after=after, limit=STAFF_PAGE_SIZE + 1)
        rows = list(db.session.scalars(page))
        users, has_more = rows[:STAFF_PAGE_SIZE], len(rows) > STAFF_PAGE_SIZE
    # Only the filter form's own fields: any other key would reach url_for's arguments.
    query = {name: request.args[name] for name in form._fields if request.args.get(name)}
    next_url = url_for(".user_list", **query, after=users[-1].username) if has_more else None
    return render_template(
        "accounts/user_list.html",
        form=form,
        users=users,
        searched=bool(query),
        next_url=next_url,
    ), 200 if not form.errors else 400


@bp.route("/admin/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def create_account():
    form = _staff_form(creating=True)
    if form.validate_on_submit():

        def form_again(refusal):
            put_on_form(form, refusal)
            return render_template("accounts/user_new.html", form=form), 400

        on_refusal(render=form_again)
        user, password = create_staff_account(
            db.session,
            form.username.data,
            _details(form),
            by=_acting_user(),
            hasher=current_app.extensions["qayd_password_hasher"],
        )
        # Shown in this answer alone: never stored, flashed or sent again.
        return render_template(
            "accounts/one_time_password.html", user=user, password=password, created=True
        )
    return render_template("accounts/user_new.html", form=form), 400 if form.errors else 200


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_account(user_id: int):
    user = staff_member(db.session, user_id)
    form = _staff_form(
        creating=False,
        data={
            "full_name": user.full_name,
            "name_ar": user.name_ar,
            "roles": sorted(role.value for role in user.roles),
            "office": user.office.code,
        },
    )
    if form.validate_on_submit():

        def form_again(refusal):
            put_on_form(form, refusal)
            return _account_page(user, form), 400

        on_refusal(render=form_again)
        update_staff_account(db.session, user, _details(form), by=_acting_user())
        flash(_("The account of %(username)s is saved.", username=user.username), "info")
        return redirect(url_for(".edit_account", user_id=user.id)), 303
    return _account_page(user, form), 400 if form.errors else 200


def _account_page(user: User, form: StaffForm):
    return render_template(
        "accounts/user_edit.html", user=user, form=form, action_form=PostOnlyForm()
    )


def _account_action(user_id: int) -> User:
    """The member of staff an action button names (400 when its CSRF token failed)."""
    user = staff_member(db.session, user_id)
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for(".edit_account", user_id=user.id))
    return user


def _ask_first(user: User, question: str, *, button: str, irreversible: bool = True):
    """The confirmation page of an action on `user`'s account, or None once confirmed;
    cancelling leads back to the account."""
    return confirmation_step(
        question,
        button=button,
        cancel=url_for(".edit_account", user_id=user.id),
        irreversible=irreversible,
    )


def _back_to(user: User):
    return redirect(url_for(".edit_account", user_id=user.id)), 303


@bp.route("/admin/users/<int:user_id>/disable", methods=["POST"])
@allow(Role.ADMIN)
def disable(user_id: int):
    user = _account_action(user_id)
    asked = _ask_first(
        user,
        _(
            "Disable the account of %(name)s (%(username)s) and end all its sessions?",
            name=user.local_name,
            username=user.username,
        ),
        button=_("Disable the account"),
        irreversible=False,
    )
    if asked is not None:
        return asked
    disable_account(db.session, user, by=_acting_user(), now=utcnow())
    flash(_("The account of %(username)s is disabled.", username=user.username), "info")
    return _back_to(user)


@bp.route("/admin/users/<int:user_id>/enable", methods=["POST"])
@allow(Role.ADMIN)
def enable(user_id: int):
    user = _account_action(user_id)
    enable_account(db.session, user, by=_acting_user())
    flash(_("The account of %(username)s is enabled.", username=user.username), "info")
    return _back_to(user)


@bp.route("/admin/users/<int:user_id>/unlock", methods=["POST"])
@allow(Role.ADMIN)
def unlock(user_id: int):
    user = _account_action(user_id)
    acting = _acting_user()
    record_unlock(db.session, user, by=acting, now=utcnow())
    throttle.unlock_login(user.username, by=acting.username)
    flash(_("Logins of %(username)s are no longer paused.", username=user.username), "info")
    return _back_to(user)


@bp.route("/admin/users/<int:user_id>/reset-password", methods=["POST"])
@allow(Role.ADMIN)
def reset(user_id: int):
    user = _account_action(user_id)
    asked = _ask_first(
        user,
        _(
            "Give %(name)s (%(username)s) a new one-time password? The current password and "
            "every open session stop working.",
            name=user.local_name,
            username=user.username,
        ),
        button=_("Reset the password"),
    )
    if asked is not None:
        return asked
    password = reset_password(
        db.session,
        user,
        by=_acting_user(),
        now=utcnow(),
        hasher=current_app.extensions["qayd_password_hasher"],
    )
    return render_template(
        "accounts/one_time_password.html", user=user, password=password, created=False
    )


@bp.route("/admin/users/<int:user_id>/end-sessions", methods=["POST"])
@allow(Role.ADMIN)
def end_all_sessions(user_id: int):
    user = _account_action(user_id)
    asked = _ask_first(
        user,
        _(
            "Log %(name)s (%(username)s) out on every computer?",
            name=user.local_name,
            username=user.username,
        ),
        button=_("End the sessions"),
        irreversible=False,
    )
    if asked is not None:
        return asked
    end_sessions(db.session, user, by=_acting_user(), now=utcnow())
    flash(_("Every session of %(username)s is ended.", username=user.username), "info")
    return _back_to(user)
