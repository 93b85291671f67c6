"""A benchmark's own database, emptied before a run.

Shared by the benchmarks that build a database (bench/intake.py, bench/import.py,
bench/load.py, bench/http.py): a SQLite file is deleted with its journal files; a
PostgreSQL database is created if missing and its `public` schema dropped and made
again. Only a PostgreSQL database whose name contains "bench" is ever wiped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def wipe_database(url: str) -> None:
    """Remove what an earlier run left at `url` (a normalised SQLAlchemy URL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    if "bench" not in (parsed.database or ""):
        sys.exit(f"refusing to wipe {parsed.database!r}: its name must contain 'bench'")
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
