"""The shape of GET /goals/{goal_id}/contributions."""

from datetime import date

from pydantic import BaseModel, Field

from api.goals.enums import Unit
from api.goals.registry import Aggregation, ContributionKind


class ContributionRead(BaseModel):
    """One record behind the figure, or one the metric looked at and did not count."""

    kind: ContributionKind
    record_id: int | None = Field(
        description="The record's id: the event, grant, case, survey response (also for an "
        "answer), measurement, company or milestone note."
    )
    day: date | None = Field(description="The record's day: held, granted, decided, received …")
    label: str = Field(description="What the record is, in Danish.")
    value: float = Field(
        description="What it adds to the figure; for one not counted, what it would have added."
    )
    counted: bool
    reason: str = Field(description="Why it counts or not, in Danish, naming the rule.")
    group: str | None = Field(
        default=None, description="For a change: 'period' or 'baseline', the two shares."
    )


class GoalContributions(BaseModel):
    goal_id: int
    year: int
    evaluated_on: date
    period_start: date | None = Field(description="Null when the year had not begun.")
    period_end: date | None
    metric: str | None
    unit: Unit | None
    aggregation: Aggregation = Field(
        description="How the figure follows from the counted items: 'sum' of their values; "
        "'share': round(100 x sum / their number, 1), each 1 or 0; 'latest': the value of the "
        "newest; 'change': the share of group 'period' less the share of group 'baseline' "
        "(each share and the difference rounded to one decimal); 'months': the number of "
        "distinct months of their days; 'state': a milestone's newest note (no figure)."
    )
    value: float | None = Field(
        description="The figure: the goal's metric for the period, the number progress shows "
        "as computed (for a manual goal, the newest measurement); null without data."
    )
    counted: int = Field(description="How many items count.")
    not_counted: int = Field(description="How many looked-at records did not count.")
    truncated: bool = Field(
        description="True when not every record that did not count is listed; every counted "
        "one always is."
    )
    items: list[ContributionRead] = Field(description="Counted first, each part by day.")
