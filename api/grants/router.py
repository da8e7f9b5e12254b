"""HTTP layer of grants: programmes, grants, the import and its record, the summary."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile, status
from sqlalchemy.orm import Session

import api.kit.idempotency as idempotency
import api.kit.imports as imports
from api.auth.deps import requires
from api.auth.permissions import Scope
from api.grants import importer
from api.grants import service as svc
from api.grants.deps import ProgrammeDep
from api.grants.enums import GrantTheme
from api.grants.import_rows import ALIASES
from api.grants.models import Grant, GrantImport, GrantProgramme
from api.grants.schemas import (
    GrantImportReport,
    GrantRead,
    GrantSummary,
    GroupBy,
    ImportRead,
    ImportSummary,
    ProgrammeCreate,
    ProgrammeRead,
    ProgrammeUpdate,
    RowsListed,
)
from api.kit.clock import today
from api.kit.common import Id, QueryText
from api.kit.db import SessionDep, reading_beside
from api.kit.errors import NotFoundError
from api.kit.etags import IfMatch, change_if_match, created, set_etag
from api.kit.imports import parse_mapping
from api.kit.paging import Page, PageDep, paginate

router = APIRouter(tags=["grants"])

_PROBLEM = {"description": "Problem", "content": {"application/problem+json": {}}}
Year = Annotated[int | None, Query(ge=1900, le=2200, description="Granted in this year.")]
ProgrammeId = Annotated[Id | None, Query(description="Under this programme.")]
Theme = Annotated[GrantTheme | None, Query(description="Under a programme of this theme.")]


# ---------------------------------------------------------------------------- programmes


@router.get(
    "/grants/programmes",
    response_model=list[ProgrammeRead],
    dependencies=[requires(Scope.read)],
)
def list_programmes(session: SessionDep) -> list[GrantProgramme]:
    """The grant programmes by name (SMV:Grøn, SMV:Digital …)."""
    return svc.list_programmes(session)


@router.post(
    "/grants/programmes",
    status_code=status.HTTP_201_CREATED,
    response_model=ProgrammeRead,
    responses={409: _PROBLEM},
    dependencies=[requires(Scope.write)],
)
def create_programme(
    session: SessionDep, data: ProgrammeCreate, response: Response
) -> GrantProgramme:
    """Add a programme, so grants under it can be imported."""
    programme = svc.create_programme(session, data)
    created(response, f"/api/v1/grants/programmes/{programme.id}", programme.version)
    return programme


@router.get(
    "/grants/programmes/{programme_id}",
    response_model=ProgrammeRead,
    dependencies=[requires(Scope.read)],
)
def get_programme(programme: ProgrammeDep, response: Response) -> GrantProgramme:
    """Get one programme."""
    set_etag(response, programme.version)
    return programme


@router.patch(
    "/grants/programmes/{programme_id}",
    response_model=ProgrammeRead,
    responses={409: _PROBLEM, 412: _PROBLEM, 428: _PROBLEM},
    dependencies=[requires(Scope.write)],
)
def update_programme(
    session: SessionDep,
    programme_id: Id,
    data: ProgrammeUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> GrantProgramme:
    """Change a programme's name, operator, theme or description (If-Match required)."""
    programme = svc.get_programme(session, programme_id)
    change_if_match(
        response, if_match, programme, lambda: svc.update_programme(session, programme, data)
    )
    return programme


# ------------------------------------------------------------------------------- imports


@router.post(
    "/grants/imports",
    response_model=GrantImportReport,
    responses={413: _PROBLEM, 409: _PROBLEM, 422: _PROBLEM},
    dependencies=[requires(Scope.grants_write)],
    # Refused while it arrives, before it is spooled to disk (the margin is the multipart frame).
    max_body_size=importer.MAX_UPLOAD_BYTES + 64 * 1024,
)
def import_grants(
    session: SessionDep,
    file: Annotated[UploadFile, File(description="The hub's figures: CSV or XLSX, at most 50 MB.")],
    mapping: Annotated[
        str | None,
        Form(
            description='JSON naming your headers, e.g. {"amount": "Tilsagn i kr."}.',
            json_schema_extra=imports.MAPPING_SCHEMA,
        ),
    ] = None,
    dry_run: Annotated[bool, Query(description="Report what would happen; write nothing.")] = False,
    rows: Annotated[
        RowsListed,
        Query(description="List every row, or only rejected, duplicate and changed ones."),
    ] = RowsListed.all,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Response:
    """Import grants from the hub's spreadsheet, reporting each row's outcome.

    Rows are known by the hub's reference, or by CVR, programme and date where there is none;
    sending a file again changes nothing. Without `dry_run` the accepted rows are applied in
    one transaction and the import is recorded (`GET /grants/imports`). With an
    `Idempotency-Key`, the same key within a day gets the first answer, not a second import.
    """
    remembered = idempotency_key is not None and not dry_run
    sent = None
    if remembered:
        sent = idempotency.fingerprint(file.file.read(), mapping or "")
        file.file.seek(0)
    columns = parse_mapping(mapping, ALIASES)
    upload = importer.read_grants_table(
        file.file, filename=file.filename, content_type=file.content_type, mapping=columns
    )
    # Read, checked and (on SQLite) matched before the write lock is taken, which is then
    # held only to apply what was matched; a dry run takes it not at all (`importer`).
    with reading_beside(session) as reading:
        if remembered and (stored := _answered(reading, idempotency_key, sent)):
            return idempotency.replayed(stored)
        checked = importer.check_rows(
            reading, upload, keep_rows=rows is RowsListed.all, today=today()
        )
        staged = importer.stage_rows(reading, checked)
        if remembered and (stored := _answered(session, idempotency_key, sent)):  # meanwhile
            checked.spool.close()
            if staged is not None:
                staged.stage.drop()
            return idempotency.replayed(stored)
        report, results = importer.import_grants(session, checked, dry_run=dry_run, staged=staged)
    body = report.render(row.as_dict(report.columns) for row in results)
    if remembered and idempotency_key is not None:
        idempotency.remember(session, IMPORT, idempotency_key, 200, body.decode(), sent)
    return Response(body, media_type="application/json")


IMPORT = "POST /grants/imports"


def _answered(
    session: Session, key: str | None, sent: str | None
) -> idempotency.IdempotentAnswer | None:
    return idempotency.stored_answer(session, IMPORT, key, sent) if key else None


@router.get(
    "/grants/imports/by-key/{key}",
    response_model=GrantImportReport,
    responses={404: _PROBLEM},
    dependencies=[requires(Scope.grants_write)],
)
def import_by_key(
    session: SessionDep, key: Annotated[str, Path(pattern=idempotency.KEY_PATTERN)]
) -> Response:
    """The answer to the import sent with this Idempotency-Key within the last day: whether a
    send whose answer was lost (a dropped connection) was applied. 404: it was not."""
    stored = idempotency.stored_answer(session, IMPORT, key)
    if stored is None:
        raise NotFoundError("Ingen import med den nøgle er gemt det seneste døgn.")
    return idempotency.replayed(stored)


@router.get(
    "/grants/imports",
    response_model=Page[ImportSummary],
    dependencies=[requires(Scope.read)],
)
def list_imports(session: SessionDep, page: PageDep) -> dict[str, Any]:
    """The applied imports, newest first: file, who, when and counts."""
    return paginate(session, svc.list_imports_query(), page, GrantImport.imported_at)


@router.get(
    "/grants/imports/{import_id}",
    response_model=ImportRead,
    dependencies=[requires(Scope.read)],
)
def get_import(session: SessionDep, import_id: Id) -> GrantImport:
    """One import with the errors of its rejected and duplicate rows."""
    return svc.get_import(session, import_id)


# -------------------------------------------------------------------------------- grants


@router.get(
    "/grants/summary",
    response_model=GrantSummary,
    dependencies=[requires(Scope.read)],
)
def grant_summary(
    session: SessionDep,
    group_by: Annotated[GroupBy, Query(description="Group by year, programme, theme or company.")],
    year: Year = None,
    programme_id: ProgrammeId = None,
    theme: Theme = None,
) -> GrantSummary:
    """Amounts granted, grants and distinct companies by group, with the total."""
    return svc.summary(session, group_by, year=year, programme_id=programme_id, theme=theme)


@router.get("/grants", response_model=Page[GrantRead], dependencies=[requires(Scope.read)])
def list_grants(
    session: SessionDep,
    page: PageDep,
    year: Year = None,
    programme_id: ProgrammeId = None,
    theme: Theme = None,
    cvr: Annotated[QueryText | None, Query(description="The company's CVR number.")] = None,
    import_id: Annotated[Id | None, Query(description="Last written by this import.")] = None,
) -> dict[str, Any]:
    """List grants, newest first."""
    query = svc.list_grants_query(
        year=year, programme_id=programme_id, theme=theme, cvr=cvr, import_id=import_id
    )
    return paginate(session, query, page, Grant.updated_at)


@router.get("/grants/{grant_id}", response_model=GrantRead, dependencies=[requires(Scope.read)])
def get_grant(session: SessionDep, grant_id: Id) -> Grant:
    """Get one grant."""
    return svc.get_grant(session, grant_id)
