"""User administration on the web: each action an administrator takes is an operation,
admin-only, CSRF-protected, confirmed first where it cannot simply be taken back, and
recorded in the audit log with the administrator as its actor."""

from __future__ import annotations

import json
import re
import threading
import uuid

import pytest
from limits import parse
from sqlalchemy import select, text, update

from commission.accounts.models import User, UserRole
from commission.accounts.operations import (
    AccountRefused,
    StaffDetails,
    create_user,
    disable_account,
    update_staff_account,
)
from commission.audit import AuditEntry
from commission.db import utcnow
from commission.roles import Role
from tests.support.app import InOperational, unique
from tests.support.web import PASSWORD, UserRef, csrf_token, login

ONE_TIME_PASSWORD_RE = re.compile(r'id="one-time-password">([^<]+)<')


def _client_at(app, address: str | None = None):
    client = app.test_client()
    suffix = uuid.uuid4().int
    client.environ_base["REMOTE_ADDR"] = (
        address or f"10.{suffix % 250 + 1}.{suffix // 250 % 250 + 1}.{suffix // 62500 % 250 + 1}"
    )
    return client


def _audit(app, user_id: int, entity: str = "user") -> list[dict]:
    """The audit entries about one user (or its role grants), oldest first."""
    with InOperational(app) as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id.startswith(str(user_id)))
            .order_by(AuditEntry.seq)
        ).all()
        return [
            {
                "action": entry.action,
                "entity_id": entry.entity_id,
                "actor": entry.actor_label,
                "before": json.loads(entry.before_json or "{}"),
                "after": json.loads(entry.after_json or "{}"),
            }
            for entry in entries
            if entry.entity_id == str(user_id) or entry.entity_id.startswith(f"{user_id}/")
        ]


def _user(app, user_id: int) -> User:
    with InOperational(app) as session:
        user = session.get(User, user_id)
        session.expunge(user)
        return user


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **data})


@pytest.fixture
def admin(app, logged_in):
    """The test client, logged in as an administrator at headquarters."""
    return logged_in(Role.ADMIN, office="HQ")


def _new_account_form(username: str, **overrides) -> dict:
    return {
        "username": username,
        "full_name": "Rana Adel Hamid",
        "name_ar": "رنا عادل حميد",
        "office": "NIN",
        "roles": ["clerk"],
        **overrides,
    }


def test_admin_creates_an_account_whose_one_time_password_must_be_replaced(app, client, admin):
    username = unique("rana")
    token = csrf_token(client, "/admin/users/new")
    response = client.post(
        "/admin/users/new", data={"csrf_token": token, **_new_account_form(username)}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    one_time = ONE_TIME_PASSWORD_RE.search(response.get_data(as_text=True)).group(1)
    assert len(one_time) >= 12

    with InOperational(app) as session:
        created = session.scalar(select(User).where(User.username == username))
        assert (created.full_name, created.name_ar, created.office.code) == (
            "Rana Adel Hamid",
            "رنا عادل حميد",
            "NIN",
        )
        assert created.roles == {Role.CLERK} and created.must_change_password
        new_id = created.id
    [creation] = [entry for entry in _audit(app, new_id) if entry["action"] == "create"]
    assert creation["actor"] == admin.username
    assert creation["after"]["password_hash"] == "[redacted]"

    newcomer = _client_at(app)
    assert login(newcomer, UserRef(new_id, username, one_time)).status_code == 302
    # Nothing opens before the one-time password is replaced.
    for path in ("/", "/claims/"):
        assert newcomer.get(path).headers["Location"] == "/account/password"
    forced = newcomer.get("/account/password").get_data(as_text=True)
    assert 'href="/claims/"' not in forced  # no links to pages that would not open
    own = "a password of my own 2026"
    assert _change_password(newcomer, one_time, own, own).status_code == 303
    assert newcomer.get("/").status_code == 200
    assert not _user(app, new_id).must_change_password
    assert _audit(app, new_id)[-1]["after"]["must_change_password"] is False

    again = _client_at(app)
    assert login(again, UserRef(new_id, username, one_time)).status_code == 400
    assert login(again, UserRef(new_id, username, own)).status_code == 302


def _change_password(client, current: str, new: str, again: str):
    return client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current_password": current,
            "new_password": new,
            "new_password_again": again,
        },
    )


def test_a_password_change_needs_the_current_password_and_a_long_new_one(app, make_user):
    user = make_user(Role.CLERK)
    client = _client_at(app)
    login(client, user)
    # The rule is on the form before the first try.
    assert "At least 12 characters." in client.get("/account/password").get_data(as_text=True)
    for current, new, again in (
        ("not the password", "long enough new password", "long enough new password"),
        (PASSWORD, "short", "short"),
        (PASSWORD, "long enough new password", "another long password"),
    ):
        response = _change_password(client, current, new, again)
        assert response.status_code == 400
        assert 'class="errors"' in response.get_data(as_text=True)
    assert login(_client_at(app), user).status_code == 302


def test_guessing_the_current_password_pauses_as_logins_do(app, make_user):
    """A session left open must not let anyone try current passwords without end: wrong
    ones count as failed logins, and once paused even the right one is refused."""
    user = make_user(Role.CLERK)
    client = _client_at(app)
    login(client, user)
    allowed = parse(app.config["LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS"]).amount

    def change(current):
        return client.post(
            "/account/password",
            data={
                "csrf_token": csrf_token(client, "/account/password"),
                "current_password": current,
                "new_password": "long enough new password",
                "new_password_again": "long enough new password",
            },
        )

    for _ in range(allowed):
        assert "The current password is wrong." in change("a guess").get_data(as_text=True)
    paused = change(PASSWORD)
    assert paused.status_code == 400
    assert "pause for a few minutes" in paused.get_data(as_text=True)
    assert login(_client_at(app), user).status_code == 302


def test_a_taken_username_or_no_role_is_a_form_error_and_creates_nothing(app, client, admin):
    token = csrf_token(client, "/admin/users/new")
    taken = client.post(
        "/admin/users/new", data={"csrf_token": token, **_new_account_form(admin.username)}
    )
    assert taken.status_code == 400
    assert "This username is taken." in taken.get_data(as_text=True)

    username = unique("noroles")
    form = _new_account_form(username)
    del form["roles"]
    no_roles = client.post("/admin/users/new", data={"csrf_token": token, **form})
    assert no_roles.status_code == 400
    assert "Choose at least one role." in no_roles.get_data(as_text=True)
    with InOperational(app) as session:
        assert session.scalar(select(User.id).where(User.username == username)) is None


def test_the_staff_list_leaves_service_accounts_out_and_filters(app, client, admin, make_user):
    marker = unique("list")
    with InOperational(app) as session:
        hasher = app.extensions["qayd_password_hasher"]
        for suffix, roles, office, service in (
            ("clerk", {Role.CLERK}, "BGD", False),
            ("judge", {Role.ADJUDICATOR}, "HQ", False),
            ("cast", {Role.ADJUDICATOR}, "HQ", True),
        ):
            create_user(
                session,
                username=f"{marker}-{suffix}",
                full_name=f"{suffix} of {marker}",
                password=PASSWORD,
                roles=roles,
                office_code=office,
                hasher=hasher,
                is_service_account=service,
            )
        service_id = session.scalar(select(User.id).where(User.username == f"{marker}-cast"))
        session.commit()

    def listed(**filters) -> set[str]:
        page = client.get("/admin/users", query_string={"name": marker, **filters})
        assert page.status_code == 200
        return set(re.findall(rf">({re.escape(marker)}-\w+)<", page.get_data(as_text=True)))

    assert listed() == {f"{marker}-clerk", f"{marker}-judge"}
    assert listed(role="adjudicator") == {f"{marker}-judge"}
    assert listed(office="BGD") == {f"{marker}-clerk"}
    assert listed(status="disabled") == set()
    assert client.get(f"/admin/users/{service_id}").status_code == 404
    assert _post(client, f"/admin/users/{service_id}/disable", confirmed="yes").status_code == 404


def test_admin_edits_names_roles_and_office_each_change_audited(app, client, admin, make_user):
    user = make_user(Role.CLERK)
    response = _post(
        client,
        f"/admin/users/{user.id}",
        full_name="Sami Karim Yousif",
        name_ar="سامي كريم يوسف",
        office="BSR",
        roles=["adjudicator", "reviewer"],
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    edited = _user(app, user.id)
    assert (edited.full_name, edited.name_ar) == ("Sami Karim Yousif", "سامي كريم يوسف")
    with InOperational(app) as session:
        assert session.get(User, user.id).roles == {Role.ADJUDICATOR, Role.REVIEWER}
        assert session.get(User, user.id).office.code == "BSR"
    [change] = [entry for entry in _audit(app, user.id) if entry["action"] == "update"]
    assert change["actor"] == admin.username
    assert change["after"]["name_ar"] == "سامي كريم يوسف"
    grants = _audit(app, user.id, entity="user_role")
    assert {(entry["action"], entry["entity_id"]) for entry in grants} >= {
        ("delete", f"{user.id}/clerk"),
        ("create", f"{user.id}/adjudicator"),
        ("create", f"{user.id}/reviewer"),
    }


def test_disabling_asks_first_then_ends_every_session(app, client, admin, make_user):
    user = make_user(Role.CLERK)
    theirs = _client_at(app)
    login(theirs, user)
    assert theirs.get("/").status_code == 200

    asked = _post(client, f"/admin/users/{user.id}/disable")
    assert asked.status_code == 200 and "Please confirm" in asked.get_data(as_text=True)
    # An account disabled can be enabled again: the page must not say otherwise.
    assert "cannot be undone" not in asked.get_data(as_text=True)
    assert _user(app, user.id).is_active_account

    done = _post(client, f"/admin/users/{user.id}/disable", confirmed="yes")
    assert done.status_code == 303
    assert not _user(app, user.id).is_active_account
    assert theirs.get("/").status_code == 302  # their open session ended
    assert login(_client_at(app), user).status_code == 400
    change = _audit(app, user.id)[-1]
    assert change["actor"] == admin.username
    assert change["after"]["is_active_account"] is False
    assert change["after"]["sessions_ended_at"]

    assert _post(client, f"/admin/users/{user.id}/enable").status_code == 303
    assert _user(app, user.id).is_active_account
    assert _audit(app, user.id)[-1]["after"] == {"is_active_account": True}
    assert login(_client_at(app), user).status_code == 302


def test_unlocking_lifts_the_login_pause_and_is_audited(app, client, admin, make_user):
    user = make_user(Role.CLERK)
    address = f"10.99.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    guesser = _client_at(app, address)
    for _attempt in range(5):
        assert login(guesser, user, password="not the password").status_code == 400
    assert login(guesser, user).status_code == 400  # paused, even with the right password

    assert _post(client, f"/admin/users/{user.id}/unlock").status_code == 303
    assert login(_client_at(app, address), user).status_code == 302
    change = _audit(app, user.id)[-1]
    assert change["actor"] == admin.username and change["after"]["logins_unlocked_at"]


def test_a_password_reset_gives_a_one_time_password_and_ends_the_old_one(
    app, client, admin, make_user
):
    user = make_user(Role.CLERK)
    theirs = _client_at(app)
    login(theirs, user)
    asked = _post(client, f"/admin/users/{user.id}/reset-password")
    assert "Please confirm" in asked.get_data(as_text=True)
    assert "This cannot be undone." in asked.get_data(as_text=True)
    assert login(_client_at(app), user).status_code == 302  # nothing changed yet

    done = _post(client, f"/admin/users/{user.id}/reset-password", confirmed="yes")
    one_time = ONE_TIME_PASSWORD_RE.search(done.get_data(as_text=True)).group(1)
    assert theirs.get("/").status_code == 302
    assert login(_client_at(app), user).status_code == 400
    newcomer = _client_at(app)
    assert login(newcomer, UserRef(user.id, user.username, one_time)).status_code == 302
    assert newcomer.get("/").headers["Location"] == "/account/password"
    change = _audit(app, user.id)[-1]
    assert change["actor"] == admin.username
    assert change["after"]["password_hash"] == "[redacted]"
    assert change["after"]["must_change_password"] is True


def test_ending_sessions_asks_first_and_logs_the_user_out_everywhere(app, client, admin, make_user):
    user = make_user(Role.CLERK)
    computers = [_client_at(app) for _ in range(2)]
    for computer in computers:
        login(computer, user)
    asked = _post(client, f"/admin/users/{user.id}/end-sessions")
    assert "Please confirm" in asked.get_data(as_text=True)
    assert "cannot be undone" not in asked.get_data(as_text=True)
    assert all(computer.get("/").status_code == 200 for computer in computers)

    assert _post(client, f"/admin/users/{user.id}/end-sessions", confirmed="yes").status_code == 303
    assert all(computer.get("/").status_code == 302 for computer in computers)
    assert login(_client_at(app), user).status_code == 302  # the account itself is fine
    change = _audit(app, user.id)[-1]
    assert change["actor"] == admin.username and list(change["after"]) == ["sessions_ended_at"]


def test_an_admin_cannot_disable_their_own_account(app, client, admin):
    response = _post(client, f"/admin/users/{admin.id}/disable", confirmed="yes")
    assert response.status_code == 303
    assert "You cannot disable your own account." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert _user(app, admin.id).is_active_account


def test_the_last_active_administrator_is_neither_disabled_nor_demoted(app, make_user):
    keeper, last = make_user(Role.ADMIN, office="HQ"), make_user(Role.ADMIN, office="HQ")
    with InOperational(app) as session:
        # Every other administrator disabled, in this transaction only (rolled back).
        session.execute(update(User).where(User.id != last.id).values(is_active_account=False))
        acting, target = session.get(User, keeper.id), session.get(User, last.id)
        with pytest.raises(AccountRefused, match="last administrator"):
            disable_account(session, target, by=acting, now=utcnow())
        with pytest.raises(AccountRefused, match="last administrator"):
            update_staff_account(
                session,
                target,
                StaffDetails("Last Admin", "آخر مدير", frozenset({Role.CLERK}), "HQ"),
                by=acting,
            )
        session.rollback()
    assert _user(app, last.id).is_active_account


@pytest.mark.parametrize(
    "action", ["disable", "enable", "unlock", "reset-password", "end-sessions"]
)
def test_account_actions_are_for_administrators_only_and_need_the_csrf_token(
    app, client, logged_in, make_user, action
):
    user = make_user(Role.CLERK)
    logged_in(Role.CLERK, Role.ADJUDICATOR, Role.REVIEWER, Role.TRAINER)
    assert _post(client, f"/admin/users/{user.id}/{action}", confirmed="yes").status_code == 403

    admin_client = _client_at(app)
    login(admin_client, make_user(Role.ADMIN, office="HQ"))
    refused = admin_client.post(f"/admin/users/{user.id}/{action}", data={"confirmed": "yes"})
    assert refused.status_code == 400
    after = _user(app, user.id)
    assert after.is_active_account and after.sessions_ended_at is None
    assert after.logins_unlocked_at is None and not after.must_change_password


def _remove_admin(session, act: str, target_id: int, by_id: int) -> None:
    target, by = session.get(User, target_id), session.get(User, by_id)
    if act == "disable":
        disable_account(session, target, by=by, now=utcnow())
    else:
        details = StaffDetails("Demoted Admin", "مدير سابق", frozenset({Role.CLERK}), "HQ")
        update_staff_account(session, target, details, by=by)


@pytest.mark.parametrize("first", ["disable", "demote"])
@pytest.mark.parametrize("second", ["disable", "demote"])
def test_two_administrators_removing_each_other_at_once_leave_one(app, make_user, first, second):
    """The last two administrators each disable or demote the other at the same moment:
    the second waits for the first, sees its change, and is refused."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite serialises writers; the race matters on PostgreSQL")
    one, other = make_user(Role.ADMIN, office="HQ"), make_user(Role.ADMIN, office="HQ")
    with InOperational(app) as session:
        # The administrators of other tests step aside until this one ends.
        others = session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                UserRole.role == Role.ADMIN,
                User.is_active_account.is_(True),
                User.id.not_in([one.id, other.id]),
            )
        ).all()
        session.execute(update(User).where(User.id.in_(others)).values(is_active_account=False))
        session.commit()
    first_holds_its_locks, first_may_commit = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def act(name, act, target_id, by_id):
        with InOperational(app) as session:
            try:
                _remove_admin(session, act, target_id, by_id)
                if name == "first":
                    first_holds_its_locks.set()
                    first_may_commit.wait(timeout=60)
                session.commit()
                outcomes[name] = "done"
            except AccountRefused as refused:
                session.rollback()
                outcomes[name] = str(refused)
            except Exception as error:  # collected and asserted below
                session.rollback()
                outcomes[name] = repr(error)
            finally:
                first_holds_its_locks.set()

    try:
        racers = [
            threading.Thread(target=act, args=("first", first, other.id, one.id)),
            threading.Thread(target=act, args=("second", second, one.id, other.id)),
        ]
        racers[0].start()
        first_holds_its_locks.wait(timeout=60)
        racers[1].start()
        with InOperational(app) as session:
            while racers[1].is_alive() and not session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ):
                session.rollback()
        first_may_commit.set()
        for racer in racers:
            racer.join()
        assert outcomes == {"first": "done", "second": f"{one.username} is the last administrator."}
        assert _user(app, one.id).is_active_account and Role.ADMIN in _user(app, one.id).roles
    finally:
        with InOperational(app) as session:
            session.execute(update(User).where(User.id.in_(others)).values(is_active_account=True))
            session.commit()
