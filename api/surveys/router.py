"""HTTP layer of surveys: surveys and questions, the answers' import, results."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

import api.kit.imports as imports
from api.auth.deps import CurrentActor, requires
from api.auth.permissions import Scope
from api.kit.clock import today
from api.kit.common import Id
from api.kit.db import SessionDep
from api.kit.etags import IfMatch, change_if_match, created, set_etag
from api.kit.imports import parse_mapping
from api.kit.paging import Page, PageDep, paginate
from api.surveys import importer
from api.surveys import service as svc
from api.surveys.deps import SurveyDep
from api.surveys.enums import SurveyKind
from api.surveys.models import Survey, SurveyImport
from api.surveys.schemas import (
    SurveyCreate,
    SurveyImportRead,
    SurveyImportReport,
    SurveyRead,
    SurveyResults,
    SurveyUpdate,
)

router = APIRouter(tags=["surveys"])

_PROBLEM = {"description": "Problem", "content": {"application/problem+json": {}}}


def _read(session: SessionDep, survey: Survey) -> SurveyRead:
    read = SurveyRead.model_validate(survey)
    read.respondents = svc.respondents(session, [survey.id]).get(survey.id, 0)
    return read


@router.get("/surveys", response_model=Page[SurveyRead], dependencies=[requires(Scope.read)])
def list_surveys(
    session: SessionDep,
    page: PageDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    kind: SurveyKind | None = None,
) -> dict[str, Any]:
    """List surveys, newest year first, with their questions and respondents."""
    body = paginate(session, svc.list_surveys_query(year, kind), page, Survey.updated_at)
    counts = svc.respondents(session, [s.id for s in body["items"]])
    items = [SurveyRead.model_validate(s) for s in body["items"]]
    for item in items:
        item.respondents = counts.get(item.id, 0)
    return {**body, "items": items}


@router.post(
    "/surveys",
    status_code=status.HTTP_201_CREATED,
    response_model=SurveyRead,
    dependencies=[requires(Scope.write)],
)
def create_survey(session: SessionDep, data: SurveyCreate, response: Response) -> SurveyRead:
    """Add a survey with its questions (their keys are what goals read)."""
    survey = svc.create_survey(session, data)
    created(response, f"/api/v1/surveys/{survey.id}", survey.version)
    return _read(session, survey)


@router.get("/surveys/{survey_id}", response_model=SurveyRead, dependencies=[requires(Scope.read)])
def get_survey(session: SessionDep, survey: SurveyDep, response: Response) -> SurveyRead:
    """Get one survey."""
    set_etag(response, survey.version)
    return _read(session, survey)


@router.patch(
    "/surveys/{survey_id}",
    response_model=SurveyRead,
    responses={412: _PROBLEM, 428: _PROBLEM},
    dependencies=[requires(Scope.write)],
)
def update_survey(
    session: SessionDep,
    survey_id: Id,
    data: SurveyUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> SurveyRead:
    """Change a survey's title, description or event (If-Match required)."""
    survey = svc.get_survey(session, survey_id)
    change_if_match(response, if_match, survey, lambda: svc.update_survey(session, survey, data))
    return _read(session, survey)


@router.delete(
    "/surveys/{survey_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={409: _PROBLEM},
    dependencies=[requires(Scope.write)],
)
def delete_survey(session: SessionDep, survey: SurveyDep) -> None:
    """Delete a survey that has no answers yet."""
    svc.delete_survey(session, survey)


@router.post(
    "/surveys/{survey_id}/imports",
    response_model=SurveyImportReport,
    responses={413: _PROBLEM, 422: _PROBLEM},
    dependencies=[requires(Scope.write)],
    max_body_size=importer.MAX_UPLOAD_BYTES + 64 * 1024,
)
def import_answers(
    session: SessionDep,
    survey_id: Id,
    file: Annotated[UploadFile, File(description="The survey tool's export: CSV or XLSX.")],
    mapping: Annotated[
        str | None,
        Form(
            description='JSON: question key → your header, e.g. {"tilfredshed": "Q3"}.',
            json_schema_extra=imports.MAPPING_SCHEMA,
        ),
    ] = None,
    dry_run: Annotated[bool, Query(description="Report what would happen; write nothing.")] = False,
) -> SurveyImportReport:
    """Import answers, one row a respondent and one column a question, reporting each row."""
    survey = svc.get_survey(session, survey_id)
    columns = parse_mapping(mapping, importer.mapping_fields(survey))
    upload = importer.read_answers(
        survey, file.file, filename=file.filename, content_type=file.content_type, mapping=columns
    )
    return importer.import_answers(session, survey, upload, dry_run=dry_run, today=today())


@router.get(
    "/surveys/{survey_id}/imports",
    response_model=Page[SurveyImportRead],
    dependencies=[requires(Scope.read)],
)
def list_imports(session: SessionDep, survey_id: Id, page: PageDep) -> dict[str, Any]:
    """The survey's applied imports, newest first."""
    survey = svc.get_survey(session, survey_id)
    return paginate(session, svc.list_imports_query(survey.id), page, SurveyImport.imported_at)


@router.get(
    "/surveys/{survey_id}/results",
    response_model=SurveyResults,
    dependencies=[requires(Scope.read)],
)
def survey_results(session: SessionDep, survey: SurveyDep, actor: CurrentActor) -> SurveyResults:
    """Per question: the answers' distribution and shares; free texts for editors only."""
    return svc.results(session, survey, with_texts=actor.can(Scope.personal_read))
