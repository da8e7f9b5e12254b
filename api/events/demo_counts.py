"""How much demo data there is, and its removal: every demo row with what belongs to it, and
nothing else."""

from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.audit import record
from api.contacts.models import Company, Person
from api.events.models import Event, Registration
from api.kit.errors import ConflictError


@dataclass
class DemoCounts:
    events: int
    companies: int
    people: int
    registrations: int = 0  # counted when removed

    @property
    def present(self) -> bool:
        return bool(self.events or self.companies or self.people)


def demo_counts(session: Session) -> DemoCounts:
    """How many demo events, companies and people there are, in one statement."""

    def count(model: type[Event | Company | Person]) -> Any:
        return select(func.count()).select_from(model).where(model.is_demo.is_(True))

    events, companies, people = session.execute(
        select(
            count(Event).scalar_subquery(),
            count(Company).scalar_subquery(),
            count(Person).scalar_subquery(),
        )
    ).one()
    return DemoCounts(events, companies, people)


def remove_demo(session: Session) -> DemoCounts:
    """Delete every demo row, with the registrations, sessions and links that belong to its
    events and people, and nothing else; audited once, with the counts."""
    counts = demo_counts(session)
    if not counts.present:
        return counts
    # In bulk, not row by row: a demo set has thousands of rows, and each would be audited.
    demo_events = select(Event.id).where(Event.is_demo.is_(True))
    demo_people = select(Person.id).where(Person.is_demo.is_(True))
    bulk = {"synchronize_session": False}
    try:
        with session.begin_nested():
            removed = session.execute(
                delete(Registration).where(
                    or_(
                        Registration.event_id.in_(demo_events),
                        Registration.person_id.in_(demo_people),
                    )
                ),
                execution_options=bulk,
            )
            # An event's sessions, initiatives and organisers go with it (ON DELETE CASCADE).
            for model in (Event, Person, Company):
                session.execute(
                    delete(model).where(model.is_demo.is_(True)), execution_options=bulk
                )
    except IntegrityError:
        # Real data that must not lose its row points at a demo row (a grant at a demo company).
        raise ConflictError(
            "Demodata kan ikke fjernes: andre data peger på en demo-virksomhed (fx et tilskud "
            "fra en import). Ret eller slet dem først. Intet blev slettet."
        ) from None
    counts.registrations = cast(CursorResult[Any], removed).rowcount  # a DELETE's result
    session.expire_all()  # loaded objects may be rows that are gone now
    record(session, "demo_data", "-", "remove", asdict(counts))
    return counts
