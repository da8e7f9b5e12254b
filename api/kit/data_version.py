"""One number for the state of the data: it moves in the same transaction as any write that
can change a figure, so a read computed at version N is right for as long as the version is N.

A listener on every Session notices writes (an ORM flush or an INSERT, UPDATE or DELETE sent
through the session) and bumps the version just before the transaction commits, as its last
statement: on PostgreSQL the counter's row lock is then held for the commit only, so writers
do not queue on it and cannot deadlock over it. Rows that change no figure (login sessions,
tokens' last use, the audit log, idempotency receipts) are marked `__bookkeeping__ = True` on
their model and move nothing. A write that bypasses the session (COPY) calls `mark_changed`.
A transaction rolled back after a write still bumps at its next commit: a version that moves
without need costs a recomputation, one that stays when it should move would serve stale
figures.
"""

from itertools import chain
from typing import Any

from sqlalchemy import BigInteger, Table, event, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, UOWTransaction, mapped_column

from api.kit.db import Base

_CHANGED = "erhverv_data_changed"


class DataVersion(Base):
    """A single row: the version of the data."""

    __tablename__ = "data_version"
    __bookkeeping__ = True
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


_CURRENT = select(DataVersion.version).where(DataVersion.id == 1)
# The version as a column of another statement (the caller's lookup, api.auth.service): read
# with it in one round trip.
VERSION_COLUMN = _CURRENT.scalar_subquery().label("data_version")


def current_version(session: Session) -> int:
    # Read on every miss of the cache: a Core statement built once, on the connection.
    return session.connection().execute(_CURRENT).scalar() or 0


def mark_changed(session: Session) -> None:
    session.info[_CHANGED] = True


_bookkeeping_tables: frozenset[str] | None = None


def _is_bookkeeping(table_name: str) -> bool:
    global _bookkeeping_tables
    if _bookkeeping_tables is None:  # every model is mapped by the first write
        _bookkeeping_tables = frozenset(
            mapper.local_table.name
            for mapper in Base.registry.mappers
            if getattr(mapper.class_, "__bookkeeping__", False)
            and isinstance(mapper.local_table, Table)
        )
    return table_name in _bookkeeping_tables


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    # Still the flush's own lists: what it has just written.
    for obj in chain(session.new, session.dirty, session.deleted):
        if not getattr(type(obj), "__bookkeeping__", False):
            mark_changed(session)
            return


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table: Any = getattr(state.statement, "table", None)
        if table is None or not _is_bookkeeping(getattr(table, "name", "")):
            mark_changed(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()
    if session.info.pop(_CHANGED, False):
        session.execute(
            update(DataVersion).where(DataVersion.id == 1).values(version=DataVersion.version + 1)
        )
