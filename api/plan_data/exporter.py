"""Export a plan as a plan file: what `loader.load_plan` reads, so it round-trips."""

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import get_settings
from api.events.models import Event, EventSeries
from api.goals.enums import GoalKind, MeasurementSource
from api.goals.models import Goal, Measurement
from api.goals.service import target_specs
from api.plan_data.plan_file import (
    FORMAT,
    GoalIn,
    InitiativeIn,
    MeasurementIn,
    ObjectiveIn,
    OrganizationIn,
    PlanEventIn,
    PlanFile,
    PlanIn,
    PlanSeriesIn,
    StrategyIn,
    TrackIn,
)
from api.plans.models import ActionPlan


def export_plan(session: Session, plan: ActionPlan) -> PlanFile:
    """The plan as a plan file: what `load_plan` reads, so it round-trips."""
    strategy = plan.strategy
    plan_goals = [g for g in plan.goals if g.initiative_id is None]
    initiatives = sorted(plan.initiatives, key=lambda i: (i.track.number, i.number))
    measurements = _plan_measurements(session, [g.id for g in plan.goals])
    used_partners = {p.name for i in initiatives for p in i.partners}
    events = _plan_events_out(session, plan)
    return PlanFile(
        format=FORMAT,
        strategy=StrategyIn(
            name=strategy.name,
            start_year=strategy.start_year,
            end_year=strategy.end_year,
            adopted_by=strategy.adopted_by,
            adopted=strategy.adopted,
            description=strategy.description,
            objectives=[
                ObjectiveIn(
                    number=o.number,
                    title=o.title,
                    description=o.description,
                    track=TrackIn(
                        number=o.track.number, title=o.track.title, description=o.track.description
                    ),
                )
                for o in strategy.objectives
            ],
        ),
        organizations=[OrganizationIn(name=n) for n in sorted(used_partners)],
        plan=PlanIn(
            year=plan.year,
            title=plan.title,
            description=plan.description,
            approval_body=plan.approval_body,
            status=plan.status,
            approved_on=plan.approved_on,
            approved_by=plan.approved_by,
            series=_plan_series_out(session, plan, events),
            goals=[_goal_out(g, measurements) for g in sorted(plan_goals, key=_goal_order)],
            initiatives=[
                InitiativeIn(
                    track=i.track.number,
                    number=i.number,
                    title=i.title,
                    short_title=i.short_title,
                    goal_label=i.goal_label,
                    description=i.description,
                    status=i.status,
                    responsible=i.responsible,
                    partners=[p.name for p in i.partners],
                    goals=[_goal_out(g, measurements) for g in sorted(i.goals, key=_goal_order)],
                )
                for i in initiatives
            ],
            events=events,
        ),
    )


def _plan_events_out(session: Session, plan: ActionPlan) -> list[PlanEventIn]:
    """The plan's own dated events as the file states them (dates as staff have fixed them)."""
    zone = ZoneInfo(get_settings().timezone)
    codes = {i.id: i.code for i in plan.initiatives}
    events = session.scalars(
        select(Event).where(Event.plan_key.is_not(None)).order_by(Event.starts_at, Event.id)
    )
    out = []
    for event in events:
        starts = event.starts_at.astimezone(zone).date()
        if starts.year != plan.year:
            continue
        last = (event.ends_at.astimezone(zone) - timedelta(microseconds=1)).date()
        code = next((codes[i.id] for i in event.initiatives if i.id in codes), None)
        assert event.plan_key is not None
        out.append(
            PlanEventIn(
                key=event.plan_key,
                title=event.title,
                kind=event.kind,
                description=event.description,
                series=event.series.key if event.series else None,
                initiative=code,
                month=f"{starts:%Y-%m}" if event.tentative else None,
                starts_on=None if event.tentative else starts,
                ends_on=None if event.tentative or last == starts else last,
            )
        )
    return out


def _plan_series_out(
    session: Session, plan: ActionPlan, events: list[PlanEventIn]
) -> list[PlanSeriesIn]:
    """The series the plan's goals and dated events refer to, by key."""
    keys = {g.metric_params.get("series") for g in plan.goals} | {e.series for e in events}
    rows = session.scalars(
        select(EventSeries).where(EventSeries.key.in_(keys - {None})).order_by(EventSeries.key)
    )
    return [PlanSeriesIn(key=s.key, name=s.name, description=s.description) for s in rows]


def _goal_order(goal: Goal) -> tuple[int, int]:
    return (goal.position, goal.id)


def _plan_measurements(session: Session, goal_ids: list[int]) -> dict[int, list[Measurement]]:
    rows = session.scalars(
        select(Measurement)
        .where(Measurement.goal_id.in_(goal_ids), Measurement.source == MeasurementSource.plan)
        .order_by(Measurement.measured_on, Measurement.id)
    )
    out: dict[int, list[Measurement]] = {}
    for row in rows:
        out.setdefault(row.goal_id, []).append(row)
    return out


def _goal_out(goal: Goal, measurements: dict[int, list[Measurement]]) -> GoalIn:
    data: dict[str, Any] = {
        "key": goal.key,
        "label": goal.label,
        "text": goal.text,
        "note": goal.note,
        "kind": goal.kind,
        "milestone_state": goal.milestone_state,
        "due_on": goal.due_on,
        "measurements": [
            MeasurementIn(measured_on=m.measured_on, value=m.value, comment=m.comment)
            for m in measurements.get(goal.id, [])
        ],
    }
    if goal.kind is GoalKind.measurable:
        data |= {
            "metric": goal.metric,
            "metric_params": goal.metric_params,
            "unit": goal.unit,
            "direction": goal.direction,
            "pace": goal.pace,
            "baseline": goal.baseline,
            "targets": target_specs(goal),
        }
    return GoalIn.model_validate(data)
