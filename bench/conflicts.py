"""Conflict benchmark: the check of one new claim against N stored claims, and the batch scan.

    .venv/bin/python bench/conflicts.py --n 1000000
    .venv/bin/python bench/conflicts.py --n 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_conflicts

Seeds N demo claims (demo/claims.py, planted competing, duplicate and counter claims
included) with the intake benchmark's bulk path, which also stores every claim's blocking
keys. Then:

1. times `claims.queries.check_conflicts` — what the registration form runs before
   saving: probe keys, the index look-up, loading and scoring the claims found — for
   `--probes` new claims generated after the stored ones (so the planted conflicts among
   them meet stored claims), each from an empty identity map; p50/p95 against the budget;
2. runs `flask conflicts scan` over the whole database in a child process, as an
   operator would, and prints its wall time and the peak of the summed memory (RSS) of
   the command and its worker processes, sampled every 0.1 s.

With `--reuse`, a database left by an earlier run with the same N is used as it is.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import threading
import time
from itertools import islice
from pathlib import Path

from intake import OUT, TODAY, fresh_database, percentile, seed_database
from sqlalchemy import delete, func, select, text

from claims.matching import MatchThresholds
from claims.models import Claim, ConflictCandidate, ConflictScan, ConflictScanShard
from claims.queries import check_conflicts
from commission.app import create_app
from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import operational_workspace_id, use_workspace
from config import Config
from demo.claims import iter_demo_claims

ROOT = Path(__file__).resolve().parent.parent
CHECK_BUDGET_MS = 20.0
SCAN_BUDGET_S = 300.0
SCAN_MEMORY_BUDGET_MIB = 2048.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="claims in the database")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--probes", type=int, default=500, help="new claims checked, timed")
    parser.add_argument("--batch", type=int, default=5000, help="bulk-insert batch size")
    parser.add_argument("--workers", type=int, default=None, help="scan processes")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's database")
    parser.add_argument("--skip-scan", action="store_true", help="time the check only")
    return parser.parse_args(argv)


def database_url(args) -> str:
    if args.reuse:
        if args.database_url:
            return args.database_url
        return f"sqlite:///{OUT / f'conflicts-{args.n}.sqlite'}"
    url = fresh_database(args.database_url, args.n)
    if args.database_url is None:  # fresh_database names the file after the intake bench
        path = OUT / f"conflicts-{args.n}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    return url


def time_checks(app, args) -> None:
    """The registration form's check, for new claims continuing the generator's stream."""
    thresholds = MatchThresholds.from_config(app.config)
    probes = [
        demo.claim
        for demo in islice(
            iter_demo_claims(args.n + args.probes, args.seed, today=TODAY), args.n, None
        )
    ]
    for data in probes[:20]:  # warm the caches and the statement cache
        check_conflicts(db.session, data, thresholds)
        db.session.rollback()
        db.session.expunge_all()
    samples, found = [], []
    for data in probes:
        start = time.perf_counter()
        candidates = check_conflicts(db.session, data, thresholds)
        samples.append((time.perf_counter() - start) * 1000)
        found.append(len(candidates))
        db.session.rollback()
        db.session.expunge_all()
    p50, p95 = percentile(samples, 0.50), percentile(samples, 0.95)
    verdict = "ok" if p95 <= CHECK_BUDGET_MS else "OVER BUDGET"
    with_candidates = sum(1 for count in found if count)
    print(
        f"conflict check of one new claim (check_conflicts, {len(probes)} claims): "
        f"p50 {p50:.2f} ms  p95 {p95:.2f} ms  max {max(samples):.2f} ms  "
        f"(budget p95 <= {CHECK_BUDGET_MS:.0f} ms) {verdict}"
    )
    print(
        f"  {with_candidates} of {len(probes)} new claims had candidates "
        f"({sum(found)} in all, at most {max(found)} for one claim)"
    )


def _tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def run_scan(url: str, args) -> None:
    """`flask conflicts scan --restart` in a child process: wall time and peak memory."""
    env = dict(os.environ, DATABASE_URL=url, QAYD_DATA_DIR=str(OUT / "files"))
    command = [
        str(Path(sys.executable).parent / "flask"),
        "--app",
        "wsgi",
        "conflicts",
        "scan",
        "--restart",
    ]
    if args.workers:
        command += ["--workers", str(args.workers)]
    peak = 0.0
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )

    def sample() -> None:
        nonlocal peak
        while child.poll() is None:
            peak = max(peak, _tree_rss_mib(child.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = child.communicate()
    elapsed = time.perf_counter() - start
    sampler.join()
    if child.returncode != 0:
        sys.exit(f"conflicts scan failed ({child.returncode}):\n{output}")
    summary = output.strip().splitlines()[-1]
    time_verdict = "ok" if elapsed <= SCAN_BUDGET_S else "OVER BUDGET"
    memory_verdict = "ok" if peak <= SCAN_MEMORY_BUDGET_MIB else "OVER BUDGET"
    print(f"batch scan (flask conflicts scan --restart): {summary}")
    print(
        f"  wall {elapsed:.1f} s (budget {SCAN_BUDGET_S:.0f} s) {time_verdict}; "
        f"peak memory {peak:,.0f} MiB, command and workers together "
        f"(budget {SCAN_MEMORY_BUDGET_MIB:,.0f} MiB) {memory_verdict}"
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    url = database_url(args)
    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url
    config.QAYD_DATA_DIR = str(OUT / "files")
    app = create_app(config)
    with app.app_context():
        dialect = db.engine.dialect.name
        print(
            f"conflicts bench: n={args.n:,} seed={args.seed} probes={args.probes}  {dialect}, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
        )
        from flask_migrate import upgrade

        upgrade()
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "bench:conflicts"))
            stored = db.session.scalar(select(func.count()).select_from(Claim))
            if not stored:
                seed_database(app, n=args.n, seed=args.seed, bulk=args.n, batch=args.batch)
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("ANALYZE" if dialect == "sqlite" else "VACUUM ANALYZE"))
            elif stored != args.n:
                sys.exit(f"--reuse: the database holds {stored:,} claims, not {args.n:,}")
            else:
                # A reused database starts the scan from nothing, as a fresh one does.
                for model in (ConflictScanShard, ConflictScan, ConflictCandidate):
                    db.session.execute(delete(model))
                db.session.commit()
            keys = db.session.scalar(text("SELECT count(*) FROM claim_match_key"))
            print(f"stored: {args.n:,} claims, {keys:,} blocking keys")
            time_checks(app, args)
            db.session.rollback()
    with app.app_context():
        db.engine.dispose()
    if not args.skip_scan:
        run_scan(url, args)


if __name__ == "__main__":
    main()
