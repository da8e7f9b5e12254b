"""HTTP layer of events' files: sign-up list import, participant list export."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile

from api import imports
from api.auth.deps import requires
from api.auth.permissions import Scope
from api.common import Id
from api.db import SessionDep, WritingSessionDep
from api.events import participant_export as export
from api.events import service as svc
from api.events import signup_import as signups
from api.events.models import Event
from api.tabular import XLSX_CONTENT_TYPE

router = APIRouter(tags=["events"])

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
