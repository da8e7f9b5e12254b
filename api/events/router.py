"""HTTP layer of events: companies, people, events, registrations and check-in."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.auth.deps import requires
from api.auth.permissions import Scope
from api.common import (
    Id,
    IfMatch,
    IsoDateTime,
    OptionalIfMatch,
    Page,
    PageDep,
    QueryText,
    change_if_match,
    check_if_match,
    created,
    paginate,
    set_etag,
)
from api.db import SessionDep
from api.events import contacts, demo, registrations
from api.events import service as svc
from api.events.enums import EventKind, EventStatus, RegistrationStatus
from api.events.models import Company, Event, Person
from api.events.schemas import (
    CheckIn,
    CheckInResult,
    CompanyCreate,
    CompanyRead,
    CompanyUpdate,
    DemoStatus,
    EventCreate,
    EventRead,
    EventUpdate,
    Participation,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    RegistrationCreate,
    RegistrationDetail,
    RegistrationUpdate,
)

router = APIRouter(tags=["events"])


@router.get("/companies", response_model=Page[CompanyRead], dependencies=[requires(Scope.read)])
def list_companies(
    session: SessionDep,
    page: PageDep,
    search: Annotated[QueryText | None, Query(description="Part of the name or CVR.")] = None,
) -> dict:
    """List companies by name."""
    return paginate(session, contacts.list_companies_query(search), page, Company.updated_at)


@router.post(
    "/companies",
    status_code=status.HTTP_201_CREATED,
    response_model=CompanyRead,
    dependencies=[requires(Scope.write)],
)
def create_company(session: SessionDep, data: CompanyCreate, response: Response) -> object:
    """Add a company by its CVR number (validated; a CVR is registered once)."""
    company = contacts.create_company(session, data)
    created(response, f"/api/v1/companies/{company.id}", company.version)
    return company


@router.get(
    "/companies/{company_id}", response_model=CompanyRead, dependencies=[requires(Scope.read)]
)
def get_company(session: SessionDep, company_id: Id, response: Response) -> object:
    """Get one company."""
    company = contacts.get_company(session, company_id)
    set_etag(response, company.version)
    return company


@router.patch(
    "/companies/{company_id}", response_model=CompanyRead, dependencies=[requires(Scope.write)]
)
def update_company(
    session: SessionDep,
    company_id: Id,
    data: CompanyUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> object:
    """Change a company's details (If-Match required; the CVR number stays)."""
    company = contacts.get_company(session, company_id)
    change_if_match(
        response, if_match, company, lambda: contacts.update_company(session, company, data)
    )
    return company


@router.get(
    "/people", response_model=Page[PersonRead], dependencies=[requires(Scope.personal_read)]
)
def list_people(
    session: SessionDep,
    page: PageDep,
    search: Annotated[QueryText | None, Query(description="Part of the name or e-mail.")] = None,
) -> dict:
    """List people (personal data: editors and admins)."""
    return paginate(session, contacts.list_people_query(search), page, Person.updated_at)


@router.post(
    "/people",
    status_code=status.HTTP_201_CREATED,
    response_model=PersonRead,
    dependencies=[requires(Scope.write), requires(Scope.personal_read)],
)
def create_person(session: SessionDep, data: PersonCreate, response: Response) -> object:
    """Add a person."""
    person = contacts.create_person(session, data)
    created(response, f"/api/v1/people/{person.id}", person.version)
    return person


@router.get(
    "/people/{person_id}/registrations",
    response_model=Page[Participation],
    dependencies=[requires(Scope.personal_read)],
)
def list_person_registrations(session: SessionDep, person_id: Id, page: PageDep) -> dict:
    """The person's registrations, each with its event, newest event first (personal data)."""
    contacts.get_person(session, person_id)  # 404 for no such person
    body = paginate(session, svc.participation_query(person_id=person_id), page)
    return body | {"items": svc.participation_items(session, body["items"])}


@router.get(
    "/companies/{company_id}/registrations",
    response_model=Page[Participation],
    dependencies=[requires(Scope.personal_read)],
)
def list_company_registrations(session: SessionDep, company_id: Id, page: PageDep) -> dict:
    """The registrations of the company's people, each with its event, newest event first
    (personal data)."""
    contacts.get_company(session, company_id)  # 404 for no such company
    body = paginate(session, svc.participation_query(company_id=company_id), page)
    return body | {"items": svc.participation_items(session, body["items"])}


@router.get(
    "/people/{person_id}", response_model=PersonRead, dependencies=[requires(Scope.personal_read)]
)
def get_person(session: SessionDep, person_id: Id, response: Response) -> object:
    """Get one person (personal data)."""
    person = contacts.get_person(session, person_id)
    set_etag(response, person.version)
    return person


@router.patch(
    "/people/{person_id}",
    response_model=PersonRead,
    dependencies=[requires(Scope.write), requires(Scope.personal_read)],
)
def update_person(
    session: SessionDep,
    person_id: Id,
    data: PersonUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> object:
    """Change a person's details (If-Match required)."""
    person = contacts.get_person(session, person_id)
    change_if_match(
        response, if_match, person, lambda: contacts.update_person(session, person, data)
    )
    return person


@router.get("/events", response_model=Page[EventRead], dependencies=[requires(Scope.read)])
def list_events(
    session: SessionDep,
    page: PageDep,
    kind: EventKind | None = None,
    status: EventStatus | None = None,
    series_id: Annotated[Id | None, Query(description="Events of this series.")] = None,
    initiative_id: Id | None = None,
    starts_from: Annotated[IsoDateTime | None, Query(description="Starting at or after.")] = None,
    starts_before: Annotated[IsoDateTime | None, Query(description="Starting before.")] = None,
    visited_company_id: Annotated[
        Id | None, Query(description="Events that were visits to this company.")
    ] = None,
) -> dict:
    """List events by start time, with their registration counts (no personal data)."""
    query = svc.list_events_query(
        kind=kind,
        status=status,
        series_id=series_id,
        initiative_id=initiative_id,
        starts_from=starts_from,
        starts_before=starts_before,
        visited_company_id=visited_company_id,
    )
    body = paginate(session, query, page, Event.updated_at)
    counts = svc.registration_counts(session, [e.id for e in body["items"]])
    body["items"] = [svc.event_read(e, counts[e.id]) for e in body["items"]]
    return body


@router.post(
    "/events",
    status_code=status.HTTP_201_CREATED,
    response_model=EventRead,
    dependencies=[requires(Scope.write)],
)
def create_event(session: SessionDep, data: EventCreate, response: Response) -> dict:
    """Create an event."""
    event = svc.create_event(session, data)
    created(response, f"/api/v1/events/{event.id}", event.version)
    return svc.event_read(event, svc.registration_counts(session, [event.id])[event.id])


@router.get("/events/{event_id}", response_model=EventRead, dependencies=[requires(Scope.read)])
def get_event(session: SessionDep, event_id: Id, response: Response) -> dict:
    """Get one event with its registration counts."""
    event = svc.get_event(session, event_id)
    set_etag(response, event.version)
    return svc.event_read(event, svc.registration_counts(session, [event.id])[event.id])


@router.patch("/events/{event_id}", response_model=EventRead, dependencies=[requires(Scope.write)])
def update_event(
    session: SessionDep,
    event_id: Id,
    data: EventUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> dict:
    """Change an event (If-Match required); more capacity moves the waiting list up."""
    event = svc.get_event(session, event_id)
    change_if_match(response, if_match, event, lambda: svc.update_event(session, event, data))
    return svc.event_read(event, svc.registration_counts(session, [event.id])[event.id])


@router.delete(
    "/events/{event_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[requires(Scope.write)],
)
def delete_event(session: SessionDep, event_id: Id) -> None:
    """Delete an event with its registrations (to call one off, set status cancelled)."""
    svc.delete_event(session, svc.get_event(session, event_id))


@router.get(
    "/events/{event_id}/registrations",
    response_model=Page[RegistrationDetail],
    dependencies=[requires(Scope.personal_read)],
)
def list_registrations(
    session: SessionDep,
    event_id: Id,
    page: PageDep,
    status: RegistrationStatus | None = None,
) -> dict:
    """The event's registrations with the people (personal data), in order of registering."""
    event = svc.get_event(session, event_id)
    body = paginate(session, registrations.list_registrations_query(event, status), page)
    places = registrations.waitlist_positions(session, event)
    body["items"] = [
        RegistrationDetail.model_validate(r).model_copy(
            update={"waitlist_position": places.get(r.id)}
        )
        for r in body["items"]
    ]
    return body


@router.post(
    "/events/{event_id}/registrations",
    status_code=status.HTTP_201_CREATED,
    response_model=RegistrationDetail,
    responses={200: {"description": "Already registered: the existing registration."}},
    dependencies=[requires(Scope.write), requires(Scope.personal_read)],
)
def register(
    session: SessionDep, event_id: Id, data: RegistrationCreate, response: Response
) -> RegistrationDetail:
    """Register a person; the same person again returns the existing registration (200)."""
    event = svc.get_event(session, event_id)
    registration, is_new = registrations.register(session, event, data)
    if not is_new:
        response.status_code = status.HTTP_200_OK
    created(response, f"/api/v1/events/{event.id}/registrations/{registration.id}")
    places = registrations.waitlist_positions(session, event)
    return RegistrationDetail.model_validate(registration).model_copy(
        update={"waitlist_position": places.get(registration.id)}
    )


@router.patch(
    # :int, so that ".../registrations/import" is no registration (405 there, not 422).
    "/events/{event_id}/registrations/{registration_id:int}",
    response_model=RegistrationDetail,
    dependencies=[requires(Scope.write), requires(Scope.personal_read)],
)
def update_registration(
    session: SessionDep, event_id: Id, registration_id: Id, data: RegistrationUpdate
) -> object:
    """Mark attended, no-show or cancelled (a freed seat goes to the waiting list's first),
    or set the participant type."""
    event = svc.get_event(session, event_id)
    registration = registrations.get_registration(session, event, registration_id)
    return registrations.update_registration(
        session, event, registration, data.status, data.participant_type
    )


@router.post(
    "/events/{event_id}/check-in",
    response_model=CheckInResult,
    dependencies=[requires(Scope.write)],
)
def check_in(session: SessionDep, event_id: Id, data: CheckIn) -> CheckInResult:
    """Check people in at the door, one or many; all or nothing."""
    event = svc.get_event(session, event_id)
    checked, already = registrations.check_in(session, event, data.person_ids)
    return CheckInResult(checked_in=checked, already=already)


@router.post(
    "/events/{event_id}/mark-held", response_model=EventRead, dependencies=[requires(Scope.write)]
)
def mark_held(
    session: SessionDep, event_id: Id, response: Response, if_match: OptionalIfMatch = None
) -> dict:
    """Record a started event as held; registrations still only registered become no-shows
    (If-Match is checked when sent)."""
    event = svc.get_event(session, event_id)
    if if_match is not None:
        check_if_match(if_match, event.version)
    svc.mark_held(session, event)
    set_etag(response, event.version)
    return svc.event_read(event, svc.registration_counts(session, [event.id])[event.id])


@router.get("/demo", response_model=DemoStatus, dependencies=[requires(Scope.read)])
def get_demo_status(session: SessionDep) -> DemoStatus:
    """Whether demo data (never counted) is loaded, and how much, for the app's banner."""
    counts = demo.demo_counts(session)
    return DemoStatus(
        present=counts.present,
        events=counts.events,
        companies=counts.companies,
        people=counts.people,
    )
