"""The plan's calendar for goals: the events a goal's metric would count, planned or held.

A goal's trajectory (goals/trajectory.py, basis 1) expects each of them on the local day it
ends, as the calendar stood at the evaluation date: an event entered later was no part of it
then, unless the plan itself dates it. What one delivers: an event 1; participants its
expected participants, else its capacity, else unknown; companies unknown (the trajectory
shares the target among them).
Planned events are assumed to meet a minimum or maximum of participants. Cancelled and demo
events are no part of the plan.

One statement for any number of goals and event metrics: the year's events with the codes of
their initiatives (an initiative filter names an initiative of the goal's own plan).
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
from api.danish import local_day_start
from api.db import UTCDateTime
from api.events.enums import EventKind, EventStatus
from api.events.metrics import CompanyVisitParams, EventFilter, period_bounds
from api.events.models import Event, event_initiatives
from api.goals.registry import MetricRequest
from api.goals.trajectory import Delivery, register_planner
from api.plans.models import Initiative, Track


@dataclass
class _Planned:
    kind: EventKind
    series: str | None
    due_on: date
    people: int | None
    mayor_present: bool
    codes: set[tuple[int, str]]  # (plan id, initiative code)


@cache
def _calendar_statement() -> Select[Any]:
    """The events of a span as the calendar stood at a moment, one row per initiative."""
    return (
        select(
            Event.id,
            Event.kind,
            Event.series,
            Event.ends_at,
            Event.expected_participants,
            Event.capacity,
            Event.mayor_present,
            Initiative.action_plan_id,
            Track.number.label("track"),
            Initiative.number,
        )
        .outerjoin(event_initiatives, event_initiatives.c.event_id == Event.id)
        .outerjoin(Initiative, Initiative.id == event_initiatives.c.initiative_id)
        .outerjoin(Track, Track.id == Initiative.track_id)
        .where(
            Event.status != EventStatus.cancelled,
            Event.is_demo.is_(False),
            Event.starts_at >= bindparam("low", type_=UTCDateTime()),
            Event.starts_at < bindparam("high", type_=UTCDateTime()),
            or_(
                Event.plan_key.is_not(None),
                Event.created_at < bindparam("known", type_=UTCDateTime()),
            ),
        )
    )


def _events(session: Session, start: date, end: date, known_by: date) -> list[_Planned]:
    low, high = period_bounds(start, end)
    known = local_day_start(known_by + timedelta(days=1))
    rows = session.execute(_calendar_statement(), {"low": low, "high": high, "known": known})
    zone = ZoneInfo(get_settings().timezone)
    events: dict[int, _Planned] = {}
    for row in rows:
        event = events.get(row.id) or events.setdefault(row.id, _planned(row, zone))
        if row.action_plan_id is not None:
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


Accepts = Callable[[_Planned, Any, int | None], bool]
# Per metric: what one event delivers, and which events a request's filter takes.
_RULES: dict[str, tuple[Callable[[_Planned], float | None], Accepts]] = {
    "events_held": (lambda _: 1.0, _matches),
    "event_participants": (lambda e: e.people, _matches),
    "companies_reached": (lambda _: None, _matches),
    "company_visits": (lambda _: 1.0, _visit),
}


def planned_events(
    session: Session, plan_id: int, requests: Sequence[tuple[str, MetricRequest]], known_by: date
) -> list[list[Delivery]]:
    """Each request's planned events: one read of the calendar for every event metric."""
    if not requests:
        return []
    start = min(r.start for _, r in requests)
    end = max(r.end for _, r in requests)
    events = _events(session, start, end, known_by)
    planned = []
    for key, request in requests:
        amount, accepts = _RULES[key]
        planned.append(
            [
                Delivery(event.due_on, amount(event))
                for event in events
                if request.start <= event.due_on <= request.end
                and accepts(event, request.params, plan_id)
            ]
        )
    return planned


for _key in _RULES:
    register_planner(_key, planned_events)
