"""Request and response models of events, registrations and a person's data export."""

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.auth.permissions import ActorKind
from api.contacts.cvr import Cvr
from api.contacts.schemas import PersonFields, PersonRead
from api.events.enums import EventKind, EventStatus, ParticipantType, RegistrationStatus
from api.goals.schemas import GOAL_KEY_PATTERN
from api.kit.common import Id, RequestBody, Schema, UtcDateTime


class EventSeriesCreate(RequestBody):
    name: str = Field(
        min_length=1, max_length=200, description="Unique display name, e.g. 'Klimaugen 2026'."
    )
    key: str | None = Field(
        default=None,
        pattern=GOAL_KEY_PATTERN,
        max_length=100,
        description="Stable key goals bind to (metric_params.series); made from the name "
        "when left out ('Klimaugen 2026' → 'klimaugen-2026'). It never changes.",
    )
    description: str | None = None


class EventSeriesUpdate(RequestBody):
    """The name and description; the key stays, so goals bound to it keep counting."""

    model_config = ConfigDict(extra="forbid")
    not_null = frozenset({"name"})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None


class EventSeriesRead(Schema):
    id: int
    key: str
    name: str
    description: str | None
    events: int = Field(default=0, description="How many events belong to the series.")
    updated_at: datetime


class SessionIn(RequestBody):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    starts_at: UtcDateTime
    ends_at: UtcDateTime
    location: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.ends_at < self.starts_at:
            raise ValueError(
                "ends_at er før starts_at: en session kan ikke slutte, før den begynder"
            )
        return self


class EventFields(RequestBody):
    kind: EventKind
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    location: str | None = Field(default=None, max_length=300)
    status: EventStatus = EventStatus.planned
    capacity: int | None = Field(default=None, ge=1)
    expected_participants: int | None = Field(
        default=None,
        ge=0,
        description="How many are expected to come, for the goals' trajectories; the "
        "capacity where left out.",
    )
    series_id: Id | None = Field(
        default=None, description="The event series (GET /event-series), e.g. Klimaugen 2026."
    )
    headcount: int | None = Field(
        default=None, ge=0, description="Everyone counted at the door, registered or not."
    )
    headcount_pupils: int | None = Field(
        default=None,
        ge=0,
        description="Of the door count, how many were pupils (elever); needs headcount.",
    )
    headcount_companies: int | None = Field(
        default=None, ge=0, description="Companies counted at the door."
    )
    visited_company_id: Id | None = Field(
        default=None, description="For a company visit: the company visited."
    )
    mayor_present: bool = Field(default=False, description="For a company visit.")
    tentative: bool = Field(
        default=False, description="The date is not fixed yet; the times span the period."
    )
    initiative_ids: list[Id] = Field(default_factory=list)
    organizer_ids: list[Id] = Field(default_factory=list)
    sessions: list[SessionIn] = Field(default_factory=list)


class EventCreate(EventFields):
    # The rules between fields that JSON Schema can state; the order of the times and the
    # pupils counted within the door count it cannot.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"properties": {"kind": {"const": EventKind.company_visit.value}}},
                {
                    "properties": {
                        "visited_company_id": {"type": "null"},
                        "mayor_present": {"const": False},
                    }
                },
            ]
        }
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_event(self)
        return self


class EventUpdate(RequestBody):
    """Any subset of an event's fields; the merged event must still be consistent."""

    model_config = ConfigDict(extra="forbid")
    not_null = frozenset(
        {
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "status",
            "mayor_present",
            "tentative",
            "initiative_ids",
            "organizer_ids",
            "sessions",
        }
    )

    kind: EventKind | None = None
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = None
    starts_at: UtcDateTime | None = None
    ends_at: UtcDateTime | None = None
    location: str | None = Field(default=None, max_length=300)
    status: EventStatus | None = None
    capacity: int | None = Field(default=None, ge=1)
    expected_participants: int | None = Field(default=None, ge=0)
    series_id: Id | None = None
    headcount: int | None = Field(default=None, ge=0)
    headcount_pupils: int | None = Field(default=None, ge=0)
    headcount_companies: int | None = Field(default=None, ge=0)
    visited_company_id: Id | None = None
    mayor_present: bool | None = None
    tentative: bool | None = None
    initiative_ids: list[Id] | None = None
    organizer_ids: list[Id] | None = None
    sessions: list[SessionIn] | None = None


def check_event(event: EventFields) -> None:
    """The rules of a consistent event, for create and for the merged update alike."""
    if event.ends_at < event.starts_at:
        raise ValueError(
            "ends_at er før starts_at: et arrangement kan ikke slutte, før det begynder"
        )
    if event.kind is not EventKind.company_visit and (
        event.visited_company_id is not None or event.mayor_present
    ):
        raise ValueError(
            "visited_company_id og mayor_present gælder kun virksomhedsbesøg (kind company_visit)"
        )
    if event.headcount_pupils is not None and (
        event.headcount is None or event.headcount_pupils > event.headcount
    ):
        raise ValueError(
            "headcount_pupils: eleverne er en del af optællingen ved døren, så antallet kan ikke "
            "være større end headcount (og kræver at headcount er udfyldt)"
        )


class EventCounts(BaseModel):
    registered: int
    waitlisted: int
    attended: int
    no_show: int
    cancelled: int
    participants: int = Field(
        description="Who came: attended registrations, or the door count where larger."
    )


class EventRead(Schema):
    id: int
    kind: EventKind
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    location: str | None
    status: EventStatus
    capacity: int | None
    expected_participants: int | None
    series_id: int | None
    series: str | None = Field(description="The series' name (read-only; set series_id).")
    headcount: int | None
    headcount_pupils: int | None
    headcount_companies: int | None
    visited_company_id: int | None
    mayor_present: bool
    tentative: bool
    plan_key: str | None = Field(description="Set for an event the plan itself states.")
    is_demo: bool = Field(description="Demo data (`erhverv load-demo`): shown, never counted.")
    initiative_ids: list[int]
    organizer_ids: list[int]
    sessions: list[SessionIn]
    counts: EventCounts
    updated_at: datetime


def _given(name: str) -> dict[str, Any]:
    """JSON Schema: the field is there, and not null."""
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


class RegistrationCreate(RequestBody):
    """Register an existing person, or a new one given by name (and e-mail, company CVR)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"oneOf": [_given("person_id"), _given("person")]}
    )

    person_id: Id | None = None
    person: PersonFields | None = None
    company_cvr: Cvr | None = Field(
        default=None, description="The person's company; created if new (give company_name)."
    )
    company_name: str | None = Field(default=None, max_length=300)
    waitlist: bool = Field(
        default=False, description="When the event is full, join the waiting list."
    )
    participant_type: ParticipantType = Field(
        default=ParticipantType.company_representative,
        description="Who the participant is; a goal can count only some types.",
    )

    @model_validator(mode="after")
    def _who(self) -> Self:
        if (self.person_id is None) == (self.person is None):
            raise ValueError(
                "angiv enten person_id (en kendt person) eller person (en ny), ikke begge"
            )
        return self


class RegistrationRead(Schema):
    id: int
    event_id: int
    person_id: int
    status: RegistrationStatus
    participant_type: ParticipantType
    registered_at: datetime
    checked_in_at: datetime | None
    waitlist_position: int | None = None


class RegistrationDetail(RegistrationRead):
    """With the person: personal data, for editors and admins."""

    person: PersonRead


class Participation(Schema):
    """A registration with its event: a row of a person's or a company's participation."""

    event: EventRead
    registration: RegistrationDetail


class RegistrationUpdate(RequestBody):
    """The status, the participant type, or both."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"anyOf": [_given("status"), _given("participant_type")]},
    )

    status: RegistrationStatus | None = Field(
        default=None,
        description="Not waitlisted: the waiting list is joined by registering.",
        json_schema_extra={"not": {"const": RegistrationStatus.waitlisted.value}},
    )
    participant_type: ParticipantType | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.status is None and self.participant_type is None:
            raise ValueError("angiv status, participant_type eller begge")
        return self


class CheckIn(RequestBody):
    person_ids: list[Id] = Field(min_length=1, max_length=1000)


class CheckInResult(BaseModel):
    checked_in: list[int] = Field(description="Registration ids now marked attended.")
    already: list[int] = Field(description="Registration ids that were attended already.")


class DemoStatus(BaseModel):
    """Whether demo data is loaded, for the app's banner; demo data never counts."""

    present: bool
    events: int
    companies: int
    people: int


# What GET /people/{id}/export gives: everything held about one person.


class ExportPerson(Schema):
    id: int
    name: str | None
    email: str | None
    phone: str | None
    company_id: int | None
    anonymised_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ExportCompany(Schema):
    id: int
    cvr: str
    name: str


class ExportEvent(Schema):
    id: int
    title: str
    kind: EventKind
    starts_at: datetime
    status: EventStatus


class ExportRegistration(Schema):
    id: int
    status: RegistrationStatus
    participant_type: ParticipantType
    registered_at: datetime
    checked_in_at: datetime | None
    event: ExportEvent


class ExportAuditEntry(Schema):
    at: datetime
    actor_kind: ActorKind
    actor_name: str
    action: str
    changes: dict[str, Any]


class PersonExport(Schema):
    """Everything held about one person (GDPR art. 15)."""

    generated_at: datetime
    person: ExportPerson
    company: ExportCompany | None
    registrations: list[ExportRegistration]
    audit: list[ExportAuditEntry]
