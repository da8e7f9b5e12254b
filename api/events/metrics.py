"""Event metrics for goals: events held, participants, companies reached, company visits.

What counts (held, demo, the local day, participants counted once, participant types, no data)
and how a batch becomes few statements is written down once, in `api.events.metric_rows`.
A goal names a series by its key (`series: klimaugen-2026`), events belong to it by id, so a
renamed series keeps its figures; a key no series has matches no event (goals are checked
against the series when they are saved, so that only happens to a series deleted since).
"""

import re
from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, or_, select
from sqlalchemy.orm import Session

from api.events.enums import PARTICIPANT_TYPE_LABELS, EventKind, ParticipantType
from api.events.metric_rows import (
    FilterKey,
    Grid,
    Span,
    company_rows,
    door_share,
    grid,
    held_events,
    initiative_events,
    layers,
    no_data_or_value,
    only_some,
    participant_rows,
    span_bounds,
    span_of,
    typed_column,
)
from api.events.models import Event, EventSeries
from api.goals.enums import Unit
from api.goals.registry import (
    Aggregation,
    Contribution,
    MetricRequest,
    register,
    register_reference_check,
)
from api.goals.schemas import GOAL_KEY_PATTERN
from api.kit.sql import Greatest

SERIES_KEY = re.compile(GOAL_KEY_PATTERN)
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
    series: str | None = Field(
        default=None,
        max_length=100,
        description="The series' key (GET /event-series), e.g. 'klimaugen-2026'; a key no "
        "series has matches no event.",
    )
    initiative: InitiativeCode | None = None

    @field_validator("series")
    @classmethod
    def _series_key(cls, value: str | None) -> str | None:
        if value is not None and not SERIES_KEY.match(value):
            raise ValueError(
                f"series er seriens nøgle med små bogstaver, tal og bindestreger (fx "
                f"klimaugen-2026), ikke dens navn: {value!r}"
            )
        return value


class ParticipantFilter(EventFilter):
    participant_types: list[ParticipantType] | None = Field(
        default=None,
        min_length=1,
        description="Count only participants of these types (left out: every type). The door "
        "count tells pupils (headcount_pupils) from the rest, nothing finer.",
    )

    @field_validator("participant_types")
    @classmethod
    def _in_order(cls, value: list[ParticipantType] | None) -> list[ParticipantType] | None:
        # One order for one set, so equal filters share a column of the batch's statement.
        return None if value is None else [t for t in ParticipantType if t in value]


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


P = TypeVar("P", bound=BaseModel)


def params_of(request: MetricRequest, model: type[P]) -> P:
    """The request's parameters as the metric's own model."""
    assert isinstance(request.params, model)  # parse_params made it from the metric's model
    return request.params


def types_of(request: MetricRequest) -> frozenset[ParticipantType] | None:
    """The participant types the request counts; None for every type."""
    return only_some(getattr(request.params, "participant_types", None))


def type_names(types: frozenset[ParticipantType]) -> str:
    """'virksomhedsrepræsentant og borger', in the types' order."""
    names = [PARTICIPANT_TYPE_LABELS[t].lower() for t in ParticipantType if t in types]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"


def series_id_of(key: str) -> ColumnElement[Any]:
    """The id of the series with `key` (NULL where none has it), read once per statement."""
    return select(EventSeries.id).where(EventSeries.key == key).scalar_subquery()


def unknown_series(session: Session, params: BaseModel) -> list[tuple[str, str]]:
    """A goal's series key that no series has (checked when a goal is saved)."""
    key = getattr(params, "series", None)
    if key is None or session.scalar(select(EventSeries.id).where(EventSeries.key == key)):
        return []
    known = ", ".join(session.scalars(select(EventSeries.key).order_by(EventSeries.key)))
    return [("series", f"ingen arrangementsserie har nøglen {key!r} (kendte: {known or 'ingen'})")]


def matches(rows: Subquery, request: MetricRequest) -> list[ColumnElement[bool]]:
    """The request's filter as conditions on event rows."""
    params = params_of(request, EventFilter)
    conditions = []
    if params.kind is not None:
        conditions.append(rows.c.kind == params.kind)
    if params.series is not None:
        conditions.append(rows.c.series_id == series_id_of(params.series))
    if params.initiative is not None:
        conditions.append(rows.c.id.in_(initiative_events(request.goal_id, params.initiative)))
    return conditions


def count_if(conditions: list[ColumnElement[bool]]) -> ColumnElement[Any]:
    """How many rows meet every condition."""
    return func.sum(case((and_(*conditions), 1), else_=0)) if conditions else func.count()


def sum_if(conditions: list[ColumnElement[bool]], value: ColumnElement[Any]) -> ColumnElement[Any]:
    """The sum of `value` over the rows that meet every condition."""
    return func.sum(case((and_(*conditions), value), else_=0) if conditions else value)


# ----------------------------------------------------------------------------- the metrics


# Each layer's statement by its shape (metric, its parameters' names, filters); see `_statement`.
MAX_STATEMENTS = 256  # shapes come from the goals' filters: a few per plan
_STATEMENTS: dict[tuple[str, tuple[str, ...], tuple[FilterKey, ...]], Select[Any]] = {}


class EventMetric:
    """What the four share: a statement per layer of periods, a column per distinct filter."""

    key: ClassVar[str]
    units: ClassVar[frozenset[Unit]] = frozenset({Unit.count})
    reads_measurements: ClassVar[bool] = False
    aggregation: ClassVar[Aggregation] = "sum"

    def rows(self, span: Span, requests: Sequence[MetricRequest]) -> Subquery:
        """The held events of the span as rows, with a `period` column, as `requests` need."""
        raise NotImplementedError

    def conditions(self, rows: Subquery, request: MetricRequest) -> list[ColumnElement[bool]]:
        """What an event row must meet to count for the request."""
        return matches(rows, request)

    def people(self, rows: Subquery, request: MetricRequest) -> ColumnElement[Any] | None:
        """An event row's participants as the request counts them, where the rows carry them."""
        return rows.c.people if "people" in rows.c else None

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
        # Plain rows on the session's connection: the ORM's execution path costs more than they
        # do; every caller has flushed what it wrote (metrics read).
        connection = session.connection()
        for indexes in layers(batch.periods):
            bounds = span_bounds(batch.periods, indexes)
            statement = self._statement(batch, indexes, tuple(bounds))
            for position, *values in connection.execute(statement, bounds).all():
                found.update({(indexes[position], n): value for n, value in enumerate(values)})
        return [no_data_or_value(found, cell) for cell in batch.cells]

    def _statement(self, batch: Grid, indexes: list[int], names: tuple[str, ...]) -> Select[Any]:
        """One layer's statement, grouped by period (its position in the layer): built once
        per shape (its parameters' `names`, which tell calendar years from the number of other
        periods; the filters), as building it costs more than running it; the periods' dates
        are its parameters."""
        shape = (self.key, names, batch.keys)
        statement = _STATEMENTS.get(shape)
        if statement is None:
            rows = self.rows(span_of(batch.periods, indexes), batch.filters)
            statement = (
                select(rows.c.period, *(self.aggregate(rows, r) for r in batch.filters))
                .where(rows.c.period.is_not(None))
                .group_by(rows.c.period)
            )
            if len(_STATEMENTS) >= MAX_STATEMENTS:
                _STATEMENTS.clear()  # never in practice; no iteration, so safe across threads
            _STATEMENTS[shape] = statement
        return statement


class EventsHeldMetric(EventMetric):
    key: ClassVar[str] = "events_held"
    title: ClassVar[str] = "Afholdte arrangementer"
    description: ClassVar[str] = (
        "Antal afholdte arrangementer i perioden, efter type, serie og indsats, og med et "
        "mindste eller højeste antal deltagere (deltagere: fremmødte tilmeldte eller "
        "optællingen ved døren, det største tal)."
    )
    params_model: ClassVar[type[BaseModel]] = EventsHeldParams

    def rows(self, span: Span, requests: Sequence[MetricRequest]) -> Subquery:
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
        "indsats; pr. arrangement fremmødte tilmeldte eller optællingen ved døren, det største. "
        "Med deltagertyper tælles kun de typer (af optællingen ved døren kun den del, der kan "
        "henføres til dem: elever for sig, alle andre for sig)."
    )
    params_model: ClassVar[type[BaseModel]] = ParticipantFilter

    def rows(self, span: Span, requests: Sequence[MetricRequest]) -> Subquery:
        return participant_rows(span, typed=any(types_of(r) for r in requests))

    def people(self, rows: Subquery, request: MetricRequest) -> ColumnElement[Any]:
        types = types_of(request)
        if types is None:
            return rows.c.people
        first, *more = (rows.c[typed_column(t)] for t in ParticipantType if t in types)
        attended = sum(more, start=first)
        return Greatest(attended, door_share(types, rows.c.headcount, rows.c.headcount_pupils))

    def aggregate(self, rows: Subquery, request: MetricRequest) -> ColumnElement[Any]:
        return sum_if(matches(rows, request), self.people(rows, request))


class CompaniesReachedMetric(EventMetric):
    key: ClassVar[str] = "companies_reached"
    title: ClassVar[str] = "Virksomheder nået"
    description: ClassVar[str] = (
        "Forskellige virksomheder blandt fremmødte deltagere i afholdte arrangementer i "
        "perioden, plus de virksomheder, en optælling ved døren har ud over de navngivne (de "
        "kan ikke afdubleres, så de tælles pr. arrangement). Med deltagertyper når kun "
        "deltagere af de typer deres virksomhed."
    )
    params_model: ClassVar[type[BaseModel]] = ParticipantFilter

    def rows(self, span: Span, requests: Sequence[MetricRequest]) -> Subquery:
        return company_rows(span)

    def conditions(self, rows: Subquery, request: MetricRequest) -> list[ColumnElement[bool]]:
        conditions = matches(rows, request)
        types = types_of(request)
        if types is not None:  # the door's companies are no one's type: they always count
            conditions.append(or_(rows.c.company_id.is_(None), rows.c.type.in_(sorted(types))))
        return conditions

    def aggregate(self, rows: Subquery, request: MetricRequest) -> ColumnElement[Any]:
        conditions = self.conditions(rows, request)
        company = case((and_(*conditions), rows.c.company_id)) if conditions else rows.c.company_id
        return func.count(company.distinct()) + func.coalesce(sum_if(conditions, rows.c.beyond), 0)


class CompanyVisitsMetric(EventMetric):
    key: ClassVar[str] = "company_visits"
    title: ClassVar[str] = "Virksomhedsbesøg"
    description: ClassVar[str] = (
        "Antal afholdte virksomhedsbesøg i perioden, som standard kun dem med borgmesteren."
    )
    params_model: ClassVar[type[BaseModel]] = CompanyVisitParams

    def rows(self, span: Span, requests: Sequence[MetricRequest]) -> Subquery:
        return held_events(span, Event.mayor_present).subquery("held_events")

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
    if issubclass(_metric.params_model, EventFilter):
        register_reference_check(_metric.key, unknown_series)
