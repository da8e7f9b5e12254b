"""GDPR: export everything held about a person, erase (anonymise) them, purge the inactive.

Erasure anonymises rather than deletes: the registrations stay, so every event keeps its counts,
and so does the person's company link (business data, not personal), so company figures stay.
The audit log keeps that a change happened, not the personal values: every audit entry about the
person gets its name, e-mail and phone masked, in the same transaction as the erasure, so the
clear values the flush listener writes for the erasing update never reach a commit.
"""

from calendar import monthrange
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from api.auth.audit import record
from api.auth.models import AuditEntry
from api.db import utcnow
from api.errors import ConflictError, InvalidInputError
from api.events.models import Event, Person, Registration

PERSONAL_FIELDS = frozenset({"name", "email", "phone"})
MASK = "***"
ENTITY = Person.__tablename__


# ------------------------------------------------------------------------------- export


def export_person(session: Session, person: Person) -> dict[str, Any]:
    """Everything held about a person; that it was exported, and by whom, is audited."""
    export = {
        "generated_at": utcnow(),
        "person": {
            name: getattr(person, name)
            for name in (
                "id",
                "name",
                "email",
                "phone",
                "company_id",
                "anonymised_at",
                "created_at",
                "updated_at",
            )
        },
        "company": (
            {"id": person.company.id, "cvr": person.company.cvr, "name": person.company.name}
            if person.company
            else None
        ),
        "registrations": _registrations(session, person),
        "audit": _audit_entries(session, person),
    }
    record(session, ENTITY, str(person.id), "export")
    session.flush()
    return export


def _registrations(session: Session, person: Person) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Registration)
        .where(Registration.person_id == person.id)
        .options(selectinload(Registration.event))
        .order_by(Registration.registered_at, Registration.id)
    )
    return [
        {
            "id": r.id,
            "status": r.status,
            "participant_type": r.participant_type,
            "registered_at": r.registered_at,
            "checked_in_at": r.checked_in_at,
            "event": {
                "id": r.event.id,
                "title": r.event.title,
                "kind": r.event.kind,
                "starts_at": r.event.starts_at,
                "status": r.event.status,
            },
        }
        for r in rows
    ]


def _audit_query(person_id: int) -> Select[tuple[AuditEntry]]:
    return (
        select(AuditEntry)
        .where(AuditEntry.entity == ENTITY, AuditEntry.entity_id == str(person_id))
        .order_by(AuditEntry.at, AuditEntry.id)
    )


def _audit_entries(session: Session, person: Person) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "actor_kind": e.actor_kind,
            "actor_name": e.actor_name,
            "action": e.action,
            "changes": e.changes,
        }
        for e in session.scalars(_audit_query(person.id))
    ]


# -------------------------------------------------------------------------------- erase


def erase_person(session: Session, person: Person, reason: str = "request") -> Person:
    """Anonymise a person: name and contact data go; registrations, and so counts, stay."""
    if person.anonymised_at is not None:
        raise ConflictError(
            f"Person {person.id} was already erased on {person.anonymised_at:%Y-%m-%d}."
        )
    person.name = person.email = person.phone = None
    person.anonymised_at = utcnow()
    session.flush()  # the listener audits this update with the old values in clear …
    mask_audit(session, person.id)  # … so they are masked before anything can commit
    record(session, ENTITY, str(person.id), "erase", {"reason": reason})
    session.flush()
    return person


def mask_audit(session: Session, person_id: int) -> int:
    """Mask the personal values in every audit entry about a person; returns how many changed."""
    # populate_existing: an entry loaded earlier in this session must not hide the stored one.
    query = _audit_query(person_id).execution_options(populate_existing=True)
    changed = 0
    for entry in session.scalars(query):
        masked = _masked(entry.changes)
        if masked != entry.changes:
            entry.changes = masked  # a new dict: the JSON column does not track mutation
            changed += 1
    session.flush()
    return changed


def _masked(changes: dict[str, Any]) -> dict[str, Any]:
    """The same changes with each personal value replaced by the mask; a None stays None."""
    return {
        field: (
            [None if value is None else MASK for value in values]
            if field in PERSONAL_FIELDS and isinstance(values, list)
            else values
        )
        for field, values in changes.items()
    }


# -------------------------------------------------------------------------------- purge


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to that month's last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month0 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def inactive_people_query(cutoff: datetime) -> Select[tuple[Person]]:
    """People not erased with no activity (a change, a registration, an event) since cutoff."""
    recent = (
        select(Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.person_id == Person.id)
        .where(or_(Registration.registered_at >= cutoff, Event.starts_at >= cutoff))
    )
    return (
        select(Person)
        .where(
            Person.anonymised_at.is_(None),
            Person.created_at < cutoff,
            Person.updated_at < cutoff,
            ~recent.exists(),
        )
        .order_by(Person.id)
    )


def purge_inactive(
    session: Session, months: int, today: date, *, dry_run: bool = False
) -> list[int]:
    """Erase everyone with no activity in the `months` months before `today`; their ids."""
    if months < 1:
        raise InvalidInputError(
            f"inactive months must be at least 1, not {months}",
            errors=[{"field": "months", "message": "must be at least 1"}],
        )
    since = months_before(today, months)
    people = list(session.scalars(inactive_people_query(datetime.combine(since, time.min, UTC))))
    if not dry_run:
        reason = f"purge: no activity since {since.isoformat()} ({months} months)"
        for person in people:
            erase_person(session, person, reason)
    return [person.id for person in people]
