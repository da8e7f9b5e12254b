"""HTTP layer of goals: goals, measurements, milestone notes, metrics and progress."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from api.auth.deps import CurrentActor, requires
from api.auth.permissions import Scope
from api.goals import carry_over as carrying
from api.goals import plan_tree
from api.goals import service as svc
from api.goals.contribution_schemas import GoalContributions
from api.goals.contributions import goal_contributions
from api.goals.deps import GoalDep, InitiativeDetailDep, MeasurementDep
from api.goals.enums import GoalKind
from api.goals.models import Goal, GoalComment, Measurement, MilestoneNote
from api.goals.plan_tree import InitiativeDetail, PlanDetail
from api.goals.progress import plan_progress
from api.goals.progress_schemas import PlanProgress
from api.goals.registry import all_metrics
from api.goals.schemas import (
    GoalCommentCreate,
    GoalCommentRead,
    GoalCreate,
    GoalRead,
    GoalUpdate,
    MeasurementCreate,
    MeasurementRead,
    MetricRead,
    MilestoneNoteCreate,
    MilestoneNoteRead,
)
from api.kit.clock import today
from api.kit.common import Id, IsoDate, PlanYear
from api.kit.db import SessionDep
from api.kit.etags import IfMatch, change_if_match, created, etag_of, set_etag
from api.kit.paging import Page, PageDep, paginate
from api.kit.read_cache import NOT_MODIFIED, cached_json
from api.plans import service as plans_service
from api.plans.deps import PlanDep
from api.plans.models import Initiative
from api.plans.schemas import CarryOverResult, InitiativeUpdate

router = APIRouter(tags=["goals"])


@router.get(
    "/plans/{year}/progress",
    response_model=PlanProgress,
    responses=NOT_MODIFIED,
    dependencies=[requires(Scope.read)],
)
async def get_progress(
    request: Request,
    session: SessionDep,
    year: PlanYear,
    evaluation_date: Annotated[
        IsoDate | None, Query(description="The date to evaluate at; defaults to today.")
    ] = None,
) -> Response:
    """Every goal of the plan with actual, target, baseline, status and why; rolled up.
    Computed once per change of the data; If-None-Match with the ETag answers 304."""
    at = evaluation_date or today()
    return await cached_json(
        request,
        session,
        ("progress", year, at),
        PlanProgress,
        lambda: plan_progress(session, year, at),
    )


@router.get(
    "/plans/{year}/goals", response_model=Page[GoalRead], dependencies=[requires(Scope.read)]
)
def list_goals(
    session: SessionDep,
    plan: PlanDep,
    page: PageDep,
    initiative_id: Annotated[Id | None, Query()] = None,
    kind: Annotated[GoalKind | None, Query()] = None,
) -> dict[str, Any]:
    """List a plan's goals: plan-level first, then by initiative and position."""
    query = svc.list_goals_query(plan, initiative_id, kind)
    return paginate(session, query, page, Goal.updated_at)


@router.post(
    "/plans/{year}/goals",
    status_code=status.HTTP_201_CREATED,
    response_model=GoalRead,
    dependencies=[requires(Scope.write)],
)
def create_goal(session: SessionDep, plan: PlanDep, data: GoalCreate, response: Response) -> Goal:
    """Add a goal to a plan, under an initiative or at plan level."""
    goal = svc.create_goal(session, plan, data)
    created(response, f"/api/v1/goals/{goal.id}", goal.version)
    return goal


@router.get("/goals/{goal_id}", response_model=GoalRead, dependencies=[requires(Scope.read)])
def get_goal(goal: GoalDep, response: Response) -> Goal:
    """Get one goal with its targets."""
    set_etag(response, goal.version)
    return goal


@router.get(
    "/goals/{goal_id}/contributions",
    response_model=GoalContributions,
    dependencies=[requires(Scope.read)],
)
def get_contributions(
    session: SessionDep,
    goal: GoalDep,
    evaluation_date: Annotated[
        IsoDate | None, Query(description="The date to evaluate at; defaults to today.")
    ] = None,
    year: Annotated[
        int | None, Query(ge=1900, le=2200, description="Defaults to the goal's plan year.")
    ] = None,
) -> GoalContributions:
    """The records behind a goal's figure for a year, as progress counts them at the date, and
    those its metric looked at and did not count, each with the reason."""
    return goal_contributions(session, goal, year, evaluation_date or today())


@router.patch("/goals/{goal_id}", response_model=GoalRead, dependencies=[requires(Scope.write)])
def update_goal(
    session: SessionDep,
    goal: GoalDep,
    data: GoalUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> Goal:
    """Change a goal; `targets` replaces the whole set (If-Match required)."""
    change_if_match(response, if_match, goal, lambda: svc.update_goal(session, goal, data))
    return goal


@router.delete(
    "/goals/{goal_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[requires(Scope.write)]
)
def delete_goal(session: SessionDep, goal: GoalDep) -> None:
    """Delete a goal with its targets and measurements."""
    svc.delete_goal(session, goal)


@router.get(
    "/goals/{goal_id}/measurements",
    response_model=Page[MeasurementRead],
    dependencies=[requires(Scope.read)],
)
def list_measurements(session: SessionDep, goal: GoalDep, page: PageDep) -> dict[str, Any]:
    """List a goal's measurements, newest first."""
    return paginate(session, svc.list_measurements_query(goal), page)


@router.post(
    "/goals/{goal_id}/measurements",
    status_code=status.HTTP_201_CREATED,
    response_model=MeasurementRead,
    dependencies=[requires(Scope.write)],
)
def add_measurement(
    session: SessionDep,
    actor: CurrentActor,
    goal: GoalDep,
    data: MeasurementCreate,
    response: Response,
) -> Measurement:
    """Record a dated value for a measurable goal, with a comment; you are recorded as its
    author."""
    measurement = svc.add_measurement(session, goal, data, entered_by=actor.name)
    created(response, f"/api/v1/measurements/{measurement.id}")
    return measurement


@router.delete(
    "/measurements/{measurement_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[requires(Scope.write)],
)
def delete_measurement(session: SessionDep, measurement: MeasurementDep) -> None:
    """Delete a measurement entered by mistake."""
    svc.delete_measurement(session, measurement)


@router.get(
    "/goals/{goal_id}/milestone-notes",
    response_model=Page[MilestoneNoteRead],
    dependencies=[requires(Scope.read)],
)
def list_milestone_notes(session: SessionDep, goal: GoalDep, page: PageDep) -> dict[str, Any]:
    """List a milestone goal's dated notes, newest first."""
    return paginate(session, svc.list_milestone_notes_query(goal), page)


@router.post(
    "/goals/{goal_id}/milestone-notes",
    status_code=status.HTTP_201_CREATED,
    response_model=MilestoneNoteRead,
    dependencies=[requires(Scope.write)],
)
def add_milestone_note(
    session: SessionDep,
    actor: CurrentActor,
    goal: GoalDep,
    data: MilestoneNoteCreate,
    response: Response,
) -> MilestoneNote:
    """Add a dated note to a milestone goal; the newest note's state becomes the goal's."""
    note = svc.add_milestone_note(session, goal, data, entered_by=actor.name)
    created(response, f"/api/v1/goals/{goal.id}/milestone-notes")
    return note


@router.get(
    "/goals/{goal_id}/comments",
    response_model=Page[GoalCommentRead],
    dependencies=[requires(Scope.read)],
)
def list_comments(session: SessionDep, goal: GoalDep, page: PageDep) -> dict[str, Any]:
    """List a goal's written statuses, newest first."""
    return paginate(session, svc.list_comments_query(goal), page)


@router.post(
    "/goals/{goal_id}/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=GoalCommentRead,
    dependencies=[requires(Scope.write)],
)
def add_comment(
    session: SessionDep,
    actor: CurrentActor,
    goal: GoalDep,
    data: GoalCommentCreate,
    response: Response,
) -> GoalComment:
    """Write a dated status on a goal; progress shows the newest by the evaluation date."""
    comment = svc.add_comment(session, goal, data, author=actor.name)
    created(response, f"/api/v1/goals/{goal.id}/comments")
    return comment


@router.get("/metrics", response_model=list[MetricRead], dependencies=[requires(Scope.read)])
def list_metrics() -> list[MetricRead]:
    """The metrics a goal can be measured by, with the parameters each accepts."""
    return [
        MetricRead(
            key=m.key,
            title=m.title,
            description=m.description,
            units=sorted(m.units),
            params_schema=m.params_model.model_json_schema(),
        )
        for m in all_metrics()
    ]


# The plan tree and carry-over: plan routes that read or copy goals.
plan_router = APIRouter(tags=["plans"])


@plan_router.get("/plans/{year}", response_model=PlanDetail, dependencies=[requires(Scope.read)])
async def get_plan(request: Request, session: SessionDep, year: PlanYear) -> Response:
    """Get a plan with its tracks, their initiatives in the plan's numbering, and its KPIs.
    Its ETag is the plan's version, for If-Match; the tree is computed once per data change."""
    return await cached_json(
        request,
        session,
        ("plan", year),
        PlanDetail,
        lambda: plan_tree.plan_detail(session, year),
        etag=False,
        headers_of=lambda detail: {"ETag": etag_of(detail["version"])},
    )


@plan_router.post(
    "/plans/{year}/carry-over", response_model=CarryOverResult, dependencies=[requires(Scope.write)]
)
def carry_over(session: SessionDep, plan: PlanDep) -> dict[str, Any]:
    """Copy the plan's unfinished initiatives and their goals into next year's draft plan."""
    target, carried, skipped = carrying.carry_over(session, plan)
    return {"plan": target, "carried": carried, "skipped": skipped}


@plan_router.get(
    "/initiatives/{initiative_id}",
    response_model=InitiativeDetail,
    dependencies=[requires(Scope.read)],
)
def get_initiative(initiative: InitiativeDetailDep, response: Response) -> Initiative:
    """Get an initiative with its partners and goals."""
    set_etag(response, initiative.version)
    return initiative


@plan_router.patch(
    "/initiatives/{initiative_id}",
    response_model=InitiativeDetail,
    dependencies=[requires(Scope.write)],
)
def update_initiative(
    session: SessionDep,
    initiative: InitiativeDetailDep,
    data: InitiativeUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> Initiative:
    """Change an initiative (If-Match required)."""
    change_if_match(
        response,
        if_match,
        initiative,
        lambda: plans_service.update_initiative(session, initiative, data),
    )
    return initiative
