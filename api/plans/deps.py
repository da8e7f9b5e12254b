"""Loaders for routes that take a plan's year or an initiative's id: the row, or 404."""

from typing import Annotated

from fastapi import Depends

from api.kit.common import Id, PlanYear
from api.kit.db import SessionDep
from api.plans import service as plans_service
from api.plans.models import ActionPlan, Initiative


def _plan(session: SessionDep, year: PlanYear) -> ActionPlan:
    return plans_service.get_plan(session, year)


def _initiative(session: SessionDep, initiative_id: Id) -> Initiative:
    return plans_service.get_initiative(session, initiative_id)


PlanDep = Annotated[ActionPlan, Depends(_plan)]
InitiativeDep = Annotated[Initiative, Depends(_initiative)]
