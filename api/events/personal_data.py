"""A person's data held by events: their registrations in the data export, and registrations
and events as activity that keeps a person from the purge (api.contacts.gdpr)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, selectinload

from api.auth.audit import record
from api.contacts.gdpr import ENTITY, audit_query, counts_as_activity
from api.contacts.models import Person
from api.events.models import Event, Registration
from api.kit.db import utcnow


@counts_as_activity
def registered_since(cutoff: datetime) -> ColumnElement[bool]:
    """A registration made, or an event of theirs held, since the cutoff."""
    return (
        select(Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.person_id == Person.id)
        .where(or_(Registration.registered_at >= cutoff, Event.starts_at >= cutoff))
        .exists()
    )


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


def _audit_entries(session: Session, person: Person) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "actor_kind": e.actor_kind,
            "actor_name": e.actor_name,
            "action": e.action,
            "changes": e.changes,
        }
        for e in session.scalars(audit_query(person.id))
    ]
