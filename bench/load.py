"""Concurrent registration benchmark: clerks registering claims through gunicorn.

    .venv/bin/python bench/load.py                      # 50 clients, 60 s, 2 workers
    .venv/bin/python bench/load.py --seconds 20 --clients 20

Builds a PostgreSQL database of its own (default `bench_load`, created if missing and
wiped: the name must contain "bench"), runs the migrations, creates the offices and one
clerk per client, starts gunicorn on 127.0.0.1 with `--workers` workers, and lets
`--clients` threads, each logged in as its own clerk, fetch the registration form and
post it (CSRF token included) until `--seconds` have passed. Each client registers a
different claimant on a different parcel. Prints requests, errors, throughput and
p50/p95/p99 of the registration POST against the budget (p95 <= 250 ms), then stops the
server. Traffic goes to 127.0.0.1 only. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository root in place of bench/, where http.py would stand in for the standard
# library's `http` package.
sys.path[0] = str(ROOT)

import httpx  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

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
    parsed = make_url(url)
    if "bench" not in (parsed.database or ""):
        raise SystemExit(f"refusing to wipe {parsed.database!r}: its name must contain 'bench'")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()

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


def start_app(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {
        "QAYD_ENV": "development",
        "DATABASE_URL": url,
        "QAYD_DATA_DIR": str(OUT / "load-files"),
        "SECRET_KEY": uuid.uuid4().hex,
    }
    return start_server("wsgi:app", port, workers, env=env)


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
    errors: list[str] = field(default_factory=list)


def run_client(base_url: str, client_no: int, deadline: float, result: ClientResult) -> None:
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=False) as client:
        try:
            log_in(client, f"clerk{client_no}", PASSWORD)
        except RuntimeError as error:
            result.errors.append(str(error))
            return
        except httpx.HTTPError as error:
            result.errors.append(f"login: {error!r}")
            return
        serial = 0
        while time.monotonic() < deadline:
            serial += 1
            try:
                token = csrf_of(client.get("/claims/new"))
                started = time.perf_counter()
                response = client.post("/claims/new", data=claim_form(token, client_no, serial))
                elapsed_ms = (time.perf_counter() - started) * 1000
            except (httpx.HTTPError, RuntimeError) as error:
                result.errors.append(repr(error))
                continue
            if response.status_code == 302 and "/claims/" in response.headers.get("location", ""):
                result.latencies_ms.append(elapsed_ms)
            else:
                result.errors.append(f"registration answered {response.status_code}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_load")
    args = parser.parse_args()
    url = normalise_database_url(args.database_url)
    OUT.mkdir(parents=True, exist_ok=True)

    print(f"preparing {make_url(url).database} with {args.clients} clerks …", flush=True)
    prepare_database(url, args.clients)
    server = start_app(url, args.port, args.workers)
    try:
        base_url = f"http://{HOST}:{args.port}"
        deadline = time.monotonic() + args.seconds
        results = [ClientResult() for _ in range(args.clients)]
        threads = [
            threading.Thread(target=run_client, args=(base_url, number, deadline, result))
            for number, result in enumerate(results)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        stop_server(server)

    latencies = [ms for result in results for ms in result.latencies_ms]
    errors = [error for result in results for error in result.errors]
    print(
        f"{platform.node()}: {os.cpu_count()} cores, gunicorn {args.workers} workers, "
        f"{args.clients} clients, {elapsed:.1f} s"
    )
    print(f"registrations: {len(latencies)}, errors: {len(errors)}")
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error} (x{errors.count(error)})")
    if not latencies:
        raise SystemExit(1)
    p95 = percentile(latencies, 0.95)
    print(f"throughput: {len(latencies) / elapsed:.1f} registrations/s")
    print(
        f"registration POST: p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {p95:.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms "
        f"(budget p95 <= {BUDGET_P95_MS:.0f} ms: {'met' if p95 <= BUDGET_P95_MS else 'MISSED'})"
    )
    if errors or p95 > BUDGET_P95_MS:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
