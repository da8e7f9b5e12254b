"""Registrations: capacity, the waiting list and check-in at the door."""

from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from api.contacts.models import Person
from api.contacts.service import find_or_create_company, find_or_create_person, get_person
from api.events.enums import SEATED, EventStatus, ParticipantType, RegistrationStatus
from api.events.models import Event, Registration
from api.events.schemas import RegistrationCreate
from api.kit.db import utcnow
from api.kit.errors import ConflictError, NotFoundError, invalid

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
    if existing is not None:  # cancelled before: the registration comes back as asked now
        existing.status, existing.registered_at, existing.checked_in_at = status, utcnow(), None
        existing.participant_type = data.participant_type
        session.flush()
        return existing, False
    kind = data.participant_type
    registration = Registration(
        event_id=event.id, person_id=person.id, status=status, participant_type=kind
    )
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
) -> Select[Registration]:
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


def update_registration(
    session: Session,
    event: Event,
    registration: Registration,
    status: RegistrationStatus | None,
    participant_type: ParticipantType | None,
) -> Registration:
    """Change the participant type, the status, or both."""
    if participant_type is not None:
        registration.participant_type = participant_type
    if status is not None:
        return set_registration_status(session, event, registration, status)
    session.flush()
    return registration


def set_registration_status(
    session: Session, event: Event, registration: Registration, status: RegistrationStatus
) -> Registration:
    if status is RegistrationStatus.waitlisted:
        raise invalid(
            "status",
            "status kan ikke sættes til waitlisted: man kommer på ventelisten ved at tilmelde "
            "sig et fuldt arrangement",
        )
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
        raise ConflictError(
            "Ikke tilmeldt arrangementet (eller på ventelisten eller afmeldt): person-id "
            f"{', '.join(map(str, not_registered))}. Tilmeld dem først.",
            errors=[
                {"field": f"person_ids[{person_ids.index(pid)}]", "message": "ikke tilmeldt"}
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
