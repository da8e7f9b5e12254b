"""SQL functions each database spells its own way, written once: the query says `LocalYear(...)`,
and SQLAlchemy compiles it for PostgreSQL or SQLite."""

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction


class Greatest(GenericFunction[int]):
    """The larger of its arguments: GREATEST in PostgreSQL, the many-argument max in SQLite."""

    identifier = "events_greatest"  # its key in SQLAlchemy's `func` registry
    name = "greatest"
    type = Integer()
    inherit_cache = True


@compiles(Greatest, "sqlite")
def _greatest_sqlite(element: Greatest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"max{compiler.function_argspec(element, **kw)}"


class LocalYear(GenericFunction[int]):
    """The calendar year of a UTC time shifted by a whole number of seconds (the UTC offset of
    the municipality's New Year, `calendar_years`): its local year, exact to the microsecond."""

    identifier = "events_local_year"  # its key in SQLAlchemy's `func` registry
    name = "local_year"
    type = Integer()
    inherit_cache = True


@compiles(LocalYear, "postgresql")
def _local_year_postgresql(element: LocalYear, compiler: SQLCompiler, **kw: Any) -> str:
    moment, shift = (compiler.process(clause, **kw) for clause in element.clauses)
    shifted = f"({moment} AT TIME ZONE 'UTC') + {shift} * INTERVAL '1 second'"
    return f"CAST(date_part('year', {shifted}) AS INTEGER)"


@compiles(LocalYear, "sqlite")
def _local_year_sqlite(element: LocalYear, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's date functions round the stored text to the millisecond, which could carry a
    # time just before New Year into the next; cut to milliseconds, it keeps its side of the
    # bound, a whole second.
    moment, shift = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(strftime('%Y', substr({moment}, 1, 23), {shift} || ' seconds') AS INTEGER)"


class DayNumber(GenericFunction[int]):
    """A date as a whole number of days that orders as the dates do."""

    identifier = "goals_day_number"  # its key in SQLAlchemy's `func` registry
    name = "day_number"
    type = Integer()
    inherit_cache = True


@compiles(DayNumber, "postgresql")
def _day_number_postgresql(element: DayNumber, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '0001-01-01')"


@compiles(DayNumber, "sqlite")
def _day_number_sqlite(element: DayNumber, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) AS INTEGER)"


class Year(GenericFunction[int]):
    """A date's year as an integer. PostgreSQL's EXTRACT gives a numeric, which groups slower
    than date_part's double precision."""

    identifier = "goals_year"  # its key in SQLAlchemy's `func` registry
    name = "year"
    type = Integer()
    inherit_cache = True


@compiles(Year, "postgresql")
def _year_postgresql(element: Year, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(date_part('year', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(Year, "sqlite")
def _year_sqlite(element: Year, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(strftime('%Y', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


class DaysBetween(GenericFunction[int]):
    """Whole days from the first date to the second."""

    identifier = "cases_days_between"
    name = "days_between"
    type = Integer()
    inherit_cache = True


@compiles(DaysBetween, "sqlite")
def _days_sqlite(element: DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


@compiles(DaysBetween, "postgresql")
def _days_postgresql(element: DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({end} - {start})"


class MonthOf(GenericFunction[Any]):
    """The month of a date, as cheaply as each database gives it: 'YYYY-MM' or YYYYMM."""

    identifier = "cases_month_of"
    name = "month_of"
    inherit_cache = True


@compiles(MonthOf, "sqlite")
def _month_sqlite(element: MonthOf, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"substr({day}, 1, 7)"  # dates are ISO text in SQLite


@compiles(MonthOf, "postgresql")
def _month_postgresql(element: MonthOf, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(EXTRACT(YEAR FROM {day}) * 100 + EXTRACT(MONTH FROM {day}) AS INTEGER)"
