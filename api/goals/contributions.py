"""A goal's contributions: the records behind its figure for a year, as of a date.

The period is the one progress uses: the year up to the evaluation date. The value is the
metric's own `compute` for this goal and period, the number progress shows as `computed` (for
a manual goal its newest measurement), and the items are the metric's `contributions`, made by
the same rules. Every counted item is listed; of those that did not count, the first
MAX_NOT_COUNTED, so a year of many rejected records stays a readable answer.
"""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.goals.contribution_schemas import ContributionRead, GoalContributions
from api.goals.enums import GoalKind
from api.goals.formatting import format_day
from api.goals.models import Goal, MilestoneNote
from api.goals.registry import Contribution, MetricRequest, get_metric, parse_params
from api.goals.rules import MILESTONE_LABELS
from api.goals.trajectory import period_of

MAX_NOT_COUNTED = 300


def _in_order(items: list[Contribution]) -> list[Contribution]:
    """Counted first, each part by day (undated last), then by label."""
    return sorted(items, key=lambda i: (not i.counted, i.day is None, i.day or date.min, i.label))


def _notes(session: Session, goal: Goal, evaluated_on: date) -> list[Contribution]:
    """A milestone's notes up to the date; the newest is the state in force."""
    notes = session.scalars(
        select(MilestoneNote)
        .where(MilestoneNote.goal_id == goal.id, MilestoneNote.noted_on <= evaluated_on)
        .order_by(MilestoneNote.noted_on.desc(), MilestoneNote.id.desc())
    ).all()
    return [
        Contribution(
            "note",
            note.id,
            note.noted_on,
            f"Note {format_day(note.noted_on)}",
            0.0,
            index == 0,
            f"{MILESTONE_LABELS[note.state]}: {note.text}"
            + (" (den nyeste note)" if index == 0 else " (afløst af en nyere note)"),
        )
        for index, note in enumerate(notes)
    ]


def _listed(items: list[Contribution]) -> dict[str, Any]:
    """The items in order, those not counted cut at MAX_NOT_COUNTED, and their counts."""
    ordered = _in_order(items)
    counted = [i for i in ordered if i.counted]
    rejected = [i for i in ordered if not i.counted]
    return {
        "counted": len(counted),
        "not_counted": len(rejected),
        "truncated": len(rejected) > MAX_NOT_COUNTED,
        "items": [
            ContributionRead.model_validate(item, from_attributes=True)
            for item in counted + rejected[:MAX_NOT_COUNTED]
        ],
    }


def goal_contributions(
    session: Session, goal: Goal, year: int | None, evaluated_on: date
) -> GoalContributions:
    year = year or goal.action_plan.year
    period = period_of(year, evaluated_on)
    common: dict[str, Any] = {
        "goal_id": goal.id,
        "year": year,
        "evaluated_on": evaluated_on,
        "period_start": period[0] if period else None,
        "period_end": period[1] if period else None,
    }
    if goal.kind is GoalKind.milestone:
        notes = _listed(_notes(session, goal, evaluated_on))
        return GoalContributions(
            **common, metric=None, unit=None, aggregation="state", value=None, **notes
        )
    metric = get_metric(goal.metric or "manual")
    value, items = None, []
    if period is not None:
        request = MetricRequest(goal.id, parse_params(metric.key, goal.metric_params), *period)
        value = metric.compute(session, [request])[0]
        items = metric.contributions(session, request)
    return GoalContributions(
        **common,
        metric=metric.key,
        unit=goal.unit,
        aggregation=metric.aggregation,
        value=value,
        **_listed(items),
    )
