"""The shape of GET /plans/{year}/progress."""

from datetime import date

from pydantic import BaseModel, Field
from typing_extensions import TypedDict  # pydantic needs this one on Python 3.11

from api.goals.enums import Direction, GoalKind, MilestoneState, Pace, Unit
from api.goals.schemas import Baseline
from api.goals.trajectory import Basis
from api.plans.enums import InitiativeStatus


class StatusCounts(BaseModel):
    """How many goals have each status; milestones count by their state."""

    achieved: int = 0
    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    not_due: int = 0
    overdue: int = 0
    no_data: int = 0
    no_target: int = 0
    not_started: int = 0
    in_progress: int = 0
    done: int = 0
    dropped: int = 0
    total: int = 0


class RecordedValue(BaseModel):
    value: float
    measured_on: date
    comment: str | None
    entered_by: str


class Comment(BaseModel):
    """The newest written status of a goal by the evaluation date."""

    text: str
    written_on: date
    author: str


class SeriesPoint(TypedDict):
    """One year of a goal's history: a plain dict, as a plan has hundreds of them."""

    year: int
    target: float | None
    actual: float | None
    actual_source: str | None


class GoalProgress(BaseModel):
    goal_id: int
    key: str
    label: str | None
    text: str
    kind: GoalKind
    metric: str | None
    unit: Unit | None
    direction: Direction | None
    pace: Pace | None
    baseline: Baseline | None
    target: float | None = Field(
        description="The target for the plan's year; the least value of a range."
    )
    target_upper: float | None = Field(description="The most, for a range target (3-4).")
    actual: float | None
    actual_source: str | None = Field(
        description="'metric' (computed from the system's own data), 'measurement' (recorded) "
        "or null."
    )
    computed: float | None = Field(description="The metric's value, where it has data.")
    recorded: RecordedValue | None = Field(description="The newest recorded measurement.")
    expected: float | None = Field(description="What the actual was compared with.")
    expected_basis: Basis | None = Field(
        description="What the expected value rests on: the plan's calendar (calendar), the "
        "target's due date (due_date) or monthly profile (monthly_profile), the even pace "
        "(even_pace), or a monthly rhythm (monthly_rhythm)."
    )
    forecast: float | None = Field(
        description="Cumulative goals: the year's end if the rest goes as planned."
    )
    forecast_reached: bool | None = Field(description="Whether the forecast reaches the target.")
    milestone_state: MilestoneState | None = Field(
        description="A milestone's state in force at the evaluation date."
    )
    due_on: date | None = Field(description="A milestone's deadline.")
    comment: Comment | None = Field(
        description="The newest written status by the evaluation date: a comment on the goal, "
        "or a milestone's note."
    )
    comment_needed: bool = Field(
        description="True when the goal is at risk, off track or overdue: then the committee "
        "expects a written status from the one who answers for it."
    )
    year_elapsed: float
    status: str = Field(
        description="achieved, on_track, at_risk, off_track, not_due (nothing expected yet), "
        "no_data, no_target, overdue (a milestone past its deadline), or a milestone's state "
        "in force (not_started, in_progress, done, dropped)."
    )
    explanation: str
    series: list[SeriesPoint]


class InitiativeProgress(BaseModel):
    id: int
    code: str
    number: int
    title: str
    short_title: str | None
    goal_label: str | None
    status: InitiativeStatus
    summary: StatusCounts
    goals: list[GoalProgress]


class TrackProgress(BaseModel):
    id: int
    number: int
    title: str
    summary: StatusCounts
    initiatives: list[InitiativeProgress]


class PlanProgress(BaseModel):
    plan_id: int
    year: int
    title: str
    evaluated_on: date
    summary: StatusCounts
    goals: list[GoalProgress] = Field(description="The plan-level goals.")
    tracks: list[TrackProgress]


MILESTONE_STATES = {s.value for s in MilestoneState}
