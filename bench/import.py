"""Import benchmark: N rows through `import_claims` while a clerk keeps registering.

    .venv/bin/python bench/import.py --n 100000
    .venv/bin/python bench/import.py --n 100000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_import

Builds a fresh database with the migrations, writes a legacy-style CSV of N rows with
its own generator (names in Arabic and Latin script, governorates as clerks write them,
Arabic property words, a share of rows on parcels another row already claims), and
imports it exactly as `flask claims import` does (stage, publish, check conflicts).
Meanwhile a second thread registers one claim through `register_claim` every
`--interval` seconds, one transaction each like the registration form, and records how
long each took. Prints rows/s, the time of each step, and the registrations' latencies
against the budgets (import ≤ 3 min for 100,000 rows on PostgreSQL; a registration
during the import ≤ 1 s). See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import os
import random
import resource
import sys
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository root in place of bench/, where http.py would stand in for the standard
# library's `http` package.
sys.path[0] = str(ROOT)

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from bench.databases import wipe_database  # noqa: E402
from claims.domain import (  # noqa: E402
    ClaimBasis,
    ClaimInput,
    ParcelInput,
    PartyInput,
    PartyRole,
    PropertyType,
    Remedy,
)
from claims.files import EvidenceStore  # noqa: E402
from claims.interchange import (  # noqa: E402
    BASE_COLUMNS,
    ClaimFile,
    import_claims,
    importing,
)
from claims.models import Claim, ConflictCandidate  # noqa: E402
from claims.operations import register_claim  # noqa: E402
from commission.accounts.models import Office  # noqa: E402
from commission.accounts.operations import sync_offices  # noqa: E402
from commission.app import create_app  # noqa: E402
from commission.audit import Actor, set_actor  # noqa: E402
from commission.extensions import db  # noqa: E402
from commission.governorates import GOVERNORATES  # noqa: E402
from commission.workspaces import operational_workspace_id, use_workspace  # noqa: E402
from config import Config, normalise_database_url  # noqa: E402

OUT = ROOT / "bench" / "out"
IMPORT_BUDGET_S = 180.0
REGISTRATION_BUDGET_S = 1.0
#: Rows are filed before this day, so runs are reproducible.
TODAY = date(2026, 11, 24)

GIVEN_AR = ["محمد", "أحمد", "علي", "حسين", "عبد الله", "عمر", "يوسف", "خضر", "سارة", "زينب"]
GIVEN_LATIN = ["Mohammed", "Ahmed", "Ali", "Hussein", "Abdullah", "Omar", "Yousif", "Khidr"]
FATHER_AR = ["حسن", "كاظم", "عبد الرحمن", "جاسم", "صالح", "نور الدين", "إلياس", "قاسم"]
FATHER_LATIN = ["Hassan", "Kadhim", "Abdul Rahman", "Jasim", "Saleh", "Elias", "Qasim"]
FAMILY_AR = ["الجبوري", "التميمي", "الحمداني", "الدليمي", "العبيدي", "الشمري", "الربيعي"]
FAMILY_LATIN = ["al-Jubouri", "al-Tamimi", "al-Hamdani", "al-Dulaimi", "al-Obeidi", "al-Shammari"]
PROPERTY_WORDS = [
    *("house", "apartment", "residential_land", "vacant plot", "flat", "shop", "orchard"),
    *("دار", "بيت", "شقة", "قطعة أرض", "بستان", "محل", "أرض زراعية"),
]
BASIS_WORDS = ["confiscation", "forced_relocation", "مصادرة", "تهجير قسري", "conflict_displacement"]
#: Share of rows on a parcel an earlier row of the file claims (competing or duplicate).
CONFLICT_SHARE = 0.05
#: Shares of rows without a parcel number and without a muqata'a number, as in the
#: 31,038-row legacy file of issue 14 (1,069 and 419 rows).
NO_PARCEL_NUMBER_SHARE = 0.034
NO_MUQATAA_SHARE = 0.0135


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="rows in the file")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between registrations")
    return parser.parse_args(argv)


def fresh_database(url: str | None, n: int) -> str:
    if url is None:
        OUT.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{OUT / f'import-{n}.sqlite'}"
    url = normalise_database_url(url)
    wipe_database(url)
    return url


def person(pick: random.Random) -> tuple[str, str]:
    """A name as a legacy file holds it (Arabic or Latin script) and an identity number."""
    if pick.random() < 0.6:
        parts = (pick.choice(GIVEN_AR), pick.choice(FATHER_AR), pick.choice(FATHER_AR))
        name = " ".join((*parts, pick.choice(FAMILY_AR)))
    else:
        parts = (pick.choice(GIVEN_LATIN), pick.choice(FATHER_LATIN), pick.choice(FATHER_LATIN))
        name = " ".join((*parts, pick.choice(FAMILY_LATIN)))
    id_no = str(pick.randint(10**11, 10**12 - 1)) if pick.random() < 0.8 else ""
    return name, id_no


def generate_rows(n: int, seed: int):
    """N rows of a legacy file; about CONFLICT_SHARE of them on a parcel claimed before."""
    pick = random.Random(seed)
    spellings = [(g.name_en, g.name_ar, g.code, g.office_code) for g in GOVERNORATES]
    earlier: list[dict] = []
    for index in range(1, n + 1):
        if earlier and pick.random() < CONFLICT_SHARE:
            row = dict(pick.choice(earlier))
            if pick.random() < 0.5:  # another claimant: competing
                row["claimant_name"], row["claimant_id_no"] = person(pick)
        else:
            name_en, name_ar, code, office_code = pick.choice(spellings)
            row = {
                "governorate": pick.choice((name_en, name_ar, code)),
                # Most legacy files name no office: it follows from the governorate.
                "office": office_code if pick.random() < 0.2 else "",
                "district": "",
                # The claimant did not know them: the parcel is to be identified.
                "muqataa_no": "" if pick.random() < NO_MUQATAA_SHARE else str(pick.randint(1, 400)),
                "muqataa_name": "",
                "parcel_no": ""
                if pick.random() < NO_PARCEL_NUMBER_SHARE
                else f"{pick.randint(1, 9999)}/{pick.randint(1, 40)}",
                "property_type": pick.choice(PROPERTY_WORDS),
                "address": f"محلة {pick.randint(100, 999)} زقاق {pick.randint(1, 80)} "
                f"دار {pick.randint(1, 200)}",
                "claim_basis": pick.choice(BASIS_WORDS),
                "dispossession_date": (
                    f"{pick.randint(1, 28):02d}/{pick.randint(1, 12):02d}/"
                    if pick.random() < 0.85
                    else ""  # only the year is known
                )
                + str(pick.randint(1970, 2016)),
                "filed_date": f"2026-{pick.randint(1, 10):02d}-{pick.randint(1, 28):02d}",
            }
            row["claimant_name"], row["claimant_id_no"] = person(pick)
            row["respondent_name"] = person(pick)[0] if pick.random() < 0.3 else ""
            if len(earlier) < 5000:
                earlier.append(row)
        yield {**row, "ref": f"legacy-{seed}-{index:07d}"}


def write_file(path: Path, n: int, seed: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*BASE_COLUMNS, "office"])
        writer.writeheader()
        writer.writerows(generate_rows(n, seed))


class Clerk(threading.Thread):
    """Registers one claim every `interval` seconds through the verb, one transaction
    each, as the registration form does; records each one's latency."""

    def __init__(self, app, interval: float):
        super().__init__(daemon=True)
        self.app, self.interval = app, interval
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.stopping = threading.Event()

    def claim(self, index: int) -> ClaimInput:
        return ClaimInput(
            parcel=ParcelInput(
                governorate_code="IQ-BG",
                muqataa_no="9001",
                parcel_no=str(index),
                property_type=PropertyType.HOUSE,
            ),
            parties=[
                PartyInput(
                    role=PartyRole.CLAIMANT,
                    given_name="حيدر",
                    father_name="كريم",
                    grandfather_name="عباس",
                    family_name="الساعدي",
                )
            ],
            claim_basis=ClaimBasis.CONFISCATION,
            remedy=Remedy.RESTITUTION,
            filed_on=TODAY,
        )

    def run(self) -> None:
        store = EvidenceStore(self.app.config["QAYD_DATA_DIR"])
        index = 0
        with self.app.app_context():
            set_actor(Actor(None, "bench-clerk"))
            while not self.stopping.wait(self.interval):
                index += 1
                start = time.perf_counter()
                try:
                    with use_workspace(operational_workspace_id(db.session)):
                        office = db.session.scalar(select(Office).where(Office.code == "BGD"))
                        register_claim(
                            db.session,
                            self.claim(index),
                            by=None,
                            office=office,
                            today=TODAY,
                            store=store,
                        )
                        db.session.commit()
                except Exception as error:  # reported, not hidden: the bench counts them
                    db.session.rollback()
                    self.failures.append(f"{type(error).__name__}: {error}"[:200])
                self.latencies.append(time.perf_counter() - start)
            db.session.remove()


def main(argv=None) -> None:
    args = parse_args(argv)
    url = fresh_database(args.database_url, args.n)
    OUT.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url
    config.QAYD_DATA_DIR = str(OUT / "import-files")
    app = create_app(config)
    with app.app_context():
        upgrade()
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "bench"))
            sync_offices(db.session)
            db.session.commit()
    path = OUT / f"import-{args.n}.csv"
    start = time.perf_counter()
    write_file(path, args.n, args.seed)
    print(f"generated {args.n:,} rows in {time.perf_counter() - start:.1f} s: {path}")

    clerk = Clerk(app, args.interval)
    steps: list[float] = []
    # When the publication starts numbering: from then until its commit it holds the
    # office counters, and from its commit's first step the audit chain's head.
    numbering_started: list[float] = []
    number_published = importing.number_published

    def timed_numbering(*args, **kwargs):
        numbering_started.append(time.perf_counter())
        return number_published(*args, **kwargs)

    importing.number_published = timed_numbering
    with app.app_context(), use_workspace(operational_workspace_id(db.session)):
        set_actor(Actor(None, "bench-import"))

        def commit() -> None:
            db.session.commit()
            steps.append(time.perf_counter())

        cpu_before = cpu_seconds()
        clerk.start()
        start = time.perf_counter()
        with ClaimFile(path, today=TODAY) as claim_file:
            report = import_claims(
                db.session,
                claim_file,
                office_code=None,
                by=None,
                commit=commit,
                # As `flask claims import` runs the conflict check.
                workers=os.cpu_count() or 1,
            )
        elapsed = time.perf_counter() - start
        cpu_after = cpu_seconds()
        clerk.stopping.set()
        clerk.join()
        imported = db.session.scalar(select(func.count()).select_from(Claim))
        pairs = db.session.scalar(select(func.count()).select_from(ConflictCandidate))

    print(f"database: {url.split('://')[0]}")
    print(
        f"import: {report.rows:,} rows, {report.imported:,} imported, {report.bad_rows} bad, "
        f"in {elapsed:.1f} s ({report.rows / elapsed:,.0f} rows/s); budget "
        f"{IMPORT_BUDGET_S:.0f} s: {'OK' if elapsed <= IMPORT_BUDGET_S else 'OVER'}"
    )
    print(f"claims stored: {imported:,}; conflict candidates: {pairs:,}")
    used = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
    print(
        "CPU seconds of the import (what a loaded machine does not change much): "
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in used.items())
    )
    print(f"largest gap between two commits of the import: {largest_gap(start, steps):.1f} s")
    # Commits: the batch row, one per staged chunk, the publication, one per governorate.
    staged = 1 + math.ceil(report.rows / importing.STAGE_CHUNK_SIZE)
    if len(steps) > staged:
        print(
            f"steps: staging {steps[staged - 1] - start:.1f} s, "
            f"publication {steps[staged] - steps[staged - 1]:.1f} s, "
            f"conflict check {steps[-1] - steps[staged]:.1f} s"
        )
    if numbering_started and len(steps) > staged:
        print(
            "office counters and audit head held by the publication (numbering to "
            f"commit): {steps[staged] - numbering_started[0]:.2f} s"
        )
    latencies = sorted(clerk.latencies)
    if latencies:
        worst = latencies[-1]
        print(
            f"registrations during the import: {len(latencies)}, failed {len(clerk.failures)}, "
            f"p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, max {worst * 1000:.0f} ms; "
            f"budget {REGISTRATION_BUDGET_S:.0f} s: "
            f"{'OK' if worst <= REGISTRATION_BUDGET_S and not clerk.failures else 'OVER'}"
        )
    for failure in clerk.failures[:5]:
        print(f"  failed: {failure}")
    start = time.perf_counter()
    verified = app.test_cli_runner().invoke(args=["audit", "verify"])
    print(f"flask audit verify ({time.perf_counter() - start:.1f} s), exit {verified.exit_code}:")
    print(verified.output.rstrip())


def cpu_seconds() -> dict[str, float]:
    """CPU time so far of this process (the import and the clerk's thread; not the
    conflict check's worker processes) and, on PostgreSQL on this machine, of the
    database backends serving this process's pooled connections."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    seconds = {"python": own.ru_utime + own.ru_stime}
    if db.engine.dialect.name == "postgresql":
        pids = db.session.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).all()
        db.session.commit()
        seconds["database backends"] = sum(_process_cpu(pid) for pid in pids)
    return seconds


def _process_cpu(pid: int) -> float:
    """A local process's CPU seconds from /proc (0 when it is gone or not local)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime, in clock ticks, are the 14th and 15th fields of the line.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def largest_gap(start: float, steps: list[float]) -> float:
    """The longest transaction of the import (the publication, normally)."""
    moments = [start, *steps]
    return max((b - a for a, b in itertools.pairwise(moments)), default=0.0)


if __name__ == "__main__":
    main()
