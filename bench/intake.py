"""Intake benchmark: registration throughput and list/search latency at N claims.

    .venv/bin/python bench/intake.py --n 100000
    .venv/bin/python bench/intake.py --n 100000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_intake

Seeds N demo claims (demo/claims.py; planted conflicts included) into a fresh database
built by the migrations: N − sample through a bulk path (Core INSERTs in batches, with
the claims' blocking keys, no audit entries), then the last `--sample` through
`register_claim`, one transaction each as the registration form does, timed. Then it
times `claims.queries.search_claims` (the list page and its searches: names in either
script, a name that matches nothing, an identity number, a claim number's tail) with
`time.perf_counter` over repeated runs and prints p50/p95 against the budget
(p95 ≤ 100 ms), and the database size. See bench/README.md.

`--reuse` times the queries on the database a previous run built (same --n and
--database-url), without building it again; `--no-analyze` times them without running
ANALYZE first.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository root in place of bench/, where http.py would stand in for the standard
# library's `http` package.
sys.path[0] = str(ROOT)

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402

from bench.databases import wipe_database  # noqa: E402
from claims.files import EvidenceStore  # noqa: E402
from claims.matching import blocking_keys, normalise_claim  # noqa: E402
from claims.matching.blocking import parcel_key  # noqa: E402
from claims.matching.normalise import parse_muqataa_number, parse_parcel_number  # noqa: E402
from claims.models import (  # noqa: E402
    Claim,
    ClaimCounter,
    ClaimMatchKey,
    Parcel,
    Party,
    PartySearchKey,
)
from claims.operations import register_claim  # noqa: E402
from claims.queries import (  # noqa: E402
    ClaimFilters,
    input_fields,
    name_of,
    search_claims,
    search_keys_of,
)
from commission.accounts.models import Office, Role, User  # noqa: E402
from commission.accounts.operations import create_user, sync_offices  # noqa: E402
from commission.app import create_app  # noqa: E402
from commission.audit import Actor, set_actor  # noqa: E402
from commission.db import utcnow  # noqa: E402
from commission.extensions import db  # noqa: E402
from commission.workspaces import operational_workspace_id, use_workspace  # noqa: E402
from config import Config, normalise_database_url  # noqa: E402
from demo.claims import iter_demo_claims  # noqa: E402

OUT = ROOT / "bench" / "out"
BUDGET_MS = 100.0
#: The date every generated claim is filed before, so runs are reproducible.
TODAY = date(2026, 11, 24)
PARTY_COLUMNS = (
    "role",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "latin_name",
    "id_document_type",
    "id_document_number",
    "contact",
    "share_percent",
    "is_heir",
    "deceased_owner_name",
    "authority_document",
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="claims in the database")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=2000, help="claims timed via the service")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per query")
    parser.add_argument("--batch", type=int, default=5000, help="bulk-insert batch size")
    parser.add_argument(
        "--reuse", action="store_true", help="time the queries on the database already built"
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="time the queries without running ANALYZE first (a database never analysed)",
    )
    return parser.parse_args(argv)


def fresh_database(url: str | None, n: int) -> str:
    if url is None:
        OUT.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{OUT / f'intake-{n}.sqlite'}"
    url = normalise_database_url(url)
    wipe_database(url)
    return url


def existing_database(url: str | None, n: int) -> str | None:
    """The database a previous run built, or None when there is none to reuse."""
    if url is None:
        path = OUT / f"intake-{n}.sqlite"
        return f"sqlite:///{path}" if path.exists() else None
    url = normalise_database_url(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            built = connection.execute(text("SELECT 1 FROM claim LIMIT 1")).first()
    except DBAPIError:  # no claim table: nothing was built there
        built = None
    finally:
        engine.dispose()
    return url if built else None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Seeder:
    """The bulk path: Core INSERTs of parcels, claims and parties, numbered like
    `next_claim_number` would number them; counters written at the end."""

    def __init__(self, session, workspace_id: int, offices: dict[str, Office], clerk_id: int):
        self.session = session
        self.workspace_id = workspace_id
        self.offices = offices
        self.clerk_id = clerk_id
        self.parcel_ids: dict[str, int] = {}
        self.counters: dict[tuple[int, int], int] = {}

    def insert_batch(self, batch) -> None:
        session, workspace_id = self.session, self.workspace_id
        new_parcels: dict[str, dict] = {}
        for data in batch:
            number = parse_parcel_number(data.parcel.parcel_no)
            muqataa = parse_muqataa_number(data.parcel.muqataa_no)
            key = parcel_key(data.parcel.governorate_code.upper(), muqataa, number)
            data.parcel_key = key
            if key not in self.parcel_ids and key not in new_parcels:
                new_parcels[key] = {
                    "workspace_id": workspace_id,
                    "governorate_code": data.parcel.governorate_code,
                    "district": data.parcel.district,
                    "muqataa_no": data.parcel.muqataa_no,
                    "muqataa_name": data.parcel.muqataa_name,
                    "parcel_no": number.main,
                    "parcel_sub": number.sub,
                    "area_m2": data.parcel.area_m2,
                    "parcel_key": key,
                }
        if new_parcels:
            table = Parcel.__table__
            ids = session.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True),
                list(new_parcels.values()),
            ).scalars()
            self.parcel_ids.update(zip(new_parcels, ids, strict=True))

        claim_rows, now = [], utcnow()
        for data in batch:
            office = self.offices[data.parcel.governorate_code]
            year = data.filed_on.year
            seq = self.counters.get((office.id, year), 0) + 1
            self.counters[(office.id, year)] = seq
            claim_rows.append(
                {
                    "workspace_id": workspace_id,
                    "number": f"{office.code}-{year}-{seq:06d}",
                    "office_id": office.id,
                    "year": year,
                    "seq": seq,
                    "state": "registered",
                    "filed_on": data.filed_on,
                    "claim_basis": str(data.claim_basis),
                    "dispossession_on": data.dispossession_on,
                    "remedy": str(data.remedy),
                    "parcel_id": self.parcel_ids[data.parcel_key],
                    "governorate_code": data.parcel.governorate_code,
                    "property_type": str(data.parcel.property_type),
                    "stated_governorate_code": data.parcel.governorate_code,
                    "stated_district": data.parcel.district,
                    "stated_muqataa_no": data.parcel.muqataa_no,
                    "stated_muqataa_name": data.parcel.muqataa_name,
                    "stated_parcel_no": data.parcel.parcel_no,
                    "area_m2": data.parcel.area_m2,
                    "address": data.address,
                    "description": data.description,
                    "import_ref": data.import_ref,
                    "registered_by_id": self.clerk_id,
                    "registered_at": now,
                    "version": 1,
                }
            )
        table = Claim.__table__
        claim_ids = list(
            session.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), claim_rows
            ).scalars()
        )
        party_rows = []
        for claim_id, data in zip(claim_ids, batch, strict=True):
            for party in data.parties:
                row = {column: getattr(party, column) for column in PARTY_COLUMNS}
                row["role"] = str(row["role"])
                if row["id_document_type"] is not None:
                    row["id_document_type"] = str(row["id_document_type"])
                row.update(workspace_id=workspace_id, claim_id=claim_id)
                party_rows.append(row)
        table = Party.__table__
        party_ids = session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), party_rows
        ).scalars()
        parties = [party for data in batch for party in data.parties]
        # The search keys register_claim would store, so every party can be searched for.
        search_rows = [
            {
                "workspace_id": workspace_id,
                "party_id": party_id,
                "claim_id": row["claim_id"],
                "key": key,
            }
            for party_id, row, party in zip(party_ids, party_rows, parties, strict=True)
            for key in search_keys_of(party)
        ]
        if search_rows:
            session.execute(insert(PartySearchKey.__table__), search_rows)
        # The blocking keys register_claim would store, so conflict checks see every claim.
        key_rows = [
            {"workspace_id": workspace_id, "claim_id": claim_id, "key": key}
            for claim_id, data in zip(claim_ids, batch, strict=True)
            for key in sorted(
                {
                    key
                    for fields in input_fields(data)
                    for key in blocking_keys(normalise_claim(fields))
                }
            )
        ]
        if key_rows:
            session.execute(insert(ClaimMatchKey.__table__), key_rows)
        session.commit()

    def write_counters(self) -> None:
        table = ClaimCounter.__table__
        rows = [
            {
                "workspace_id": self.workspace_id,
                "office_id": office_id,
                "year": year,
                "last_seq": seq,
            }
            for (office_id, year), seq in self.counters.items()
        ]
        if rows:
            self.session.execute(insert(table), rows)
        self.session.commit()


@dataclass
class SeededDatabase:
    clerk_id: int
    hq_id: int
    #: Branch offices by governorate code, detached from the session.
    offices: dict[str, Office]
    #: The generator, positioned after the bulk-seeded claims.
    demos: Iterator


def seed_database(app, *, n: int, seed: int, bulk: int, batch: int) -> SeededDatabase:
    """Offices, a branch clerk (NIN) and a headquarters adjudicator, then the first `bulk`
    of N demo claims through the bulk path; in the current workspace of a migrated database."""
    workspace_id = operational_workspace_id(db.session)
    sync_offices(db.session)
    hasher = app.extensions["qayd_password_hasher"]
    users = [
        create_user(
            db.session,
            username=username,
            full_name=username,
            password="bench password 2026",
            roles={role},
            office_code=office_code,
            hasher=hasher,
        )
        for username, role, office_code in (
            ("bench-clerk", Role.CLERK, "NIN"),
            ("bench-hq", Role.ADJUDICATOR, "HQ"),
        )
    ]
    db.session.commit()
    clerk_id, hq_id = (user.id for user in users)
    offices = {
        office.governorate_code: office
        for office in db.session.scalars(select(Office).where(Office.is_headquarters.is_(False)))
    }
    for office in offices.values():
        db.session.expunge(office)

    demos = iter_demo_claims(n, seed, today=TODAY)
    seeder = Seeder(db.session, workspace_id, offices, clerk_id)
    start = time.perf_counter()
    pending = []
    for index, demo in enumerate(islice(demos, bulk), start=1):
        pending.append(demo.claim)
        if len(pending) == batch or index == bulk:
            seeder.insert_batch(pending)
            pending = []
    seeder.write_counters()
    elapsed = time.perf_counter() - start
    if bulk:
        print(
            f"bulk seed (Core INSERTs with match keys, no audit): {bulk:,} claims "
            f"in {elapsed:.1f} s ({bulk / elapsed:,.0f} claims/s)"
        )
    return SeededDatabase(clerk_id, hq_id, offices, demos)


def timed(label: str, prepare: Callable[[], Callable], repeat: int, results: list) -> None:
    """Time `prepare()()` (prepare, e.g. loading the viewer, is not timed); a fresh
    session state for every run, so nothing is served from the identity map."""
    for _ in range(3):  # warm the caches and the statement cache
        prepare()()
        db.session.rollback()
        db.session.expunge_all()
    samples, found = [], 0
    for _ in range(repeat):
        run = prepare()
        start = time.perf_counter()
        found = len(run())
        samples.append((time.perf_counter() - start) * 1000)
        db.session.rollback()
        db.session.expunge_all()
    p50, p95 = percentile(samples, 0.50), percentile(samples, 0.95)
    verdict = "ok" if p95 <= BUDGET_MS else "OVER BUDGET"
    results.append((label, p95))
    print(f"  {label:<52} {found:>4} rows  p50 {p50:8.2f} ms  p95 {p95:8.2f} ms  {verdict}")


def database_size(url: str) -> str:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        size = sum(
            Path(f"{path}{suffix}").stat().st_size
            for suffix in ("", "-wal")
            if Path(f"{path}{suffix}").exists()
        )
        return f"{size / 2**20:.1f} MiB ({path})"
    size = db.session.scalar(text("SELECT pg_database_size(current_database())"))
    return f"{size / 2**20:.1f} MiB (pg_database_size)"


def planner_statistics(dialect: str) -> str:
    """Whether the planner has statistics of the searched tables, and since when."""
    if dialect == "sqlite":
        analysed = db.session.scalar(
            text("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'")
        )
        return "sqlite_stat1 present" if analysed else "none (never analysed)"
    rows = db.session.execute(
        text(
            "SELECT relname, greatest(last_analyze, last_autoanalyze) FROM pg_stat_user_tables "
            "WHERE relname IN ('claim', 'party', 'party_search_key') ORDER BY relname"
        )
    )
    return ", ".join(f"{name} {when or 'never analysed'}" for name, when in rows)


def build_database(app, config, args, sample: int) -> tuple[int, int]:
    """Seed the bulk claims, register the sample one by one (timed); the users' ids."""
    seeded = seed_database(app, n=args.n, seed=args.seed, bulk=args.n - sample, batch=args.batch)
    store = EvidenceStore(config.QAYD_DATA_DIR)
    clerk = db.session.get(User, seeded.clerk_id)
    durations = []
    start = time.perf_counter()
    for demo in seeded.demos:
        office = db.session.merge(seeded.offices[demo.claim.parcel.governorate_code], load=False)
        began = time.perf_counter()
        register_claim(db.session, demo.claim, by=clerk, office=office, today=TODAY, store=store)
        db.session.commit()
        durations.append((time.perf_counter() - began) * 1000)
    elapsed = time.perf_counter() - start
    if durations:
        print(
            f"register_claim, one transaction per claim (as the form): "
            f"{len(durations):,} claims in {elapsed:.1f} s = "
            f"{len(durations) / elapsed:,.0f} claims/s; per claim p50 "
            f"{percentile(durations, 0.5):.2f} ms p95 {percentile(durations, 0.95):.2f} ms"
        )
    return seeded.clerk_id, seeded.hq_id


def main(argv=None) -> None:
    args = parse_args(argv)
    sample = min(args.sample, args.n)
    built_url = existing_database(args.database_url, args.n) if args.reuse else None
    url = built_url or fresh_database(args.database_url, args.n)
    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url
    config.QAYD_DATA_DIR = str(OUT / "files")
    app = create_app(config)
    with app.app_context():
        dialect = db.engine.dialect.name
        version = db.session.scalar(
            text("SELECT sqlite_version()" if dialect == "sqlite" else "SHOW server_version")
        )
        print(
            f"intake bench: n={args.n:,} seed={args.seed} sample={sample:,} repeat={args.repeat}"
            f"  {dialect} {version}, Python {platform.python_version()}, {os.cpu_count()} CPUs"
        )
        upgrade()
        with use_workspace(operational_workspace_id(db.session)):
            set_actor(Actor(None, "bench:intake"))
            if built_url:
                print("reusing the database a previous run built")
                clerk_id, hq_id = (
                    db.session.scalar(select(User.id).where(User.username == username))
                    for username in ("bench-clerk", "bench-hq")
                )
            else:
                clerk_id, hq_id = build_database(app, config, args, sample)
            # Planner statistics, as a database in service has them (autovacuum on
            # PostgreSQL; on SQLite `PRAGMA optimize` or ANALYZE run by operations);
            # --no-analyze shows the plans of a database nobody analysed.
            db.session.commit()
            if args.no_analyze:
                print(f"planner statistics: {planner_statistics(dialect)}")
            else:
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("ANALYZE" if dialect == "sqlite" else "VACUUM ANALYZE"))

            counts = {
                model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Claim, Parcel, Party)
            }
            shared = db.session.scalar(
                select(func.count()).select_from(
                    select(Claim.parcel_id)
                    .group_by(Claim.parcel_id)
                    .having(func.count() > 1)
                    .subquery()
                )
            )
            print(
                f"rows: {counts['claim']:,} claims, {counts['parcel']:,} parcels "
                f"({shared:,} claimed more than once), {counts['party']:,} parties"
            )
            print(f"database size: {database_size(url)}")

            oldest, newest = db.session.execute(
                select(func.min(Claim.id), func.max(Claim.id))
            ).one()
            middle = db.session.scalar(select(Claim).where(Claim.id == (oldest + newest) // 2))
            middle_number = middle.number
            middle_seq = middle.seq
            number_tail = f"{middle_seq:06d}"
            # An identity number as a clerk copies it from a card: Arabic-Indic digits
            # in groups.
            id_number = middle.claimants[0].id_document_number
            full_name = name_of(middle.claimants[0])
            id_typed = " ".join(id_number[i : i + 4] for i in range(0, len(id_number), 4))
            id_typed = id_typed.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
            parcel_governorate = middle.parcel.governorate_code
            parcel_number = middle.parcel.number_display
            parcel_filter = ClaimFilters(
                governorate_code=parcel_governorate, parcel_no=parcel_number
            )
            db.session.rollback()
            hq, branch = hq_id, clerk_id

            def search(filters: ClaimFilters, viewer: int = hq, before_id=None):
                def prepare():
                    user = db.session.get(User, viewer)
                    return lambda: search_claims(
                        db.session, filters, viewer=user, before_id=before_id, limit=50
                    )

                return prepare

            print(
                f"\nqueries (search_claims, limit 50, parties loaded; {args.repeat} timed runs "
                f"after 3 warm-up runs; budget p95 <= {BUDGET_MS:.0f} ms):"
            )
            results: list[tuple[str, float]] = []
            deep = oldest + 100
            timed(
                "list, first page (HQ: every office)", search(ClaimFilters()), args.repeat, results
            )
            timed(
                "list, deep page (before_id = oldest + 100)",
                search(ClaimFilters(), before_id=deep),
                args.repeat,
                results,
            )
            timed(
                "list, first page (branch NIN: own office)",
                search(ClaimFilters(), viewer=branch),
                args.repeat,
                results,
            )
            timed(
                "list, deep page (branch NIN)",
                search(ClaimFilters(), viewer=branch, before_id=deep),
                args.repeat,
                results,
            )
            timed(
                f"number, exact ({middle_number})",
                search(ClaimFilters(number=middle_number)),
                args.repeat,
                results,
            )
            timed(
                "number, prefix (NIN-2025-)",
                search(ClaimFilters(number="NIN-2025-")),
                args.repeat,
                results,
            )
            timed(
                "name, common family (الجبوري)",
                search(ClaimFilters(name="الجبوري")),
                args.repeat,
                results,
            )
            timed(
                "name, two words (Mohammed Jubouri)",
                search(ClaimFilters(name="Mohammed Jubouri")),
                args.repeat,
                results,
            )
            name_searches = (
                ("name, no match (زرادشت)", "زرادشت"),
                ("name, Latin, no match (Zoroaster Qwertyuiop)", "Zoroaster Qwertyuiop"),
                # Two given names no one has together: each word is common, the pair absent.
                ("name, no match, common words (زينب فاطمة)", "زينب فاطمة"),
                ("name, mixed scripts (محمد Jubouri)", "محمد Jubouri"),
                (f"name, a claimant's full name ({full_name})", full_name),
                ("name, Arabic without hamza (احمد)", "احمد"),
                ("name, compound unspaced (عبدالله)", "عبدالله"),
                ("name, Latin for an Arabic name (Shirzad)", "Shirzad"),
                ("name, Arabic, three words (محمد حسين الجبوري)", "محمد حسين الجبوري"),
            )
            for label, name in name_searches:
                timed(label, search(ClaimFilters(name=name)), args.repeat, results)
            timed(
                f"identity number ({id_typed})",
                search(ClaimFilters(id_number=id_typed)),
                args.repeat,
                results,
            )
            timed(
                "identity number, no match (999999999999)",
                search(ClaimFilters(id_number="999999999999")),
                args.repeat,
                results,
            )
            timed(
                f"claim number tail ({number_tail})",
                search(ClaimFilters(number=number_tail)),
                args.repeat,
                results,
            )
            timed(
                f"claim number tail, short ({middle_seq})",
                search(ClaimFilters(number=str(middle_seq))),
                args.repeat,
                results,
            )
            timed(
                "governorate, common (IQ-NI)",
                search(ClaimFilters(governorate_code="IQ-NI")),
                args.repeat,
                results,
            )
            timed(
                "governorate, rare (IQ-MU)",
                search(ClaimFilters(governorate_code="IQ-MU")),
                args.repeat,
                results,
            )
            timed(
                f"parcel, governorate + number ({parcel_governorate} {parcel_number})",
                search(parcel_filter),
                args.repeat,
                results,
            )
            timed(
                "parcel, number only (345)",
                search(ClaimFilters(parcel_no="345")),
                args.repeat,
                results,
            )
            timed(
                "governorate + filed_from (IQ-NI, from 2026-10-01)",
                search(ClaimFilters(governorate_code="IQ-NI", filed_from=date(2026, 10, 1))),
                args.repeat,
                results,
            )
            over = [label for label, p95 in results if p95 > BUDGET_MS]
            print(
                f"\n{len(results) - len(over)} of {len(results)} queries within budget"
                + (f"; over: {', '.join(over)}" if over else "")
            )
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
