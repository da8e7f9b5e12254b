"""Event logic: companies, people, events, registrations with capacity and a waiting list."""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from api.db import utcnow
from api.errors import ConflictError, InvalidInputError, NotFoundError
from api.events.enums import SEATED, EventKind, EventStatus, RegistrationStatus
from api.events.models import Company, Event, EventSession, Person, Registration
from api.events.schemas import (
    CompanyCreate,
    CompanyUpdate,
    EventCreate,
    EventFields,
    EventUpdate,
    PersonCreate,
    PersonFields,
    PersonUpdate,
    RegistrationCreate,
    check_event,
)
from api.plans.models import Initiative, Organization


def _invalid(field: str, message: str) -> InvalidInputError:
    return InvalidInputError(f"{field}: {message}", errors=[{"field": field, "message": message}])


# ---------------------------------------------------------------------------- companies


def list_companies_query(search: str | None = None) -> Select[tuple[Company]]:
    query = select(Company).order_by(Company.name, Company.id)
    if search:
        pattern = f"%{search.strip()}%"
        query = query.where(Company.name.ilike(pattern) | Company.cvr.like(pattern))
    return query


def get_company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise NotFoundError(f"No company with id {company_id}.")
    return company


def company_by_cvr(session: Session, cvr: str) -> Company | None:
    return session.scalar(select(Company).where(Company.cvr == cvr))


def create_company(session: Session, data: CompanyCreate) -> Company:
    existing = company_by_cvr(session, data.cvr)
    if existing is not None:
        raise ConflictError(f"CVR {data.cvr} is already registered as {existing.name!r}.")
    company = Company(**data.model_dump())
    session.add(company)
    session.flush()
    return company


def update_company(session: Session, company: Company, data: CompanyUpdate) -> Company:
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise _invalid("name", "may not be null")
    for name, value in changes.items():
        setattr(company, name, value)
    session.flush()
    return company


# ------------------------------------------------------------------------------- people


def list_people_query(search: str | None = None) -> Select[tuple[Person]]:
    query = select(Person).where(Person.anonymised_at.is_(None)).order_by(Person.name, Person.id)
    if search:
        pattern = f"%{search.strip()}%"
        query = query.where(Person.name.ilike(pattern) | Person.email.ilike(pattern))
    return query


def get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError(f"No person with id {person_id}.")
    return person


def _check_company(session: Session, company_id: int | None) -> None:
    if company_id is not None and session.get(Company, company_id) is None:
        raise _invalid("company_id", f"no company with id {company_id}")


def create_person(session: Session, data: PersonCreate) -> Person:
    _check_company(session, data.company_id)
    person = Person(**data.model_dump(exclude={"email"}), email=_email(data.email))
    session.add(person)
    session.flush()
    return person


def update_person(session: Session, person: Person, data: PersonUpdate) -> Person:
    if person.anonymised_at is not None:
        raise ConflictError("This person was erased; their data cannot be changed.")
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise _invalid("name", "may not be null")
    if "company_id" in changes:
        _check_company(session, changes["company_id"])
    if "email" in changes:
        changes["email"] = _email(changes["email"])
    for name, value in changes.items():
        setattr(person, name, value)
    session.flush()
    return person


def _email(email: str | None) -> str | None:
    return str(email).strip().lower() if email else None


def find_or_create_person(session: Session, data: PersonFields, company: Company | None) -> Person:
    """The same e-mail is the same person; without one, a new person."""
    email = _email(data.email)
    person = None
    if email:
        person = session.scalar(
            select(Person)
            .where(Person.email == email, Person.anonymised_at.is_(None))
            .order_by(Person.id)
            .limit(1)
        )
    if person is None:
        person = Person(name=data.name, email=email, phone=data.phone, company=company)
        session.add(person)
        session.flush()
    elif company is not None and person.company_id is None:
        person.company = company
    return person


def find_or_create_company(session: Session, cvr: str, name: str | None) -> Company:
    company = company_by_cvr(session, cvr)
    if company is None:
        if not name:
            raise _invalid("company_name", f"CVR {cvr} is new: give the company's name too")
        company = Company(cvr=cvr, name=name)
        session.add(company)
        session.flush()
    return company


# ------------------------------------------------------------------------------- events


def list_events_query(
    *,
    kind: EventKind | None = None,
    status: EventStatus | None = None,
    series: str | None = None,
    initiative_id: int | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
) -> Select[tuple[Event]]:
    query = select(Event).options(*_event_options()).order_by(Event.starts_at, Event.id)
    conditions = {Event.kind: kind, Event.status: status, Event.series: series}
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


def _related(session: Session, model: type, ids: Sequence[int], field: str) -> list[Any]:
    found = list(session.scalars(select(model).where(model.id.in_(ids))))
    missing = sorted(set(ids) - {row.id for row in found})
    if missing:
        raise _invalid(field, f"unknown ids {missing}")
    return found


def _apply_event(session: Session, event: Event, data: EventFields) -> None:
    values = data.model_dump(exclude={"initiative_ids", "organizer_ids", "sessions"})
    for name, value in values.items():
        setattr(event, name, value)
    event.initiatives = _related(session, Initiative, data.initiative_ids, "initiative_ids")
    event.organizers = _related(session, Organization, data.organizer_ids, "organizer_ids")
    if data.visited_company_id is not None:
        _related(session, Company, [data.visited_company_id], "visited_company_id")
    event.sessions = [EventSession(**s.model_dump()) for s in data.sessions]


def create_event(session: Session, data: EventCreate) -> Event:
    event = Event()
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
    for name in ("kind", "title", "starts_at", "ends_at", "status", "mayor_present", "tentative"):
        if name in changes and changes[name] is None:
            raise _invalid(name, "may not be null")
    merged = EventFields.model_validate(event_fields(event) | changes)
    try:
        check_event(merged)
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


def event_read(event: Event, counts: Counter[str]) -> dict[str, Any]:
    return {
        **{name: getattr(event, name) for name in EventFields.model_fields},
        "id": event.id,
        "plan_key": event.plan_key,
        "updated_at": event.updated_at,
        "sessions": event.sessions,
        "counts": {
            **{status.value: counts[status.value] for status in RegistrationStatus},
            "participants": participants(event, counts),
        },
    }


# ------------------------------------------------------------------------ registrations


def _seats_taken(session: Session, event: Event) -> int:
    return (
        session.scalar(
            select(func.count(Registration.id)).where(
                Registration.event_id == event.id, Registration.status.in_(SEATED)
            )
        )
        or 0
    )


def _has_seat(session: Session, event: Event) -> bool:
    return event.capacity is None or _seats_taken(session, event) < event.capacity


def register(session: Session, event: Event, data: RegistrationCreate) -> tuple[Registration, bool]:
    """Register a person; returns the registration and whether it is new.

    The same person twice is the same registration; a full event answers 409 unless the
    caller accepts the waiting list.
    """
    if event.status is EventStatus.cancelled:
        raise ConflictError(f"The event {event.title!r} is cancelled; no one can register.")
    person = _registrant(session, data)
    existing = session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.person_id == person.id
        )
    )
    if existing is not None and existing.status is not RegistrationStatus.cancelled:
        return existing, False
    if _has_seat(session, event):
        status = RegistrationStatus.registered
    elif data.waitlist:
        status = RegistrationStatus.waitlisted
    else:
        raise ConflictError(
            f"The event is full ({event.capacity} seats); register with waitlist=true to "
            "join the waiting list."
        )
    if existing is not None:
        existing.status, existing.registered_at, existing.checked_in_at = status, utcnow(), None
        session.flush()
        return existing, False
    registration = Registration(event_id=event.id, person_id=person.id, status=status)
    session.add(registration)
    session.flush()
    return registration, True


def _registrant(session: Session, data: RegistrationCreate) -> Person:
    company = (
        find_or_create_company(session, data.company_cvr, data.company_name)
        if data.company_cvr
        else None
    )
    if data.person_id is not None:
        person = get_person(session, data.person_id)
        if person.anonymised_at is not None:
            raise ConflictError("This person was erased and cannot be registered.")
        return person
    assert data.person is not None  # the schema requires one of the two
    return find_or_create_person(session, data.person, company)


def list_registrations_query(
    event: Event, status: RegistrationStatus | None = None
) -> Select[tuple[Registration]]:
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(selectinload(Registration.person))
        .order_by(Registration.registered_at, Registration.id)
    )
    if status is not None:
        query = query.where(Registration.status == status)
    return query


def waitlist_positions(session: Session, event: Event) -> dict[int, int]:
    """Registration id → place on the waiting list (1 is next)."""
    ids = session.scalars(
        select(Registration.id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.waitlisted,
        )
        .order_by(Registration.registered_at, Registration.id)
    )
    return {registration_id: place for place, registration_id in enumerate(ids, start=1)}


def get_registration(session: Session, event: Event, registration_id: int) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFoundError(f"No registration {registration_id} for this event.")
    return registration


def set_registration_status(
    session: Session, event: Event, registration: Registration, status: RegistrationStatus
) -> Registration:
    if status is RegistrationStatus.waitlisted:
        raise _invalid("status", "the waiting list is joined by registering, not set")
    was_seated = registration.status in SEATED
    if status in SEATED and not was_seated and not _has_seat(session, event):
        raise ConflictError(f"The event is full ({event.capacity} seats).")
    registration.status = status
    registration.checked_in_at = utcnow() if status is RegistrationStatus.attended else None
    session.flush()
    if was_seated and status not in SEATED:
        promote_waitlist(session, event)
    return registration


def promote_waitlist(session: Session, event: Event) -> list[Registration]:
    """Move people up from the waiting list while there are free seats."""
    promoted = []
    while _has_seat(session, event):
        first = session.scalar(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.waitlisted,
            )
            .order_by(Registration.registered_at, Registration.id)
            .limit(1)
        )
        if first is None:
            break
        first.status = RegistrationStatus.registered
        session.flush()
        promoted.append(first)
    return promoted


def check_in(
    session: Session, event: Event, person_ids: Sequence[int]
) -> tuple[list[int], list[int]]:
    """Mark people present at the door; all or nothing, naming anyone not registered."""
    if event.status is EventStatus.cancelled:
        raise ConflictError(f"The event {event.title!r} is cancelled.")
    registrations = {
        r.person_id: r
        for r in session.scalars(
            select(Registration).where(
                Registration.event_id == event.id, Registration.person_id.in_(person_ids)
            )
        )
    }
    not_registered = [
        pid
        for pid in person_ids
        if pid not in registrations or registrations[pid].status not in SEATED
    ]
    if not_registered:
        raise InvalidInputError(
            f"Not registered for this event (or on the waiting list or cancelled): person ids "
            f"{not_registered}. Register them first.",
            errors=[
                {"field": f"person_ids[{person_ids.index(pid)}]", "message": "not registered"}
                for pid in not_registered
            ],
        )
    checked, already = [], []
    now = utcnow()
    for pid in dict.fromkeys(person_ids):
        registration = registrations[pid]
        if registration.status is RegistrationStatus.attended:
            already.append(registration.id)
        else:
            registration.status, registration.checked_in_at = RegistrationStatus.attended, now
            checked.append(registration.id)
    session.flush()
    return checked, already
