"""Pages under gunicorn at N claims, each beside a bare Flask page served the same way.

    .venv/bin/python bench/http.py --n 1000000
    .venv/bin/python bench/http.py --n 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_http

Builds a database of N demo claims with the intake benchmark's bulk path, gives it a
workload (adjudicators with assigned cases and deadlines, open and reviewed conflict
pairs, hearings), serves it with gunicorn (`--workers`, default 2) and lets `--clients`
concurrent clients, logged in as a headquarters adjudicator or a branch clerk, request
each main page for `--seconds`: the claims list, a claim page, searches, My cases, the
conflict queue, deadlines, hearings, and registration through the real form. A bare
Flask "hello" page is served by the same gunicorn settings in the same run. Prints
req/s, p50/p95/p99 and the ratio to bare Flask's req/s against the budgets (every page
p95 <= 100 ms, registration p95 <= 250 ms, list and claim pages >= 25 % of bare Flask).
No ANALYZE is run: plans must be good without planner statistics. Traffic goes to
127.0.0.1 only. `--reuse` serves the database an earlier run built. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository root in place of bench/, where this file would stand in for the
# standard library's `http` package.
sys.path[0] = str(ROOT)

import httpx  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import bindparam, create_engine, func, insert, select, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from adjudication.models import Hearing  # noqa: E402
from bench.databases import wipe_database  # noqa: E402
from bench.intake import seed_database  # noqa: E402
from bench.serving import HOST, csrf_of, log_in, start_server, stop_server  # noqa: E402
from claims.domain import CandidateStatus, ClaimState  # noqa: E402
from claims.matching.scoring import ConflictKind  # noqa: E402
from claims.models import Claim, ConflictCandidate, Party  # noqa: E402
from commission.accounts.models import Office, Role, User  # noqa: E402
from commission.accounts.operations import create_user  # noqa: E402
from commission.app import create_app  # noqa: E402
from commission.audit import Actor, set_actor  # noqa: E402
from commission.extensions import db  # noqa: E402
from commission.workspaces import operational_workspace_id, use_workspace  # noqa: E402
from config import Config, normalise_database_url  # noqa: E402

OUT = ROOT / "bench" / "out"
PASSWORD = "bench password 2026"
PAGE_BUDGET_MS = 100.0
REGISTRATION_BUDGET_MS = 250.0
#: The share of bare Flask's requests per second the list and claim pages must reach.
THROUGHPUT_SHARE = 0.25
#: Adjudicators sharing the assigned claims; the benchmark logs in as the first.
ADJUDICATORS = 50
#: Every ASSIGN_EVERY-th claim is assigned (2.5 % of the claims, 500 each at a million).
ASSIGN_EVERY = 40
#: Every OPEN_PAIR_EVERY-th conflict pair is still open; the others were dismissed.
OPEN_PAIR_EVERY = 10
HEARINGS = 5000


# --------------------------------------------------------------------------- database


def database_url(url: str | None, n: int) -> str:
    if url is None:
        return f"sqlite:///{OUT / f'http-{n}.sqlite'}"
    return normalise_database_url(url)


def bench_app(url: str):
    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url
    config.QAYD_DATA_DIR = str(OUT / "http-files")
    return create_app(config)


def build_database(url: str, n: int, seed: int, batch: int) -> None:
    app = bench_app(url)
    with app.app_context():
        upgrade()
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "bench:http"))
            seed_database(app, n=n, seed=seed, bulk=n, batch=batch)
            started = time.perf_counter()
            add_workload(app, today=date.today())
            print(f"workload added in {time.perf_counter() - started:.1f} s", flush=True)
        db.engine.dispose()


def add_workload(app, *, today: date) -> None:
    """What the queues show in service: adjudicators with assigned cases and deadlines,
    settled cases among them, conflict pairs (most reviewed), hearings across offices."""
    session = db.session
    workspace_id = operational_workspace_id(session)
    rng = random.Random(2026)
    hasher = app.extensions["qayd_password_hasher"]
    first = session.scalar(select(User).where(User.username == "bench-hq"))
    others = [
        create_user(
            session,
            username=f"bench-adjudicator-{number}",
            full_name=f"Bench Adjudicator {number}",
            password=PASSWORD,
            roles={Role.ADJUDICATOR},
            office_code="HQ",
            hasher=hasher,
        )
        for number in range(1, ADJUDICATORS)
    ]
    session.commit()
    adjudicator_ids = [first.id] + [user.id for user in others]

    claim = Claim.__table__
    assigned = session.execute(
        select(claim.c.id, claim.c.office_id).where(claim.c.id % ASSIGN_EVERY == 0)
    ).all()
    open_states = (
        ClaimState.SCREENING,
        ClaimState.INCOMPLETE,
        ClaimState.RESPONDENT_NOTICE,
        ClaimState.UNDER_REVIEW,
        ClaimState.HEARING_SCHEDULED,
        ClaimState.DECISION_DRAFTED,
    )
    now = datetime.now(UTC)
    rows = []
    for index, (claim_id, _office_id) in enumerate(assigned):
        settled = index % 3 == 0
        state = (
            rng.choice((ClaimState.FINAL, ClaimState.CLOSED))
            if settled
            else rng.choice(open_states)
        )
        waits = state in (ClaimState.INCOMPLETE, ClaimState.RESPONDENT_NOTICE)
        rows.append(
            {
                "claim_id": claim_id,
                "assignee": adjudicator_ids[(claim_id // ASSIGN_EVERY) % ADJUDICATORS],
                "new_state": str(state),
                "deadline": today + timedelta(days=rng.randint(-20, 60)) if waits else None,
                "now": now,
            }
        )
    session.execute(
        update(claim)
        .where(claim.c.id == bindparam("claim_id"))
        .values(
            assigned_to_id=bindparam("assignee"),
            assigned_at=bindparam("now"),
            state=bindparam("new_state"),
            deadline_on=bindparam("deadline"),
        ),
        rows,
    )
    session.commit()

    # Pairs of claims on one parcel, as the conflict scan stores them.
    shared = (
        select(claim.c.parcel_id)
        .where(claim.c.parcel_id.is_not(None))
        .group_by(claim.c.parcel_id)
        .having(func.count() > 1)
        .subquery()
    )
    by_parcel: dict[int, list[int]] = {}
    for parcel_id, claim_id in session.execute(
        select(claim.c.parcel_id, claim.c.id)
        .where(claim.c.parcel_id.in_(select(shared.c.parcel_id)))
        .order_by(claim.c.parcel_id, claim.c.id)
    ):
        by_parcel.setdefault(parcel_id, []).append(claim_id)
    pairs = []
    for members in by_parcel.values():
        for position, claim_a in enumerate(members[:5]):
            for claim_b in members[position + 1 : 5]:
                is_open = len(pairs) % OPEN_PAIR_EVERY == 0
                pairs.append(
                    {
                        "workspace_id": workspace_id,
                        "claim_a_id": claim_a,
                        "claim_b_id": claim_b,
                        "kind": str(ConflictKind.COMPETING),
                        "score": 90,
                        "reasons": "parcel: the same parcel key\nclaimant: different names",
                        "status": str(
                            CandidateStatus.OPEN if is_open else CandidateStatus.DISMISSED
                        ),
                        "claim_a_version": 1,
                        "claim_b_version": 1,
                        "found_at": now,
                        "reviewed_by_id": None if is_open else first.id,
                        "reviewed_at": None if is_open else now,
                        "review_note": "" if is_open else "Neighbouring houses.",
                        "finding": None if is_open else "not_the_same_property",
                    }
                )
    for start in range(0, len(pairs), 5000):
        session.execute(insert(ConflictCandidate.__table__), pairs[start : start + 5000])
    session.commit()

    hearings = []
    for claim_id, office_id in rng.sample(assigned, min(HEARINGS, len(assigned))):
        day = today + timedelta(days=rng.randint(-60, 60))
        hearings.append(
            {
                "workspace_id": workspace_id,
                "claim_id": claim_id,
                "office_id": office_id,
                "starts_at": datetime(day.year, day.month, day.day, rng.randint(6, 12), tzinfo=UTC),
                "place": "Hearing room 2",
                "parties_notified": True,
                "scheduled_by_id": first.id,
                "outcome": "",
                "minutes": "",
            }
        )
    session.execute(insert(Hearing.__table__), hearings)
    session.commit()
    print(
        f"workload: {len(assigned):,} claims assigned to {ADJUDICATORS} adjudicators, "
        f"{len(pairs):,} conflict pairs ({len(pairs[::OPEN_PAIR_EVERY]):,} open), "
        f"{len(hearings):,} hearings",
        flush=True,
    )


# --------------------------------------------------------------------------- requests


@dataclass
class Page:
    """One measured page: `paths()` gives the next URL, `role` who requests it."""

    label: str
    role: str
    paths: Callable[[random.Random], str]
    #: Held to the throughput share of bare Flask as well as to the latency budget.
    throughput_bound: bool = False


@dataclass
class Measurement:
    label: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.elapsed if self.elapsed else 0.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def sample_targets(url: str) -> dict[str, list[str]]:
    """Claim numbers and search words for the measured URLs, read from the database."""
    engine = create_engine(url)
    with engine.connect() as connection:
        newest = connection.scalar(select(func.max(Claim.id)))
        rng = random.Random(7)
        ids = sorted(rng.sample(range(1, newest + 1), 500))
        hq_numbers = list(connection.scalars(select(Claim.number).where(Claim.id.in_(ids))))
        nin = connection.scalar(select(Office.id).where(Office.code == "NIN"))
        branch_numbers = list(
            connection.scalars(
                select(Claim.number)
                .where(Claim.office_id == nin, Claim.id % 997 == 0)
                .order_by(Claim.id)
                .limit(300)
            )
        )
        family_names = list(
            connection.scalars(
                select(Party.family_name).where(Party.id.in_(ids)).distinct().limit(40)
            )
        )
    engine.dispose()
    return {"hq": hq_numbers, "branch": branch_numbers, "names": family_names}


def pages(targets: dict[str, list[str]]) -> list[Page]:
    hq, branch, names = targets["hq"], targets["branch"], targets["names"]
    return [
        Page("claims list, first page (HQ)", "adjudicator", lambda r: "/claims/", True),
        Page("claims list, first page (branch)", "clerk", lambda r: "/claims/", True),
        Page("claim page (HQ)", "adjudicator", lambda r: f"/claims/{r.choice(hq)}", True),
        Page("claim page (branch)", "clerk", lambda r: f"/claims/{r.choice(branch)}", True),
        Page("search: family name", "adjudicator", lambda r: f"/claims/?name={r.choice(names)}"),
        Page(
            "search: claim number",
            "adjudicator",
            lambda r: f"/claims/?number={r.choice(hq)}",
        ),
        Page("search: governorate (branch)", "clerk", lambda r: "/claims/?governorate=IQ-NI"),
        Page("My cases (HQ adjudicator)", "adjudicator", lambda r: "/adjudication/"),
        Page("conflict queue", "adjudicator", lambda r: "/claims/conflicts"),
        Page("deadlines", "adjudicator", lambda r: "/adjudication/deadlines"),
        Page("hearings", "adjudicator", lambda r: "/adjudication/hearings"),
    ]


def registration_form(token: str, client_no: int, serial: int, run: str) -> dict:
    """A new claimant on a new parcel at the clerk's office (Nineveh)."""
    tag = f"{run}-{client_no}-{serial}"
    return {
        "csrf_token": token,
        "claimants-0-given_name": "محمد",
        "claimants-0-father_name": "عبد الرحمن",
        "claimants-0-grandfather_name": "حسين",
        "claimants-0-family_name": "الجبوري",
        "claimants-0-latin_name": "Mohamed Abdulrahman al-Jubouri",
        "claimants-0-id_document_type": "national_id",
        "claimants-0-id_document_number": f"19{abs(hash(tag)) % 10**10:010d}",
        "claimants-0-contact": "0770 123 4567",
        "governorate_code": "IQ-NI",
        "district": "Mosul",
        "muqataa_no": str(900 + client_no),
        "muqataa_name": "الموصل",
        "parcel_no": f"{serial}/{abs(hash(run)) % 1000}",
        "area_m2": "250",
        "property_type": "house",
        "address": f"محلة {client_no + 100}، زقاق {serial % 90 + 1}، دار {serial + 1}",
        "claim_basis": "confiscation",
        "dispossession_on": "2014-07-12",
        "remedy": "restitution",
        "filed_on": date.today().isoformat(),
        "description": "House taken in 2014.",
        "evidence-0-kind": "title_deed",
        "evidence-1-kind": "other",
        "save": "",
    }


def run_clients(
    measurement: Measurement,
    clients: list[httpx.Client],
    seconds: float,
    request: Callable[[httpx.Client, int, int, random.Random], float | None],
) -> None:
    """Each client sends `request` over and over for `seconds`; `request` returns the
    latency of the timed request in ms, or raises to count an error."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def loop(client_no: int, client: httpx.Client) -> None:
        rng = random.Random(client_no)
        serial = 0
        while time.monotonic() < deadline:
            serial += 1
            try:
                latency = request(client, client_no, serial, rng)
            except (httpx.HTTPError, RuntimeError) as error:
                with lock:
                    measurement.errors.append(str(error)[:120])
                continue
            with lock:
                measurement.latencies_ms.append(latency)

    threads = [
        threading.Thread(target=loop, args=(number, client))
        for number, client in enumerate(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    measurement.elapsed = time.monotonic() - started


def timed_get(path_of: Callable[[random.Random], str]):
    def request(client: httpx.Client, client_no: int, serial: int, rng: random.Random) -> float:
        path = path_of(rng)
        started = time.perf_counter()
        response = client.get(path)
        latency = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return latency

    return request


def timed_registration(run: str):
    def request(client: httpx.Client, client_no: int, serial: int, rng: random.Random) -> float:
        token = csrf_of(client.get("/claims/new"))
        form = registration_form(token, client_no, serial, run)
        started = time.perf_counter()
        response = client.post("/claims/new", data=form)
        latency = (time.perf_counter() - started) * 1000
        if response.status_code != 302 or "/claims/" not in response.headers.get("location", ""):
            raise RuntimeError(f"registration answered {response.status_code}")
        return latency

    return request


def report(measurement: Measurement, bare_per_second: float, budget_ms: float, bound: bool):
    """One line of the table; the budgets missed."""
    values = measurement.latencies_ms
    if not values:
        print(f"  {measurement.label:<36} no successful request, {len(measurement.errors)} errors")
        return [f"{measurement.label}: no successful request"]
    p50, p95, p99 = (percentile(values, share) for share in (0.5, 0.95, 0.99))
    ratio = measurement.per_second / bare_per_second if bare_per_second else 0.0
    missed = []
    if p95 > budget_ms:
        missed.append(f"{measurement.label}: p95 {p95:.0f} ms > {budget_ms:.0f} ms")
    if bound and ratio < THROUGHPUT_SHARE:
        missed.append(f"{measurement.label}: {ratio:.0%} of bare Flask < {THROUGHPUT_SHARE:.0%}")
    errors = f"  {len(measurement.errors)} errors" if measurement.errors else ""
    print(
        f"  {measurement.label:<36} {measurement.per_second:8.1f} req/s  p50 {p50:6.1f}  "
        f"p95 {p95:6.1f}  p99 {p99:6.1f} ms  {ratio:6.1%}  "
        f"{'MISSED' if missed else 'ok'}{errors}",
        flush=True,
    )
    for error in sorted(set(measurement.errors))[:3]:
        print(f"      error: {error} (x{measurement.errors.count(error)})")
    return missed


def measure(url: str, args) -> list[str]:
    targets = sample_targets(url)
    env = {
        "QAYD_ENV": "development",
        "DATABASE_URL": url,
        "QAYD_DATA_DIR": str(OUT / "http-files"),
        "SECRET_KEY": uuid.uuid4().hex,
    }
    app_server = start_server("wsgi:app", args.port, args.workers, env=env)
    bare_server = start_server(
        "bench.bare_flask:app", args.port + 1, args.workers, env={}, ready_path="/"
    )
    missed: list[str] = []
    try:
        base = f"http://{HOST}:{args.port}"
        users = {"adjudicator": "bench-hq", "clerk": "bench-clerk"}
        sessions = {role: [] for role in users}
        for role, username in users.items():
            for _ in range(args.clients):
                client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
                log_in(client, username, PASSWORD)
                sessions[role].append(client)
        bare_clients = [
            httpx.Client(base_url=f"http://{HOST}:{args.port + 1}", timeout=30)
            for _ in range(args.clients)
        ]

        def bare_run(label: str) -> Measurement:
            measurement = Measurement(label)
            run_clients(measurement, bare_clients, args.seconds, timed_get(lambda r: "/"))
            return measurement

        first_bare = bare_run("bare Flask hello (before)")
        results = []
        for page in pages(targets):
            measurement = Measurement(page.label)
            # A few requests first, so a page is not measured while its worker warms up.
            run_clients(Measurement(page.label), sessions[page.role], 1.0, timed_get(page.paths))
            run_clients(measurement, sessions[page.role], args.seconds, timed_get(page.paths))
            results.append((measurement, page.throughput_bound))
        registration = Measurement("registration (form POST, clerk)")
        run_clients(
            registration, sessions["clerk"], args.seconds, timed_registration(uuid.uuid4().hex)
        )
        last_bare = bare_run("bare Flask hello (after)")
        for client in [*bare_clients, *sessions["adjudicator"], *sessions["clerk"]]:
            client.close()
    finally:
        stop_server(app_server)
        stop_server(bare_server)

    bare_per_second = (first_bare.per_second + last_bare.per_second) / 2
    print(
        f"\n{platform.node()}: {os.cpu_count()} cores, gunicorn {args.workers} sync workers, "
        f"{args.clients} concurrent clients, {args.seconds:.0f} s per page; "
        f"ratio = req/s over bare Flask's mean ({bare_per_second:.0f} req/s)"
    )
    print(f"  {'page':<36} {'':>8}         {'latency':^34}  {'of bare':>6}")
    for bare in (first_bare, last_bare):
        report(bare, bare_per_second, PAGE_BUDGET_MS, False)
    for measurement, bound in results:
        missed += report(measurement, bare_per_second, PAGE_BUDGET_MS, bound)
    missed += report(registration, bare_per_second, REGISTRATION_BUDGET_MS, False)
    return missed


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="claims in the database")
    parser.add_argument("--database-url", default=None, help="default: a SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=5000, help="bulk-insert batch size")
    parser.add_argument("--reuse", action="store_true", help="serve the database already built")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per page")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8775, help="bare Flask on the next port")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    url = database_url(args.database_url, args.n)
    dialect = make_url(url).get_backend_name()
    print(f"http bench: n={args.n:,} on {dialect}, Python {platform.python_version()}", flush=True)
    if not args.reuse:
        wipe_database(url)
        build_database(url, args.n, args.seed, args.batch)
    missed = measure(url, args)
    if missed:
        print("\nbudgets missed:\n  " + "\n  ".join(missed))
        raise SystemExit(1)
    print("\nevery budget met")


if __name__ == "__main__":
    main()
