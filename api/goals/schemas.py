"""Goal, target and measurement schemas; `GoalDefinition` holds the rules of a valid goal."""

from datetime import date, datetime
from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)

from api.goals.enums import Direction, GoalKind, MeasurementSource, MilestoneState, Pace, Unit
from api.goals.registry import get_metric, parse_params
from api.kit.common import Amount, Id, NonNegativeAmount, RequestBody, Schema

GOAL_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
YEAR_KEY_PATTERN = r"^(19[0-9][0-9]|2[01][0-9][0-9]|2200)$"
"""A target's year as an object's key: 1900 to 2200."""


class Baseline(RequestBody):
    """Where the goal starts from; the year is left out where the plan names none ("de
    nuværende 65 procent")."""

    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=1900, le=2200)
    value: Amount


class TargetSpec(RequestBody):
    """A year's target with its phasing: the least value, an upper bound for a range, and when
    it is due: all of it on a date, or a share each month (like a budget's periodisering)."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    value: Amount = Field(ge=0, description="The target; the least value of a range.")
    upper: NonNegativeAmount | None = Field(
        default=None, description="The most, for a range target such as 3-4."
    )
    due_on: date | None = Field(
        default=None, description="The whole target is due on this date, nothing before it."
    )
    monthly_profile: list[float] | None = Field(
        default=None,
        min_length=12,
        max_length=12,
        description="Twelve weights, January to December: the share of the target due in each "
        "month (they need not add up to 1).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.upper is not None and self.upper < self.value:
            raise ValueError(
                f"upper ({self.upper:g}) er mindre end målet ({self.value:g}): et interval går "
                "fra det mindste til det største"
            )
        if self.due_on is not None and self.monthly_profile is not None:
            raise ValueError(
                "targets: et mål fordeles enten med en forfaldsdato (due_on) eller en "
                "månedsfordeling (monthly_profile), ikke begge"
            )
        if self.monthly_profile is not None:
            if any(weight < 0 for weight in self.monthly_profile):
                raise ValueError("monthly_profile: en måned har en negativ vægt")
            if sum(self.monthly_profile) <= 0:
                raise ValueError("monthly_profile: ingen måned har nogen vægt")
        return self

    @property
    def is_plain(self) -> bool:
        return self.upper is None and self.due_on is None and self.monthly_profile is None


class Target(TargetSpec):
    year: int = Field(ge=1900, le=2200)


class GoalDefinition(RequestBody):
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
    targets: dict[int, Amount | TargetSpec] = Field(
        default_factory=dict,
        description="Year → the target: a number, or an object with its range and phasing.",
        json_schema_extra={"propertyNames": {"pattern": YEAR_KEY_PATTERN}},
    )
    milestone_state: MilestoneState | None = None
    due_on: date | None = Field(
        default=None, description="A milestone's deadline; the plan year's end if left out."
    )

    @field_validator("targets")
    @classmethod
    def _target_years(cls, targets: dict[int, float | TargetSpec]) -> dict[int, float | TargetSpec]:
        for year, target in targets.items():
            if not 1900 <= year <= 2200:
                raise ValueError(f"target year {year} is not a plausible year")
            value = target.value if isinstance(target, TargetSpec) else target
            if value < 0:  # counts, amounts and shares are never negative
                raise ValueError(f"the target for {year} is negative ({value:g})")
        return dict(sorted(targets.items()))

    def target_specs(self) -> dict[int, TargetSpec]:
        """The targets, each as a TargetSpec."""
        return {
            year: t if isinstance(t, TargetSpec) else TargetSpec(value=t)
            for year, t in self.targets.items()
        }

    @field_serializer("targets")
    def _plain_targets(self, targets: dict[int, float | TargetSpec]) -> dict[int, Any]:
        # A target with neither range nor phasing is written as the plain number it is.
        return {
            year: t.value if t.is_plain else t.model_dump(mode="json", exclude_none=True)
            for year, t in self.target_specs().items()
        }

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
        if self.due_on is not None:
            raise ValueError(
                "due_on: kun milepæle har en frist; et måls forløb sættes på årets mål (targets)"
            )
        if self.unit is None:
            raise ValueError("a measurable goal needs a unit (count, dkk or percent)")
        specs = self.target_specs().values()
        if self.unit is Unit.percent and any(max(t.value, t.upper or 0) > 100 for t in specs):
            raise ValueError("a share cannot have a target above 100 %")
        whole = (float(v).is_integer() for t in specs for v in (t.value, t.upper or 0))
        if self.unit is Unit.count and not all(whole):
            raise ValueError("targets: målet for et antal er et helt tal")
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
        if self.pace is Pace.monthly and self.unit is not Unit.count:
            raise ValueError("pace: en månedlig rytme tæller måneder, så enheden er count")
        return self


class GoalCreate(GoalDefinition):
    initiative_id: Id | None = Field(
        default=None, description="The initiative; leave out for a plan-level goal."
    )
    key: str | None = Field(
        default=None,
        pattern=GOAL_KEY_PATTERN,
        max_length=100,
        description="Stable key within the plan; generated when left out.",
    )
    position: int | None = None


class GoalUpdate(RequestBody):
    """Any subset of a goal's fields; the merged result must still be a valid goal."""

    model_config = ConfigDict(extra="forbid")
    not_null = frozenset({"text", "kind", "metric_params", "targets"})

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
    targets: dict[int, Amount | TargetSpec] | None = Field(
        default=None, json_schema_extra={"propertyNames": {"pattern": YEAR_KEY_PATTERN}}
    )
    milestone_state: MilestoneState | None = None
    due_on: date | None = None
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
    due_on: date | None
    updated_at: datetime


class MeasurementCreate(RequestBody):
    measured_on: date
    value: Amount
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


class GoalCommentCreate(RequestBody):
    written_on: date = Field(description="The day the status is written for.")
    text: str = Field(min_length=1, max_length=4000)


class GoalCommentRead(Schema):
    id: int
    goal_id: int
    written_on: date
    text: str
    author: str
    created_at: datetime


class MilestoneNoteCreate(RequestBody):
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
