"""Loaders for routes that take a goal's, a measurement's or an initiative's id (with its goals):
the row, or 404."""

from typing import Annotated

from fastapi import Depends

from api.goals import service as goals_service
from api.goals.models import Goal, Measurement
from api.goals.plan_tree import get_initiative_detail
from api.kit.common import Id
from api.kit.db import SessionDep
from api.plans.models import Initiative


def _goal(session: SessionDep, goal_id: Id) -> Goal:
    return goals_service.get_goal(session, goal_id)


def _measurement(session: SessionDep, measurement_id: Id) -> Measurement:
    return goals_service.get_measurement(session, measurement_id)


def _initiative_detail(session: SessionDep, initiative_id: Id) -> Initiative:
    return get_initiative_detail(session, initiative_id)


GoalDep = Annotated[Goal, Depends(_goal)]
MeasurementDep = Annotated[Measurement, Depends(_measurement)]
InitiativeDetailDep = Annotated[Initiative, Depends(_initiative_detail)]
