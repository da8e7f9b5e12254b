"""Engine, session and the declarative base shared by every domain."""

from collections.abc import AsyncIterator, Callable, Collection, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import psycopg
from anyio import CancelScope, CapacityLimiter, to_thread
from fastapi import Depends, Request
from sqlalchemy import (
    ColumnElement,
    Connection,
    DateTime,
    Dialect,
    Engine,
    Enum,
    MetaData,
    Numeric,
    Table,
    TypeDecorator,
    any_,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    QueryableAttribute,
    Session,
    mapped_column,
    sessionmaker,
)

# Every constraint gets a stable name, so migrations can address it on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Amounts (DKK), counts and percentages: exact in the database, floats in Python and JSON.
Value = Numeric(18, 2, asdecimal=False)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out; SQLite alone would hand back naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # A time without a zone is taken as UTC, the zone everything is stored in.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    """Creation and change times; `updated_at` feeds `modified_since` filters."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )


def touch(row: Timestamped) -> None:
    """Mark the row changed when only its children changed (a goal's targets, an initiative's
    partners), so its version, and with it the ETag that guards against lost updates, moves."""
    row.updated_at = utcnow()


def _prepare_sqlite(engine: Engine, busy_timeout_ms: int, *, autocommit: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINTs; let SQLAlchemy emit BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    if autocommit:  # no BEGIN: each statement is a transaction of its own
        return

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_TAKE_WRITE_LOCK)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_TAKE_WRITE_LOCK = "erhverv_take_write_lock"
_T = TypeVar("_T")


def begin_for_writing(session: Session) -> None:
    """Begin the session's transaction as one that may write. On SQLite it takes the write
    lock at once (BEGIN IMMEDIATE), waiting its turn (busy_timeout) behind another writer: a
    transaction that read first and wrote then would find that another had written meanwhile,
    and SQLite could only refuse it ("database is locked"), never wait. PostgreSQL needs
    nothing: its writers wait on the rows themselves."""
    session.connection(execution_options={_TAKE_WRITE_LOCK: True})


def make_engine(
    url: str, *, echo: bool = False, busy_timeout_ms: int = 5000, loop_reads: bool = False
) -> Engine:
    """The engine for `url`; on SQLite a writer waits up to `busy_timeout_ms` for another.
    With `loop_reads`, the engine of `read_on_loop`: one connection, each statement a
    transaction of its own, and no ping before each use (it retries once instead)."""
    pool: dict[str, Any] = {"pool_size": 1, "max_overflow": 0} if loop_reads else {}
    if url.startswith("sqlite"):
        database = url.split("///", 1)[1] if "///" in url else ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, **pool)
        _prepare_sqlite(engine, busy_timeout_ms, autocommit=loop_reads)
        return engine
    if loop_reads:
        return create_engine(url, echo=echo, isolation_level="AUTOCOMMIT", **pool)
    return create_engine(url, echo=echo, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def read_on_loop(app_state: Any, read: Callable[[Connection], _T]) -> _T:
    """`read` on the event loop itself, without a trip to the thread pool: for the read asked
    on every request, the caller's token or login with the data version (api.auth.deps).
    Such a trip, with the threads' contention for the GIL, costs more than the read: a read
    then served from memory (api.kit.read_cache) takes half the time without it.

    It goes over one connection of the process's own, used by nothing else, each statement a
    transaction of its own: the loop never waits for the pool, which the threads may have
    emptied, and never for a writer (on SQLite a read in WAL mode does not, on PostgreSQL a
    plain SELECT does not). A connection found gone (a restarted server) is replaced and
    `read` run once more. Reads only. In the tests, whose sessions share one connection in one
    transaction, it is that connection."""
    factory: sessionmaker[Session] = app_state.session_factory
    bind = factory.kw.get("bind")
    if not isinstance(bind, Engine):
        with factory() as session:
            return read(session.connection())
    own = getattr(app_state, "loop_reads", None)
    if own is None or own[0] is not bind:
        url = bind.url.render_as_string(hide_password=False)
        timeout = app_state.settings.sqlite_busy_timeout_ms
        own = app_state.loop_reads = (
            bind,
            make_engine(url, busy_timeout_ms=timeout, loop_reads=True),
        )
    engine: Engine = own[1]
    try:
        with engine.connect() as connection:
            return read(connection)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    with engine.connect() as connection:
        return read(connection)


def dispose_loop_reads(app_state: Any) -> None:
    own = getattr(app_state, "loop_reads", None)
    if own is not None:
        own[1].dispose()
        app_state.loop_reads = None


# Methods that only read: their transaction is a plain BEGIN, which on SQLite takes no write
# lock, so readers run side by side and beside a writer (WAL).
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One request, one transaction: commit at the end or roll back on any error.

    The transaction begins at the session's first statement, not here: by then the caller is
    known and allowed (api.auth.deps finds it on a read-only session of its own), so a request
    refused 401 or 403 never takes SQLite's write lock. A request that may write begins as a
    writing transaction (`begin_for_writing`); a GET, HEAD or OPTIONS reads only, unless its
    route takes `WritingSessionDep` (an audited export).

    Async, so that making the session (no I/O) costs no trip to the thread pool, and ending it
    costs one only when it began a transaction: a read served from memory uses none."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    bind = factory.kw.get("bind")
    # A Connection (the tests') is in its transaction already; an Engine lends connections
    # that begin with the write lock.
    writes = request.method not in READ_ONLY_METHODS
    if writes and isinstance(bind, Engine):
        bind = bind.execution_options(**{_TAKE_WRITE_LOCK: True})
    session = factory(bind=bind)
    try:
        yield session
    except BaseException:
        await _in_thread(_end, session, False)
        raise
    if session.in_transaction() or session.new or session.dirty or session.deleted:
        await _in_thread(_end, session, True)
    else:
        session.close()


def _end(session: Session, commit: bool) -> None:
    with session:
        if commit:
            session.commit()
        else:
            session.rollback()


async def _in_thread(work: Callable[..., None], *args: object) -> None:
    # As FastAPI ends a sync dependency: not cancelled half-way, and not waiting for a thread
    # of the pool (whose requests may wait for the connection this gives back).
    with CancelScope(shield=True):
        await to_thread.run_sync(work, *args, limiter=CapacityLimiter(1))


# scope="function": commit before the response is sent, so a failed commit is never a 2xx.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _writing_session(session: SessionDep) -> Session:
    begin_for_writing(session)
    return session


# For the few reads that write (an export recorded in the audit log): the write lock first.
WritingSessionDep = Annotated[Session, Depends(_writing_session)]


@contextmanager
def reading_beside(session: Session) -> Iterator[Session]:
    """A session that only reads, beside a writing request's `session`: for the long part of a
    write that needs no lock (a file checked before its rows are written), so on SQLite the
    other writers are not kept waiting meanwhile. Its own connection and transaction; on the
    tests' connection (already in their transaction) the session itself."""
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        yield session
        return
    with Session(bind.execution_options(**{_TAKE_WRITE_LOCK: False})) as reading:
        yield reading


def write_unless_busy(factory: sessionmaker[Session], work: Callable[[Connection], object]) -> bool:
    """Run `work` in a short transaction of its own and commit, unless that means waiting for
    another writer: then nothing is written and the answer is False. For bookkeeping a
    reader may skip (a token's last use), never for data. On a connection of its own held
    throughout: SQLite's busy timeout is the connection's, and is put back on the same one."""
    bind = factory.kw["bind"]
    own = isinstance(bind, Engine)  # else the tests' connection, inside their transaction
    with bind.connect() if own else nullcontext(bind) as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            waited = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
        else:
            connection.exec_driver_sql("SET LOCAL lock_timeout = '50ms'")
        try:
            with connection.begin_nested():
                work(connection)
            if own:
                connection.commit()
            return True
        except OperationalError:  # locked or busy
            return False
        finally:
            if sqlite:
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(waited)}")


def one_of(
    session: Session, column: ColumnElement[Any] | QueryableAttribute[Any], values: Collection[Any]
) -> Any:
    """`column IN (values)`; on PostgreSQL `column = ANY(:array)`, one parameter instead of a
    thousand, which psycopg sends and the server plans much faster for a bulk lookup. A bulk
    writer calling it batch after batch calls `plan_for_actual_values` first."""
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam(None, value=list(values), type_=ARRAY(column.type))
        return column == any_(array)
    return column.in_(values)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert the rows (each with the same keys, no `id`); their new ids, in the rows' order.
    A duplicate of a unique key raises IntegrityError.

    The ids are drawn first and the rows sent with them in bulk, so nothing is matched back.
    On PostgreSQL from the table's sequence, the rows then sent with COPY: at 1,000 rows half
    the time of an INSERT .. SELECT FROM unnest() and a third of a multi-row INSERT, whose
    thousands of placeholders psycopg parses anew each time. Values go through the columns' own
    types first, as an INSERT would send them. On SQLite the ids follow the largest stored one,
    as SQLite's own would (the table has no AUTOINCREMENT); no other writer comes in between, as
    a writing request holds SQLite's write lock from its BEGIN (`begin_for_writing`).
    """
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        # coalesce(..., 0): never NULL
        last = cast(int, session.scalar(select(func.coalesce(func.max(table.c.id), 0))))
        ids = list(range(last + 1, last + 1 + len(rows)))
        # RETURNING, though the ids are known: SQLAlchemy then sends the rows as multi-row
        # VALUES, faster here than executemany's row at a time.
        statement = insert(table).returning(table.c.id)
        session.execute(statement, [{"id": id_, **row} for id_, row in zip(ids, rows, strict=True)])
        return ids
    ids = list(
        session.scalars(
            select(func.nextval(func.pg_get_serial_sequence(table.name, "id"))).select_from(
                func.generate_series(1, len(rows))
            )
        )
    )
    dialect = session.get_bind().dialect
    names = list(rows[0])
    processors = [table.c[name].type.bind_processor(dialect) for name in names]
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in ["id", *names])
    raw = session.connection().connection.driver_connection
    try:
        with (
            raw.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy,
        ):
            for id_, row in zip(ids, rows, strict=True):
                values = [row[name] for name in names]
                copy.write_row(
                    [id_, *(p(v) if p else v for p, v in zip(processors, values, strict=True))]
                )
    except psycopg.errors.IntegrityError as error:
        raise IntegrityError(f"COPY {table.name}", None, error) from error
    return ids


def plan_for_actual_values(session: Session) -> None:
    """On PostgreSQL, plan the rest of this transaction's statements for their actual values.

    psycopg prepares a statement after its fifth run, and the server may then keep one generic
    plan; made while a table was still small (a new database filling up), that plan scans the
    whole table for `column = ANY(:array)`, once per batch, ever more slowly as it grows.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def db_enum(enum: type[StrEnum], name: str, length: int = 20) -> Enum:
    """A portable enum column: a VARCHAR with a named CHECK constraint."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
