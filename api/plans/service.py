"""Plan logic: plain functions over a Session; they flush, the request commits."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.base import ExecutableOption

from api.kit.common import INT32_MAX
from api.kit.db import touch
from api.kit.errors import ConflictError, NotFoundError, required_by_data, unknown_reference
from api.plans.enums import InitiativeStatus, PlanStatus
from api.plans.models import ActionPlan, Initiative, Objective, Organization, Strategy, Track
from api.plans.schemas import (
    InitiativeCreate,
    InitiativeUpdate,
    OrganizationCreate,
    PlanApprove,
    PlanCreate,
    PlanUpdate,
)

_INITIATIVE_OPTIONS = (selectinload(Initiative.track), selectinload(Initiative.partners))


def list_strategies_query() -> Select[Strategy]:
    return (
        select(Strategy)
        .options(selectinload(Strategy.objectives).selectinload(Objective.track))
        .order_by(Strategy.start_year, Strategy.id)
    )


def get_strategy(session: Session, strategy_id: int) -> Strategy:
    strategy = session.scalar(list_strategies_query().where(Strategy.id == strategy_id))
    if strategy is None:
        raise NotFoundError(f"No strategy with id {strategy_id}.")
    return strategy


def tracks_of(session: Session, strategy_id: int) -> list[Track]:
    query = (
        select(Track)
        .join(Track.objective)
        .where(Objective.strategy_id == strategy_id)
        .options(selectinload(Track.objective))
        .order_by(Track.number)
    )
    return list(session.scalars(query))


def list_plans_query(status: PlanStatus | None = None) -> Select[ActionPlan]:
    query = select(ActionPlan).order_by(ActionPlan.year)
    if status is not None:
        query = query.where(ActionPlan.status == status)
    return query


# The plan with its strategy and initiatives, as the plan tree and the plan file read it; the
# goals domain adds its goals to these (`api.goals.plan_tree`).
PLAN_TREE_OPTIONS: tuple[ExecutableOption, ...] = (
    selectinload(ActionPlan.strategy),
    selectinload(ActionPlan.initiatives).options(*_INITIATIVE_OPTIONS),
)


def get_plan(
    session: Session, year: int, *, options: Sequence[ExecutableOption] = ()
) -> ActionPlan:
    query = select(ActionPlan).where(ActionPlan.year == year).options(*options)
    plan = session.scalar(query)
    if plan is None:
        raise NotFoundError(f"No action plan for {year}.")
    return plan


def initiatives_by_track(plan: ActionPlan) -> dict[int, list[Initiative]]:
    """The plan's initiatives per track id, in the plan's numbering."""
    by_track: dict[int, list[Initiative]] = defaultdict(list)
    for initiative in sorted(plan.initiatives, key=lambda i: i.number):
        by_track[initiative.track_id].append(initiative)
    return by_track


def plan_tracks(session: Session, plan: ActionPlan) -> list[dict[str, Any]]:
    """The plan's tracks in order, each with its initiatives in the plan's numbering."""
    by_track = initiatives_by_track(plan)
    return [
        {
            "id": t.id,
            "number": t.number,
            "title": t.title,
            "description": t.description,
            "objective": t.objective,
            "initiatives": by_track.get(t.id, []),
        }
        for t in tracks_of(session, plan.strategy_id)
    ]


def create_plan(session: Session, data: PlanCreate) -> ActionPlan:
    if session.scalar(select(ActionPlan.id).where(ActionPlan.year == data.year)):
        raise ConflictError(f"There is already an action plan for {data.year}.")
    strategy_id = data.strategy_id or _strategy_for_year(session, data.year)
    if session.get(Strategy, strategy_id) is None:
        raise unknown_reference("strategy_id", f"der findes ingen strategi med id {strategy_id}")
    plan = ActionPlan(**data.model_dump(exclude={"strategy_id"}), strategy_id=strategy_id)
    session.add(plan)
    session.flush()
    return plan


def _strategy_for_year(session: Session, year: int) -> int:
    strategy_id = session.scalar(
        select(Strategy.id).where(Strategy.start_year <= year, Strategy.end_year >= year)
    )
    if strategy_id is None:
        raise required_by_data(
            "strategy_id", f"ingen strategi dækker {year}: angiv strategy_id (se /strategies)"
        )
    return strategy_id


def update_plan(session: Session, plan: ActionPlan, data: PlanUpdate) -> ActionPlan:
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(plan, name, "" if name == "description" and value is None else value)
    session.flush()
    return plan


def delete_plan(session: Session, plan: ActionPlan) -> None:
    if plan.status is PlanStatus.approved:
        raise ConflictError(f"The {plan.year} plan is approved and cannot be deleted.")
    session.delete(plan)
    session.flush()


def approve_plan(session: Session, plan: ActionPlan, data: PlanApprove, today: date) -> ActionPlan:
    if plan.status is PlanStatus.approved:
        raise ConflictError(
            f"The {plan.year} plan was already approved on {plan.approved_on} "
            f"by {plan.approved_by}."
        )
    approved_by = data.approved_by or plan.approval_body
    if not approved_by:
        raise required_by_data(
            "approved_by",
            "planen har intet godkendende organ (approval_body): skriv, hvem der godkendte den",
        )
    plan.status = PlanStatus.approved
    plan.approved_on = data.approved_on or today
    plan.approved_by = approved_by
    session.flush()
    return plan


def list_initiatives_query(
    plan: ActionPlan, track_id: int | None = None, status: InitiativeStatus | None = None
) -> Select[Initiative]:
    query = (
        select(Initiative)
        .join(Initiative.track)
        .where(Initiative.action_plan_id == plan.id)
        .options(*_INITIATIVE_OPTIONS)
        .order_by(Track.number, Initiative.number)
    )
    if track_id is not None:
        query = query.where(Initiative.track_id == track_id)
    if status is not None:
        query = query.where(Initiative.status == status)
    return query


def get_initiative(
    session: Session, initiative_id: int, *, options: Sequence[ExecutableOption] = ()
) -> Initiative:
    initiative = session.scalar(
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(*_INITIATIVE_OPTIONS, *options)
    )
    if initiative is None:
        raise NotFoundError(f"No initiative with id {initiative_id}.")
    return initiative


def create_initiative(session: Session, plan: ActionPlan, data: InitiativeCreate) -> Initiative:
    track = _track_in_plan(session, plan, data.track_id)
    number = data.number or next_number(session, plan.id, track.id)
    _check_number_free(session, plan.id, track.id, number)
    initiative = Initiative(
        **data.model_dump(exclude={"track_id", "number", "partner_ids"}),
        action_plan=plan,
        track=track,
        number=number,
        partners=_organizations(session, data.partner_ids),
    )
    session.add(initiative)
    session.flush()
    return initiative


def update_initiative(session: Session, initiative: Initiative, data: InitiativeUpdate) -> None:
    changes = data.model_dump(exclude_unset=True)
    if "partner_ids" in changes:
        partners = _organizations(session, changes.pop("partner_ids") or [])
        if {p.id for p in partners} != {p.id for p in initiative.partners}:
            initiative.partners = partners
            touch(initiative)
    track_id = changes.pop("track_id", initiative.track_id)
    number = changes.pop("number", initiative.number)
    if (track_id, number) != (initiative.track_id, initiative.number):
        track = _track_in_plan(session, initiative.action_plan, track_id)
        _check_number_free(session, initiative.action_plan_id, track.id, number)
        initiative.track, initiative.number = track, number
    if "description" in changes and changes["description"] is None:
        changes["description"] = ""
    for name, value in changes.items():
        setattr(initiative, name, value)
    session.flush()


def delete_initiative(session: Session, initiative: Initiative) -> None:
    session.delete(initiative)
    session.flush()


def _track_in_plan(session: Session, plan: ActionPlan, track_id: int) -> Track:
    track = session.get(Track, track_id)
    if track is None or track.objective.strategy_id != plan.strategy_id:
        raise unknown_reference(
            "track_id", f"spor {track_id} er ikke et spor i {plan.year}-planens strategi"
        )
    return track


def next_number(session: Session, plan_id: int, track_id: int) -> int:
    highest = session.scalar(
        select(func.max(Initiative.number)).where(
            Initiative.action_plan_id == plan_id, Initiative.track_id == track_id
        )
    )
    if highest is not None and highest >= INT32_MAX:  # the number column holds no more
        raise ConflictError(
            f"Sporet har allerede en indsats med det højeste nummer ({highest}); angiv et "
            "ledigt number."
        )
    return (highest or 0) + 1


def _check_number_free(session: Session, plan_id: int, track_id: int, number: int) -> None:
    taken = session.scalar(
        select(Initiative.id).where(
            Initiative.action_plan_id == plan_id,
            Initiative.track_id == track_id,
            Initiative.number == number,
        )
    )
    if taken:
        raise ConflictError(f"The track already has an initiative number {number}.")


def _organizations(session: Session, ids: list[int]) -> list[Organization]:
    found = list(session.scalars(select(Organization).where(Organization.id.in_(ids))))
    missing = sorted(set(ids) - {o.id for o in found})
    if missing:
        raise unknown_reference(
            "partner_ids", f"der findes ingen organisation med id {', '.join(map(str, missing))}"
        )
    return found


def list_organizations_query() -> Select[Organization]:
    return select(Organization).order_by(Organization.name, Organization.id)


def create_organization(session: Session, data: OrganizationCreate) -> Organization:
    if session.scalar(select(Organization.id).where(Organization.name == data.name)):
        raise ConflictError(f"An organisation named {data.name!r} exists already.")
    organization = Organization(name=data.name)
    session.add(organization)
    session.flush()
    return organization
