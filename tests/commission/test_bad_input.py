"""No 500 for bad input: every GET route of the URL map, with hostile path and query
values, as anonymous and as each role, answers below 500."""

from __future__ import annotations

import pytest

from commission.accounts.models import Role
from tests.support.claim_forms import register
from tests.support.web import login

HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "99999999999999999999",
    "-1",
    "0001-01-01",
    "9999-12-31",
    "x" * 100_000,
    "9" * 5000,
    "محمد\u202eعلي\u200f",
]
#: Every query parameter a view reads (request.args and the search form's fields).
QUERY_PARAMETERS = [
    "before",
    "after",
    "claim",
    "office",
    "from",
    "code",
    "next",
    "number",
    "name",
    "governorate",
    "parcel_no",
    "state",
    "filed_from",
    "filed_to",
    "role",
    "status",
]
PATH_HOSTILE = ["0", "2147483648", "99999999999999999999", "%00", "x" * 5000, "محمد\u202e"]


def _get_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    ]


def _paths(rule, number: str) -> list[str]:
    """The rule with its arguments filled with a real claim number and ids, then with
    each hostile value."""
    real = {name: (number if name == "number" else "1") for name in rule.arguments}
    paths = [_build(rule, real)]
    for name in rule.arguments:
        for value in PATH_HOSTILE:
            paths.append(_build(rule, {**real, name: value}))
    return paths


def _build(rule, values: dict[str, str]) -> str:
    path = rule.rule
    for name, value in values.items():
        converter = next(part for part in path.split("<")[1:] if part.split(">")[0].endswith(name))
        path = path.replace("<" + converter.split(">")[0] + ">", value)
    return path


@pytest.fixture
def claim_number(app, make_user):
    """A claim of the BGD office, so that routes naming a claim reach their views."""
    clerk = app.test_client()
    login(clerk, make_user(Role.CLERK))
    return register(clerk)


def _one_parameter_at_a_time() -> list[dict[str, str]]:
    return [{name: value} for name in QUERY_PARAMETERS for value in HOSTILE_VALUES]


def _every_parameter_at_once() -> list[dict[str, str]]:
    return [dict.fromkeys(QUERY_PARAMETERS, value) for value in HOSTILE_VALUES]


#: Anonymous and every role at once (every page any role reaches) try each parameter
#: with each value; each role alone (its own pages, data and links, as that role sees
#: them) tries each value in every parameter at once, a twentieth of the requests.
WALKERS = [
    pytest.param((), _one_parameter_at_a_time, id="anonymous"),
    *(pytest.param((role,), _every_parameter_at_once, id=role.value) for role in Role),
    pytest.param(tuple(Role), _one_parameter_at_a_time, id="every-role"),
]


@pytest.mark.parametrize(("roles", "queries"), WALKERS)
def test_no_get_route_answers_5xx_to_hostile_values(
    app, client, logged_in, claim_number, roles, queries
):
    if roles:
        logged_in(*roles)
    failures = []
    for rule in _get_rules(app):
        paths = _paths(rule, claim_number)
        requests = [(path, {}) for path in paths]
        requests += [(paths[0], query) for query in queries()]
        for path, query in requests:
            status = client.get(path, query_string=query).status_code
            if status >= 500:
                failures.append((rule.rule, path[:60], {k: v[:20] for k, v in query.items()}))
    assert failures == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/claims/?parcel_no=99999999999", 400),
        ("/claims/?parcel_no=" + "9" * 5000, 400),
        ("/claims/?before=99999999999999999999", 400),
        ("/claims/?before=2147483648", 400),
        ("/claims/?name=a%00b", 400),
        ("/claims/conflicts?after=2147483648", 400),
        ("/adjudication/hearings?from=0001-01-01", 400),
        ("/adjudication/hearings?from=9999-12-31", 400),
        ("/claims/BGD-2026-000001/letters/2147483648.pdf", 404),
        ("/claims/BGD-2026-000001/evidence/99999999999", 404),
        ("/claims/a%00b", 400),
    ],
)
def test_each_reported_case_is_a_clear_4xx(client, logged_in, path, expected):
    logged_in(Role.ADJUDICATOR, Role.REVIEWER, Role.CLERK)
    response = client.get(path)
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if expected == 400:
        assert "wrong" in response.get_data(as_text=True) or "not" in response.get_data(
            as_text=True
        )
