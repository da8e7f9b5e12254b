"""Event metrics for goals: events held, participants, companies reached, company visits.

The rules all four follow, written down once:

- An event counts as held when staff marked it `held`, or when it is still `planned`, ended
  (`ends_at`) before the end of the period it belongs to, and at least one registration is
  `attended`: people came, so it took place even if nobody marked it. Progress cuts the year at
  the evaluation date, so there it means "ended by the evaluation date". The period's own end,
  not the batch's, keeps a value independent of the other requests in its statement.
  Cancelled never counts.
- Demo events (`is_demo`, made by `erhverv load-demo`) never count.
- An event belongs to a period by the day it starts in the municipality's time zone
  (`Settings.timezone`), the local days the plan file dates its events by. The period's days
  become UTC bounds in Python, so the database compares its stored UTC times with parameters.
- An event's participants are max(attended registrations, headcount or 0): the door count
  includes the registered attendees, so the two are never added.
- A period in which not a single held event starts has no data (None); held events of which
  none match give 0, which is off track rather than unknown (`no_data_or_value`).

How a batch is computed: the requests form a grid of distinct periods by distinct filters. One
statement reads the held events of the periods' span once, one row per event with its period
(a CASE over the periods) and its participants (a grouped join, not a correlated count: that
one's cost estimate sets off PostgreSQL's JIT compiler, which then costs more than the query),
and groups them by period with one aggregate column per filter. Periods that overlap cannot
share a CASE, so they go into further statements: one per layer of non-overlapping periods,
and progress asks for calendar years, which never overlap.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, ClassVar, Self, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from api.config import get_settings
from api.db import UTCDateTime
from api.enums import Unit
from api.events.enums import EventKind, EventStatus, RegistrationStatus
from api.events.models import Event, Person, Registration, event_initiatives
from api.goals.models import Goal
from api.goals.registry import Aggregation, Contribution, MetricRequest, register
from api.plans.models import Initiative, Track

InitiativeCode = Annotated[
    str,
    Field(
        pattern=r"^[1-9][0-9]*\.[1-9][0-9]*$",
        description="An initiative of the goal's own plan by its code, e.g. '3.2'.",
    ),
]


# ------------------------------------------------------------------------------ parameters


class EventFilter(BaseModel):
    """Which held events a goal counts; a field left out matches every event."""

    model_config = ConfigDict(extra="forbid")

    kind: EventKind | None = None
    series: str | None = Field(default=None, min_length=1, max_length=200)
    initiative: InitiativeCode | None = None


class EventsHeldParams(EventFilter):
    min_participants: int | None = Field(
        default=None, ge=0, description="Count only events with at least this many."
    )
    max_participants: int | None = Field(
        default=None, ge=0, description="Count only events with at most this many."
    )

    @model_validator(mode="after")
    def _range(self) -> Self:
        low, high = self.min_participants, self.max_participants
        if low is not None and high is not None and low > high:
            raise ValueError("min_participants is larger than max_participants")
        return self


class CompanyVisitParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    with_mayor: bool = Field(default=True, description="Count only visits with the mayor.")


# --------------------------------------------------------------------------- shared rules


class Greatest(GenericFunction[int]):
    """The larger of its arguments: GREATEST in PostgreSQL, the many-argument max in SQLite."""

    identifier = "events_greatest"  # its key in SQLAlchemy's `func` registry
    name = "greatest"
    type = Integer()
    inherit_cache = True


@compiles(Greatest, "sqlite")
def _greatest_sqlite(element: Greatest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"max{compiler.function_argspec(element, **kw)}"


def local_day_start(day: date) -> datetime:
    """Midnight at the start of a local day, in UTC."""
    zone = ZoneInfo(get_settings().timezone)
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start of `start`, start of the day after `end`) in UTC: the period's local days."""
    return local_day_start(start), local_day_start(end + timedelta(days=1))


def _attended() -> ColumnElement[bool]:
    """A registration of the event row at hand whose person came."""
    return and_(
        Registration.event_id == Event.id, Registration.status == RegistrationStatus.attended
    )


def participants_counted() -> ColumnElement[int]:
    """An event's participants for the enclosing query's event row (a correlated count).

    For a few thousand events, as the annual wheel reads them; the metrics, over years of
    events, join and group instead (`participant_rows`).
    """
    attended = select(func.count()).select_from(Registration).where(_attended()).scalar_subquery()
    return Greatest(attended, func.coalesce(Event.headcount, 0))


def no_data_or_value(found: dict[tuple[int, int], Any], cell: tuple[int, int]) -> float | None:
    """The no-data rule: a period without a single held event has no row in the result and no
    data (None); any other gets its value, 0 included (held events, none matching)."""
    if cell not in found:
        return None
    return float(found[cell] or 0)


# -------------------------------------------------------------------------------- batching

Period = tuple[date, date]


@dataclass(frozen=True)
class Grid:
    """A batch of requests as distinct periods by distinct filters."""

    periods: list[Period]
    filters: list[MetricRequest]  # the first request with each distinct filter
    cells: list[tuple[int, int]]  # each request's (period, filter)


def _filter_key(request: MetricRequest) -> tuple[str, int | None]:
    # An initiative code is read in the goal's own plan, so it is the goal's filter alone.
    own = request.goal_id if getattr(request.params, "initiative", None) else None
    return request.params.model_dump_json(), own


def grid(requests: Sequence[MetricRequest]) -> Grid:
    """The batch's distinct periods and filters, and where each request sits among them."""
    periods: dict[Period, int] = {}
    filters: dict[tuple[str, int | None], int] = {}
    firsts: list[MetricRequest] = []
    cells = []
    for request in requests:
        period = periods.setdefault((request.start, request.end), len(periods))
        key = _filter_key(request)
        if key not in filters:
            filters[key] = len(firsts)
            firsts.append(request)
        cells.append((period, filters[key]))
    return Grid(list(periods), firsts, cells)


def layers(periods: Sequence[Period]) -> list[list[int]]:
    """Period indexes in layers whose periods do not overlap (one layer for calendar years)."""
    result: list[list[int]] = []
    ends: list[date] = []
    for index in sorted(range(len(periods)), key=lambda i: periods[i]):
        start, end = periods[index]
        layer = next((n for n, last in enumerate(ends) if last < start), None)
        if layer is None:
            result.append([])
            ends.append(end)
            layer = len(ends) - 1
        result[layer].append(index)
        ends[layer] = end
    return result


@dataclass(frozen=True)
class Span:
    """Non-overlapping periods: CASEs naming each event's period and that period's end, and
    their whole span."""

    period: ColumnElement[int]
    period_end: ColumnElement[datetime]
    low: datetime
    high: datetime


def span_of(periods: Sequence[Period], indexes: Sequence[int]) -> Span:
    """The span of the periods `indexes` (which do not overlap) and the CASEs telling them apart."""
    bounds = {index: period_bounds(*periods[index]) for index in indexes}
    within = {
        i: and_(Event.starts_at >= low, Event.starts_at < high) for i, (low, high) in bounds.items()
    }
    period = case(*((within[i], i) for i in bounds))
    period_end = case(
        *((within[i], literal(high, UTCDateTime())) for i, (_, high) in bounds.items())
    )
    return Span(
        period,
        period_end,
        min(b[0] for b in bounds.values()),
        max(b[1] for b in bounds.values()),
    )


# -------------------------------------------------------------------------------- the rows


def counts_as_held(period_end: ColumnElement[datetime]) -> ColumnElement[bool]:
    """The held rule of the module docstring, for the enclosing query's event row."""
    # An alias, so the test never correlates with a join of registrations in the outer query.
    checked_in = aliased(Registration)
    came = (
        select(checked_in.id)
        .where(checked_in.event_id == Event.id, checked_in.status == RegistrationStatus.attended)
        .exists()
    )
    return and_(
        Event.is_demo.is_(False),
        or_(
            Event.status == EventStatus.held,
            and_(Event.status == EventStatus.planned, Event.ends_at < period_end, came),
        ),
    )


def _held_events(span: Span, *columns: ColumnElement[Any]) -> Select[Any]:
    """Events of the span that count as held, with their period and the columns filters read."""
    return select(span.period.label("period"), Event.id, Event.kind, Event.series, *columns).where(
        Event.starts_at >= span.low, Event.starts_at < span.high, counts_as_held(span.period_end)
    )


def participant_rows(span: Span) -> Subquery:
    """A row per held event with its participants."""
    attended = func.count(Registration.id)
    return (
        _held_events(span, Greatest(attended, func.coalesce(Event.headcount, 0)).label("people"))
        .outerjoin(Registration, _attended())
        .group_by(Event.id)
        .subquery("held_events")
    )


def company_rows(span: Span) -> Subquery:
    """A row per held event with the companies its door count adds beyond the named ones,
    and a row per event and named company of an attendee."""
    no_value = cast(null(), Integer)
    beyond = Greatest(
        func.coalesce(Event.headcount_companies, 0) - func.count(Person.company_id.distinct()), 0
    )
    events = (
        _held_events(span, no_value.label("company_id"), beyond.label("beyond"))
        .outerjoin(Registration, _attended())
        .outerjoin(Person, Person.id == Registration.person_id)
        .group_by(Event.id)
    )
    named = (
        _held_events(span, Person.company_id, no_value.label("beyond"))
        .join(Registration, _attended())
        .join(Person, Person.id == Registration.person_id)
        .where(Person.company_id.is_not(None))
    )
    return union_all(events, named).subquery("company_rows")


def _initiative_events(goal_id: int, code: str) -> Select[Any]:
    """Ids of events of initiative `code` in the goal's own plan."""
    track, number = (int(part) for part in code.split("."))
    return (
        select(event_initiatives.c.event_id)
        .join(Initiative, Initiative.id == event_initiatives.c.initiative_id)
        .join(Track, Track.id == Initiative.track_id)
        .join(Goal, Goal.action_plan_id == Initiative.action_plan_id)
        .where(Goal.id == goal_id, Track.number == track, Initiative.number == number)
    )


P = TypeVar("P", bound=BaseModel)


def params_of(request: MetricRequest, model: type[P]) -> P:
    """The request's parameters as the metric's own model."""
    assert isinstance(request.params, model)  # parse_params made it from the metric's model
    return request.params


def matches(rows: Subquery, request: MetricRequest) -> list[ColumnElement[bool]]:
    """The request's filter as conditions on event rows."""
    params = params_of(request, EventFilter)
    conditions = []
    if params.kind is not None:
        conditions.append(rows.c.kind == params.kind)
    if params.series is not None:
        conditions.append(rows.c.series == params.series)
    if params.initiative is not None:
        conditions.append(rows.c.id.in_(_initiative_events(request.goal_id, params.initiative)))
    return conditions


def count_if(conditions: list[ColumnElement[bool]]) -> ColumnElement[Any]:
    """How many rows meet every condition."""
    return func.sum(case((and_(*conditions), 1), else_=0)) if conditions else func.count()


def sum_if(conditions: list[ColumnElement[bool]], value: ColumnElement[Any]) -> ColumnElement[Any]:
    """The sum of `value` over the rows that meet every condition."""
    return func.sum(case((and_(*conditions), value), else_=0) if conditions else value)


# ----------------------------------------------------------------------------- the metrics


class EventMetric:
    """What the four share: a statement per layer of periods, a column per distinct filter."""

    units: ClassVar[frozenset[Unit]] = frozenset({Unit.count})
    reads_measurements: ClassVar[bool] = False
    aggregation: ClassVar[Aggregation] = "sum"

    def rows(self, span: Span) -> Subquery:
        """The held events of the span as rows, with a `period` column."""
        raise NotImplementedError

    def conditions(self, rows: Subquery, request: MetricRequest) -> list[ColumnElement[bool]]:
        """What an event row must meet to count for the request."""
        return matches(rows, request)

    def contributions(self, session: Session, request: MetricRequest) -> list[Contribution]:
        # Imported here: that module builds on this one's rows and conditions.
        from api.events.contributions import event_contributions

        return event_contributions(self, session, request)

    def aggregate(self, rows: Subquery, request: MetricRequest) -> ColumnElement[Any]:
        """The request's value over the rows of one period."""
        raise NotImplementedError

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        batch = grid(requests)
        found: dict[tuple[int, int], Any] = {}  # (period, filter) → value
        for indexes in layers(batch.periods):
            rows = self.rows(span_of(batch.periods, indexes))
            statement = (
                select(rows.c.period, *(self.aggregate(rows, r) for r in batch.filters))
                .where(rows.c.period.is_not(None))
                .group_by(rows.c.period)
            )
            for period, *values in session.execute(statement):
                found.update({(period, n): value for n, value in enumerate(values)})
        return [no_data_or_value(found, cell) for cell in batch.cells]


class EventsHeldMetric(EventMetric):
    key: ClassVar[str] = "events_held"
    title: ClassVar[str] = "Afholdte arrangementer"
    description: ClassVar[str] = (
        "Antal afholdte arrangementer i perioden, efter type, serie og indsats, og med et "
        "mindste eller højeste antal deltagere (deltagere: fremmødte tilmeldte eller "
        "optællingen ved døren, det største tal)."
    )
    params_model: ClassVar[type[BaseModel]] = EventsHeldParams

    def rows(self, span: Span) -> Subquery:
        return participant_rows(span)

    def aggregate(self, rows: Subquery, request: MetricRequest) -> ColumnElement[Any]:
        return count_if(self.conditions(rows, request))

    def conditions(self, rows: Subquery, request: MetricRequest) -> list[ColumnElement[bool]]:
        params = params_of(request, EventsHeldParams)
        conditions = matches(rows, request)
        if params.min_participants is not None:
            conditions.append(rows.c.people >= params.min_participants)
        if params.max_participants is not None:
            conditions.append(rows.c.people <= params.max_participants)
        return conditions


class EventParticipantsMetric(EventMetric):
    key: ClassVar[str] = "event_participants"
    title: ClassVar[str] = "Deltagere i arrangementer"
    description: ClassVar[str] = (
        "Samlet antal deltagere i afholdte arrangementer i perioden, efter type, serie og "
        "indsats; pr. arrangement fremmødte tilmeldte eller optællingen ved døren, det største."
    )
    params_model: ClassVar[type[BaseModel]] = EventFilter

    def rows(self, span: Span) -> Subquery:
        return participant_rows(span)

    def aggregate(self, rows: Subquery, request: MetricRequest) -> ColumnElement[Any]:
        return sum_if(matches(rows, request), rows.c.people)


class CompaniesReachedMetric(EventMetric):
    key: ClassVar[str] = "companies_reached"
    title: ClassVar[str] = "Virksomheder nået"
    description: ClassVar[str] = (
        "Forskellige virksomheder blandt fremmødte deltagere i afholdte arrangementer i "
        "perioden, plus de virksomheder, en optælling ved døren har ud over de navngivne (de "
        "kan ikke afdubleres, så de tælles pr. arrangement)."
    )
    params_model: ClassVar[type[BaseModel]] = EventFilter

    def rows(self, span: Span) -> Subquery:
        return company_rows(span)

    def aggregate(self, rows: Subquery, request: MetricRequest) -> ColumnElement[Any]:
        conditions = matches(rows, request)
        company = case((and_(*conditions), rows.c.company_id)) if conditions else rows.c.company_id
        return func.count(company.distinct()) + func.coalesce(sum_if(conditions, rows.c.beyond), 0)


class CompanyVisitsMetric(EventMetric):
    key: ClassVar[str] = "company_visits"
    title: ClassVar[str] = "Virksomhedsbesøg"
    description: ClassVar[str] = (
        "Antal afholdte virksomhedsbesøg i perioden, som standard kun dem med borgmesteren."
    )
    params_model: ClassVar[type[BaseModel]] = CompanyVisitParams

    def rows(self, span: Span) -> Subquery:
        return _held_events(span, Event.mayor_present).subquery("held_events")

    def aggregate(self, rows: Subquery, request: MetricRequest) -> ColumnElement[Any]:
        return count_if(self.conditions(rows, request))

    def conditions(self, rows: Subquery, request: MetricRequest) -> list[ColumnElement[bool]]:
        conditions = [rows.c.kind == EventKind.company_visit]
        if params_of(request, CompanyVisitParams).with_mayor:
            conditions.append(rows.c.mayor_present.is_(True))
        return conditions


for _metric in (
    EventsHeldMetric(),
    EventParticipantsMetric(),
    CompaniesReachedMetric(),
    CompanyVisitsMetric(),
):
    register(_metric)
