"""Goal, target and measurement schemas; `GoalDefinition` holds the rules of a valid goal."""

from datetime import date, datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.common import Schema
from api.enums import Direction, GoalKind, MeasurementSource, MilestoneState, Pace, Unit
from api.goals.registry import get_metric, parse_params

GOAL_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class Baseline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=1900, le=2200)
    value: float


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    year: int = Field(ge=1900, le=2200)
    value: float


class GoalDefinition(BaseModel):
    """What a goal is; validated the same way from the API and from a plan file."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, max_length=300)
    text: str = Field(min_length=1)
    note: str | None = None
    kind: GoalKind
    metric: str | None = None
    metric_params: dict[str, Any] = Field(default_factory=dict)
    unit: Unit | None = None
    direction: Direction | None = None
    pace: Pace | None = None
    baseline: Baseline | None = None
    targets: dict[int, float] = Field(default_factory=dict)
    milestone_state: MilestoneState | None = None

    @field_validator("targets")
    @classmethod
    def _target_years(cls, targets: dict[int, float]) -> dict[int, float]:
        for year, value in targets.items():
            if not 1900 <= year <= 2200:
                raise ValueError(f"target year {year} is not a plausible year")
            if value < 0:  # counts, amounts and shares are never negative
                raise ValueError(f"the target for {year} is negative ({value:g})")
        return dict(sorted(targets.items()))

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind is GoalKind.milestone:
            extra = [
                name
                for name in ("metric", "unit", "direction", "pace", "baseline")
                if getattr(self, name) is not None
            ]
            if self.targets:
                extra.append("targets")
            if extra:
                raise ValueError(f"a milestone goal has no {', '.join(extra)}")
            if self.milestone_state is None:
                self.milestone_state = MilestoneState.not_started
            return self
        if self.milestone_state is not None:
            raise ValueError("milestone_state is only for milestone goals")
        if self.unit is None:
            raise ValueError("a measurable goal needs a unit (count, dkk or percent)")
        if self.unit is Unit.percent and any(v > 100 for v in self.targets.values()):
            raise ValueError("a share cannot have a target above 100 %")
        self.metric = self.metric or "manual"
        metric = get_metric(self.metric)
        if self.unit not in metric.units:
            raise ValueError(f"metric {self.metric!r} does not measure {self.unit.value}")
        self.metric_params = parse_params(self.metric, self.metric_params).model_dump(
            mode="json", exclude_defaults=True
        )
        self.direction = self.direction or Direction.at_least
        # Shares are a level; counts and amounts add up over the year.
        self.pace = self.pace or (Pace.level if self.unit is Unit.percent else Pace.cumulative)
        return self


class GoalCreate(GoalDefinition):
    initiative_id: int | None = Field(
        default=None, description="The initiative; leave out for a plan-level goal."
    )
    key: str | None = Field(
        default=None,
        pattern=GOAL_KEY_PATTERN,
        max_length=100,
        description="Stable key within the plan; generated when left out.",
    )
    position: int | None = None


class GoalUpdate(BaseModel):
    """Any subset of a goal's fields; the merged result must still be a valid goal."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    text: str | None = Field(default=None, min_length=1)
    note: str | None = None
    kind: GoalKind | None = None
    metric: str | None = None
    metric_params: dict[str, Any] | None = None
    unit: Unit | None = None
    direction: Direction | None = None
    pace: Pace | None = None
    baseline: Baseline | None = None
    targets: dict[int, float] | None = None
    milestone_state: MilestoneState | None = None
    position: int | None = None


class GoalRead(Schema):
    id: int
    action_plan_id: int
    initiative_id: int | None
    key: str
    position: int
    label: str | None
    text: str
    note: str | None
    kind: GoalKind
    metric: str | None
    metric_params: dict[str, Any]
    unit: Unit | None
    direction: Direction | None
    pace: Pace | None
    baseline: Baseline | None
    targets: list[Target]
    milestone_state: MilestoneState | None
    updated_at: datetime


class MeasurementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    measured_on: date
    value: float
    comment: str | None = Field(default=None, max_length=2000)


class MeasurementRead(Schema):
    id: int
    goal_id: int
    measured_on: date
    value: float
    comment: str | None
    source: MeasurementSource
    entered_by: str
    created_at: datetime


class MilestoneNoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    noted_on: date
    state: MilestoneState
    text: str = Field(min_length=1, max_length=4000)


class MilestoneNoteRead(Schema):
    id: int
    goal_id: int
    noted_on: date
    state: MilestoneState
    text: str
    entered_by: str
    created_at: datetime


class MetricRead(BaseModel):
    key: str
    title: str
    description: str
    units: list[Unit]
    params_schema: dict[str, Any]
