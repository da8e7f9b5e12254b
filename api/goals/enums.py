"""What a goal is: its kind, unit, direction, pace, a milestone's state, a measurement's source."""

from enum import StrEnum


class GoalKind(StrEnum):
    measurable = "measurable"
    milestone = "milestone"


class Unit(StrEnum):
    count = "count"  # type: ignore[assignment]  # the API's value; shadows str.count
    dkk = "dkk"
    percent = "percent"


class Direction(StrEnum):
    at_least = "at_least"
    at_most = "at_most"
    more_than = "more_than"  # strictly above the target: "mere end 80 procent"


class Pace(StrEnum):
    """How a yearly target is reached: summed over the year, a level held at the end, or a
    monthly rhythm."""

    cumulative = "cumulative"
    level = "level"
    monthly = "monthly"  # a rhythm: every month of the year with at least one


class MilestoneState(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    done = "done"
    dropped = "dropped"


class MeasurementSource(StrEnum):
    manual = "manual"
    plan = "plan"
    import_ = "import"
