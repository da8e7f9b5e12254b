"""Progress of a plan at a date: every goal's actual, target, status and yearly series.

A fixed number of SQL statements per call, whatever the number of goals: the plan tree as
plain rows (plan, tracks, initiatives, goals: `plan_rows`), targets, the newest measurement per
goal and year, milestone notes and comments, the calendar of the goals that have one, and one
per metric in use. bench/progress.py compares it with one hand-written query that fetches the
same rows.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from api.enums import GoalKind, MilestoneState, Pace
from api.errors import NotFoundError
from api.goals.metrics import newest_per_year
from api.goals.plan_rows import (
    goals_statement,
    initiatives_statement,
    plan_statement,
    targets_by_year,
    tracks_statement,
    written_by,
)
from api.goals.progress_schemas import (
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
from api.goals.trajectory import Delivery, Planner, period_of, planner_for, year_elapsed


@dataclass(frozen=True)
class _Values:
    computed: dict[tuple[int, int], float | None]  # (goal id, year) → metric value
    recorded: dict[tuple[int, int], Row[Any]]  # (goal id, year) → newest measurement
    planned: dict[int, list[Delivery]]  # goal id → the plan year's planned activities


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
            period = period_of(year, evaluated_on)
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
            Baseline.model_construct(year=goal.baseline_year, value=goal.baseline_value)
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
        recorded=RecordedValue.model_construct(
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


def _tracks(
    session: Session,
    plan: Row[Any],
    progress: dict[int, GoalProgress],
    by_initiative: dict[int | None, list[Row[Any]]],
) -> list[TrackProgress]:
    """The plan's tracks and initiatives with their goals' progress, rolled up."""
    by_track: dict[int, list[Row[Any]]] = defaultdict(list)
    for initiative in session.execute(initiatives_statement(), {"plan_id": plan.id}):
        by_track[initiative.track_id].append(initiative)
    tracks = []
    for track in session.execute(tracks_statement(), {"strategy_id": plan.strategy_id}):
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
    return tracks


def plan_progress(session: Session, year: int, evaluated_on: date) -> PlanProgress:
    plan = session.execute(plan_statement(), {"year": year}).first()
    if plan is None:
        raise NotFoundError(f"No action plan for {year}.")
    goals = session.execute(goals_statement(), {"plan_id": plan.id}).all()
    targets = targets_by_year(session, [g.id for g in goals])
    values, years_of = _collect_values(session, goals, targets, plan, evaluated_on)
    written = written_by(session, goals, evaluated_on)
    progress = {
        g.id: _milestone_progress(g, year, evaluated_on, written.notes.get(g.id))
        if g.kind is GoalKind.milestone
        else _goal_progress(g, targets[g.id], values, years_of.get(g.id, []), year, evaluated_on)
        for g in goals
    }
    for goal_id, goal_progress in progress.items():
        goal_progress.comment = written.comments.get(goal_id)
        goal_progress.comment_needed = goal_progress.status in NEEDS_COMMENT
    by_initiative: dict[int | None, list[Row[Any]]] = defaultdict(list)
    for goal in goals:  # in position order already
        by_initiative[goal.initiative_id].append(goal)
    tracks = _tracks(session, plan, progress, by_initiative)
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
