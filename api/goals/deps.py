"""Loaders for routes that take a goal's or a measurement's id: the row, or 404."""

from typing import Annotated

from fastapi import Depends

from api.goals import service as goals_service
from api.goals.models import Goal, Measurement
from api.kit.common import Id
from api.kit.db import SessionDep


def _goal(session: SessionDep, goal_id: Id) -> Goal:
    return goals_service.get_goal(session, goal_id)


def _measurement(session: SessionDep, measurement_id: Id) -> Measurement:
    return goals_service.get_measurement(session, measurement_id)


GoalDep = Annotated[Goal, Depends(_goal)]
MeasurementDep = Annotated[Measurement, Depends(_measurement)]
