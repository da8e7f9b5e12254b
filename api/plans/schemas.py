"""Request and response models of the plan domain."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.kit.common import Id, RequestBody, Schema
from api.plans.enums import InitiativeStatus, PlanStatus


class OrganizationRead(Schema):
    id: int
    name: str


class OrganizationCreate(RequestBody):
    name: str = Field(min_length=1, max_length=200)


class TrackRead(Schema):
    id: int
    number: int
    title: str
    description: str


class ObjectiveRead(Schema):
    id: int
    number: int
    title: str
    description: str
    track: TrackRead


class StrategyRead(Schema):
    id: int
    name: str
    start_year: int
    end_year: int
    adopted_by: str | None
    adopted: str | None
    description: str
    objectives: list[ObjectiveRead]


class PlanRead(Schema):
    id: int
    strategy_id: int
    year: int
    title: str
    description: str
    status: PlanStatus
    approval_body: str | None
    approved_on: date | None
    approved_by: str | None
    updated_at: datetime


class PlanCreate(RequestBody):
    year: int = Field(ge=1900, le=2200)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    approval_body: str | None = Field(default=None, max_length=200)
    strategy_id: Id | None = Field(
        default=None, description="Defaults to the strategy whose period covers the year."
    )


class PlanUpdate(RequestBody):
    not_null = frozenset({"title"})

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    approval_body: str | None = Field(default=None, max_length=200)


class PlanApprove(RequestBody):
    approved_on: date | None = Field(default=None, description="Defaults to today.")
    approved_by: str | None = Field(
        default=None, max_length=200, description="Defaults to the plan's approval body."
    )


class InitiativeRead(Schema):
    id: int
    action_plan_id: int
    track_id: int
    track_number: int
    number: int
    code: str = Field(description="Track and number, as the plan numbers it: '3.2'.")
    title: str
    short_title: str | None
    goal_label: str | None
    description: str
    status: InitiativeStatus
    responsible: str | None
    partners: list[OrganizationRead]
    carried_over_from_id: int | None
    updated_at: datetime


class InitiativeCreate(RequestBody):
    track_id: Id
    number: int | None = Field(default=None, ge=1, description="Next free number if left out.")
    title: str = Field(min_length=1, max_length=300)
    short_title: str | None = Field(default=None, max_length=300)
    goal_label: str | None = Field(default=None, max_length=300)
    description: str = ""
    status: InitiativeStatus = InitiativeStatus.planned
    responsible: str | None = Field(default=None, max_length=200)
    partner_ids: list[Id] = Field(default_factory=list)


class InitiativeUpdate(RequestBody):
    not_null = frozenset({"track_id", "number", "title", "status"})

    track_id: Id | None = None
    number: int | None = Field(default=None, ge=1)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    short_title: str | None = Field(default=None, max_length=300)
    goal_label: str | None = Field(default=None, max_length=300)
    description: str | None = None
    status: InitiativeStatus | None = None
    responsible: str | None = Field(default=None, max_length=200)
    partner_ids: list[Id] | None = None


class TrackWithInitiatives(TrackRead):
    objective: "ObjectiveSummary"
    initiatives: list[InitiativeRead]


class ObjectiveSummary(Schema):
    id: int
    number: int
    title: str


class StrategySummary(Schema):
    id: int
    name: str
    start_year: int
    end_year: int


class CarryOverResult(BaseModel):
    plan: PlanRead
    carried: list[InitiativeRead]
    skipped: list[str] = Field(description="Initiatives not carried, and why.")
