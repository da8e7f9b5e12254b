"""Event logic: events with their initiatives, organisers, sessions and counts."""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from pydantic import ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from api.config import get_settings
from api.contacts.models import Company, Person
from api.events.enums import EventKind, EventStatus, RegistrationStatus
from api.events.models import Event, EventSeries, EventSession, Registration
from api.events.registrations import promote_waitlist, waitlist_positions
from api.events.schemas import (
    EventCreate,
    EventFields,
    EventUpdate,
    RegistrationDetail,
    check_event,
)
from api.kit.db import utcnow
from api.kit.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    unknown_reference,
    validation_errors,
)
from api.plans.models import Initiative, Organization

# ------------------------------------------------------------------------------- events


def list_events_query(
    *,
    kind: EventKind | None = None,
    status: EventStatus | None = None,
    series_id: int | None = None,
    initiative_id: int | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    visited_company_id: int | None = None,
) -> Select[Event]:
    query = select(Event).options(*_event_options()).order_by(Event.starts_at, Event.id)
    conditions = {
        Event.kind: kind,
        Event.status: status,
        Event.series_id: series_id,
        Event.visited_company_id: visited_company_id,
    }
    for column, value in conditions.items():
        if value is not None:
            query = query.where(column == value)
    if initiative_id is not None:
        query = query.where(Event.initiatives.any(Initiative.id == initiative_id))
    if starts_from is not None:
        query = query.where(Event.starts_at >= starts_from)
    if starts_before is not None:
        query = query.where(Event.starts_at < starts_before)
    return query


def _event_options() -> tuple[Any, ...]:
    return (
        selectinload(Event.initiatives),
        selectinload(Event.organizers),
        selectinload(Event.sessions),
    )


def get_event(session: Session, event_id: int) -> Event:
    event = session.scalar(select(Event).where(Event.id == event_id).options(*_event_options()))
    if event is None:
        raise NotFoundError(f"No event with id {event_id}.")
    return event


def _related(session: Session, model: type[Any], ids: Sequence[int], field: str) -> list[Any]:
    found = list(session.scalars(select(model).where(model.id.in_(ids))))
    missing = sorted(set(ids) - {row.id for row in found})
    if missing:
        raise unknown_reference(field, f"der findes intet med id {', '.join(map(str, missing))}")
    return found


def _series(session: Session, series_id: int | None) -> EventSeries | None:
    if series_id is None:
        return None
    series = session.get(EventSeries, series_id)
    if series is None:
        raise unknown_reference(
            "series_id", f"der findes ingen arrangementsserie med id {series_id} (se /event-series)"
        )
    return series


def _apply_event(session: Session, event: Event, data: EventFields) -> None:
    values = data.model_dump(exclude={"initiative_ids", "organizer_ids", "sessions", "series_id"})
    for name, value in values.items():
        setattr(event, name, value)
    event.initiatives = _related(session, Initiative, data.initiative_ids, "initiative_ids")
    event.organizers = _related(session, Organization, data.organizer_ids, "organizer_ids")
    if data.visited_company_id is not None:
        _related(session, Company, [data.visited_company_id], "visited_company_id")
    event.series = _series(session, data.series_id)
    event.sessions = [EventSession(**s.model_dump()) for s in data.sessions]


def create_event(session: Session, data: EventCreate, *, is_demo: bool = False) -> Event:
    event = Event(is_demo=is_demo)
    _apply_event(session, event, data)
    session.add(event)
    session.flush()
    return event


def event_fields(event: Event) -> dict[str, Any]:
    """An event as the fields it was made from (for merging an update)."""
    values = {name: getattr(event, name) for name in EventFields.model_fields}
    values["sessions"] = [
        {"starts_at": s.starts_at, "ends_at": s.ends_at, "location": s.location}
        for s in event.sessions
    ]
    return values


def update_event(session: Session, event: Event, data: EventUpdate) -> Event:
    changes = data.model_dump(exclude_unset=True)
    try:
        merged = EventFields.model_validate(event_fields(event) | changes)
        check_event(merged)
    except ValidationError as exc:
        errors = validation_errors(list(exc.errors()))
        raise InvalidInputError("; ".join(e["message"] for e in errors), errors=errors) from None
    except ValueError as exc:
        raise InvalidInputError(str(exc), errors=[{"field": "body", "message": str(exc)}]) from None
    capacity_grew = "capacity" in changes and (
        changes["capacity"] is None or (event.capacity or 0) < changes["capacity"]
    )
    _apply_event(session, event, merged)
    session.flush()
    if capacity_grew:
        promote_waitlist(session, event)
    return event


def delete_event(session: Session, event: Event) -> None:
    session.delete(event)
    session.flush()


class EventCancelledError(ConflictError):
    slug, title = "event-cancelled", "Event cancelled"


class EventNotStartedError(ConflictError):
    slug, title = "event-not-started", "Event not started"


def mark_held(session: Session, event: Event, now: datetime | None = None) -> int:
    """Record the event as held; whoever is still only registered did not come (a no-show).
    Returns how many registrations became no-shows."""
    now = now or utcnow()
    if event.status is EventStatus.cancelled:
        raise EventCancelledError(
            f"Arrangementet »{event.title}« er aflyst og kan ikke markeres som afholdt."
        )
    if event.starts_at > now:
        raise EventNotStartedError(
            f"Arrangementet »{event.title}« er ikke begyndt endnu (det starter "
            f"{_local_time(event.starts_at)}); det kan markeres som afholdt, når det er begyndt."
        )
    absent = session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.registered,
        )
    ).all()
    for registration in absent:
        registration.status = RegistrationStatus.no_show
    event.status = EventStatus.held
    session.flush()
    return len(absent)


def _local_time(moment: datetime) -> str:
    """'10. mar. 2026 kl. 17.00' in the municipality's time zone."""
    zone = ZoneInfo(get_settings().timezone)
    return format_datetime(moment, "d. MMM y 'kl.' HH.mm", tzinfo=zone, locale="da_DK")


def registration_counts(session: Session, event_ids: Sequence[int]) -> dict[int, Counter[str]]:
    """Registrations per status for each event, in one query."""
    counts: dict[int, Counter[str]] = {event_id: Counter() for event_id in event_ids}
    rows = session.execute(
        select(Registration.event_id, Registration.status, func.count(Registration.id))
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, Registration.status)
    )
    for event_id, status, count in rows:
        counts[event_id][status.value] = count
    return counts


def participants(event: Event, counts: Counter[str]) -> int:
    """Who came, counted once: the door count includes registered attendees, so the larger."""
    return max(counts["attended"], event.headcount or 0)


def participation_query(
    *, person_id: int | None = None, company_id: int | None = None
) -> Select[Registration]:
    """The registrations of a person, or of a company's people, with their events: newest
    event first, so that a person's or a company's page is one list, not one per event."""
    query = (
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .options(
            selectinload(Registration.person),
            selectinload(Registration.event).options(*_event_options()),
        )
        .order_by(Event.starts_at.desc(), Event.id.desc(), Registration.id)
    )
    if person_id is not None:
        query = query.where(Registration.person_id == person_id)
    if company_id is not None:
        query = query.join(Person, Person.id == Registration.person_id).where(
            Person.company_id == company_id
        )
    return query


def participation_items(session: Session, rows: Sequence[Registration]) -> list[dict[str, Any]]:
    """Each registration with its event (counts included) and its place on a waiting list."""
    event_ids = list(dict.fromkeys(r.event_id for r in rows))
    counts = registration_counts(session, event_ids)
    waiting = {r.event_id: r.event for r in rows if r.status is RegistrationStatus.waitlisted}
    places: dict[int, int] = {}
    for event in waiting.values():  # a place on a list is the event's to say
        places |= waitlist_positions(session, event)
    return [
        {
            "event": event_read(r.event, counts[r.event_id]),
            "registration": RegistrationDetail.model_validate(r).model_copy(
                update={"waitlist_position": places.get(r.id)}
            ),
        }
        for r in rows
    ]


def event_with_counts(session: Session, event: Event) -> dict[str, Any]:
    """One event as the API reads it, with its registration counts."""
    return event_read(event, registration_counts(session, [event.id])[event.id])


def event_read(event: Event, counts: Counter[str]) -> dict[str, Any]:
    return {
        **{name: getattr(event, name) for name in EventFields.model_fields},
        "series": event.series.name if event.series else None,
        "id": event.id,
        "plan_key": event.plan_key,
        "is_demo": event.is_demo,
        "updated_at": event.updated_at,
        "sessions": event.sessions,
        "counts": {
            **{status.value: counts[status.value] for status in RegistrationStatus},
            "participants": participants(event, counts),
        },
    }
