"""The rows the event metrics count, and how a batch of requests becomes few statements.

The rules every event metric follows, written down once:

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
- Participant types (`participant_types`): a registration has a type; the door count has one
  split only, pupils (`headcount_pupils`, none where left empty) and everyone else. A goal that
  counts some types counts per event max(attended registrations of those types, the part of
  the door count that is of those types): all of it for every type, the door count less its
  pupils for every type but pupils, its pupils where pupils are counted with some but not all
  other types, and nothing where neither part can be told (e.g. citizens alone).
- A period in which not a single held event starts has no data (None); held events of which
  none match give 0, which is off track rather than unknown (`no_data_or_value`).

How a batch is computed: the requests form a grid of distinct periods by distinct filters. One
statement reads the held events of the periods' span once, one row per event with its period
and its participants (a grouped join, not a correlated count: that one's cost estimate sets off
PostgreSQL's JIT compiler, which then costs more than the query), and groups them by period
with one aggregate column per filter. Periods that overlap cannot share a statement, so they go
into further statements: one per layer of non-overlapping periods, and progress asks for
calendar years, which never overlap. An event's period is its local year where the layer's
periods are consecutive calendar years (what progress asks for: one short expression for any
number of years), else a CASE over the periods' bounds. The bounds are bind parameters, so a
layer's statement is built once per shape (the metric, its parameters' names, the filters) and
serves any dates; a short statement also stays within what psycopg caches the parsing of
(4096 characters), and its text repeats, which lets psycopg prepare it.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from api.contacts.models import Person
from api.events.enums import EventStatus, ParticipantType, RegistrationStatus
from api.events.models import Event, Registration, event_initiatives
from api.goals.models import Goal
from api.goals.registry import MetricRequest
from api.kit.danish import local_day_start
from api.kit.db import UTCDateTime
from api.kit.sql import Greatest, LocalYear
from api.plans.models import Initiative, Track

Types = frozenset[ParticipantType]
ALL_TYPES: Types = frozenset(ParticipantType)
NOT_PUPILS: Types = ALL_TYPES - {ParticipantType.pupil}


# --------------------------------------------------------------------------- shared rules


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start of `start`, start of the day after `end`) in UTC: the period's local days."""
    return local_day_start(start), local_day_start(end + timedelta(days=1))


def only_some(types: Collection[ParticipantType] | None) -> Types | None:
    """The types a goal counts, or None where it counts every type."""
    if types is None or set(types) >= ALL_TYPES:
        return None
    return frozenset(types)


def door_share(
    types: Types | None,
    headcount: ColumnExpressionArgument[Any],
    pupils: ColumnExpressionArgument[Any],
) -> ColumnElement[Any]:
    """The part of an event's door count that is of `types` (None: every type)."""
    if types is None:
        return func.coalesce(headcount, 0)
    if ParticipantType.pupil in types:
        return func.coalesce(pupils, 0)
    if types >= NOT_PUPILS:
        return Greatest(func.coalesce(headcount, 0) - func.coalesce(pupils, 0), 0)
    return literal(0)


def _attended(types: Types | None = None) -> ColumnElement[bool]:
    """A registration of the event row at hand whose person came (of `types`)."""
    condition = and_(
        Registration.event_id == Event.id, Registration.status == RegistrationStatus.attended
    )
    if types is not None:
        condition = and_(condition, Registration.participant_type.in_(sorted(types)))
    return condition


def attended_counted(types: Types | None = None) -> ColumnElement[int]:
    """Attended registrations (of `types`) of the enclosing query's event row."""
    return select(func.count()).select_from(Registration).where(_attended(types)).scalar_subquery()


def participants_counted(types: Types | None = None) -> ColumnElement[int]:
    """An event's participants (of `types`) for the enclosing query's event row (a correlated
    count).

    For a few thousand events, as the annual wheel reads them; the metrics, over years of
    events, join and group instead (`participant_rows`).
    """
    door = door_share(types, Event.headcount, Event.headcount_pupils)
    return Greatest(attended_counted(types), door)


def no_data_or_value(found: dict[tuple[int, int], Any], cell: tuple[int, int]) -> float | None:
    """The no-data rule: a period without a single held event has no row in the result and no
    data (None); any other gets its value, 0 included (held events, none matching)."""
    if cell not in found:
        return None
    return float(found[cell] or 0)


# -------------------------------------------------------------------------------- batching

Period = tuple[date, date]
FilterKey = tuple[str, int | None]  # the filter's parameters as JSON, and its own goal


@dataclass(frozen=True)
class Grid:
    """A batch of requests as distinct periods by distinct filters."""

    periods: list[Period]
    filters: list[MetricRequest]  # the first request with each distinct filter
    keys: tuple[FilterKey, ...]  # the filters' keys: equal keys, equal conditions in SQL
    cells: list[tuple[int, int]]  # each request's (period, filter)


def grid(requests: Sequence[MetricRequest]) -> Grid:
    """The batch's distinct periods and filters, and where each request sits among them."""
    periods: dict[Period, int] = {}
    filters: dict[FilterKey, int] = {}
    firsts: list[MetricRequest] = []
    texts: dict[int, str] = {}  # params as JSON by object: a goal's requests share one
    cells = []
    for request in requests:
        period = periods.setdefault((request.start, request.end), len(periods))
        text = texts.get(id(request.params))
        if text is None:
            text = texts[id(request.params)] = request.params.model_dump_json()
        # An initiative code is read in the goal's own plan, so it is the goal's filter alone.
        key = (text, request.goal_id if getattr(request.params, "initiative", None) else None)
        if key not in filters:
            filters[key] = len(firsts)
            firsts.append(request)
        cells.append((period, filters[key]))
    return Grid(list(periods), firsts, tuple(filters), cells)


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
    """Non-overlapping periods as bind parameters: which of them each event row falls in (by
    its position among them), whether it ended before that period's end, and their whole span.
    The statement's shape depends on the parameters' names alone, so one built for a shape
    serves any dates: the bounds of other periods are passed as `span_bounds` at execution."""

    period: ColumnElement[int]
    ended: ColumnElement[bool]
    low: ColumnElement[datetime]
    high: ColumnElement[datetime]


def calendar_years(periods: Sequence[Period], indexes: Sequence[int]) -> tuple[int, int] | None:
    """(first year, shift in seconds) where the periods `indexes`, in that order, are
    consecutive calendar years, the last possibly cut short (a year up to the evaluation date),
    and every New Year from the first to the one after the last begins at the same UTC offset;
    None otherwise. Then an event's period is its `LocalYear` less the first year, and it
    ended before its period's end where it ended before the span's end and in no later year."""
    first = periods[indexes[0]][0].year
    for position, index in enumerate(indexes):
        start, end = periods[index]
        year = first + position
        if start != date(year, 1, 1) or end.year != year:
            return None
        if position < len(indexes) - 1 and end != date(year, 12, 31):
            return None
    shifts = {
        datetime(year, 1, 1, tzinfo=UTC) - local_day_start(date(year, 1, 1))
        for year in range(first, first + len(indexes) + 1)
    }
    if len(shifts) != 1:
        return None
    shift = shifts.pop()
    if shift % timedelta(seconds=1):
        return None
    return first, int(shift.total_seconds())


def span_bounds(periods: Sequence[Period], indexes: Sequence[int]) -> dict[str, Any]:
    """The values of a span's bind parameters for the periods `indexes` (which do not overlap,
    in order): the first year and the shift where they are calendar years (`calendar_years`),
    else each period's UTC bounds by its position; and the whole span's bounds."""
    bounds = [period_bounds(*periods[index]) for index in indexes]
    values: dict[str, Any] = {}
    years = calendar_years(periods, indexes)
    if years is not None:
        values["first_year"], values["year_shift"] = years
    else:
        for position, (low, high) in enumerate(bounds):
            values[f"period_low_{position}"], values[f"period_high_{position}"] = low, high
    values["span_low"] = min(low for low, _ in bounds)
    values["span_high"] = max(high for _, high in bounds)
    return values


def span_of(periods: Sequence[Period], indexes: Sequence[int]) -> Span:
    """The span of the periods `indexes` (which do not overlap, in order) and what tells them
    apart; its parameters carry these periods' bounds, so it also runs as it is."""
    bound = {
        name: bindparam(name, value, type_=UTCDateTime() if isinstance(value, datetime) else None)
        for name, value in span_bounds(periods, indexes).items()
    }
    low, high = bound["span_low"], bound["span_high"]
    if "first_year" in bound:
        shift = bound["year_shift"]
        year = LocalYear(Event.starts_at, shift)
        ended = and_(Event.ends_at < high, LocalYear(Event.ends_at, shift) <= year)
        return Span(year - bound["first_year"], ended, low, high)
    positions = range(len(indexes))
    within = [
        and_(
            Event.starts_at >= bound[f"period_low_{p}"], Event.starts_at < bound[f"period_high_{p}"]
        )
        for p in positions
    ]
    period = case(*((within[p], p) for p in positions))
    period_end = case(*((within[p], bound[f"period_high_{p}"]) for p in positions))
    return Span(period, Event.ends_at < period_end, low, high)


# -------------------------------------------------------------------------------- the rows


def counts_as_held(ended: ColumnElement[bool]) -> ColumnElement[bool]:
    """The held rule of the module docstring, for the enclosing query's event row; `ended`:
    it ended before the end of its period."""
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
            and_(Event.status == EventStatus.planned, ended, came),
        ),
    )


def held_events(span: Span, *columns: ColumnExpressionArgument[Any]) -> Select[*tuple[Any, ...]]:
    """Events of the span that count as held, with their period and the columns filters read."""
    return select(
        span.period.label("period"), Event.id, Event.kind, Event.series_id, *columns
    ).where(Event.starts_at >= span.low, Event.starts_at < span.high, counts_as_held(span.ended))


def typed_column(participant_type: ParticipantType) -> str:
    """The name of a participant row's column of attendees of one type."""
    return f"attended_{participant_type.value}"


def participant_rows(span: Span, typed: bool = False) -> Subquery:
    """A row per held event with its participants; with `typed`, also its attendees per type
    and its door counts, for filters that count only some types."""
    attended = func.count(Registration.id)
    columns: list[ColumnExpressionArgument[Any]] = [
        Greatest(attended, func.coalesce(Event.headcount, 0)).label("people")
    ]
    if typed:
        columns += [
            func.count(case((Registration.participant_type == kind, Registration.id))).label(
                typed_column(kind)
            )
            for kind in ParticipantType
        ]
        columns += [Event.headcount, Event.headcount_pupils]
    return (
        held_events(span, *columns)
        .outerjoin(Registration, _attended())
        .group_by(Event.id)
        .subquery("held_events")
    )


def company_rows(span: Span) -> Subquery:
    """A row per held event with the companies its door count adds beyond the named ones,
    and a row per event and attendee with a named company, with the attendee's type."""
    no_value = cast(null(), Integer)
    no_type = cast(null(), Registration.participant_type.type)
    beyond = Greatest(
        func.coalesce(Event.headcount_companies, 0) - func.count(Person.company_id.distinct()), 0
    )
    events = (
        held_events(
            span, no_value.label("company_id"), beyond.label("beyond"), no_type.label("type")
        )
        .outerjoin(Registration, _attended())
        .outerjoin(Person, Person.id == Registration.person_id)
        .group_by(Event.id)
    )
    named = (
        held_events(
            span,
            Person.company_id,
            no_value.label("beyond"),
            Registration.participant_type.label("type"),
        )
        .join(Registration, _attended())
        .join(Person, Person.id == Registration.person_id)
        .where(Person.company_id.is_not(None))
    )
    return union_all(events, named).subquery("company_rows")


def initiative_events(goal_id: int, code: str) -> Select[Any]:
    """Ids of events of initiative `code` in the goal's own plan."""
    track, number = (int(part) for part in code.split("."))
    return (
        select(event_initiatives.c.event_id)
        .join(Initiative, Initiative.id == event_initiatives.c.initiative_id)
        .join(Track, Track.id == Initiative.track_id)
        .join(Goal, Goal.action_plan_id == Initiative.action_plan_id)
        .where(Goal.id == goal_id, Track.number == track, Initiative.number == number)
    )
