"""Every endpoint declares who may call it, and the declaration is enforced."""

from __future__ import annotations

import pytest

from commission.accounts.models import Role
from commission.app import create_app
from commission.policy import PUBLIC, endpoint_access
from tests.support.app import make_test_config
from tests.support.web import login


def test_every_endpoint_declares_an_access_policy(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if endpoint_access(app, rule.endpoint) is None
    ]
    assert undeclared == []


def _concrete_path(rule) -> str:
    return rule.build({arg: "1" for arg in rule.arguments}, append_unknown=False)[1]


def test_anonymous_user_gets_only_public_endpoints(app, client):
    for rule in app.url_map.iter_rules():
        if endpoint_access(app, rule.endpoint) == PUBLIC:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        response = client.open(_concrete_path(rule), method=method)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, rule.rule
        elif method != "GET":
            # Refused before the view runs: by the CSRF check or by the login redirect.
            assert response.status_code in (302, 400), rule.rule
        else:
            assert response.status_code == 302, rule.rule
            assert response.headers["Location"].startswith("/login"), rule.rule


def test_role_policy_refuses_other_roles(client, logged_in):
    logged_in(Role.CLERK, Role.ADJUDICATOR, Role.REVIEWER, Role.TRAINER)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "You do not have access" in response.get_data(as_text=True)


def test_role_policy_admits_the_declared_role(client, logged_in):
    admin = logged_in(Role.ADMIN, office="HQ")
    response = client.get("/admin/users", query_string={"name": admin.username})
    assert response.status_code == 200
    assert admin.username in response.get_data(as_text=True)


def test_endpoint_without_policy_is_refused_even_for_admin(app, make_user, tmp_path):
    bare = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path))

    @bare.route("/forgotten")
    def forgotten():
        return "secret"

    client = bare.test_client()
    admin = make_user(Role.ADMIN, office="HQ")
    assert login(client, admin).status_code == 302
    response = client.get("/forgotten")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/login", "/static/qayd.css"])
def test_login_and_static_files_are_public(client, path):
    assert client.get(path).status_code == 200
