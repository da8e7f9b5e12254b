"""Carry-over: a plan's unfinished initiatives, with their goals and the targets still ahead,
copied into next year's draft plan."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.goals.models import Goal, GoalTarget
from api.kit.errors import ConflictError
from api.plans import service as plans_service
from api.plans.enums import InitiativeStatus, PlanStatus
from api.plans.models import ActionPlan, Initiative

UNFINISHED = (InitiativeStatus.planned, InitiativeStatus.in_progress)


def carry_over(
    session: Session, plan: ActionPlan
) -> tuple[ActionPlan, list[Initiative], list[str]]:
    """Copy the plan's unfinished initiatives, with their goals, into next year's draft."""
    year = plan.year + 1
    target = session.scalar(select(ActionPlan).where(ActionPlan.year == year))
    if target is None:
        target = ActionPlan(
            strategy_id=plan.strategy_id,
            year=year,
            title=f"Handlingsplan for {year}",
            approval_body=plan.approval_body,
        )
        session.add(target)
        session.flush()
    elif target.status is PlanStatus.approved:
        raise ConflictError(f"The {year} plan is approved; carry over into a draft only.")
    already = set(
        session.scalars(
            select(Initiative.carried_over_from_id).where(Initiative.action_plan_id == target.id)
        )
    )
    taken_keys = set(session.scalars(select(Goal.key).where(Goal.action_plan_id == target.id)))
    carried: list[Initiative] = []
    skipped: list[str] = []
    for source in sorted(plan.initiatives, key=lambda i: (i.track.number, i.number)):
        if source.status not in UNFINISHED:
            skipped.append(f"{source.code} {source.title}: {source.status.value}")
        elif source.id in already:
            skipped.append(f"{source.code} {source.title}: already carried over")
        else:
            carried.append(_copy_initiative(session, source, target, taken_keys))
    session.flush()
    return target, carried, skipped


def _copy_initiative(
    session: Session, source: Initiative, target: ActionPlan, taken_keys: set[str]
) -> Initiative:
    number = source.number
    if session.scalar(
        select(Initiative.id).where(
            Initiative.action_plan_id == target.id,
            Initiative.track_id == source.track_id,
            Initiative.number == number,
        )
    ):
        number = plans_service.next_number(session, target.id, source.track_id)
    copy = Initiative(
        action_plan=target,
        track_id=source.track_id,
        number=number,
        title=source.title,
        short_title=source.short_title,
        goal_label=source.goal_label,
        description=source.description,
        status=source.status,
        responsible=source.responsible,
        partners=list(source.partners),
        carried_over_from_id=source.id,
    )
    session.add(copy)
    for goal in source.goals:
        key = goal.key if goal.key not in taken_keys else f"{goal.key}-{target.year}"
        taken_keys.add(key)
        session.add(
            Goal(
                action_plan=target,
                initiative=copy,
                key=key,
                position=goal.position,
                label=goal.label,
                text=goal.text,
                note=goal.note,
                kind=goal.kind,
                metric=goal.metric,
                metric_params=dict(goal.metric_params),
                unit=goal.unit,
                direction=goal.direction,
                pace=goal.pace,
                baseline_year=goal.baseline_year,
                baseline_value=goal.baseline_value,
                milestone_state=goal.milestone_state,
                # Only the targets still ahead travel with the goal.
                targets=[
                    GoalTarget(
                        year=t.year,
                        value=t.value,
                        upper=t.upper,
                        due_on=t.due_on,
                        monthly_profile=t.monthly_profile,
                    )
                    for t in goal.targets
                    if t.year >= target.year
                ],
            )
        )
    return copy
