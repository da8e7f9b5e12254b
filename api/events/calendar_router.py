"""HTTP layer of the annual wheel (årshjul): a plan year's events by month and legend group."""

from typing import Any

from fastapi import APIRouter

from api.auth.deps import requires
from api.auth.permissions import Scope
from api.db import SessionDep
from api.deps import PlanDep
from api.events.calendar import PlanCalendar, plan_calendar

router = APIRouter(tags=["events"])


@router.get(
    "/plans/{year}/calendar", response_model=PlanCalendar, dependencies=[requires(Scope.read)]
)
def get_calendar(session: SessionDep, plan: PlanDep) -> dict[str, Any]:
    """The plan year's events month by month, grouped as the plan's annual wheel groups them."""
    return plan_calendar(session, plan.year)
