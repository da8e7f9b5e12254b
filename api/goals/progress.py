"""Progress of a plan at a date: every goal's actual, target, status and yearly series.

A fixed number of SQL statements per call, whatever the number of goals: the plan tree as
plain rows (`plan_rows`: the plan with its goals, the tracks with their initiatives), what the
goals have (targets, the newest measurement per goal and year, milestone notes and comments)
in one, the calendar of the goals that have one, and one per metric in use. bench/progress.py
compares it with one hand-written query that fetches the same rows.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.goals.enums import GoalKind, MilestoneState, Pace
from api.goals.plan_rows import (
    GoalData,
    GoalRow,
    MeasurementRow,
    NoteRow,
    PlanRow,
    goal_data,
    plan_and_goals,
    tracks_with_initiatives,
)
from api.goals.progress_schemas import Comment, PlanProgress, SeriesPoint
from api.goals.registry import MetricRequest, get_metric, parse_params
from api.goals.rules import Rule, Status, YearTarget, assess, assess_milestone
from api.goals.schemas import Baseline
from api.goals.trajectory import Delivery, Planner, period_of, planner_for, year_elapsed
from api.kit.errors import NotFoundError


@dataclass(frozen=True)
class _Values:
    computed: dict[tuple[int, int], float | None]  # (goal id, year) → metric value
    recorded: dict[tuple[int, int], MeasurementRow]  # (goal id, year) → newest measurement
    planned: dict[int, list[Delivery]]  # goal id → the plan year's planned activities


def _planned(
    session: Session,
    goals: Sequence[GoalRow],
    params: dict[int, BaseModel],
    plan: PlanRow,
    evaluated_on: date,
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
                requests[planner].append((key, MetricRequest(goal.id, params[goal.id], *year)))
    planned: dict[int, list[Delivery]] = {}
    for planner, items in requests.items():
        for (_, request), deliveries in zip(
            items, planner(session, plan.id, items, evaluated_on), strict=True
        ):
            planned[request.goal_id] = deliveries
    return planned


def _collect_values(
    session: Session,
    goals: Sequence[GoalRow],
    data: GoalData,
    plan: PlanRow,
    evaluated_on: date,
) -> tuple[_Values, dict[int, list[int]]]:
    """Every measurable goal's recorded and computed value for each year of its series."""
    plan_year = plan.year
    measurable = [g for g in goals if g.kind is GoalKind.measurable]
    # Each year of a series is a calendar year cut at the evaluation date.
    targets, recorded = data.targets, data.recorded
    measured_years: dict[int, set[int]] = defaultdict(set)
    for goal_id, year in recorded:
        measured_years[goal_id].add(year)
    years_of: dict[int, list[int]] = {}
    params: dict[int, BaseModel] = {}  # parsed metric_params, of goals with data of their own
    periods: dict[int, tuple[date, date] | None] = {}  # by year: every goal has the same
    requests: dict[str, list[tuple[tuple[int, int], MetricRequest]]] = defaultdict(list)
    for goal in measurable:
        years_of[goal.id] = sorted(targets[goal.id].keys() | measured_years[goal.id] | {plan_year})
        metric = get_metric(goal.metric or "manual")
        if metric.reads_measurements:
            continue
        params[goal.id] = goal_params = parse_params(metric.key, goal.metric_params)
        for year in years_of[goal.id]:
            if year not in periods:
                periods[year] = period_of(year, evaluated_on)
            period = periods[year]
            if period is not None:
                requests[metric.key].append(
                    ((goal.id, year), MetricRequest(goal.id, goal_params, *period))
                )
    computed: dict[tuple[int, int], float | None] = {}
    for key, items in requests.items():
        values = get_metric(key).compute(session, [request for _, request in items])
        computed.update(zip((k for k, _ in items), values, strict=True))
    planned = _planned(session, measurable, params, plan, evaluated_on)
    return _Values(computed, recorded, planned), years_of


NEEDS_COMMENT = frozenset({Status.at_risk, Status.off_track, Status.overdue})

# A goal's progress as the fields of GoalProgress. The whole plan is validated into
# PlanProgress once, at the end: pydantic builds the hundreds of goals and series points of a
# plan faster from plain dicts in one call than Python can construct them one by one.
Fields = dict[str, Any]


@dataclass(frozen=True)
class _Context:
    """What every goal of one progress call is judged at."""

    plan_year: int
    evaluated_on: date
    elapsed: float  # year_elapsed of the plan's year at the date
    comments: dict[int, Comment]  # each goal's newest written status


def _common(goal: GoalRow, target: YearTarget | None, status: str, context: _Context) -> Fields:
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
        # Built, not validated: a request body's checks are for what people send.
        "baseline": (
            Baseline.model_construct(year=goal.baseline_year, value=goal.baseline_value)
            if goal.baseline_value is not None
            else None
        ),
        "target": target.value if target else None,
        "target_upper": target.upper if target else None,
        "year_elapsed": context.elapsed,
        "status": status,
        "comment": context.comments.get(goal.id),
        "comment_needed": status in NEEDS_COMMENT,
    }


def _milestone_progress(goal: GoalRow, notes: list[NoteRow] | None, context: _Context) -> Fields:
    """The state in force at the date: the newest note dated by then; with no notes at all, the
    goal's own state (as the plan file gives it); with notes all later, not started."""
    evaluated_on = context.evaluated_on
    dated = [note for note in notes or [] if note.day <= evaluated_on]
    if dated:
        # A milestone note always has a state (only a comment has none).
        state = cast(MilestoneState, dated[-1].state)
        note = f"{dated[-1].text} ({dated[-1].day.isoformat()})"
    else:
        own = MilestoneState.not_started if notes else goal.milestone_state
        state, note = own or MilestoneState.not_started, None
    due_on = goal.due_on or date(context.plan_year, 12, 31)
    judged = assess_milestone(state, due_on, evaluated_on, note)
    return {
        **_common(goal, None, judged.status, context),
        "actual": None,
        "actual_source": None,
        "computed": None,
        "recorded": None,
        "expected": None,
        "expected_basis": None,
        "forecast": None,
        "forecast_reached": None,
        "milestone_state": judged.state,
        "due_on": due_on,
        "explanation": judged.explanation,
        "series": [],
    }


def _goal_progress(
    goal: GoalRow,
    targets: dict[int, YearTarget],
    values: _Values,
    years: list[int],
    context: _Context,
) -> Fields:
    plan_year = context.plan_year
    actuals = _actuals(values, goal.id, years)
    actual, source = actuals[plan_year]
    recorded = values.recorded.get((goal.id, plan_year))
    assert goal.unit and goal.direction and goal.pace  # guaranteed for measurable goals
    target = targets.get(plan_year)
    assessment = assess(
        actual=actual,
        target=target,
        rule=Rule(goal.unit, goal.direction, goal.pace),
        year=plan_year,
        evaluated_on=context.evaluated_on,
        deliveries=values.planned.get(goal.id, ()),
    )
    series: list[SeriesPoint] = [
        {
            "year": year,
            "target": year_target.value if (year_target := targets.get(year)) else None,
            "actual": year_actual,
            "actual_source": year_source,
        }
        for year, (year_actual, year_source) in actuals.items()
    ]
    return {
        **_common(goal, target, assessment.status.value, context),
        "actual": actual,
        "actual_source": source,
        "computed": values.computed.get((goal.id, plan_year)),
        "recorded": {
            "value": recorded.value,
            "measured_on": recorded.measured_on,
            "comment": recorded.comment,
            "entered_by": recorded.entered_by,
        }
        if recorded
        else None,
        "expected": assessment.expected,
        "expected_basis": assessment.basis,
        "forecast": assessment.forecast,
        "forecast_reached": assessment.forecast_reached,
        "milestone_state": None,
        "due_on": None,
        "explanation": assessment.explanation,
        "series": series,
    }


def _actuals(
    values: _Values, goal_id: int, years: list[int]
) -> dict[int, tuple[float | None, str | None]]:
    """Each year's actual and where it comes from: the metric's own data wins; a recorded
    measurement stands where it has none."""
    computed, recorded = values.computed, values.recorded
    actuals: dict[int, tuple[float | None, str | None]] = {}
    for year in years:
        value = computed.get((goal_id, year))
        if value is not None:
            actuals[year] = (value, "metric")
        elif (row := recorded.get((goal_id, year))) is not None:
            actuals[year] = (row.value, "measurement")
        else:
            actuals[year] = (None, None)
    return actuals


def _summary(goals: Iterable[Fields]) -> Fields:
    """StatusCounts' fields."""
    counts = Counter(goal["status"] for goal in goals)
    return {**counts, "total": sum(counts.values())}


def _tracks(
    session: Session,
    plan: PlanRow,
    progress: dict[int, Fields],
    by_initiative: dict[int | None, list[GoalRow]],
) -> list[Fields]:
    """The plan's tracks and initiatives (TrackProgress' fields) with their goals' progress,
    rolled up."""
    tracks = []
    for _, rows in groupby(tracks_with_initiatives(session, plan), key=lambda row: row.track_id):
        track_rows = list(rows)
        initiatives: list[Fields] = []
        for initiative in track_rows:
            if initiative.id is None:  # a track without initiatives
                continue
            goals = [progress[g.id] for g in by_initiative[initiative.id]]
            initiatives.append(
                {
                    "id": initiative.id,
                    "code": f"{initiative.track_number}.{initiative.number}",
                    "number": initiative.number,
                    "title": initiative.title,
                    "short_title": initiative.short_title,
                    "goal_label": initiative.goal_label,
                    "status": initiative.status,
                    "summary": _summary(goals),
                    "goals": goals,
                }
            )
        track = track_rows[0]
        tracks.append(
            {
                "id": track.track_id,
                "number": track.track_number,
                "title": track.track_title,
                "summary": _summary(g for i in initiatives for g in i["goals"]),
                "initiatives": initiatives,
            }
        )
    return tracks


def plan_progress(session: Session, year: int, evaluated_on: date) -> PlanProgress:
    found = plan_and_goals(session, year)
    if found is None:
        raise NotFoundError(f"No action plan for {year}.")
    plan, goals = found
    data = goal_data(session, plan, evaluated_on)
    values, years_of = _collect_values(session, goals, data, plan, evaluated_on)
    context = _Context(year, evaluated_on, year_elapsed(year, evaluated_on), data.comments)
    targets = data.targets
    progress = {
        g.id: _milestone_progress(g, data.notes.get(g.id), context)
        if g.kind is GoalKind.milestone
        else _goal_progress(g, targets[g.id], values, years_of.get(g.id, []), context)
        for g in goals
    }
    by_initiative: dict[int | None, list[GoalRow]] = defaultdict(list)
    for goal in goals:  # in position order already
        by_initiative[goal.initiative_id].append(goal)
    return PlanProgress.model_validate(
        {
            "plan_id": plan.id,
            "year": plan.year,
            "title": plan.title,
            "evaluated_on": evaluated_on,
            "summary": _summary(progress.values()),
            "goals": [progress[g.id] for g in by_initiative[None]],
            "tracks": _tracks(session, plan, progress, by_initiative),
        }
    )


__all__ = ["Status", "plan_progress"]
