"""HTTP layer of the committee report."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from api.auth.deps import requires
from api.auth.permissions import Scope
from api.kit.clock import today
from api.kit.common import IsoDate, PlanYear
from api.kit.db import SessionDep
from api.kit.read_cache import NOT_MODIFIED, Rendered, cached_body
from api.kit.tabular import XLSX_CONTENT_TYPE
from api.plans.service import get_plan
from api.reports.html import report_html
from api.reports.service import plan_report, report_filename
from api.reports.xlsx import report_xlsx

router = APIRouter(tags=["reports"])

ReportFormat = Literal["html", "xlsx"]
_PROBLEM = {"description": "Problem", "content": {"application/problem+json": {}}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: a print-ready HTML page, or an XLSX workbook.",
        "content": {
            "text/html": {"schema": {"type": "string"}},
            XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    **NOT_MODIFIED,
    404: _PROBLEM,
    422: _PROBLEM,
}


def _q(media_range: str) -> tuple[str, float]:
    """'text/html;q=0.8' → ('text/html', 0.8)."""
    media_type, *params = (part.strip() for part in media_range.split(";"))
    q = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                q = 0.0
    return media_type.lower(), q


def negotiate(accept: str | None) -> ReportFormat:
    """XLSX when the client names it and does not prefer HTML by name; HTML otherwise."""
    if not accept:
        return "html"
    weights = dict(_q(media_range) for media_range in accept.split(",") if media_range.strip())
    xlsx = weights.get(XLSX_CONTENT_TYPE, 0.0)
    return "xlsx" if xlsx > 0 and xlsx >= weights.get("text/html", 0.0) else "html"


@router.get(
    "/plans/{year}/report",
    response_class=HTMLResponse,
    responses=_RESPONSES,
    summary="Committee report (HTML or XLSX)",
    dependencies=[requires(Scope.read)],
)
async def get_report(
    session: SessionDep,
    year: PlanYear,
    request: Request,
    file_format: Annotated[
        ReportFormat | None,
        Query(
            alias="format",
            description="html (the default; print it to PDF from the browser) or xlsx. "
            "Without it, an Accept header naming the XLSX media type gets XLSX.",
        ),
    ] = None,
    evaluation_date: Annotated[
        IsoDate | None, Query(description="The date to report at; defaults to today.")
    ] = None,
) -> Response:
    """The committee report: every goal of the plan with target, baseline, actual, status
    and explanation, by track and initiative, and the plan's figures year by year."""
    chosen = file_format or negotiate(request.headers.get("accept"))
    on = evaluation_date or today()
    name = report_filename(year, on, chosen)
    disposition = "attachment" if chosen == "xlsx" else "inline"
    headers = {"Vary": "Accept", "Content-Disposition": f'{disposition}; filename="{name}"'}

    def render() -> Rendered:
        report = plan_report(session, get_plan(session, year), on)
        return Rendered(report_xlsx(report) if chosen == "xlsx" else report_html(report).encode())

    media_type = XLSX_CONTENT_TYPE if chosen == "xlsx" else "text/html"
    key = ("report", year, on, chosen)
    return await cached_body(request, session, key, render, media_type, headers=headers)
