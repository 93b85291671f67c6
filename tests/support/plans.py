"""The statements a block sends and the plans the database makes of them: for the tests
that a page, a search or a registration finds its rows through an index at any size."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event, text

from commission.extensions import db


@contextmanager
def sent_statements(
    engine: Engine | None = None, *, kinds: tuple[str, ...] = ("SELECT", "UPDATE", "DELETE", "WITH")
) -> Iterator[list[tuple[str, object]]]:
    """Every statement of `kinds` sent to `engine` (the session's by default) inside the
    block, with its parameters; bulk inserts (executemany) left out."""
    engine = engine or db.session.get_bind()
    starts = re.compile(rf"\s*({'|'.join(kinds)})\b")
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if starts.match(statement) and not executemany:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def plan_of(statement: str, parameters) -> str:
    """The plan of a statement, a line per step: SQLite's EXPLAIN QUERY PLAN, or
    PostgreSQL's EXPLAIN with sequential scans ruled out, so that it shows which index it
    would take (its planner prefers a scan on a table as small as a test's)."""
    connection = db.session.connection()
    raw = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite":
        rows = raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
        return "\n".join(str(row[-1]) for row in rows)
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    with raw.cursor() as cursor:
        cursor.execute(f"EXPLAIN {statement}", parameters)
        return "\n".join(row[0] for row in cursor.fetchall())
