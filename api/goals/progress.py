"""Progress of a plan at a date: every goal's actual, target, status and yearly series.

A fixed number of SQL statements per call, whatever the number of goals: the plan tree as
plain rows (plan, tracks, initiatives, goals), targets, the newest measurement per goal and
year, milestone notes, and one per metric in use. bench/progress.py holds it to 2x the one
hand-written query that fetches the same rows.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from api.enums import GoalKind, MilestoneState, Pace
from api.errors import NotFoundError
from api.goals.metrics import newest_per_year
from api.goals.models import Goal, GoalComment, GoalTarget, MilestoneNote
from api.goals.progress_schemas import (
    Comment,
    GoalProgress,
    InitiativeProgress,
    PlanProgress,
    RecordedValue,
    SeriesPoint,
    StatusCounts,
    TrackProgress,
)
from api.goals.registry import MetricRequest, get_metric, parse_params
from api.goals.rules import Rule, Status, YearTarget, assess, assess_milestone
from api.goals.schemas import Baseline
from api.goals.trajectory import Delivery, Planner, planner_for, year_elapsed
from api.plans.models import ActionPlan, Initiative, Objective, Track


@dataclass(frozen=True)
class _Values:
    computed: dict[tuple[int, int], float | None]  # (goal id, year) → metric value
    recorded: dict[tuple[int, int], Row[Any]]  # (goal id, year) → newest measurement
    planned: dict[int, list[Delivery]]  # goal id → the plan year's planned activities


def _period(year: int, evaluated_on: date) -> tuple[date, date] | None:
    """The part of `year` up to the evaluation date; None when the year has not begun."""
    start = date(year, 1, 1)
    if evaluated_on < start:
        return None
    return start, min(date(year, 12, 31), evaluated_on)


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


def _targets(session: Session, goal_ids: list[int]) -> dict[int, dict[int, YearTarget]]:
    """Each goal's targets by year, as plain rows."""
    targets: dict[int, dict[int, YearTarget]] = defaultdict(dict)
    rows = session.execute(_targets_statement(), {"goal_ids": goal_ids})
    for goal_id, year, value, upper, due_on, profile in rows:
        targets[goal_id][year] = YearTarget(value, upper, due_on, profile)
    return targets


def _planned(
    session: Session, goals: Sequence[Row[Any]], plan: Row[Any], evaluated_on: date
) -> dict[int, list[Delivery]]:
    """The plan year's planned activities of each cumulative goal whose metric has a calendar:
    one call per planner, over the whole year (the forecast needs what lies ahead too)."""
    year = (date(plan.year, 1, 1), date(plan.year, 12, 31))
    requests: dict[Planner, list[tuple[str, MetricRequest]]] = defaultdict(list)
    for goal in goals:
        if goal.kind is GoalKind.measurable and goal.pace is Pace.cumulative:
            key = goal.metric or "manual"
            planner = planner_for(key)
            if planner is not None:
                params = parse_params(key, goal.metric_params)
                requests[planner].append((key, MetricRequest(goal.id, params, *year)))
    planned: dict[int, list[Delivery]] = {}
    for planner, items in requests.items():
        for (_, request), deliveries in zip(
            items, planner(session, plan.id, items, evaluated_on), strict=True
        ):
            planned[request.goal_id] = deliveries
    return planned


def _collect_values(
    session: Session,
    goals: Sequence[Row[Any]],
    targets: dict[int, dict[int, YearTarget]],
    plan: Row[Any],
    evaluated_on: date,
) -> tuple[_Values, dict[int, list[int]]]:
    """Every measurable goal's recorded and computed value for each year of its series."""
    plan_year = plan.year
    measurable = [g for g in goals if g.kind is GoalKind.measurable]
    # Each year of a series is a calendar year cut at the evaluation date.
    rows = newest_per_year(session, [g.id for g in measurable], evaluated_on)
    recorded = {(row.goal_id, row.measured_on.year): row for row in rows}
    measured_years: dict[int, set[int]] = defaultdict(set)
    for goal_id, year in recorded:
        measured_years[goal_id].add(year)
    years_of: dict[int, list[int]] = {}
    requests: dict[str, list[tuple[tuple[int, int], MetricRequest]]] = defaultdict(list)
    for goal in measurable:
        years_of[goal.id] = sorted(targets[goal.id].keys() | measured_years[goal.id] | {plan_year})
        metric = get_metric(goal.metric or "manual")
        if metric.reads_measurements:
            continue
        params = parse_params(metric.key, goal.metric_params)
        for year in years_of[goal.id]:
            period = _period(year, evaluated_on)
            if period is not None:
                requests[metric.key].append(
                    ((goal.id, year), MetricRequest(goal.id, params, *period))
                )
    computed: dict[tuple[int, int], float | None] = {}
    for key, items in requests.items():
        values = get_metric(key).compute(session, [request for _, request in items])
        computed.update(zip((k for k, _ in items), values, strict=True))
    return _Values(computed, recorded, _planned(session, measurable, plan, evaluated_on)), years_of


def _common(
    goal: Row[Any], target: YearTarget | None, plan_year: int, evaluated_on: date
) -> dict[str, Any]:
    return {
        "goal_id": goal.id,
        "key": goal.key,
        "label": goal.label,
        "text": goal.text,
        "kind": goal.kind,
        "metric": goal.metric,
        "unit": goal.unit,
        "direction": goal.direction,
        "pace": goal.pace,
        "baseline": (
            Baseline(year=goal.baseline_year, value=goal.baseline_value)
            if goal.baseline_value is not None
            else None
        ),
        "target": target.value if target else None,
        "target_upper": target.upper if target else None,
        "year_elapsed": year_elapsed(plan_year, evaluated_on),
    }


def _milestone_progress(
    goal: Row[Any], plan_year: int, evaluated_on: date, notes: list[Row[Any]] | None
) -> GoalProgress:
    """The state in force at the date: the newest note dated by then; with no notes at all, the
    goal's own state (as the plan file gives it); with notes all later, not started."""
    dated = [note for note in notes or [] if note.day <= evaluated_on]
    if dated:
        state, note = dated[-1].state, f"{dated[-1].text} ({dated[-1].day.isoformat()})"
    else:
        state = MilestoneState.not_started if notes else goal.milestone_state
        state, note = state or MilestoneState.not_started, None
    due_on = goal.due_on or date(plan_year, 12, 31)
    judged = assess_milestone(state, due_on, evaluated_on, note)
    return GoalProgress(
        **_common(goal, None, plan_year, evaluated_on),
        actual=None,
        actual_source=None,
        computed=None,
        recorded=None,
        expected=None,
        expected_basis=None,
        forecast=None,
        forecast_reached=None,
        milestone_state=judged.state,
        due_on=due_on,
        status=judged.status,
        explanation=judged.explanation,
        series=[],
        comment=None,
        comment_needed=False,
    )


def _goal_progress(
    goal: Row[Any],
    targets: dict[int, YearTarget],
    values: _Values,
    years: list[int],
    plan_year: int,
    evaluated_on: date,
) -> GoalProgress:
    actual, source = _actual(values, goal.id, plan_year)
    recorded = values.recorded.get((goal.id, plan_year))
    assert goal.unit and goal.direction and goal.pace  # guaranteed for measurable goals
    target = targets.get(plan_year)
    assessment = assess(
        actual=actual,
        target=target,
        rule=Rule(goal.unit, goal.direction, goal.pace),
        year=plan_year,
        evaluated_on=evaluated_on,
        deliveries=values.planned.get(goal.id, ()),
    )
    series = []
    for year in years:
        year_actual, year_source = _actual(values, goal.id, year)
        year_target = targets.get(year)
        series.append(
            SeriesPoint(
                year=year,
                target=year_target.value if year_target else None,
                actual=year_actual,
                actual_source=year_source,
            )
        )
    # Every value here is already typed and checked; skipping validation of hundreds of goals
    # and series points keeps progress within reach of the query that feeds it.
    return GoalProgress.model_construct(
        **_common(goal, target, plan_year, evaluated_on),
        actual=actual,
        actual_source=source,
        computed=values.computed.get((goal.id, plan_year)),
        recorded=RecordedValue(
            value=recorded.value,
            measured_on=recorded.measured_on,
            comment=recorded.comment,
            entered_by=recorded.entered_by,
        )
        if recorded
        else None,
        expected=assessment.expected,
        expected_basis=assessment.basis,
        forecast=assessment.forecast,
        forecast_reached=assessment.forecast_reached,
        milestone_state=None,
        due_on=None,
        status=assessment.status.value,
        explanation=assessment.explanation,
        series=series,
        comment=None,
        comment_needed=False,
    )


def _actual(values: _Values, goal_id: int, year: int) -> tuple[float | None, str | None]:
    """The metric's own data wins; a recorded measurement stands where it has none."""
    computed = values.computed.get((goal_id, year))
    if computed is not None:
        return computed, "metric"
    recorded = values.recorded.get((goal_id, year))
    if recorded is not None:
        return recorded.value, "measurement"
    return None, None


def _summary(goals: Iterable[GoalProgress]) -> StatusCounts:
    counts = Counter(goal.status for goal in goals)
    return StatusCounts(**counts, total=sum(counts.values()))


NEEDS_COMMENT = frozenset({Status.at_risk, Status.off_track, Status.overdue})


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
class _Written:
    notes: dict[int, list[Row[Any]]]  # a milestone's notes, oldest first
    comments: dict[int, Comment]  # each goal's newest written status by the date


def _written(session: Session, goals: Sequence[Row[Any]], until: date) -> _Written:
    """Milestones' dated state history, and each goal's newest written status by `until`: its
    newest comment or, for a milestone, note (a comment wins a note of the same day)."""
    milestone_ids = [g.id for g in goals if g.kind is GoalKind.milestone]
    parameters = {"milestone_ids": milestone_ids, "goal_ids": [g.id for g in goals], "until": until}
    written = _Written(defaultdict(list), {})
    for row in session.execute(_written_statement(), parameters):
        if row.order == 0:
            written.notes[row.goal_id].append(row)
        if row.day <= until:  # oldest first, so the newest wins
            written.comments[row.goal_id] = Comment(
                text=row.text, written_on=row.day, author=row.author
            )
    return written


# Progress reads the plan tree as plain rows: ORM objects for a plan's goals and initiatives
# cost more than everything else a call does.
@cache
def _plan_statement() -> Select[Any]:
    return select(ActionPlan.id, ActionPlan.year, ActionPlan.title, ActionPlan.strategy_id).where(
        ActionPlan.year == bindparam("year")
    )


@cache
def _tracks_statement() -> Select[Any]:
    return (
        select(Track.id, Track.number, Track.title)
        .join(Objective, Objective.id == Track.objective_id)
        .where(Objective.strategy_id == bindparam("strategy_id"))
        .order_by(Track.number)
    )


@cache
def _initiatives_statement() -> Select[Any]:
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
def _goals_statement() -> Select[Any]:
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


def plan_progress(session: Session, year: int, evaluated_on: date) -> PlanProgress:
    plan = session.execute(_plan_statement(), {"year": year}).first()
    if plan is None:
        raise NotFoundError(f"No action plan for {year}.")
    goals = session.execute(_goals_statement(), {"plan_id": plan.id}).all()
    targets = _targets(session, [g.id for g in goals])
    values, years_of = _collect_values(session, goals, targets, plan, evaluated_on)
    written = _written(session, goals, evaluated_on)
    notes = written.notes
    progress = {
        g.id: _milestone_progress(g, year, evaluated_on, notes.get(g.id))
        if g.kind is GoalKind.milestone
        else _goal_progress(g, targets[g.id], values, years_of.get(g.id, []), year, evaluated_on)
        for g in goals
    }
    comments = written.comments
    for goal_id, goal_progress in progress.items():
        goal_progress.comment = comments.get(goal_id)
        goal_progress.comment_needed = goal_progress.status in NEEDS_COMMENT
    by_initiative: dict[int | None, list[Row[Any]]] = defaultdict(list)
    for goal in goals:  # in position order already
        by_initiative[goal.initiative_id].append(goal)
    by_track: dict[int, list[Row[Any]]] = defaultdict(list)
    for initiative in session.execute(_initiatives_statement(), {"plan_id": plan.id}):
        by_track[initiative.track_id].append(initiative)
    tracks = []
    for track in session.execute(_tracks_statement(), {"strategy_id": plan.strategy_id}):
        initiatives = []
        for initiative in by_track[track.id]:
            goal_rows = [progress[g.id] for g in by_initiative[initiative.id]]
            initiatives.append(
                InitiativeProgress(
                    id=initiative.id,
                    code=f"{initiative.track_number}.{initiative.number}",
                    number=initiative.number,
                    title=initiative.title,
                    short_title=initiative.short_title,
                    goal_label=initiative.goal_label,
                    status=initiative.status,
                    summary=_summary(goal_rows),
                    goals=goal_rows,
                )
            )
        tracks.append(
            TrackProgress(
                id=track.id,
                number=track.number,
                title=track.title,
                summary=_summary(g for i in initiatives for g in i.goals),
                initiatives=initiatives,
            )
        )
    return PlanProgress(
        plan_id=plan.id,
        year=plan.year,
        title=plan.title,
        evaluated_on=evaluated_on,
        summary=_summary(progress.values()),
        goals=[progress[g.id] for g in by_initiative[None]],
        tracks=tracks,
    )


__all__ = ["Status", "plan_progress"]
