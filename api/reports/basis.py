"""The committee report's appendix: the records behind each measurable goal's figure, as the
contributions endpoint lists them, so every number in the report can be traced by a reader who
has no access to the app."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.goals.contributions import goal_contributions
from api.goals.enums import GoalKind, Unit
from api.goals.formatting import format_day, format_value
from api.goals.models import Goal
from api.plans.models import ActionPlan

MAX_ITEMS = 200  # counted records listed per goal; the app lists them all


@dataclass(frozen=True)
class BasisItem:
    day: date | None
    label: str
    value: float | None  # what it adds to a sum; None where the figure is a share
    unit: Unit | None
    value_text: str
    reason: str

    @property
    def day_text(self) -> str:
        return format_day(self.day) if self.day else "–"


def _value_text(value: float, unit: Unit | None, aggregation: str) -> str:
    """What one record adds: to a sum, its value; to a share, whether it meets the level."""
    if aggregation == "share":
        return "opfylder" if value else "opfylder ikke"
    if aggregation in ("sum", "latest", "change"):
        return format_value(value, unit if unit is not Unit.percent else None)
    return "–"


@dataclass(frozen=True)
class GoalBasis:
    key: str
    name: str
    counted: int
    not_counted: int
    items: list[BasisItem]

    @property
    def summary(self) -> str:
        shown = f" (de første {len(self.items)} vises)" if len(self.items) < self.counted else ""
        return (
            f"{self.counted} poster talte med{shown}; {self.not_counted} blev set på og talte "
            "ikke med (se dem under Vis grundlag i appen)."
        )


def plan_basis(session: Session, plan: ActionPlan, evaluated_on: date) -> list[GoalBasis]:
    """Each measurable goal's counted records for the plan's year as of `evaluated_on`, in the
    plan's order (plan level first). A goal per call to the contributions: a report is made
    a few times a year, and each goal's records are its own query anyway."""
    goals = session.scalars(
        select(Goal)
        .where(Goal.action_plan_id == plan.id, Goal.kind == GoalKind.measurable)
        .order_by(Goal.initiative_id.is_not(None), Goal.initiative_id, Goal.position, Goal.id)
    ).all()
    basis = []
    for goal in goals:
        answer = goal_contributions(session, goal, plan.year, evaluated_on)
        counted = [item for item in answer.items if item.counted]
        basis.append(
            GoalBasis(
                key=goal.key,
                name=goal.label or goal.text,
                counted=answer.counted,
                not_counted=answer.not_counted,
                items=[
                    BasisItem(
                        item.day,
                        item.label,
                        item.value if answer.aggregation in ("sum", "latest") else None,
                        goal.unit,
                        _value_text(item.value, goal.unit, answer.aggregation),
                        item.reason,
                    )
                    for item in counted[:MAX_ITEMS]
                ],
            )
        )
    return basis
