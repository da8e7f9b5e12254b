"""Progress of a plan at a date: every goal's actual, target, status and yearly series.

A fixed number of SQL statements per call, whatever the number of goals: the plan tree with
selectinload, one query for measurements, one per metric in use.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.enums import GoalKind
from api.goals.metrics import newest_in_period
from api.goals.models import Goal, Measurement, MilestoneNote
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
from api.goals.rules import Status, assess, year_elapsed
from api.plans import service as plans_service


@dataclass(frozen=True)
class _Values:
    computed: dict[tuple[int, int], float | None]  # (goal id, year) → metric value
    recorded: dict[tuple[int, int], Measurement | None]


def _period(year: int, evaluated_on: date) -> tuple[date, date] | None:
    """The part of `year` up to the evaluation date; None when the year has not begun."""
    start = date(year, 1, 1)
    if evaluated_on < start:
        return None
    return start, min(date(year, 12, 31), evaluated_on)


def _series_years(goal: Goal, plan_year: int, measured: Iterable[Measurement]) -> list[int]:
    years = {t.year for t in goal.targets} | {m.measured_on.year for m in measured} | {plan_year}
    return sorted(years)


def _collect_values(
    session: Session,
    goals: list[Goal],
    plan_year: int,
    evaluated_on: date,
) -> tuple[_Values, dict[int, list[int]]]:
    measurable = [g for g in goals if g.kind is GoalKind.measurable]
    rows = session.scalars(
        select(Measurement).where(
            Measurement.goal_id.in_([g.id for g in measurable]),
            Measurement.measured_on <= evaluated_on,
        )
    ).all()
    by_goal: dict[int, list[Measurement]] = defaultdict(list)
    for row in rows:
        by_goal[row.goal_id].append(row)
    recorded: dict[tuple[int, int], Measurement | None] = {}
    years_of: dict[int, list[int]] = {}
    requests: dict[str, list[tuple[tuple[int, int], MetricRequest]]] = defaultdict(list)
    for goal in measurable:
        years_of[goal.id] = _series_years(goal, plan_year, by_goal[goal.id])
        metric = get_metric(goal.metric or "manual")
        for year in years_of[goal.id]:
            period = _period(year, evaluated_on)
            if period is None:
                continue
            recorded[(goal.id, year)] = newest_in_period(by_goal[goal.id], *period)
            if not metric.reads_measurements:
                params = parse_params(metric.key, goal.metric_params)
                requests[metric.key].append(
                    ((goal.id, year), MetricRequest(goal.id, params, *period))
                )
    computed: dict[tuple[int, int], float | None] = {}
    for key, items in requests.items():
        values = get_metric(key).compute(session, [request for _, request in items])
        computed.update(zip((k for k, _ in items), values, strict=True))
    return _Values(computed, recorded), years_of


def _goal_progress(
    goal: Goal,
    values: _Values,
    years: list[int],
    plan_year: int,
    evaluated_on: date,
    latest_note: MilestoneNote | None,
) -> GoalProgress:
    targets = {t.year: t.value for t in goal.targets}
    common = {
        "goal_id": goal.id,
        "key": goal.key,
        "label": goal.label,
        "text": goal.text,
        "kind": goal.kind,
        "metric": goal.metric,
        "unit": goal.unit,
        "direction": goal.direction,
        "pace": goal.pace,
        "baseline": goal.baseline,
        "target": targets.get(plan_year),
        "year_elapsed": year_elapsed(plan_year, evaluated_on),
    }
    if goal.kind is GoalKind.milestone:
        state = goal.milestone_state.value if goal.milestone_state else "not_started"
        explanation = (
            f"{latest_note.text} ({latest_note.noted_on.isoformat()})"
            if latest_note
            else "Ingen noter endnu."
        )
        return GoalProgress(
            **common,
            actual=None,
            actual_source=None,
            computed=None,
            recorded=None,
            expected=None,
            status=state,
            explanation=explanation,
            series=[],
        )
    actual, source = _actual(values, goal.id, plan_year)
    recorded = values.recorded.get((goal.id, plan_year))
    assert goal.unit and goal.direction and goal.pace  # guaranteed for measurable goals
    assessment = assess(
        actual=actual,
        target=targets.get(plan_year),
        unit=goal.unit,
        direction=goal.direction,
        pace=goal.pace,
        year=plan_year,
        evaluated_on=evaluated_on,
    )
    series = []
    for year in years:
        year_actual, year_source = _actual(values, goal.id, year)
        series.append(
            SeriesPoint(
                year=year, target=targets.get(year), actual=year_actual, actual_source=year_source
            )
        )
    return GoalProgress(
        **common,
        actual=actual,
        actual_source=source,
        computed=values.computed.get((goal.id, plan_year)),
        recorded=RecordedValue.model_validate(recorded, from_attributes=True) if recorded else None,
        expected=assessment.expected,
        status=assessment.status.value,
        explanation=assessment.explanation,
        series=series,
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
    counts = StatusCounts()
    for goal in goals:
        setattr(counts, goal.status, getattr(counts, goal.status) + 1)
        counts.total += 1
    return counts


def _latest_notes(session: Session, goal_ids: list[int]) -> dict[int, MilestoneNote]:
    latest: dict[int, MilestoneNote] = {}
    notes = session.scalars(
        select(MilestoneNote)
        .where(MilestoneNote.goal_id.in_(goal_ids))
        .order_by(MilestoneNote.noted_on, MilestoneNote.id)
    )
    for note in notes:
        latest[note.goal_id] = note
    return latest


def plan_progress(session: Session, year: int, evaluated_on: date) -> PlanProgress:
    plan = plans_service.get_plan(session, year, full=True)
    goals = list(plan.goals)
    values, years_of = _collect_values(session, goals, year, evaluated_on)
    notes = _latest_notes(session, [g.id for g in goals if g.kind is GoalKind.milestone])
    progress = {
        g.id: _goal_progress(g, values, years_of.get(g.id, []), year, evaluated_on, notes.get(g.id))
        for g in goals
    }
    by_initiative: dict[int | None, list[Goal]] = defaultdict(list)
    for goal in sorted(goals, key=lambda g: (g.position, g.id)):
        by_initiative[goal.initiative_id].append(goal)
    tracks = []
    for track in plans_service.plan_tracks(session, plan):
        initiatives = []
        for initiative in track["initiatives"]:
            goal_rows = [progress[g.id] for g in by_initiative[initiative.id]]
            initiatives.append(
                InitiativeProgress(
                    id=initiative.id,
                    code=initiative.code,
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
                id=track["id"],
                number=track["number"],
                title=track["title"],
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
