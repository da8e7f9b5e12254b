"""The annual wheel (årshjul): a year's events month by month, in the plan's legend groups.

One statement whatever the number of events: the year's events with their participants and
initiatives. No personal data is read.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from api.config import get_settings
from api.events.enums import (
    CALENDAR_GROUP_LABELS,
    CALENDAR_GROUP_OF_KIND,
    CalendarGroup,
    EventKind,
    EventStatus,
)
from api.events.metric_rows import participants_counted, period_bounds
from api.events.models import Event, EventSeries, event_initiatives
from api.plans.models import Initiative, Track

MONTH_NAMES = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


class CalendarEvent(BaseModel):
    id: int
    title: str
    kind: EventKind
    status: EventStatus
    starts_at: datetime
    ends_at: datetime
    tentative: bool = Field(description="The date is not fixed yet; the times span the month.")
    series_id: int | None
    series: str | None = Field(description="The series' name.")
    location: str | None
    is_demo: bool = Field(description="Demo data (`erhverv load-demo`): shown, never counted.")
    participants: int = Field(
        description="Who came: attended registrations, or the door count where larger."
    )
    initiative_codes: list[str] = Field(description="The initiatives' codes, e.g. '3.2'.")


class CalendarGroupRead(BaseModel):
    key: CalendarGroup
    label: str


class CalendarMonthGroups(BaseModel):
    events: list[CalendarEvent]
    entrepreneurs: list[CalendarEvent]
    courses: list[CalendarEvent]


class CalendarMonth(BaseModel):
    month: int = Field(ge=1, le=12)
    name: str = Field(description="The month's Danish name.")
    groups: CalendarMonthGroups


class PlanCalendar(BaseModel):
    year: int
    groups: list[CalendarGroupRead] = Field(description="The legend, in the plan's order.")
    months: list[CalendarMonth] = Field(description="January to December, every month.")


def group_of(kind: EventKind) -> CalendarGroup:
    """The legend group an event kind is drawn in."""
    return CALENDAR_GROUP_OF_KIND.get(kind, CalendarGroup.events)


_GROUP_KEYS = {kind: group_of(kind).value for kind in EventKind}
# CalendarEvent's fields as the events query reads them.
_COLUMNS = {
    "id": Event.id,
    "title": Event.title,
    "kind": Event.kind,
    "status": Event.status,
    "starts_at": Event.starts_at,
    "ends_at": Event.ends_at,
    "tentative": Event.tentative,
    "series_id": Event.series_id,
    "series": EventSeries.name,
    "location": Event.location,
    "is_demo": Event.is_demo,
}


def _year_events(
    session: Session, low: datetime, high: datetime
) -> Sequence[Row[*tuple[Any, ...]]]:
    """The year's events in `_COLUMNS` and then participants, track and initiative number.

    An event of two initiatives comes as two rows, one after the other.
    """
    query = (
        select(
            *_COLUMNS.values(),
            participants_counted(),
            Track.number,
            Initiative.number,
        )
        .outerjoin(EventSeries, EventSeries.id == Event.series_id)
        .outerjoin(event_initiatives, event_initiatives.c.event_id == Event.id)
        .outerjoin(Initiative, Initiative.id == event_initiatives.c.initiative_id)
        .outerjoin(Track, Track.id == Initiative.track_id)
        .where(Event.starts_at >= low, Event.starts_at < high)
        .order_by(Event.starts_at, Event.id, Track.number, Initiative.number)
    )
    # Through the connection: plain rows, without the ORM's per-row loading machinery (this
    # skips autoflush, which plan_calendar does first).
    return session.connection().execute(query).all()


def _months(
    rows: Sequence[Row[*tuple[Any, ...]]], zone: ZoneInfo
) -> list[dict[str, list[dict[str, Any]]]]:
    """Each month's events by legend group, as CalendarEvent dicts."""
    months: list[dict[str, list[dict[str, Any]]]] = [
        {group.value: [] for group in CalendarGroup} for _ in MONTH_NAMES
    ]
    event: dict[str, Any] = {}
    for *fields, people, track, number in rows:
        code = f"{track}.{number}" if track is not None else None
        if fields[0] == event.get("id"):  # the same event, another initiative
            if code not in event["initiative_codes"]:  # one code from two plans is one
                event["initiative_codes"].append(code)
            continue
        event = dict(zip(_COLUMNS, fields, strict=True))
        event["participants"] = people
        event["initiative_codes"] = [code] if code else []
        month = months[event["starts_at"].astimezone(zone).month - 1]
        month[_GROUP_KEYS[event["kind"]]].append(event)
    return months


def plan_calendar(session: Session, year: int) -> dict[str, Any]:
    """The year's events of every status by the local month they start in, as a PlanCalendar.

    Plain dicts, not models: the route's response model validates them once, and a busy year's
    thousands of events are not built twice.
    """
    low, high = period_bounds(date(year, 1, 1), date(year, 12, 31))
    session.flush()
    months = _months(_year_events(session, low, high), ZoneInfo(get_settings().timezone))
    return {
        "year": year,
        "groups": [{"key": g, "label": CALENDAR_GROUP_LABELS[g]} for g in CalendarGroup],
        "months": [
            {"month": n, "name": name, "groups": groups}
            for n, (name, groups) in enumerate(zip(MONTH_NAMES, months, strict=True), start=1)
        ],
    }
