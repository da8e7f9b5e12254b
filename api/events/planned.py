"""The plan's calendar for goals: the events a goal's metric would count, planned or held.

A goal's trajectory (goals/trajectory.py, basis 1) expects each of them on the local day it
ends, as the calendar stood at the evaluation date: an event entered later was no part of it
then, unless the plan itself dates it. What one delivers: an event 1; participants its
expected participants, else its capacity, else unknown; companies unknown (the trajectory
shares the target among them).
Planned events are assumed to meet a minimum or maximum of participants. Cancelled and demo
events are no part of the plan.

One statement for any number of goals and event metrics: the year's events, with the codes of
their initiatives where a goal's filter names one (an initiative of the goal's own plan).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from api.config import get_settings
from api.events.enums import EventKind, EventStatus
from api.events.metric_rows import period_bounds
from api.events.metrics import CompanyVisitParams, EventFilter, types_of
from api.events.models import Event, EventSeries, event_initiatives
from api.goals.registry import MetricRequest
from api.goals.trajectory import Delivery, register_planner
from api.kit.danish import local_day_start
from api.kit.db import UTCDateTime
from api.plans.models import Initiative, Track


@dataclass
class _Planned:
    kind: EventKind
    series: str | None  # the series' key
    due_on: date
    people: int | None
    mayor_present: bool
    codes: set[tuple[int, str]]  # (plan id, initiative code)


@cache
def _calendar_statement(with_initiatives: bool) -> Select[*tuple[Any, ...]]:
    """The events of a span as the calendar stood at a moment; `with_initiatives`, one row per
    initiative with its plan and code (three joins more, which only an initiative filter
    needs)."""
    statement = select(
        Event.id,
        Event.kind,
        EventSeries.key.label("series"),
        Event.ends_at,
        Event.expected_participants,
        Event.capacity,
        Event.mayor_present,
    ).outerjoin(EventSeries, EventSeries.id == Event.series_id)
    if with_initiatives:
        statement = (
            statement.add_columns(
                Initiative.action_plan_id, Track.number.label("track"), Initiative.number
            )
            .outerjoin(event_initiatives, event_initiatives.c.event_id == Event.id)
            .outerjoin(Initiative, Initiative.id == event_initiatives.c.initiative_id)
            .outerjoin(Track, Track.id == Initiative.track_id)
        )
    return statement.where(
        Event.status != EventStatus.cancelled,
        Event.is_demo.is_(False),
        Event.starts_at >= bindparam("low", type_=UTCDateTime()),
        Event.starts_at < bindparam("high", type_=UTCDateTime()),
        or_(
            Event.plan_key.is_not(None),
            Event.created_at < bindparam("known", type_=UTCDateTime()),
        ),
    )


def _events(
    session: Session, start: date, end: date, known_by: date, with_initiatives: bool
) -> list[_Planned]:
    """The calendar's events; their initiatives' codes only `with_initiatives`."""
    low, high = period_bounds(start, end)
    known = local_day_start(known_by + timedelta(days=1))
    # Plain rows on the session's connection: the ORM's execution path costs more than they do;
    # all at once, as fetching one by one costs a driver call per row.
    parameters = {"low": low, "high": high, "known": known}
    rows = session.connection().execute(_calendar_statement(with_initiatives), parameters).all()
    zone = ZoneInfo(get_settings().timezone)
    events: dict[int, _Planned] = {}
    for row in rows:
        event = events.get(row.id) or events.setdefault(row.id, _planned(row, zone))
        if with_initiatives and row.action_plan_id is not None:
            event.codes.add((row.action_plan_id, f"{row.track}.{row.number}"))
    return list(events.values())


def _planned(row: Row[Any], zone: ZoneInfo) -> _Planned:
    # An event is due on the local day it ends; a whole-day event ends at the next midnight.
    last_moment = row.ends_at.astimezone(zone) - timedelta(microseconds=1)
    return _Planned(
        kind=row.kind,
        series=row.series,
        due_on=last_moment.date(),
        people=row.expected_participants if row.expected_participants is not None else row.capacity,
        mayor_present=row.mayor_present,
        codes=set(),
    )


def _matches(event: _Planned, params: EventFilter, plan_id: int | None) -> bool:
    if params.kind is not None and event.kind is not params.kind:
        return False
    if params.series is not None and event.series != params.series:
        return False
    return params.initiative is None or (plan_id, params.initiative) in event.codes


def _visit(event: _Planned, params: CompanyVisitParams, _plan_id: int | None) -> bool:
    return event.kind is EventKind.company_visit and (event.mayor_present or not params.with_mayor)


def _people(event: _Planned, request: MetricRequest) -> float | None:
    """Expected participants have no type: unknown for a goal that counts only some types."""
    return None if types_of(request) is not None else event.people


Accepts = Callable[[_Planned, Any, int | None], bool]
Amount = Callable[[_Planned, MetricRequest], float | None]
# Per metric: what one event delivers, and which events a request's filter takes.
_RULES: dict[str, tuple[Amount, Accepts]] = {
    "events_held": (lambda _e, _r: 1.0, _matches),
    "event_participants": (_people, _matches),
    "companies_reached": (lambda _e, _r: None, _matches),
    "company_visits": (lambda _e, _r: 1.0, _visit),
}


def planned_events(
    session: Session, plan_id: int, requests: Sequence[tuple[str, MetricRequest]], known_by: date
) -> list[list[Delivery]]:
    """Each request's planned events: one read of the calendar for every event metric."""
    if not requests:
        return []
    start = min(r.start for _, r in requests)
    end = max(r.end for _, r in requests)
    with_initiatives = any(getattr(r.params, "initiative", None) for _, r in requests)
    events = _events(session, start, end, known_by, with_initiatives)
    planned = []
    for key, request in requests:
        amount, accepts = _RULES[key]
        planned.append(
            [
                Delivery(event.due_on, amount(event, request))
                for event in events
                if request.start <= event.due_on <= request.end
                and accepts(event, request.params, plan_id)
            ]
        )
    return planned


for _key in _RULES:
    register_planner(_key, planned_events)
