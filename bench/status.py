"""Status look-up benchmark: the time of `/status` answers, found and not found.

    .venv/bin/python bench/status.py --n 500

Registers N demo claims (demo/claims.py) through `register_claim` into a fresh SQLite
file, then posts the look-up form through the application (CSRF, rate limit lifted,
workspace, query, template: the whole request) for four kinds of answer: a claim found,
an unknown number, the right number with a wrong filing year, and with wrong identity
digits. It prints p50/p95 per kind: the three "no match" answers should take the same
time as each other, so that the time tells no one whether a number exists.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository root in place of bench/, where bench/http.py would stand in for the
# standard library's `http` package.
sys.path[0] = str(ROOT)

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from claims.files import EvidenceStore  # noqa: E402
from claims.queries import identity_tail  # noqa: E402
from commission.accounts.models import User  # noqa: E402
from commission.accounts.operations import sync_offices  # noqa: E402
from commission.app import create_app  # noqa: E402
from commission.audit import Actor, set_actor  # noqa: E402
from commission.extensions import db  # noqa: E402
from commission.workspaces import operational_workspace_id, use_workspace  # noqa: E402
from config import Config  # noqa: E402
from demo.claims import seed_demo_claims  # noqa: E402
from demo.people import seed_demo_users  # noqa: E402

OUT = ROOT / "bench" / "out"
TODAY = date(2026, 11, 27)
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def build(n: int):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"status-{n}.sqlite"
    path.unlink(missing_ok=True)
    config = Config()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
    config.QAYD_DATA_DIR = str(OUT / "files")
    config.STATUS_LOOKUPS_PER_ADDRESS = "1000000 per minute"
    app = create_app(config)
    with app.app_context():
        upgrade()
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "bench:status"))
            sync_offices(db.session)
            seed_demo_users(db.session, hasher=app.extensions["qayd_password_hasher"])
            clerk = db.session.scalar(select(User).where(User.username == "clerk"))
            registered = seed_demo_claims(
                db.session,
                n,
                by=clerk,
                today=TODAY,
                store=EvidenceStore(config.QAYD_DATA_DIR),
            )
            # A claim whose claimant gave an identity number with digits enough to ask.
            target = next(
                (claim.number, claim.filed_on.year, identity_tail(party.id_document_number))
                for _demo, claim in registered
                for party in claim.claimants
                if identity_tail(party.id_document_number)
            )
            db.session.commit()
    return app, target


def timed(client, token: str, repeat: int, kinds: dict[str, dict]) -> dict[str, list[float]]:
    """Milliseconds per look-up of each kind, the kinds taken in turn so that a load
    that comes and goes on the machine falls on all of them alike."""
    times = {kind: [] for kind in kinds}
    for _ in range(repeat):
        for kind, form in kinds.items():
            started = time.perf_counter()
            response = client.post("/status", data={"csrf_token": token, **form})
            times[kind].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    return times


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="claims registered first")
    parser.add_argument("--repeat", type=int, default=300, help="look-ups per kind")
    args = parser.parse_args(argv)
    app, (number, year, digits) = build(args.n)
    client = app.test_client()
    token = CSRF_RE.search(client.get("/status").get_data(as_text=True)).group(1)
    office, filed, seq = number.split("-")
    wrong_digits = f"{(int(digits) + 1) % 10000:04d}"
    kinds = {
        "found": {"number": number, "filed_year": year, "id_digits": digits},
        "unknown number": {
            "number": f"{office}-{filed}-{int(seq) + 900000:06d}",
            "filed_year": year,
            "id_digits": digits,
        },
        "wrong year": {"number": number, "filed_year": year - 1, "id_digits": digits},
        "wrong digits": {"number": number, "filed_year": year, "id_digits": wrong_digits},
    }
    print(f"status look-up bench: n={args.n:,} claims, {args.repeat} look-ups per kind")
    timed(client, token, 20, kinds)  # warm-up
    for kind, times in timed(client, token, args.repeat, kinds).items():
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{kind:<15} p50 {statistics.median(times):6.2f} ms   p95 {p95:6.2f} ms")


if __name__ == "__main__":
    main()
