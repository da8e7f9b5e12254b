"""HTTP layer of the plan domain: strategies, plans, initiatives, organisations."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from api.auth.deps import requires
from api.auth.permissions import Scope
from api.kit.clock import today
from api.kit.common import Id
from api.kit.db import SessionDep
from api.kit.etags import IfMatch, change_if_match, created, set_etag
from api.kit.paging import Page, PageDep, paginate
from api.plans import service as svc
from api.plans.deps import InitiativeDep, PlanDep
from api.plans.enums import InitiativeStatus, PlanStatus
from api.plans.models import ActionPlan, Initiative, Organization, Strategy
from api.plans.schemas import (
    InitiativeCreate,
    InitiativeRead,
    OrganizationCreate,
    OrganizationRead,
    PlanApprove,
    PlanCreate,
    PlanRead,
    PlanUpdate,
    StrategyRead,
)

router = APIRouter(tags=["plans"])


@router.get("/strategies", response_model=Page[StrategyRead], dependencies=[requires(Scope.read)])
def list_strategies(session: SessionDep, page: PageDep) -> dict[str, Any]:
    """List the business strategies with their objectives (pejlemærker) and tracks (spor)."""
    return paginate(session, svc.list_strategies_query(), page)


@router.get(
    "/strategies/{strategy_id}", response_model=StrategyRead, dependencies=[requires(Scope.read)]
)
def get_strategy(session: SessionDep, strategy_id: Id) -> Strategy:
    """Get one strategy with its objectives and tracks."""
    return svc.get_strategy(session, strategy_id)


@router.get("/plans", response_model=Page[PlanRead], dependencies=[requires(Scope.read)])
def list_plans(
    session: SessionDep, page: PageDep, status: PlanStatus | None = None
) -> dict[str, Any]:
    """List the action plans by year."""
    return paginate(session, svc.list_plans_query(status), page, ActionPlan.updated_at)


@router.post(
    "/plans",
    status_code=status.HTTP_201_CREATED,
    response_model=PlanRead,
    dependencies=[requires(Scope.write)],
)
def create_plan(session: SessionDep, data: PlanCreate, response: Response) -> ActionPlan:
    """Create a draft action plan for a year."""
    plan = svc.create_plan(session, data)
    created(response, f"/api/v1/plans/{plan.year}", plan.version)
    return plan


@router.patch("/plans/{year}", response_model=PlanRead, dependencies=[requires(Scope.write)])
def update_plan(
    session: SessionDep,
    plan: PlanDep,
    data: PlanUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> ActionPlan:
    """Change a plan's title, description or approval body (If-Match required)."""
    change_if_match(response, if_match, plan, lambda: svc.update_plan(session, plan, data))
    return plan


@router.delete(
    "/plans/{year}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[requires(Scope.write)]
)
def delete_plan(session: SessionDep, plan: PlanDep) -> None:
    """Delete a draft plan with its initiatives and goals; an approved plan stays."""
    svc.delete_plan(session, plan)


@router.post("/plans/{year}/approve", response_model=PlanRead, dependencies=[requires(Scope.write)])
def approve_plan(
    session: SessionDep, plan: PlanDep, response: Response, data: PlanApprove | None = None
) -> ActionPlan:
    """Approve a draft plan: record the date and the approving body."""
    svc.approve_plan(session, plan, data or PlanApprove(), today())
    set_etag(response, plan.version)
    return plan


@router.get(
    "/plans/{year}/initiatives",
    response_model=Page[InitiativeRead],
    dependencies=[requires(Scope.read)],
)
def list_initiatives(
    session: SessionDep,
    plan: PlanDep,
    page: PageDep,
    track_id: Annotated[Id | None, Query()] = None,
    status: Annotated[InitiativeStatus | None, Query()] = None,
) -> dict[str, Any]:
    """List a plan's initiatives in track and number order."""
    query = svc.list_initiatives_query(plan, track_id, status)
    return paginate(session, query, page, Initiative.updated_at)


@router.post(
    "/plans/{year}/initiatives",
    status_code=status.HTTP_201_CREATED,
    response_model=InitiativeRead,
    dependencies=[requires(Scope.write)],
)
def create_initiative(
    session: SessionDep, plan: PlanDep, data: InitiativeCreate, response: Response
) -> Initiative:
    """Add an initiative to a plan."""
    initiative = svc.create_initiative(session, plan, data)
    created(response, f"/api/v1/initiatives/{initiative.id}", initiative.version)
    return initiative


@router.delete(
    "/initiatives/{initiative_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[requires(Scope.write)],
)
def delete_initiative(session: SessionDep, initiative: InitiativeDep) -> None:
    """Delete an initiative with its goals and their measurements."""
    svc.delete_initiative(session, initiative)


@router.get(
    "/organizations", response_model=Page[OrganizationRead], dependencies=[requires(Scope.read)]
)
def list_organizations(session: SessionDep, page: PageDep) -> dict[str, Any]:
    """List partner organisations by name."""
    return paginate(session, svc.list_organizations_query(), page, Organization.updated_at)


@router.post(
    "/organizations",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganizationRead,
    dependencies=[requires(Scope.write)],
)
def create_organization(
    session: SessionDep, data: OrganizationCreate, response: Response
) -> Organization:
    """Add a partner organisation."""
    organization = svc.create_organization(session, data)
    created(response, f"/api/v1/organizations/{organization.id}")
    return organization
