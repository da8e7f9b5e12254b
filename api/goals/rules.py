"""The status rules: how a goal's actual value is judged against its target at a date.

Every status comes with the figures it compared and a Danish sentence saying so.

- Cumulative goals (counts and amounts that add up over the year) are compared, until the year
  is over, with the pro-rata share of the target at the evaluation date: on track at or above
  that pace, at risk from AT_RISK_PACE of it, off track below. Reaching the whole target is
  achieved at once, since the sum cannot fall back.
- Level goals (shares, percentages) are compared with the target itself: on track while the
  value meets it, at risk within LEVEL_TOLERANCE of it, off track beyond; achieved or off track
  once the year is over.
- `at_most` goals mirror this: exceeding a cumulative ceiling is off track at once.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from api.enums import Direction, Pace, Unit
from api.goals.formatting import format_day, format_value

AT_RISK_PACE = 0.8  # share of the expected pace that still counts as "at risk", not "off track"
LEVEL_TOLERANCE = 0.1  # relative distance from a level target that still counts as "at risk"


class Status(StrEnum):
    achieved = "achieved"
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    no_data = "no_data"
    no_target = "no_target"


@dataclass(frozen=True)
class Assessment:
    status: Status
    expected: float | None  # the value the status was compared with
    year_elapsed: float  # share of the year gone at the evaluation date, 0..1
    explanation: str


def year_elapsed(year: int, evaluated_on: date) -> float:
    """Share of `year` gone by the end of `evaluated_on`: 0 before it starts, 1 after it ends."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if evaluated_on < start:
        return 0.0
    if evaluated_on >= end:
        return 1.0
    return ((evaluated_on - start).days + 1) / ((end - start).days + 1)


def assess(
    *,
    actual: float | None,
    target: float | None,
    unit: Unit,
    direction: Direction,
    pace: Pace,
    year: int,
    evaluated_on: date,
) -> Assessment:
    elapsed = year_elapsed(year, evaluated_on)
    if target is None:
        return Assessment(Status.no_target, None, elapsed, f"Der er intet mål for {year}.")
    if actual is None:
        return Assessment(
            Status.no_data,
            None,
            elapsed,
            f"Der er endnu ingen data for {year} pr. {format_day(evaluated_on)}.",
        )
    v, t = format_value(actual, unit), format_value(target, unit)
    year_over = elapsed >= 1.0
    if pace is Pace.cumulative and not year_over:
        expected = target * elapsed
        e = format_value(expected, unit)
        share = f"{round(elapsed * 100)} % af året"
        if direction is Direction.at_least:
            if actual >= target:
                return Assessment(Status.achieved, target, elapsed, f"{v} har nået målet {t}.")
            if actual >= expected:
                status = Status.on_track
            elif actual >= expected * AT_RISK_PACE:
                status = Status.at_risk
            else:
                status = Status.off_track
            return Assessment(
                status,
                expected,
                elapsed,
                f"{v} mod forventet {e} ({share} af målet {t}) pr. {format_day(evaluated_on)}.",
            )
        if actual > target:
            return Assessment(Status.off_track, target, elapsed, f"{v} overstiger loftet {t}.")
        if actual <= expected:
            status = Status.on_track
        elif actual <= expected * (2 - AT_RISK_PACE):
            status = Status.at_risk
        else:
            status = Status.off_track
        return Assessment(
            status,
            expected,
            elapsed,
            f"{v} mod højst {e} ({share} af loftet {t}) pr. {format_day(evaluated_on)}.",
        )
    meets = actual >= target if direction is Direction.at_least else actual <= target
    if meets:
        status = Status.achieved if year_over else Status.on_track
        return Assessment(status, target, elapsed, _level_sentence(v, t, direction, year_over))
    margin = abs(target) * LEVEL_TOLERANCE
    near = (
        actual >= target - margin if direction is Direction.at_least else actual <= target + margin
    )
    status = Status.at_risk if near and not year_over else Status.off_track
    return Assessment(status, target, elapsed, _level_sentence(v, t, direction, year_over))


def _level_sentence(v: str, t: str, direction: Direction, year_over: bool) -> str:
    goal = f"målet på mindst {t}" if direction is Direction.at_least else f"målet på højst {t}"
    when = "ved årets udgang" if year_over else "nu"
    return f"{v} {when} mod {goal}."
