"""Concurrent registration benchmark: clerks registering claims through gunicorn.

    .venv/bin/python bench/load.py                      # 50 clerks, one claim a second each
    .venv/bin/python bench/load.py --seconds 20 --clients 20 --interval 2

Builds a PostgreSQL database of its own (default `bench_load`, created if missing and
wiped: the name must contain "bench"), runs the migrations, creates the offices and one
clerk per client, starts gunicorn on 127.0.0.1 and runs two phases, then stops the server:

1. The budget, open loop: each of `--clients` clerks, logged in as itself, registers a
   claim every `--interval` seconds for `--seconds` (fetch the form, post it at its
   scheduled time, open the claim page it is sent to), whatever the server's pace. Each
   registration's latency runs from its scheduled send time, so a request that waits
   behind a slow one counts the wait (no coordinated omission). Prints registrations,
   errors, throughput and p50/p95/p99 against the budget (p95 <= 250 ms).
2. Saturation, closed loop, for information: the same clerks register with no pause for
   `--saturation-seconds`; prints the registrations per second the server sustains.

Each registration is a different claimant on a different parcel. Traffic goes to
127.0.0.1 only. Exits 1 on any error or a budget p95 over 250 ms. See bench/README.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository root in place of bench/, where http.py would stand in for the standard
# library's `http` package.
sys.path[0] = str(ROOT)

import httpx  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.databases import wipe_database  # noqa: E402
from bench.serving import HOST, csrf_of, log_in, start_server, stop_server  # noqa: E402
from commission.accounts.models import Role  # noqa: E402
from commission.accounts.operations import create_user, sync_offices  # noqa: E402
from commission.app import create_app  # noqa: E402
from commission.audit import Actor, set_actor  # noqa: E402
from commission.extensions import db  # noqa: E402
from commission.workspaces import operational_workspace_id, use_workspace  # noqa: E402
from config import Config, normalise_database_url  # noqa: E402

OUT = ROOT / "bench" / "out"
BUDGET_P95_MS = 250.0
PASSWORD = "bench load password"


def prepare_database(url: str, clients: int) -> None:
    """A fresh, migrated database with the offices and one clerk per client."""
    wipe_database(url)
    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url
    config.QAYD_DATA_DIR = str(OUT / "load-files")
    app = create_app(config)
    with app.app_context():
        upgrade()
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "bench-load"))
            sync_offices(db.session)
            for number in range(clients):
                create_user(
                    db.session,
                    username=f"clerk{number}",
                    full_name=f"Bench Clerk {number}",
                    password=PASSWORD,
                    roles={Role.CLERK},
                    office_code="BGD",
                    hasher=app.extensions["qayd_password_hasher"],
                )
            db.session.commit()
        db.engine.dispose()


def start_app(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        "QAYD_ENV": "development",
        "DATABASE_URL": url,
        "QAYD_DATA_DIR": str(OUT / "load-files"),
        "SECRET_KEY": uuid.uuid4().hex,
    }
    return start_server("wsgi:app", port, workers, env=env, threads=threads)


def claim_form(token: str, client_no: int, serial: int) -> dict:
    tag = f"{client_no}-{serial}"
    return {
        "csrf_token": token,
        "claimants-0-given_name": "محمد",
        "claimants-0-father_name": "عبد الرحمن",
        "claimants-0-grandfather_name": "حسين",
        "claimants-0-family_name": f"الجبوري {tag}",
        "claimants-0-latin_name": f"Mohamed Abdulrahman al-Jubouri {tag}",
        "claimants-0-id_document_type": "national_id",
        "claimants-0-id_document_number": f"1990{client_no:04d}{serial:06d}",
        "claimants-0-contact": "0770 123 4567",
        "governorate_code": "IQ-BG",
        "district": "Karrada",
        "muqataa_no": str(client_no + 1),
        "muqataa_name": "الكرادة",
        "parcel_no": str(serial + 1),
        "area_m2": "250",
        "property_type": "house",
        "address": f"محلة {client_no + 100}، زقاق {serial % 90 + 1}، دار {serial + 1}",
        "claim_basis": "confiscation",
        "dispossession_on": "1991-05-12",
        "remedy": "restitution",
        "filed_on": "2026-03-01",
        "description": "House confiscated in 1991.",
        "evidence-0-kind": "title_deed",
        "evidence-1-kind": "other",
        "save": "",
    }


@dataclass
class ClientResult:
    latencies_ms: list[float] = field(default_factory=list)
    page_latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    serial: int = 0
    #: Registrations due in the paced phase but not sent before its end.
    unsent: int = 0


@dataclass
class Clerk:
    number: int
    client: httpx.Client | None = None
    login_error: str = ""
    #: Registrations so far, so each one is a new claimant and parcel.
    serial: int = 0


def log_in_clerk(base_url: str, clerk: Clerk) -> None:
    client = httpx.Client(base_url=base_url, timeout=120, follow_redirects=False)
    try:
        log_in(client, f"clerk{clerk.number}", PASSWORD)
    except RuntimeError as error:
        clerk.login_error = str(error)
    except httpx.HTTPError as error:
        clerk.login_error = f"login: {error!r}"
    else:
        clerk.client = client
        return
    client.close()


def register_once(clerk: Clerk, result: ClientResult, send_at: float | None) -> None:
    """Fetch the form, post it at `send_at` (at once when None), open the claim page. The
    latency runs from `send_at`, or from the post itself in the closed loop."""
    client = clerk.client
    result.serial += 1
    try:
        token = csrf_of(client.get("/claims/new"))
        if send_at is not None:
            time.sleep(max(0.0, send_at - time.monotonic()))
        started = time.monotonic() if send_at is None else send_at
        response = client.post("/claims/new", data=claim_form(token, clerk.number, result.serial))
        finished = time.monotonic()
    except (httpx.HTTPError, RuntimeError) as error:
        result.errors.append(repr(error))
        return
    location = response.headers.get("location", "")
    if response.status_code != 302 or "/claims/" not in location:
        result.errors.append(f"registration answered {response.status_code}")
        return
    result.latencies_ms.append((finished - started) * 1000)
    try:
        # The browser follows to the claim page, which shows the new number once.
        page = client.get(location)
    except httpx.HTTPError as error:
        result.errors.append(f"claim page: {error!r}")
        return
    if page.status_code != 200:
        result.errors.append(f"claim page answered {page.status_code}")
    else:
        result.page_latencies_ms.append((time.monotonic() - finished) * 1000)


def run_paced(clerk: Clerk, start: float, interval: float, until: float, result) -> None:
    """Open loop: registrations due at start, start + interval, … before `until`. Those
    still unsent when the time is up (the clerk was held up by slow answers) are counted,
    not sent: the phase ends on time whatever the server's pace."""
    send_at = start
    while send_at < until:
        if time.monotonic() > until:
            result.unsent = math.ceil((until - send_at) / interval)
            return
        register_once(clerk, result, send_at)
        send_at += interval


def run_eager(clerk: Clerk, until: float, result) -> None:
    """Closed loop: the next registration as soon as the last one is answered."""
    while time.monotonic() < until:
        register_once(clerk, result, None)


def run_phase(clerks: list[Clerk], target, args_of) -> tuple[list[ClientResult], float]:
    """Run `target(clerk, *args_of(clerk), result)` for every logged-in clerk at once."""
    results = [ClientResult(serial=clerk.serial) for clerk in clerks]
    threads = [
        threading.Thread(target=target, args=(clerk, *args_of(clerk), result))
        for clerk, result in zip(clerks, results, strict=True)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for clerk, result in zip(clerks, results, strict=True):
        clerk.serial = result.serial
    return results, time.monotonic() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(results: list[ClientResult]) -> tuple[list[float], list[str]]:
    latencies = [ms for result in results for ms in result.latencies_ms]
    errors = [error for result in results for error in result.errors]
    print(f"  registrations: {len(latencies)}, errors: {len(errors)}")
    for error in sorted(set(errors))[:10]:
        print(f"    error: {error} (x{errors.count(error)})")
    return latencies, errors


def figures(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):.0f} ms, p95 {percentile(values, 0.95):.0f} ms, "
        f"p99 {percentile(values, 0.99):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="paced phase length")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds between one clerk's registrations"
    )
    parser.add_argument("--saturation-seconds", type=float, default=30.0, help="0: skip")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="per worker; 1: sync workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_load")
    args = parser.parse_args()
    url = normalise_database_url(args.database_url)
    OUT.mkdir(parents=True, exist_ok=True)

    print(f"preparing {make_url(url).database} with {args.clients} clerks …", flush=True)
    prepare_database(url, args.clients)
    server = start_app(url, args.port, args.workers, args.threads)
    base_url = f"http://{HOST}:{args.port}"
    offered = args.clients / args.interval
    try:
        clerks = [Clerk(number) for number in range(args.clients)]
        # A login hashes a password on purpose slowly: a few at a time, before the clock.
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            list(pool.map(lambda clerk: log_in_clerk(base_url, clerk), clerks))
        failed = [clerk.login_error for clerk in clerks if clerk.client is None]
        if failed:
            raise SystemExit(f"{len(failed)} clerks could not log in: {failed[0]}")
        # The clerks' first registrations are spread over one interval.
        start = time.monotonic() + 1.0
        until = start + args.seconds
        paced, _elapsed = run_phase(
            clerks,
            run_paced,
            lambda clerk: (
                start + args.interval * clerk.number / args.clients,
                args.interval,
                until,
            ),
        )
        eager = None
        if args.saturation_seconds > 0:
            until = time.monotonic() + args.saturation_seconds
            eager, eager_elapsed = run_phase(clerks, run_eager, lambda clerk: (until,))
        for clerk in clerks:
            clerk.client.close()
    finally:
        stop_server(server)

    worker_class = f"gthread, {args.threads} threads each" if args.threads > 1 else "sync"
    print(
        f"{platform.node()}: {os.cpu_count()} cores, gunicorn {args.workers} workers "
        f"({worker_class}), {args.clients} clerks"
    )
    print(
        f"budget, open loop: each clerk one registration every {args.interval:g} s for "
        f"{args.seconds:g} s (offered {offered:.1f} registrations/s), latency from the "
        "scheduled send time"
    )
    latencies, errors = summary(paced)
    unsent = sum(result.unsent for result in paced)
    if unsent:
        print(f"  still unsent when the time was up (held up by slow answers): {unsent}")
    if not latencies:
        raise SystemExit(1)
    p95 = percentile(latencies, 0.95)
    met = p95 <= BUDGET_P95_MS and not unsent
    print(f"  throughput: {len(latencies) / args.seconds:.1f} registrations/s")
    print(
        f"  registration POST: {figures(latencies)} "
        f"(budget p95 <= {BUDGET_P95_MS:.0f} ms, none left unsent: {'met' if met else 'MISSED'})"
    )
    pages = [ms for result in paced for ms in result.page_latencies_ms]
    if pages:
        print(f"  claim page after it: {figures(pages)}")
    if eager is not None:
        print(
            f"saturation, closed loop (no pause, for information), {args.saturation_seconds:g} s:"
        )
        saturated, _errors = summary(eager)
        if saturated:
            print(f"  throughput: {len(saturated) / eager_elapsed:.1f} registrations/s")
            print(f"  registration POST: {figures(saturated)}")
    if errors or not met:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
