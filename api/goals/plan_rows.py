"""The plan tree and what is written on it, as plain rows for progress: ORM objects for a
plan's goals and initiatives cost more than everything else a progress call does. Each
statement is built once."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from api.enums import GoalKind
from api.goals.models import Goal, GoalComment, GoalTarget, MilestoneNote
from api.goals.progress_schemas import Comment
from api.goals.rules import YearTarget
from api.plans.models import ActionPlan, Initiative, Objective, Track


@cache
def _targets_statement() -> Select[Any]:
    return select(
        GoalTarget.goal_id,
        GoalTarget.year,
        GoalTarget.value,
        GoalTarget.upper,
        GoalTarget.due_on,
        GoalTarget.monthly_profile,
    ).where(GoalTarget.goal_id.in_(bindparam("goal_ids", expanding=True)))


def targets_by_year(session: Session, goal_ids: list[int]) -> dict[int, dict[int, YearTarget]]:
    """Each goal's targets by year, as plain rows."""
    targets: dict[int, dict[int, YearTarget]] = defaultdict(dict)
    rows = session.execute(_targets_statement(), {"goal_ids": goal_ids})
    for goal_id, year, value, upper, due_on, profile in rows:
        targets[goal_id][year] = YearTarget(value, upper, due_on, profile)
    return targets


@cache
def _written_statement() -> Select[Any]:
    """Milestones' notes (all: their dated state history) and goals' comments by a date, in one
    statement, oldest first; on the same day a note comes before a comment."""
    notes = select(
        literal(0).label("order"),
        MilestoneNote.id,
        MilestoneNote.goal_id,
        MilestoneNote.noted_on.label("day"),
        MilestoneNote.state,
        MilestoneNote.text,
        MilestoneNote.entered_by.label("author"),
    ).where(MilestoneNote.goal_id.in_(bindparam("milestone_ids", expanding=True)))
    comments = select(
        literal(1).label("order"),
        GoalComment.id,
        GoalComment.goal_id,
        GoalComment.written_on,
        cast(null(), MilestoneNote.state.type),
        GoalComment.text,
        GoalComment.author,
    ).where(
        GoalComment.goal_id.in_(bindparam("goal_ids", expanding=True)),
        GoalComment.written_on <= bindparam("until"),
    )
    written = union_all(notes, comments).subquery()
    return select(written).order_by(written.c.day, written.c.order, written.c.id)


@dataclass
class Written:
    notes: dict[int, list[Row[Any]]]  # a milestone's notes, oldest first
    comments: dict[int, Comment]  # each goal's newest written status by the date


def written_by(session: Session, goals: Sequence[Row[Any]], until: date) -> Written:
    """Milestones' dated state history, and each goal's newest written status by `until`: its
    newest comment or, for a milestone, note (a comment wins a note of the same day)."""
    milestone_ids = [g.id for g in goals if g.kind is GoalKind.milestone]
    parameters = {"milestone_ids": milestone_ids, "goal_ids": [g.id for g in goals], "until": until}
    written = Written(defaultdict(list), {})
    for row in session.execute(_written_statement(), parameters):
        if row.order == 0:
            written.notes[row.goal_id].append(row)
        if row.day <= until:  # oldest first, so the newest wins
            written.comments[row.goal_id] = Comment(
                text=row.text, written_on=row.day, author=row.author
            )
    return written


@cache
def plan_statement() -> Select[Any]:
    return select(ActionPlan.id, ActionPlan.year, ActionPlan.title, ActionPlan.strategy_id).where(
        ActionPlan.year == bindparam("year")
    )


@cache
def tracks_statement() -> Select[Any]:
    return (
        select(Track.id, Track.number, Track.title)
        .join(Objective, Objective.id == Track.objective_id)
        .where(Objective.strategy_id == bindparam("strategy_id"))
        .order_by(Track.number)
    )


@cache
def initiatives_statement() -> Select[Any]:
    return (
        select(
            Initiative.id,
            Initiative.number,
            Initiative.title,
            Initiative.short_title,
            Initiative.goal_label,
            Initiative.status,
            Initiative.track_id,
            Track.number.label("track_number"),
        )
        .join(Track, Track.id == Initiative.track_id)
        .where(Initiative.action_plan_id == bindparam("plan_id"))
        .order_by(Initiative.number)
    )


@cache
def goals_statement() -> Select[Any]:
    return (
        select(
            Goal.id,
            Goal.key,
            Goal.label,
            Goal.text,
            Goal.kind,
            Goal.metric,
            Goal.metric_params,
            Goal.unit,
            Goal.direction,
            Goal.pace,
            Goal.baseline_year,
            Goal.baseline_value,
            Goal.milestone_state,
            Goal.due_on,
            Goal.initiative_id,
        )
        .where(Goal.action_plan_id == bindparam("plan_id"))
        .order_by(Goal.position, Goal.id)
    )
