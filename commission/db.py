"""The declarative base, naming convention and column types every model shares."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, DateTime, MetaData, Table, insert, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

#: Deterministic constraint names, so migrations can drop and alter them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime; naive values are refused rather than guessed at.

    SQLite has no time zones, so values are stored as naive UTC and made aware on load.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} refused: use an aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def values_in(enum_class) -> str:
    """An enum's values as an SQL list for a CHECK constraint: ('a', 'b')."""
    return "({})".format(", ".join(f"'{member.value}'" for member in enum_class))


# ------------------------------------------------------------------- set-based writes


def with_defaults(table: Table, rows: list[dict]) -> list[dict]:
    """The rows with every column they leave out set to its Python-side default, as an
    ORM insert would (one value of a callable default, such as `utcnow`, for all rows)."""
    if not rows:
        return rows
    missing = [
        column
        for column in table.columns
        if column.name not in rows[0] and not column.primary_key and column.default is not None
    ]
    if not missing:
        return rows
    defaults = {
        column.name: column.default.arg(None) if column.default.is_callable else column.default.arg
        for column in missing
    }
    return [{**defaults, **row} for row in rows]


def _copy_rows(connection: Connection, table: Table, rows: list[dict]) -> None:
    """PostgreSQL's COPY, inside the connection's transaction: many times faster than
    INSERT for the hundreds of thousands of rows of an import."""
    preparer = connection.dialect.identifier_preparer
    names = list(rows[0])
    statement = "COPY {} ({}) FROM STDIN".format(
        preparer.format_table(table), ", ".join(preparer.quote(name) for name in names)
    )
    dbapi_error = connection.dialect.loaded_dbapi.Error
    try:
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([row[name] for name in names])
    except dbapi_error as error:
        # As SQLAlchemy raises a statement's errors (an IntegrityError for a unique
        # key), so callers catch one kind whichever way the rows were written.
        raise DBAPIError.instance(statement, None, error, dbapi_error) from error


#: Below this many rows an INSERT costs no more than setting up a COPY.
COPY_MIN_ROWS = 100


def insert_rows(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert many rows of one table (all with the same keys) in one statement's time:
    COPY on PostgreSQL, an executemany on SQLite (and for a few rows)."""
    if not rows:
        return
    rows = with_defaults(table, rows)
    if connection.dialect.name == "postgresql" and len(rows) >= COPY_MIN_ROWS:
        _copy_rows(connection, table, rows)
    else:
        connection.execute(insert(table), rows)


def insert_rows_returning_ids(connection: Connection, table: Table, rows: list[dict]) -> list[int]:
    """`insert_rows` for a table with an integer `id`: the new rows' ids, in row order.
    On PostgreSQL the ids are drawn from the table's sequence first, then the rows copied."""
    if not rows:
        return []
    rows = with_defaults(table, rows)
    if connection.dialect.name != "postgresql":
        returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(connection.execute(returning, rows).scalars())
    ids = list(
        connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": connection.dialect.identifier_preparer.format_table(table), "n": len(rows)},
        ).scalars()
    )
    _copy_rows(connection, table, [{"id": id_, **row} for id_, row in zip(ids, rows, strict=True)])
    return ids
