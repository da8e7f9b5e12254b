"""The grant import staged: matched without SQLite's write lock, applied in a moment under it.

On SQLite one writer writes at a time. Matching 100,000 rows with the stored grants takes
seconds, and a writer waiting that long behind it would be refused (busy timeout, 503). So
the import matches on the session that only reads (`reading_beside`) and writes what it would
do to TEMPORARY tables: on SQLite these live in the connection's own temp database, and writing
them takes no lock on the main database (checked with sqlite3 3.40: a connection inserts into
and indexes its temp tables, and commits, while another holds `BEGIN IMMEDIATE`). Later chunks
see earlier chunks' staged rows through `Stage.stored`, exactly as they would see the grants
already written. The grants and companies the matching read are fingerprinted first (count,
largest id, latest change), in the reading transaction's snapshot; the apply, under the write
lock, reads the fingerprint again and, unchanged, copies the staged rows into the real tables
in a few bulk statements, with the ids the staging gave them (the next free ones, as SQLite's
own would be). Changed meanwhile, the import is matched again under the lock (`importer`).

The temp tables are the reading connection's, not the writing session's (each has its own
connection, and temp tables are per connection), so the apply reads them on the one and writes
on the other, row tuples straight from one sqlite3 cursor to the other's executemany: no
SQLAlchemy per-value work under the lock. Only on SQLite: PostgreSQL's writers wait on rows,
not on one database lock, so there the import matches and writes in its writing transaction.
"""

import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.contacts.models import Company
from api.grants.models import Grant
from api.kit.data_version import mark_changed
from api.kit.db import UTCDateTime, Value, utcnow

# The import id a staged grant carries while the import has none yet (no import has it).
STAGING = -1

_STAGE = MetaData()
NEW_COMPANIES = Table(
    "grant_import_new_companies",
    _STAGE,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("cvr", String(8), nullable=False),
    Column("name", String(300), nullable=False),
    prefixes=["TEMPORARY"],
)
# A grant as the import leaves it: a new one (`new`, its id the next free one) or a stored one
# changed (its id, all its values after the change).
STAGED = Table(
    "grant_import_staged",
    _STAGE,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("new", Boolean, nullable=False),
    Column("reference", String(100)),
    Column("company_id", Integer, nullable=False),
    Column("programme_id", Integer, nullable=False),
    Column("amount", Value, nullable=False),
    Column("granted_on", Date, nullable=False),
    Column("import_row", Integer, nullable=False),
    Index("ix_grant_import_staged_reference", "reference"),
    Index("ix_grant_import_staged_natural", "company_id", "programme_id", "granted_on"),
    prefixes=["TEMPORARY"],
)
_GRANT_VALUES = ("reference", "company_id", "programme_id", "amount", "granted_on", "import_row")


def fingerprint(session: Session) -> tuple[Any, ...]:
    """What the matching depends on, cheaply: a grant or company added, removed or changed
    since moves one of these (each is read from an index)."""
    return tuple(
        session.execute(select(func.count(), func.max(table.id), func.max(table.updated_at))).one()
        for table in (Grant, Company)
    )


@dataclass
class Stage:
    """The staged import on the reading session's connection."""

    connection: Connection
    fingerprint: tuple[Any, ...]
    next_company: int
    next_grant: int
    new_companies: int = 0
    inserts: int = 0
    updates: int = 0

    @classmethod
    def begin(cls, reading: Session) -> "Stage":
        read = fingerprint(reading)  # first: in the snapshot the matching reads
        (_, grants, _), (_, companies, _) = read
        connection = reading.connection()
        for table in (NEW_COMPANIES, STAGED):
            table.drop(connection, checkfirst=True)  # left by a failed run on this connection
            table.create(connection)
        return cls(connection, read, (companies or 0) + 1, (grants or 0) + 1)

    def drop(self) -> None:
        for table in (NEW_COMPANIES, STAGED):
            table.drop(self.connection, checkfirst=True)

    # --------------------------------------------------------- while matching (reading)

    def add_companies(self, new: dict[str, str]) -> dict[str, int]:
        """The companies to create (CVR → name), with the ids they will get."""
        ids = {cvr: self.next_company + n for n, cvr in enumerate(new)}
        self.next_company += len(new)
        self.new_companies += len(new)
        self.connection.execute(
            insert(NEW_COMPANIES),
            [{"id": ids[cvr], "cvr": cvr, "name": name} for cvr, name in new.items()],
        )
        return ids

    def add_grants(self, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
        """A chunk's new grants (as for an INSERT, without id) and changed ones (all values)."""
        rows = []
        for values in inserts:
            rows.append({"id": self.next_grant, "new": True, **_pick(values)})
            self.next_grant += 1
        rows += [{"id": values["id"], "new": False, **_pick(values)} for values in updates]
        if rows:
            self.connection.execute(insert(STAGED), rows)
        self.inserts += len(inserts)
        self.updates += len(updates)

    def stored(self, condition: Any, columns: Any) -> Any:
        """The stored grants meeting `condition(table's columns)` as earlier chunks left them:
        the staged ones instead of their stored selves, with the import id `STAGING`."""
        grants = Grant.__table__.c
        real = (
            select(*columns)
            .where(condition(grants))
            .where(~exists().where(STAGED.c.id == grants.id))
        )
        staged = select(
            *(
                literal(STAGING).label("import_id") if c.name == "import_id" else STAGED.c[c.name]
                for c in columns
            )
        ).where(condition(STAGED.c))
        return union_all(real, staged).subquery()

    def any_unreferenced(self, session: Session) -> bool:
        grants = Grant.__table__.c
        return bool(
            session.scalar(
                select(
                    or_(
                        exists().where(grants.reference.is_(None)),
                        exists().where(STAGED.c.reference.is_(None)),
                    )
                )
            )
        )

    # ------------------------------------------------------ under the write lock (writing)

    def unchanged_since(self, session: Session) -> bool:
        """Whether the grants and companies are as the staging read them."""
        return fingerprint(session) == self.fingerprint

    def apply(self, session: Session, import_id: int) -> None:
        """Write the staged companies and grants, in the writing session's transaction."""
        if not (self.new_companies or self.inserts or self.updates):
            return
        source = _sqlite(self.connection)
        target = _sqlite(session.connection())
        dialect = session.get_bind().dialect
        # As SQLAlchemy stores the time (its text on SQLite), not as sqlite3 would adapt it.
        now = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)(utcnow())  # type: ignore[misc]
        grant_values = ", ".join(_GRANT_VALUES)
        assignments = ", ".join(f"{name} = ?" for name in _GRANT_VALUES)
        # Each SELECT gives the rows with the constants in place, so the cursor feeds
        # executemany as it is: no Python per row.
        copies = [
            (
                f"SELECT id, cvr, name, ?, ? FROM {NEW_COMPANIES.name} ORDER BY id",
                "INSERT INTO companies (id, cvr, name, version, created_at, updated_at) "
                "VALUES (?, ?, ?, 1, ?, ?)",
                (now, now),
            ),
            (
                f"SELECT id, {grant_values}, ?, ?, ? FROM {STAGED.name} WHERE new ORDER BY id",
                f"INSERT INTO grants (id, {grant_values}, import_id, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (import_id, now, now),
            ),
            (
                f"SELECT {grant_values}, ?, ?, id FROM {STAGED.name} WHERE NOT new ORDER BY id",
                f"UPDATE grants SET {assignments}, import_id = ?, updated_at = ? WHERE id = ?",
                (import_id, now),
            ),
        ]
        try:
            for read, write, constants in copies:
                target.executemany(write, source.execute(read, constants))
        except sqlite3.IntegrityError as error:
            raise IntegrityError("apply the staged grant import", None, error) from error
        mark_changed(session)  # written past the session


def _pick(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in _GRANT_VALUES}


def _sqlite(connection: Connection) -> sqlite3.Connection:
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw
