"""The request boundary: one commit per request, a rollback on any refusal, and one
answer to refusals (JSON under /api/, a flash and a redirect or the error page elsewhere)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Blueprint
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from commission.app import create_app
from commission.boundary import install_boundary
from commission.extensions import db
from commission.policy import allow_public
from commission.refusals import N_, Refusal, RefusalKind
from commission.workspaces import Workspace, WorkspaceKind
from tests.support.app import make_test_config, unique

ROOT = Path(__file__).resolve().parents[2]


class Probe(Refusal):
    message = N_("Only a claim that is still registered can be edited.")


def _probe_app(app, tmp_path):
    """An app on the suite's database with routes that change a row and then refuse."""
    probe = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path))
    routes = Blueprint("probe", __name__)

    def add_workspace(name):
        db.session.add(Workspace(kind=WorkspaceKind.TRAINING, name=name))
        db.session.flush()

    @routes.route("/probe/<name>/add")
    @routes.route("/api/probe/<name>/add")
    @allow_public
    def add(name):
        add_workspace(name)
        return "added"

    @routes.route("/probe/<name>/refuse/<kind>", methods=["GET", "POST"])
    @routes.route("/api/probe/<name>/refuse/<kind>", methods=["GET", "POST"])
    @allow_public
    def refuse(name, kind):
        add_workspace(name)
        raise Probe(kind=RefusalKind(kind), fields={"name": N_("The given name is required.")})

    probe.register_blueprint(routes)
    install_boundary(probe)
    return probe


@pytest.fixture
def probe(app, tmp_path):
    probe = _probe_app(app, tmp_path)
    yield probe
    # Its own engine: its connections go now, not when the suite ends.
    with probe.app_context():
        db.engine.dispose()


def _workspaces_named(probe, name) -> int:
    with probe.app_context():
        count = db.session.scalar(select(func.count()).where(Workspace.name == name))
        db.session.remove()
    return count


@pytest.mark.parametrize("kind", list(RefusalKind))
def test_each_refusal_kind_answers_its_status_in_one_json_shape(probe, kind):
    name = unique("probe")
    response = probe.test_client().get(f"/api/probe/{name}/refuse/{kind}")
    assert (
        response.status_code
        == {
            "input": 400,
            "forbidden": 403,
            "not_found": 404,
            "stale": 409,
            "refused": 422,
        }[kind]
    )
    assert response.get_json() == {
        "error": {
            "kind": str(kind),
            "message": "Only a claim that is still registered can be edited.",
            "fields": {"name": "The given name is required."},
        }
    }


def test_a_view_refused_after_a_flush_commits_nothing(probe):
    name = unique("probe")
    response = probe.test_client().get(f"/probe/{name}/refuse/refused")
    assert response.status_code == 302
    assert _workspaces_named(probe, name) == 0


def test_a_successful_request_commits_exactly_once(probe):
    name = unique("probe")
    commits = []

    def count(session):
        commits.append(session)

    event.listen(Session, "after_commit", count)
    try:
        response = probe.test_client().get(f"/probe/{name}/add")
    finally:
        event.remove(Session, "after_commit", count)
    assert response.status_code == 200
    assert len(commits) == 1
    assert _workspaces_named(probe, name) == 1


def test_a_refused_page_flashes_the_message_and_goes_back_where_it_came_from(probe):
    client = probe.test_client()
    name = unique("probe")
    response = client.get(
        f"/probe/{name}/refuse/refused", headers={"Referer": "http://localhost/verify"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] in ("/verify", "http://localhost/verify")
    page = client.get("/verify").get_data(as_text=True)
    assert "Only a claim that is still registered can be edited." in page


def test_a_forbidden_refusal_in_a_page_is_the_403_page(probe):
    response = probe.test_client().get(f"/probe/{unique('probe')}/refuse/forbidden")
    assert response.status_code == 403
    assert "Only a claim that is still registered can be edited." in response.get_data(as_text=True)


def test_a_refusal_reaches_an_arabic_user_in_arabic(probe):
    response = probe.test_client().get(
        f"/api/probe/{unique('probe')}/refuse/input", headers={"Accept-Language": "ar"}
    )
    error = response.get_json()["error"]
    assert re.search("[\u0600-\u06ff]", error["message"])
    assert re.search("[\u0600-\u06ff]", error["fields"]["name"])
    assert "registered" not in error["message"]


def test_a_refusal_quotes_its_values_in_the_language_shown():
    refusal = Refusal(N_("No office with code %(code)s."), code="XYZ")
    assert str(refusal) == "No office with code XYZ."
    assert refusal.text(lambda message: "لا يوجد مكتب بالرمز %(code)s.") == (
        "لا يوجد مكتب بالرمز XYZ."
    )


def test_every_view_runs_in_the_request_transaction(app):
    unwrapped = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if not getattr(view, "runs_in_transaction", False)
    ]
    assert unwrapped == []


@pytest.mark.parametrize(
    "package", ["commission", "claims", "adjudication", "documents", "training"]
)
def test_no_view_commits_or_rolls_back_by_hand(package):
    for path in (ROOT / package).rglob("views.py"):
        source = path.read_text()
        assert "session.commit(" not in source, path
        assert "session.rollback(" not in source, path


def test_the_claim_page_imports_no_other_package():
    source = (ROOT / "claims" / "views.py").read_text()
    assert "adjudication" not in source and "documents" not in source


def test_the_packages_panels_are_on_the_claim_page_in_order(app):
    panels = app.extensions["qayd_claim_panels"]
    ordered = [panel.name for panel in sorted(panels.values(), key=lambda p: p.order)]
    assert ordered == ["case", "claim", "letters", "evidence", "history"]
