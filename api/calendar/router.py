"""HTTP layer of the annual wheel (årshjul): a plan year's events by month and legend group."""

from typing import Any

from fastapi import APIRouter, Request, Response

from api.auth.deps import requires
from api.auth.permissions import Scope
from api.calendar.service import PlanCalendar, plan_calendar
from api.kit.common import PlanYear
from api.kit.db import SessionDep
from api.kit.read_cache import NOT_MODIFIED, cached_json
from api.plans.service import get_plan

router = APIRouter(tags=["events"])


@router.get(
    "/plans/{year}/calendar",
    response_model=PlanCalendar,
    responses=NOT_MODIFIED,
    dependencies=[requires(Scope.read)],
)
async def get_calendar(request: Request, session: SessionDep, year: PlanYear) -> Response:
    """The plan year's events month by month, grouped as the plan's annual wheel groups them.
    Computed once per change of the data; If-None-Match with the ETag answers 304."""

    def calendar() -> dict[str, Any]:
        get_plan(session, year)  # 404 for a year without a plan
        return plan_calendar(session, year)

    return await cached_json(request, session, ("calendar", year), PlanCalendar, calendar)
