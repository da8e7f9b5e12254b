"""Expected trajectories: how much of a cumulative goal is due by a date, and the forecast.

The rule, in the order the bases are tried (the first that applies is used):

1. The plan's own calendar: where the goal's metric knows planned activities (events bound to
   the goal by its filter, planned or held, not cancelled), each delivers its amount on the day
   it ends: an event counts 1; its participants are its expected participants, else its
   capacity; where none of these is known, the target is shared evenly among the activities.
   The expected value is what the activities due by the date deliver, at most the target.
2. The target's phasing set by staff: the whole target due on a date (nothing before), or a
   monthly profile (a share each month, pro rata within the month, like a budget's
   periodisering).
3. The even pace: the share of the year gone.

A goal with nothing expected yet is not due. The forecast is the actual value plus what the
basis still expects after the date (the remaining activities, or the rest of the target).
"""

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from api.goals.formatting import format_day
from api.goals.registry import MetricRequest


class Basis(StrEnum):
    calendar = "calendar"
    due_date = "due_date"
    monthly_profile = "monthly_profile"
    even_pace = "even_pace"
    monthly_rhythm = "monthly_rhythm"


@dataclass(frozen=True)
class Delivery:
    """A planned activity of a goal: the day it is due and what it delivers (None: unknown)."""

    due_on: date
    amount: float | None


@dataclass(frozen=True)
class Phasing:
    """The year's target with the phasing staff set on it."""

    target: float
    due_on: date | None = None
    monthly_profile: Sequence[float] | None = None


@dataclass(frozen=True)
class Expectation:
    basis: Basis
    expected: float  # due by the evaluation date
    remaining: float  # still expected after it, to the year's end
    why: str  # Danish: what the expected value rests on


def year_elapsed(year: int, evaluated_on: date) -> float:
    """Share of `year` gone by the end of `evaluated_on`: 0 before it starts, 1 after it ends."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if evaluated_on < start:
        return 0.0
    if evaluated_on >= end:
        return 1.0
    return ((evaluated_on - start).days + 1) / ((end - start).days + 1)


def period_of(year: int, evaluated_on: date) -> tuple[date, date] | None:
    """The part of `year` up to the evaluation date, which every figure of the year is computed
    over ("as of" means as of); None before the year begins."""
    start = date(year, 1, 1)
    if evaluated_on < start:
        return None
    return start, min(date(year, 12, 31), evaluated_on)


def expect(
    phasing: Phasing, deliveries: Sequence[Delivery], year: int, evaluated_on: date
) -> Expectation:
    """A cumulative goal's expected value at `evaluated_on`, by the first basis that applies."""
    if deliveries:
        return _from_calendar(phasing.target, deliveries, evaluated_on)
    if phasing.due_on is not None:
        due = phasing.due_on
        expected = phasing.target if evaluated_on >= due else 0.0
        why = f"hele målet forfalder {format_day(due)}"
        return Expectation(Basis.due_date, expected, phasing.target - expected, why)
    if phasing.monthly_profile is not None:
        share = _profile_share(phasing.monthly_profile, year, evaluated_on)
        expected = phasing.target * share
        return Expectation(
            Basis.monthly_profile,
            expected,
            phasing.target - expected,
            "ud fra målets fordeling på måneder",
        )
    share = year_elapsed(year, evaluated_on)
    expected = phasing.target * share
    why = f"ud fra jævnt tempo ({round(share * 100)} % af året)"
    return Expectation(Basis.even_pace, expected, phasing.target - expected, why)


def _amounts(target: float, deliveries: Sequence[Delivery]) -> list[float]:
    """Each activity's amount; the unknown ones share what the known ones leave of the target."""
    known = sum(d.amount for d in deliveries if d.amount is not None)
    unknown = sum(1 for d in deliveries if d.amount is None)
    fill = max(target - known, 0.0) / unknown if unknown else 0.0
    return [fill if d.amount is None else d.amount for d in deliveries]


def _from_calendar(
    target: float, deliveries: Sequence[Delivery], evaluated_on: date
) -> Expectation:
    amounts = _amounts(target, deliveries)
    due = [a for d, a in zip(deliveries, amounts, strict=True) if d.due_on <= evaluated_on]
    later = sum(a for d, a in zip(deliveries, amounts, strict=True) if d.due_on > evaluated_on)
    why = (
        f"ud fra de planlagte arrangementer i årshjulet ({len(due)} af {len(deliveries)} forfaldne)"
    )
    return Expectation(Basis.calendar, min(sum(due), target), later, why)


def _profile_share(profile: Sequence[float], year: int, evaluated_on: date) -> float:
    """The share of a monthly profile due by the end of `evaluated_on`."""
    if evaluated_on < date(year, 1, 1):
        return 0.0
    if evaluated_on >= date(year, 12, 31):
        return 1.0
    month = evaluated_on.month
    days = calendar.monthrange(year, month)[1]
    due = sum(profile[: month - 1]) + profile[month - 1] * evaluated_on.day / days
    return due / sum(profile)


def months_due(year: int, evaluated_on: date) -> int:
    """Whole months of `year` over by the end of `evaluated_on` (a monthly rhythm's due months)."""
    if evaluated_on < date(year, 1, 1):
        return 0
    if evaluated_on >= date(year, 12, 31):
        return 12
    last_day = calendar.monthrange(year, evaluated_on.month)[1]
    return evaluated_on.month - (0 if evaluated_on.day == last_day else 1)


def expect_monthly(year: int, evaluated_on: date) -> Expectation:
    due = months_due(year, evaluated_on)
    return Expectation(Basis.monthly_rhythm, float(due), float(12 - due), "én gang om måneden")


# ---------------------------------------------------------------------------- the calendar

# A planner lists the planned activities behind each (metric key, request) of one plan's goals,
# for basis 1, as the calendar stood at the end of a day (what was added later was no part of
# the plan then). Metrics whose data has a calendar (events) register one, and may share it:
# progress calls each planner once with the requests of all its metrics.
Planner = Callable[[Session, int, Sequence[tuple[str, MetricRequest]], date], list[list[Delivery]]]
_PLANNERS: dict[str, Planner] = {}


def register_planner(metric_key: str, planner: Planner) -> None:
    _PLANNERS[metric_key] = planner


def planner_for(metric_key: str) -> Planner | None:
    return _PLANNERS.get(metric_key)
