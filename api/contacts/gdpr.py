"""GDPR: erasing a person by anonymising (their audit trail masked too), and the purge of
people with no activity for a number of months."""

from calendar import monthrange
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from api.auth.audit import record
from api.auth.models import AuditEntry
from api.contacts.models import Person
from api.kit.db import utcnow
from api.kit.errors import ConflictError, InvalidInputError

PERSONAL_FIELDS = frozenset({"name", "email", "phone"})
MASK = "***"
ENTITY = Person.__tablename__


def audit_query(person_id: int) -> Select[AuditEntry]:
    return (
        select(AuditEntry)
        .where(AuditEntry.entity == ENTITY, AuditEntry.entity_id == str(person_id))
        .order_by(AuditEntry.at, AuditEntry.id)
    )


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
    query = audit_query(person_id).execution_options(populate_existing=True)
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


# Other domains that hold a person's activity (events: registrations) add a condition here:
# given the cutoff, a clause true for a person with activity since then. Explicit, from the
# domain's own module, so contacts never imports them (api.events.personal_data).
ActivitySince = Callable[[datetime], ColumnElement[bool]]
ACTIVITY: list[ActivitySince] = []


def counts_as_activity(condition: ActivitySince) -> ActivitySince:
    """Register a condition of recent activity that keeps a person from being purged."""
    ACTIVITY.append(condition)
    return condition


def inactive_people_query(cutoff: datetime) -> Select[Person]:
    """People not erased with no activity (a change, or any registered domain's) since cutoff."""
    return (
        select(Person)
        .where(
            Person.anonymised_at.is_(None),
            Person.created_at < cutoff,
            Person.updated_at < cutoff,
            *(~condition(cutoff) for condition in ACTIVITY),
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
