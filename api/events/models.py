"""Event series, events (with sessions, initiatives and organisers) and
registrations."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.contacts.models import Company, Person
from api.events.enums import EventKind, EventStatus, ParticipantType, RegistrationStatus
from api.kit.db import Base, Timestamped, UTCDateTime, db_enum, utcnow

if TYPE_CHECKING:
    from api.plans.models import Initiative, Organization


class EventSeries(Base, Timestamped):
    """A recurring series of events ("Klimaugen 2026"), chosen from a list, never typed.

    Goals bind to a series by its `key` (stable, readable in the plan file); events by its id,
    so renaming a series changes no figure.
    """

    __tablename__ = "event_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


event_initiatives = Table(
    "event_initiatives",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("initiative_id", ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True),
)

event_organizers = Table(
    "event_organizers",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
)


class Event(Base, Timestamped):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_starts_at_kind", "starts_at", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(db_enum(EventKind, "event_kind"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[EventStatus] = mapped_column(
        db_enum(EventStatus, "event_status"), default=EventStatus.planned
    )
    capacity: Mapped[int | None]
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_series.id", ondelete="SET NULL"), index=True
    )
    # Counted at the door: everyone present, registered or not; of them how many pupils (the
    # one type a door count tells apart); and how many companies.
    headcount: Mapped[int | None]
    headcount_pupils: Mapped[int | None]
    headcount_companies: Mapped[int | None]
    # For company visits: the company visited and whether the mayor took part.
    visited_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL")
    )
    mayor_present: Mapped[bool] = mapped_column(default=False)
    # Set for events the plan file states; the plan file finds them again by it.
    plan_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    # The date is not fixed yet (the plan says "maj 2026"): starts_at/ends_at span the month.
    tentative: Mapped[bool] = mapped_column(default=False, server_default=false())
    # What staff expect to come, for the goal's trajectory; the capacity where not set.
    expected_participants: Mapped[int | None]
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column()

    initiatives: Mapped[list["Initiative"]] = relationship(secondary=event_initiatives)
    organizers: Mapped[list["Organization"]] = relationship(secondary=event_organizers)
    sessions: Mapped[list["EventSession"]] = relationship(
        order_by="EventSession.starts_at", cascade="all, delete-orphan", passive_deletes=True
    )
    visited_company: Mapped[Company | None] = relationship()
    series: Mapped[EventSeries | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def initiative_ids(self) -> list[int]:
        return [i.id for i in self.initiatives]

    @property
    def organizer_ids(self) -> list[int]:
        return [o.id for o in self.organizers]


class EventSession(Base):
    """One meeting of a course that runs over several sessions."""

    __tablename__ = "event_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(300))


class Registration(Base, Timestamped):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),
        Index("ix_registrations_event_id_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        db_enum(RegistrationStatus, "registration_status")
    )
    participant_type: Mapped[ParticipantType] = mapped_column(
        db_enum(ParticipantType, "participant_type", length=30),
        default=ParticipantType.company_representative,
        server_default=ParticipantType.company_representative.value,
    )
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
    event: Mapped[Event] = relationship()
