"""Small builders for test data; each takes overrides for what the test cares about."""

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.goals.enums import GoalKind, MeasurementSource, Pace, Unit
from api.goals.models import Goal, GoalTarget, Measurement
from api.plans.models import ActionPlan

PROBLEM = "application/problem+json"


def plan_2026(session: Session) -> ActionPlan:
    return session.scalars(select(ActionPlan).where(ActionPlan.year == 2026)).one()


def make_goal(session: Session, **overrides: Any) -> Goal:
    targets = overrides.pop("targets", {2026: 100.0})
    values: dict[str, Any] = {
        "action_plan": plan_2026(session),
        "key": f"test-goal-{len(session.scalars(select(Goal.id)).all())}",
        "text": "Testmål",
        "kind": GoalKind.measurable,
        "metric": "manual",
        "metric_params": {},
        "unit": Unit.count,
        "direction": "at_least",
        "pace": Pace.cumulative,
    } | overrides
    goal = Goal(**values, targets=[GoalTarget(year=y, value=v) for y, v in targets.items()])
    session.add(goal)
    session.flush()
    return goal


def add_measurement(session: Session, goal: Goal, measured_on: date, value: float) -> Measurement:
    measurement = Measurement(
        goal_id=goal.id,
        measured_on=measured_on,
        value=value,
        source=MeasurementSource.manual,
        entered_by="test",
    )
    session.add(measurement)
    session.flush()
    return measurement


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """A problem+json answer with the given status, and its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def xlsx(*rows: list[Any]) -> bytes:
    """A workbook whose first sheet holds the rows, as an upload's bytes."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_targets(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A goal's targets as year and value, for tests that set neither range nor phasing."""
    assert all(t["upper"] is None and t["due_on"] is None for t in targets), targets
    return [{"year": t["year"], "value": t["value"]} for t in targets]
