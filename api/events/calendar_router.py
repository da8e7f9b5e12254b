"""HTTP layer of the annual wheel (årshjul): a plan year's events by month and legend group."""

from fastapi import APIRouter, Request, Response

from api.auth.deps import requires
from api.auth.permissions import Scope
from api.db import SessionDep
from api.deps import PlanDep
from api.events.calendar import PlanCalendar, plan_calendar
from api.read_cache import NOT_MODIFIED, cached_json

router = APIRouter(tags=["events"])


@router.get(
    "/plans/{year}/calendar",
    response_model=PlanCalendar,
    responses=NOT_MODIFIED,
    dependencies=[requires(Scope.read)],
)
def get_calendar(request: Request, session: SessionDep, plan: PlanDep) -> Response:
    """The plan year's events month by month, grouped as the plan's annual wheel groups them.
    Computed once per change of the data; If-None-Match with the ETag answers 304."""
    return cached_json(
        request,
        session,
        ("calendar", plan.year),
        PlanCalendar,
        lambda: plan_calendar(session, plan.year),
    )
