"""Loaders that fetch a resource or answer 404, and the evaluation-date default."""

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends

from api.common import Id, PlanYear
from api.config import get_settings
from api.db import SessionDep
from api.goals import service as goals_service
from api.goals.models import Goal, Measurement
from api.plans import service as plans_service
from api.plans.models import ActionPlan, Initiative


def today() -> date:
    """Today where the municipality is, not where the server's clock is."""
    return datetime.now(ZoneInfo(get_settings().timezone)).date()


def _plan(session: SessionDep, year: PlanYear) -> ActionPlan:
    return plans_service.get_plan(session, year)


def _initiative(session: SessionDep, initiative_id: Id) -> Initiative:
    return plans_service.get_initiative(session, initiative_id)


def _goal(session: SessionDep, goal_id: Id) -> Goal:
    return goals_service.get_goal(session, goal_id)


def _measurement(session: SessionDep, measurement_id: Id) -> Measurement:
    return goals_service.get_measurement(session, measurement_id)


PlanDep = Annotated[ActionPlan, Depends(_plan)]
InitiativeDep = Annotated[Initiative, Depends(_initiative)]
GoalDep = Annotated[Goal, Depends(_goal)]
MeasurementDep = Annotated[Measurement, Depends(_measurement)]
