"""HTTP layer of events: events, registrations and check-in, and a person's and a company's
registrations and a person's data export."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

import api.contacts.service as contacts
import api.kit.imports as imports
from api.auth.deps import requires
from api.auth.permissions import Scope
from api.events import participant_export as export
from api.events import personal_data, registrations
from api.events import service as svc
from api.events import signup_import as signups
from api.events.demo_counts import demo_counts
from api.events.deps import EventDep
from api.events.enums import EventKind, EventStatus, RegistrationStatus
from api.events.models import Event, Registration
from api.events.schemas import (
    CheckIn,
    CheckInResult,
    DemoStatus,
    EventCreate,
    EventRead,
    EventUpdate,
    Participation,
    PersonExport,
    RegistrationCreate,
    RegistrationDetail,
    RegistrationUpdate,
)
from api.kit.common import Id, IsoDateTime
from api.kit.db import SessionDep, WritingSessionDep
from api.kit.etags import (
    IfMatch,
    OptionalIfMatch,
    change_if_match,
    check_if_match,
    created,
    set_etag,
)
from api.kit.paging import Page, PageDep, paginate
from api.kit.tabular import XLSX_CONTENT_TYPE

router = APIRouter(tags=["events"])


@router.get(
    "/people/{person_id}/registrations",
    response_model=Page[Participation],
    dependencies=[requires(Scope.personal_read)],
)
def list_person_registrations(session: SessionDep, person_id: Id, page: PageDep) -> dict[str, Any]:
    """The person's registrations, each with its event, newest event first (personal data)."""
    contacts.get_person(session, person_id)  # 404 for no such person
    body = paginate(session, svc.participation_query(person_id=person_id), page)
    return body | {"items": svc.participation_items(session, body["items"])}


@router.get(
    "/companies/{company_id}/registrations",
    response_model=Page[Participation],
    dependencies=[requires(Scope.personal_read)],
)
def list_company_registrations(
    session: SessionDep, company_id: Id, page: PageDep
) -> dict[str, Any]:
    """The registrations of the company's people, each with its event, newest event first
    (personal data)."""
    contacts.get_company(session, company_id)  # 404 for no such company
    body = paginate(session, svc.participation_query(company_id=company_id), page)
    return body | {"items": svc.participation_items(session, body["items"])}


@router.get(
    "/people/{person_id}/export",
    response_model=PersonExport,
    dependencies=[requires(Scope.personal_read)],
)
def export_person(session: WritingSessionDep, person_id: Id, response: Response) -> dict[str, Any]:
    """Everything held about a person, as a JSON download; the export is audited."""
    person = contacts.get_person(session, person_id)
    response.headers["Content-Disposition"] = f'attachment; filename="person-{person.id}.json"'
    return personal_data.export_person(session, person)


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
) -> dict[str, Any]:
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
def create_event(session: SessionDep, data: EventCreate, response: Response) -> dict[str, Any]:
    """Create an event."""
    event = svc.create_event(session, data)
    created(response, f"/api/v1/events/{event.id}", event.version)
    return svc.event_with_counts(session, event)


@router.get("/events/{event_id}", response_model=EventRead, dependencies=[requires(Scope.read)])
def get_event(session: SessionDep, event: EventDep, response: Response) -> dict[str, Any]:
    """Get one event with its registration counts."""
    set_etag(response, event.version)
    return svc.event_with_counts(session, event)


@router.patch("/events/{event_id}", response_model=EventRead, dependencies=[requires(Scope.write)])
def update_event(
    session: SessionDep,
    event_id: Id,
    data: EventUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Change an event (If-Match required); more capacity moves the waiting list up."""
    event = svc.get_event(session, event_id)
    change_if_match(response, if_match, event, lambda: svc.update_event(session, event, data))
    return svc.event_with_counts(session, event)


@router.delete(
    "/events/{event_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[requires(Scope.write)],
)
def delete_event(session: SessionDep, event: EventDep) -> None:
    """Delete an event with its registrations (to call one off, set status cancelled)."""
    svc.delete_event(session, event)


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
) -> dict[str, Any]:
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
) -> Registration:
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
    session: SessionDep, event: EventDep, response: Response, if_match: OptionalIfMatch = None
) -> dict[str, Any]:
    """Record a started event as held; registrations still only registered become no-shows
    (If-Match is checked when sent)."""
    if if_match is not None:
        check_if_match(if_match, event.version)
    svc.mark_held(session, event)
    set_etag(response, event.version)
    return svc.event_with_counts(session, event)


@router.get("/demo", response_model=DemoStatus, dependencies=[requires(Scope.read)])
def get_demo_status(session: SessionDep) -> DemoStatus:
    """Whether demo data (never counted) is loaded, and how much, for the app's banner."""
    counts = demo_counts(session)
    return DemoStatus(
        present=counts.present,
        events=counts.events,
        companies=counts.companies,
        people=counts.people,
    )


_PROBLEM = {"description": "Problem", "content": {"application/problem+json": {}}}


class CSVResponse(Response):
    media_type = "text/csv"


class XLSXResponse(Response):
    media_type = XLSX_CONTENT_TYPE


def _binary(media_type: str, description: str) -> dict[int | str, dict[str, object]]:
    schema = {"type": "string", "format": "binary"}
    return {200: {"description": description, "content": {media_type: {"schema": schema}}}}


def _download(event: Event, extension: str) -> dict[str, str]:
    name = export.export_filename(event, extension)
    # Personal data: no shared cache may keep a copy.
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


@router.post(
    "/events/{event_id}/registrations/import",
    response_model=signups.SignupImportReport,
    responses={413: _PROBLEM, 409: _PROBLEM, 422: _PROBLEM},
    dependencies=[requires(Scope.write), requires(Scope.personal_read)],
    # Refused while it arrives, before it is spooled to disk (the margin is the multipart frame).
    max_body_size=signups.MAX_UPLOAD_BYTES + 64 * 1024,
)
def import_registrations(
    session: SessionDep,
    event_id: Id,
    file: Annotated[UploadFile, File(description="The sign-up list: CSV or XLSX, at most 10 MB.")],
    mapping: Annotated[
        str | None,
        Form(
            description='JSON naming your headers, e.g. {"name": "Deltager", "email": "Mail"}.',
            json_schema_extra=imports.MAPPING_SCHEMA,
        ),
    ] = None,
    dry_run: Annotated[bool, Query(description="Report what would happen; write nothing.")] = False,
) -> signups.SignupImportReport:
    """Import a sign-up list into the event's registrations, reporting each row's outcome."""
    event = svc.get_event(session, event_id)
    signups.ensure_open(event)  # before reading: no point fixing a file for a cancelled event
    columns = signups.parse_mapping(mapping)
    data = signups.read_upload(file.file)
    table, rows = signups.read_signups(
        data, filename=file.filename, content_type=file.content_type, mapping=columns
    )
    return signups.import_signups(session, event, table, rows, dry_run=dry_run)


@router.get(
    "/events/{event_id}/participants.csv",
    response_class=CSVResponse,
    responses=_binary("text/csv", "The participant list, UTF-8 with BOM, semicolon-separated."),
    dependencies=[requires(Scope.personal_read)],
)
def export_participants_csv(
    session: WritingSessionDep,
    event_id: Id,
    include_cancelled: Annotated[bool, Query(description="Also list cancellations.")] = False,
) -> CSVResponse:
    """Download the event's participant list as CSV (personal data)."""
    event = svc.get_event(session, event_id)
    content = export.export_participants(session, event, "csv", include_cancelled=include_cancelled)
    return CSVResponse(content, headers=_download(event, "csv"))


@router.get(
    "/events/{event_id}/participants.xlsx",
    response_class=XLSXResponse,
    responses=_binary(XLSX_CONTENT_TYPE, "The participant list as an Excel workbook."),
    dependencies=[requires(Scope.personal_read)],
)
def export_participants_xlsx(
    session: WritingSessionDep,
    event_id: Id,
    include_cancelled: Annotated[bool, Query(description="Also list cancellations.")] = False,
) -> XLSXResponse:
    """Download the event's participant list as an XLSX workbook (personal data)."""
    event = svc.get_event(session, event_id)
    content = export.export_participants(
        session, event, "xlsx", include_cancelled=include_cancelled
    )
    return XLSXResponse(content, headers=_download(event, "xlsx"))
