"""HTTP layer of cases: the case system's upserts (one and batch), reading, targets, metrics."""

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response, status
from starlette.convertors import Convertor, register_url_convertor

import api.kit.idempotency as idempotency
from api.auth.deps import requires
from api.auth.permissions import Scope
from api.cases import metrics
from api.cases import service as svc
from api.cases.enums import CaseKind, ItemOutcome
from api.cases.models import Case
from api.cases.schemas import (
    EXTERNAL_ID_PATTERN,
    SOURCE_PATTERN,
    BatchResult,
    CaseBatch,
    CaseIn,
    CaseMetrics,
    CasePutResult,
    CaseRead,
    TargetIn,
    TargetRead,
)
from api.kit.clock import today
from api.kit.common import IsoDate, QueryText
from api.kit.db import SessionDep
from api.kit.errors import InvalidInputError
from api.kit.etags import created
from api.kit.paging import Page, PageDep, paginate

router = APIRouter(tags=["cases"])

# A thousand cases are about 400 KB of JSON; far more is no batch of cases.
MAX_BATCH_BYTES = 5 * 1024 * 1024

_PROBLEM = {"description": "Problem", "content": {"application/problem+json": {}}}
# The patterns are stated here and checked with the rest of the case (a 422 naming the field in
# words a case system's developer reads; a GET of a key no case can have is a 404).
SourcePath = Annotated[
    str,
    Path(
        max_length=50,
        description="The source system, e.g. 'sbsys'.",
        json_schema_extra={"pattern": SOURCE_PATTERN},
    ),
]


class _CaseIdConvertor(Convertor[str]):
    """The rest of the path: a case system's id may hold a slash ("2026/17", sent as %2F, which
    the router sees decoded; a source never does). Any character, so that an id with a control
    character gets its 422 from the schema rather than a bare 404."""

    regex = r"[\s\S]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("case_id", _CaseIdConvertor())
ExternalIdPath = Annotated[
    str,
    Path(
        max_length=100,
        description="The source's id of the case, percent-encoded.",
        json_schema_extra={"pattern": EXTERNAL_ID_PATTERN},
    ),
]


@router.get("/cases/targets", response_model=list[TargetRead], dependencies=[requires(Scope.read)])
def list_targets(session: SessionDep) -> list[TargetRead]:
    """The service target in days for each kind of case."""
    return svc.targets(session)


@router.get("/cases/targets/{kind}", response_model=TargetRead, dependencies=[requires(Scope.read)])
def get_target(session: SessionDep, kind: CaseKind) -> TargetRead:
    """The service target in days for one kind of case."""
    return svc.target(session, kind)


@router.put(
    "/cases/targets/{kind}", response_model=TargetRead, dependencies=[requires(Scope.write)]
)
def put_target(session: SessionDep, kind: CaseKind, data: TargetIn) -> TargetRead:
    """Set the service target in days for a kind of case."""
    return svc.set_target(session, kind, data.target_days)


@router.delete("/cases/targets/{kind}", status_code=204, dependencies=[requires(Scope.write)])
def delete_target(session: SessionDep, kind: CaseKind) -> None:
    """Remove the target staff set: the kind has the plan's target again, or none."""
    svc.remove_target(session, kind)


@router.put(
    "/cases/{source}/{external_id:case_id}",
    response_model=CasePutResult,
    responses={201: {"model": CasePutResult, "description": "Created"}, 422: _PROBLEM},
    dependencies=[requires(Scope.cases_write)],
)
def put_case(
    session: SessionDep,
    source: SourcePath,
    external_id: ExternalIdPath,
    data: CaseIn,
    response: Response,
) -> CasePutResult:
    """Create or update one case; the same state again changes nothing, an older one is stale.

    201 when created; 200 with `outcome` updated, unchanged or stale (the stored case is newer
    by `source_updated_at` and stays as it is).
    """
    item = {**data.model_dump(), "source": source, "external_id": external_id}
    result = svc.ingest(session, [item], today=today()).items[0]
    if result.outcome is ItemOutcome.rejected:
        errors = [e.model_dump() for e in result.errors]
        detail = "; ".join(f"{e.field or 'body'}: {e.message}" for e in result.errors)
        raise InvalidInputError(detail, errors=errors)
    if result.outcome is ItemOutcome.created:
        response.status_code = status.HTTP_201_CREATED
        # Percent-encoded: a header is ASCII, and the source's id may hold Æ or €.
        path = "/".join(quote(part, safe="") for part in (source, external_id))
        created(response, f"/api/v1/cases/{path}")
    case = svc.get_case(session, source, external_id)
    return CasePutResult(outcome=result.outcome, case=CaseRead.model_validate(case))


@router.post(
    "/cases/batch",
    response_model=BatchResult,
    responses={413: _PROBLEM, 422: _PROBLEM},
    dependencies=[requires(Scope.cases_write)],
    max_body_size=MAX_BATCH_BYTES,
)
def post_batch(
    session: SessionDep, batch: CaseBatch, idempotency_key: idempotency.IdempotencyKey = None
) -> Response:
    """Create or update up to 1,000 cases, answering each item: created, updated, unchanged,
    stale or rejected (with the field). Exactly the accepted items are applied. With an
    `Idempotency-Key`, the same key and batch within a day gets the first answer again
    (`Idempotent-Replayed: true`); the same key with another batch is refused (422)."""
    sent = None
    if idempotency_key is not None:
        sent = idempotency.fingerprint(batch.model_dump_json())
        if stored := idempotency.stored_answer(session, BATCH, idempotency_key, sent):
            return idempotency.replayed(stored)
    body = svc.ingest(session, batch.items, today=today()).model_dump_json()
    if idempotency_key is not None:
        idempotency.remember(session, BATCH, idempotency_key, 200, body, sent)
    return Response(body, media_type="application/json")


BATCH = "POST /cases/batch"


@router.get(
    "/cases/metrics",
    response_model=CaseMetrics,
    dependencies=[requires(Scope.read)],
)
def get_metrics(
    session: SessionDep,
    year: Annotated[
        int | None, Query(ge=1900, le=2200, description="Decided in this year.")
    ] = None,
    decided_from: Annotated[IsoDate | None, Query(description="Decided on or after.")] = None,
    decided_to: Annotated[IsoDate | None, Query(description="Decided on or before.")] = None,
    period: Annotated[str, Query(pattern="^(year|quarter|month)$")] = "year",
    kind: Annotated[CaseKind | None, Query(description="Default: building permits.")] = (
        CaseKind.building_permit
    ),
    all_kinds: Annotated[bool, Query(description="Every kind of case.")] = False,
    business_only: Annotated[bool, Query(description="Business cases only.")] = True,
    as_of: Annotated[
        IsoDate | None, Query(description="Open cases are judged on this day.")
    ] = None,
) -> CaseMetrics:
    """Decided cases, the share within the service target (with numerator and denominator),
    median and 90th-percentile days by year, quarter or month; open cases past the target."""
    evaluation = as_of or today()
    start = decided_from or (date(year, 1, 1) if year else date(1900, 1, 1))
    end = decided_to or (date(year, 12, 31) if year else evaluation)
    if start > end:
        raise InvalidInputError(
            f"Perioden begynder ({start.isoformat()}) efter, den slutter ({end.isoformat()}).",
            errors=[
                {"field": "decided_from", "message": "efter decided_to (eller årets slutning)"}
            ],
        )
    return metrics.case_metrics(
        session,
        start=start,
        end=end,
        period=period,
        kind=None if all_kinds else kind,
        business_only=business_only,
        as_of=evaluation,
    )


@router.get("/cases", response_model=Page[CaseRead], dependencies=[requires(Scope.read)])
def list_cases(
    session: SessionDep,
    page: PageDep,
    source: Annotated[QueryText | None, Query(max_length=50)] = None,
    kind: CaseKind | None = None,
    business_only: bool = False,
    decided_from: Annotated[IsoDate | None, Query(description="Decided on or after.")] = None,
    decided_to: Annotated[IsoDate | None, Query(description="Decided on or before.")] = None,
    open_only: Annotated[bool, Query(description="Undecided cases only.")] = False,
) -> dict[str, Any]:
    """List cases, newest received first."""
    query = svc.list_cases_query(
        source=source,
        kind=kind,
        business_only=business_only,
        decided_from=decided_from,
        decided_to=decided_to,
        open_only=open_only,
    )
    return paginate(session, query, page, Case.updated_at)


@router.get(
    "/cases/{source}/{external_id:case_id}",
    response_model=CaseRead,
    dependencies=[requires(Scope.read)],
)
def get_case(session: SessionDep, source: SourcePath, external_id: ExternalIdPath) -> Case:
    """Get one case by the source's key."""
    return svc.get_case(session, source, external_id)
