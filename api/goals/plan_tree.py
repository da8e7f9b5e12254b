"""The plan as a tree with its goals: the plan with its tracks, initiatives and plan-level goals,
and an initiative with its goals. Goals sit above plans, so the tree is read here."""

from typing import Any

from pydantic import Field
from sqlalchemy.orm import Session, selectinload

from api.goals.models import Goal
from api.goals.schemas import GoalRead
from api.plans import service as plans_service
from api.plans.models import ActionPlan, Initiative
from api.plans.schemas import InitiativeRead, PlanRead, StrategySummary, TrackWithInitiatives


class InitiativeDetail(InitiativeRead):
    goals: list[GoalRead]


class PlanDetail(PlanRead):
    strategy: StrategySummary
    tracks: list[TrackWithInitiatives]
    goals: list[GoalRead] = Field(description="The plan-level goals (not under an initiative).")


def get_full_plan(session: Session, year: int) -> ActionPlan:
    """The plan with its strategy, initiatives and goals with their targets, loaded at once."""
    return plans_service.get_plan(
        session,
        year,
        options=(
            *plans_service.PLAN_TREE_OPTIONS,
            selectinload(ActionPlan.goals).selectinload(Goal.targets),
        ),
    )


def get_initiative_detail(session: Session, initiative_id: int) -> Initiative:
    """The initiative with its track, partners and goals with their targets."""
    return plans_service.get_initiative(
        session, initiative_id, options=(selectinload(Initiative.goals).selectinload(Goal.targets),)
    )


def plan_detail(session: Session, year: int) -> dict[str, Any]:
    """The plan tree as `PlanDetail` reads it: tracks with their initiatives in the plan's
    numbering, and the plan-level goals in their order."""
    plan = get_full_plan(session, year)
    return {
        **PlanRead.model_validate(plan).model_dump(),
        "strategy": plan.strategy,
        "tracks": plans_service.plan_tracks(session, plan),
        "goals": sorted(
            (g for g in plan.goals if g.initiative_id is None), key=lambda g: g.position
        ),
        "version": plan.version,
    }
