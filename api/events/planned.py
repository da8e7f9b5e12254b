"""The plan's calendar for goals: the events a goal's metric would count, planned or held.

A goal's trajectory (goals/trajectory.py, basis 1) expects each of them on the local day it
ends, as the calendar stood at the evaluation date: an event entered later was no part of it
then, unless the plan itself dates it. What one delivers: an event 1; participants its
expected participants, else its capacity, else unknown; companies unknown (the trajectory
shares the target among them).
Planned events are assumed to meet a minimum or maximum of participants. Cancelled and demo
events are no part of the plan.

Two statements for any number of goals: the year's events with the codes of their
initiatives, and the plans of the goals asking.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from api.config import get_settings
from api.danish import local_day_start
from api.events.enums import EventKind, EventStatus
from api.events.metrics import CompanyVisitParams, EventFilter, period_bounds
from api.events.models import Event, event_initiatives
from api.goals.models import Goal
from api.goals.registry import MetricRequest
from api.goals.trajectory import Delivery, Planner, register_planner
from api.plans.models import Initiative, Track


@dataclass
class _Planned:
    kind: EventKind
    series: str | None
    due_on: date
    people: int | None
    mayor_present: bool
    codes: set[tuple[int, str]]  # (plan id, initiative code)


def _events(session: Session, start: date, end: date, known_by: date) -> list[_Planned]:
    low, high = period_bounds(start, end)
    rows = session.execute(
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
            Event.starts_at >= low,
            Event.starts_at < high,
            or_(
                Event.plan_key.is_not(None),
                Event.created_at < local_day_start(known_by + timedelta(days=1)),
            ),
        )
    )
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


def _planner(
    amount: Callable[[_Planned], float | None],
    accepts: Callable[[_Planned, Any, int | None], bool] = _matches,
) -> Planner:
    def plan(
        session: Session, requests: Sequence[MetricRequest], known_by: date
    ) -> list[list[Delivery]]:
        if not requests:
            return []
        start, end = min(r.start for r in requests), max(r.end for r in requests)
        events = _events(session, start, end, known_by)
        goal_ids = {r.goal_id for r in requests}
        plan_of: dict[int, int] = defaultdict(int)
        for goal_id, plan_id in session.execute(
            select(Goal.id, Goal.action_plan_id).where(Goal.id.in_(goal_ids))
        ):
            plan_of[goal_id] = plan_id
        return [
            [
                Delivery(event.due_on, amount(event))
                for event in events
                if request.start <= event.due_on <= request.end
                and accepts(event, request.params, plan_of[request.goal_id])
            ]
            for request in requests
        ]

    return plan


def _visit(event: _Planned, params: CompanyVisitParams, _plan_id: int | None) -> bool:
    return event.kind is EventKind.company_visit and (event.mayor_present or not params.with_mayor)


register_planner("events_held", _planner(lambda _: 1.0))
register_planner("event_participants", _planner(lambda e: e.people))
register_planner("companies_reached", _planner(lambda _: None))
register_planner("company_visits", _planner(lambda _: 1.0, _visit))
