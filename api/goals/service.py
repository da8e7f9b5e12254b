"""Goal logic: create and change goals, record measurements and milestone notes."""

import secrets
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from api.goals.enums import GoalKind
from api.goals.models import Goal, GoalComment, Measurement, MilestoneNote
from api.goals.registry import reference_problems
from api.goals.schemas import (
    GoalCommentCreate,
    GoalCreate,
    GoalDefinition,
    GoalUpdate,
    MeasurementCreate,
    MilestoneNoteCreate,
    TargetSpec,
)
from api.kit.common import INT32_MAX
from api.kit.db import touch
from api.kit.errors import ConflictError, InvalidInputError, NotFoundError
from api.kit.errors import validation_errors as pydantic_errors
from api.plans.models import ActionPlan, Initiative


def list_goals_query(
    plan: ActionPlan, initiative_id: int | None = None, kind: GoalKind | None = None
) -> Select[Goal]:
    query = (
        select(Goal)
        .where(Goal.action_plan_id == plan.id)
        .options(selectinload(Goal.targets))
        .order_by(Goal.initiative_id.is_not(None), Goal.initiative_id, Goal.position, Goal.id)
    )
    if initiative_id is not None:
        query = query.where(Goal.initiative_id == initiative_id)
    if kind is not None:
        query = query.where(Goal.kind == kind)
    return query


def get_goal(session: Session, goal_id: int) -> Goal:
    goal = session.scalar(
        select(Goal).where(Goal.id == goal_id).options(selectinload(Goal.targets))
    )
    if goal is None:
        raise NotFoundError(f"No goal with id {goal_id}.")
    return goal


def _definition(data: dict[str, Any]) -> GoalDefinition:
    """Validate a whole goal; one place decides what a valid goal is."""
    try:
        return GoalDefinition.model_validate(data)
    except ValidationError as exc:
        errors = pydantic_errors(list(exc.errors()))
        for error in errors:
            error["message"] = error["message"].removeprefix("Value error, ")
        raise InvalidInputError("; ".join(e["message"] for e in errors), errors=errors) from None


def _check_references(session: Session, definition: GoalDefinition) -> None:
    """A 422 where the metric's params name a record that does not exist (a series key)."""
    if definition.metric is None:
        return
    problems = reference_problems(session, definition.metric, definition.metric_params)
    if problems:
        errors = [{"field": f"metric_params.{f}", "message": m} for f, m in problems]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        raise InvalidInputError(detail, errors=errors)


def _apply_definition(goal: Goal, definition: GoalDefinition) -> None:
    fields = set(GoalDefinition.model_fields) - {"baseline", "targets"}
    values = definition.model_dump(include=fields)
    for name, value in values.items():
        setattr(goal, name, value)
    goal.baseline_year = definition.baseline.year if definition.baseline else None
    goal.baseline_value = definition.baseline.value if definition.baseline else None
    if goal.set_targets(target_columns(definition)):
        touch(goal)


def target_columns(definition: GoalDefinition) -> dict[int, dict[str, Any]]:
    """The definition's targets as GoalTarget column values, year by year."""
    return {year: spec.model_dump() for year, spec in definition.target_specs().items()}


def target_specs(goal: Goal) -> dict[int, TargetSpec]:
    """A stored goal's targets as specs, the shape a definition takes them in."""
    return {t.year: TargetSpec.model_validate(t) for t in goal.targets}


def create_goal(session: Session, plan: ActionPlan, data: GoalCreate) -> Goal:
    initiative = None
    if data.initiative_id is not None:
        initiative = session.get(Initiative, data.initiative_id)
        if initiative is None or initiative.action_plan_id != plan.id:
            raise InvalidInputError(
                f"Initiative {data.initiative_id} is not in the {plan.year} plan.",
                errors=[{"field": "initiative_id", "message": "not an initiative of this plan"}],
            )
    key = data.key or f"goal-{secrets.token_hex(4)}"
    if session.scalar(select(Goal.id).where(Goal.action_plan_id == plan.id, Goal.key == key)):
        raise ConflictError(f"The {plan.year} plan already has a goal with key {key!r}.")
    position = data.position
    if position is None:
        highest = session.scalar(
            select(func.max(Goal.position)).where(
                Goal.action_plan_id == plan.id, Goal.initiative_id == data.initiative_id
            )
        )
        # After the last; a goal placed at the column's end shares it (ties go by id).
        position = 0 if highest is None else min(highest + 1, INT32_MAX)
    _check_references(session, data)
    goal = Goal(action_plan=plan, initiative=initiative, key=key, position=position)
    _apply_definition(goal, data)
    session.add(goal)
    session.flush()
    return goal


def update_goal(session: Session, goal: Goal, data: GoalUpdate) -> Goal:
    changes = data.model_dump(exclude_unset=True)
    position = changes.pop("position", None)
    current = {
        name: getattr(goal, name)
        for name in GoalDefinition.model_fields
        if name not in ("baseline", "targets")
    }
    current["baseline"] = goal.baseline
    current["targets"] = target_specs(goal)
    if changes.get("kind") == GoalKind.milestone and goal.kind is GoalKind.measurable:
        # Turning a goal qualitative drops its measurable fields unless they are given.
        for name in ("metric", "unit", "direction", "pace", "baseline"):
            current[name] = None
        current["metric_params"], current["targets"] = {}, {}
    if changes.get("kind") == GoalKind.measurable and goal.kind is GoalKind.milestone:
        current["milestone_state"] = None
    definition = _definition(current | changes)
    if "metric" in changes or "metric_params" in changes:
        _check_references(session, definition)
    _apply_definition(goal, definition)
    if position is not None:
        goal.position = position
    session.flush()
    return goal


def delete_goal(session: Session, goal: Goal) -> None:
    session.delete(goal)
    session.flush()


def list_measurements_query(goal: Goal) -> Select[Measurement]:
    return (
        select(Measurement)
        .where(Measurement.goal_id == goal.id)
        .order_by(Measurement.measured_on.desc(), Measurement.id.desc())
    )


def add_measurement(
    session: Session, goal: Goal, data: MeasurementCreate, entered_by: str
) -> Measurement:
    if goal.kind is not GoalKind.measurable:
        raise ConflictError(
            "A milestone goal takes notes with a state, not measurements: "
            f"POST /api/v1/goals/{goal.id}/milestone-notes."
        )
    measurement = Measurement(goal_id=goal.id, entered_by=entered_by, **data.model_dump())
    session.add(measurement)
    session.flush()
    return measurement


def get_measurement(session: Session, measurement_id: int) -> Measurement:
    measurement = session.get(Measurement, measurement_id)
    if measurement is None:
        raise NotFoundError(f"No measurement with id {measurement_id}.")
    return measurement


def delete_measurement(session: Session, measurement: Measurement) -> None:
    session.delete(measurement)
    session.flush()


def list_comments_query(goal: Goal) -> Select[GoalComment]:
    return (
        select(GoalComment)
        .where(GoalComment.goal_id == goal.id)
        .order_by(GoalComment.written_on.desc(), GoalComment.id.desc())
    )


def add_comment(session: Session, goal: Goal, data: GoalCommentCreate, author: str) -> GoalComment:
    comment = GoalComment(goal_id=goal.id, author=author, **data.model_dump())
    session.add(comment)
    session.flush()
    return comment


def list_milestone_notes_query(goal: Goal) -> Select[MilestoneNote]:
    return (
        select(MilestoneNote)
        .where(MilestoneNote.goal_id == goal.id)
        .order_by(MilestoneNote.noted_on.desc(), MilestoneNote.id.desc())
    )


def add_milestone_note(
    session: Session, goal: Goal, data: MilestoneNoteCreate, entered_by: str
) -> MilestoneNote:
    if goal.kind is not GoalKind.milestone:
        raise ConflictError(
            "A measurable goal takes measurements, not milestone notes: "
            f"POST /api/v1/goals/{goal.id}/measurements."
        )
    note = MilestoneNote(goal_id=goal.id, entered_by=entered_by, **data.model_dump())
    session.add(note)
    session.flush()
    # The goal's state is the state of its newest-dated note (a back-dated note does not win).
    newest = session.scalars(list_milestone_notes_query(goal).limit(1)).one()
    goal.milestone_state = newest.state
    session.flush()
    return note
