"""Case-processing measures, in SQL: decided cases, the share within the service target,
median and 90th-percentile days, and open cases past their target.

The rules, written down once:

- A case's days are calendar days from the day its application was complete to the day it was
  decided, less the days it was paused waiting on the applicant (as the national service-target
  statistics count them). It is within the target when its days are at most the target of its
  kind (`case_targets`, else 50).
- Counted toward the target: decided cases with a complete date that are not excluded
  (`counts_toward_target`). `decided` counts every decided case of the filter.
- Business cases only, unless asked otherwise; a period is the year, quarter or month of the
  decision.
- Percentiles are nearest-rank (the value at rank ceil(p x n) in day order), computed with window
  functions, so both databases give the same whole number of days.
- An open case is past its target when it is complete, undecided, and its days so far (to the
  evaluation day, less pauses) exceed its target.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from api.cases.enums import CaseKind
from api.cases.models import DEFAULT_TARGET_DAYS, Case, CaseTarget
from api.cases.schemas import CaseMetrics, MetricsRow
from api.enums import Unit
from api.goals.registry import MetricRequest, register


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


def target_days() -> ColumnElement[int]:
    """The target of the case's kind; the query joins `with_targets` (the default else)."""
    return func.coalesce(CaseTarget.target_days, DEFAULT_TARGET_DAYS)


def with_targets(query: Select[Any]) -> Select[Any]:
    """Cases joined to their kind's target: a join, not a lookup per row (a million rows)."""
    return query.select_from(Case).outerjoin(CaseTarget, CaseTarget.kind == Case.kind)


def case_days() -> ColumnElement[int]:
    return func.cases_days_between(Case.complete_on, Case.decided_on) - Case.paused_days


def _filters(kind: CaseKind | None, business_only: bool) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if kind is not None:
        conditions.append(Case.kind == kind)
    if business_only:
        conditions.append(Case.is_business.is_(True))
    return conditions


def _period_key(period: str) -> ColumnElement[str]:
    year = cast(extract("year", Case.decided_on), Integer)
    month = cast(extract("month", Case.decided_on), Integer)
    year_text = cast(year, String)
    if period == "year":
        return year_text
    if period == "quarter":
        quarter = (month - 1) // 3 + 1
        return year_text + literal("-Q") + cast(quarter, String)
    two_digits = case((month < 10, literal("0") + cast(month, String)), else_=cast(month, String))
    return year_text + literal("-") + two_digits


def decided_rows(
    start: date, end: date, kind: CaseKind | None, business_only: bool, period: str
) -> Select[Any]:
    """Decided cases of [start, end] with their period, whether counted, days and target."""
    counted = and_(Case.counts_toward_target.is_(True), Case.complete_on.is_not(None))
    query = select(
        _period_key(period).label("period"),
        case((counted, 1), else_=0).label("counted"),
        case((counted, case_days())).label("days"),
        target_days().label("target"),
    )
    return with_targets(query).where(
        Case.decided_on.between(start, end), *_filters(kind, business_only)
    )


def period_stats(session: Session, rows: Select[Any], by_period: bool) -> list[MetricsRow]:
    """Counts, share and percentiles per period (or over all rows) of `decided_rows`."""
    decided = rows.subquery("decided")
    group = decided.c.period if by_period else literal("total")
    ranked = select(
        group.label("period"),
        decided.c.counted,
        decided.c.days,
        decided.c.target,
        func.row_number()
        .over(partition_by=(group, decided.c.counted), order_by=decided.c.days)
        .label("rank"),
        func.sum(decided.c.counted).over(partition_by=group).label("n"),
    ).subquery("ranked")
    counted = ranked.c.counted == 1
    n = ranked.c.n

    def at_rank(rank: ColumnElement[int]) -> ColumnElement[Any]:
        return func.max(case((and_(counted, ranked.c.rank == rank), ranked.c.days)))

    query = (
        select(
            ranked.c.period,
            func.count().label("decided"),
            func.sum(ranked.c.counted).label("counted"),
            func.sum(case((and_(counted, ranked.c.days <= ranked.c.target), 1), else_=0)).label(
                "within"
            ),
            at_rank((n + 1) // 2).label("median"),  # ceil(n / 2) in whole numbers
            at_rank((9 * n + 9) // 10).label("p90"),  # ceil(9n / 10)
        )
        .group_by(ranked.c.period)
        .order_by(ranked.c.period)
    )
    return [
        MetricsRow(
            period=str(row.period),
            decided=row.decided,
            counted=row.counted or 0,
            within_target=row.within or 0,
            share_within_target=share(row.within or 0, row.counted or 0),
            median_days=row.median,
            p90_days=row.p90,
        )
        for row in session.execute(query)
    ]


def share(within: int, counted: int) -> float | None:
    return round(100 * within / counted, 1) if counted else None


def open_past_target(
    session: Session, as_of: date, kind: CaseKind | None, business_only: bool
) -> int:
    days_so_far = func.cases_days_between(Case.complete_on, literal(as_of)) - Case.paused_days
    query = with_targets(select(func.count())).where(
        Case.decided_on.is_(None),
        Case.complete_on.is_not(None),
        Case.complete_on <= as_of,
        Case.counts_toward_target.is_(True),
        days_so_far > target_days(),
        *_filters(kind, business_only),
    )
    return session.scalar(query) or 0


def case_metrics(
    session: Session,
    *,
    start: date,
    end: date,
    period: str,
    kind: CaseKind | None,
    business_only: bool,
    as_of: date,
) -> CaseMetrics:
    rows = decided_rows(start, end, kind, business_only, period)
    by_period = period_stats(session, rows, by_period=True)
    total = period_stats(session, rows, by_period=False)
    empty = MetricsRow(
        period="total",
        decided=0,
        counted=0,
        within_target=0,
        share_within_target=None,
        median_days=None,
        p90_days=None,
    )
    set_days = dict(session.execute(select(CaseTarget.kind, CaseTarget.target_days)).all())
    return CaseMetrics(
        kind=kind,
        business_only=business_only,
        period=period,
        target_days={k.value: set_days.get(k, DEFAULT_TARGET_DAYS) for k in CaseKind},
        rows=by_period,
        total=total[0] if total else empty,
        open_past_target=open_past_target(session, as_of, kind, business_only),
        as_of=as_of,
    )


# ----------------------------------------------------------------------- the goal metric


class CaseShareParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CaseKind | None = Field(default=CaseKind.building_permit, description="null: all.")
    business_only: bool = Field(default=True, description="Count business cases only.")


class CasesWithinTargetMetric:
    key: ClassVar[str] = "cases_within_target"
    title: ClassVar[str] = "Sager afgjort inden for servicemålet"
    description: ClassVar[str] = (
        "Andel (%) af de fyldestgørende sager afgjort i perioden, der blev afgjort inden for "
        "servicemålet (kalenderdage fra fyldestgørende til afgørelse, fratrukket dage i bero); "
        "som standard byggesager fra virksomheder."
    )
    units: ClassVar[frozenset[Unit]] = frozenset({Unit.percent})
    params_model: ClassVar[type[BaseModel]] = CaseShareParams
    reads_measurements: ClassVar[bool] = False

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        if not requests:
            return []
        parts = []
        for index, request in enumerate(requests):
            assert isinstance(request.params, CaseShareParams)
            params = request.params
            decided = decided_rows(
                request.start, request.end, params.kind, params.business_only, "year"
            ).subquery()
            parts.append(
                select(
                    literal(index).label("request"),
                    func.sum(decided.c.counted).label("counted"),
                    func.sum(
                        case(
                            (and_(decided.c.counted == 1, decided.c.days <= decided.c.target), 1),
                            else_=0,
                        )
                    ).label("within"),
                )
            )
        values: list[float | None] = [None] * len(requests)
        for index, counted, within in session.execute(union_all(*parts)):
            values[index] = share(within or 0, counted or 0)
        return values


register(CasesWithinTargetMetric())
