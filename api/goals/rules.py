"""The status rules: how a goal's actual value is judged against its target at a date.

Every status comes with the figures it compared and a Danish sentence saying so.

- Cumulative goals (counts and amounts that add up over the year) are compared, until the year
  is over, with what their trajectory expects by the evaluation date (`trajectory.expect`: the
  plan's calendar, the target's phasing, or the even pace): on track at or above it, at risk
  from AT_RISK_PACE of it, off track below; not due while nothing is expected yet. Reaching the
  whole target is achieved at once, since the sum cannot fall back; passing a range's upper
  bound is off track.
- Level goals (shares, percentages) are compared with the target itself: on track while the
  value meets it, at risk within LEVEL_TOLERANCE of it, off track beyond; achieved or off track
  once the year is over. "more_than" must be strictly above the target.
- A monthly rhythm must have at least one in every month that is over: at risk with one month
  missed, off track with more.
- `at_most` goals mirror the cumulative rule: exceeding a ceiling is off track at once.
- A milestone is judged by the state in force at the date (its dated notes) and its deadline:
  overdue once the deadline has passed without being done or dropped.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from api.goals.enums import Direction, MilestoneState, Pace, Unit
from api.goals.formatting import format_day, format_value
from api.goals.trajectory import (
    Basis,
    Delivery,
    Expectation,
    Phasing,
    expect,
    expect_monthly,
    year_elapsed,
)

AT_RISK_PACE = 0.8  # share of the expected pace that still counts as "at risk", not "off track"
LEVEL_TOLERANCE = 0.1  # relative distance from a level target that still counts as "at risk"


class Status(StrEnum):
    achieved = "achieved"
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    not_due = "not_due"
    overdue = "overdue"
    no_data = "no_data"
    no_target = "no_target"


@dataclass(frozen=True)
class YearTarget:
    """The target of the year being judged: a value, or a range, and its phasing."""

    value: float
    upper: float | None = None
    due_on: date | None = None
    monthly_profile: Sequence[float] | None = None


@dataclass(frozen=True)
class Assessment:
    status: Status
    expected: float | None  # the value the status was compared with
    basis: Basis | None  # what the expected value rests on
    forecast: float | None  # the year's end if the rest goes as planned (cumulative goals)
    forecast_reached: bool | None
    year_elapsed: float  # share of the year gone at the evaluation date, 0..1
    explanation: str


@dataclass(frozen=True)
class Rule:
    """What a measurable goal is judged by."""

    unit: Unit
    direction: Direction
    pace: Pace


def describe_target(target: YearTarget, unit: Unit, direction: Direction) -> str:
    """'6', '3–4', 'mere end 80 %', 'højst 50'."""
    if target.upper is not None:
        return f"{format_value(target.value, None)}–{format_value(target.upper, unit)}"
    text = format_value(target.value, unit)
    if direction is Direction.more_than:
        return f"mere end {text}"
    if direction is Direction.at_most:
        return f"højst {text}"
    return text


def _expected_text(expected: float, unit: Unit) -> str:
    """An expected count or amount in whole units (nobody expects 371,5 participants or
    1.487.671,23 kr.); a share as it is."""
    return format_value(expected if unit is Unit.percent else round(expected), unit)


def _meets(value: float, target: YearTarget, direction: Direction) -> bool:
    if direction is Direction.at_most:
        return value <= target.value
    if direction is Direction.more_than:
        return value > target.value
    return value >= target.value and (target.upper is None or value <= target.upper)


def _over_range(value: float, target: YearTarget) -> bool:
    return target.upper is not None and value > target.upper


def assess(
    *,
    actual: float | None,
    target: YearTarget | None,
    rule: Rule,
    year: int,
    evaluated_on: date,
    deliveries: Sequence[Delivery] = (),
) -> Assessment:
    elapsed = year_elapsed(year, evaluated_on)
    if rule.pace is Pace.monthly:
        return _assess_rhythm(actual, year, evaluated_on, elapsed)
    if target is None:
        return _plain(Status.no_target, elapsed, f"Der er intet mål for {year}.")
    if rule.pace is Pace.cumulative and elapsed < 1.0:
        return _assess_cumulative(actual, target, rule, year, evaluated_on, deliveries)
    if actual is None:
        return _no_data(year, evaluated_on, elapsed)
    return _assess_level(actual, target, rule, elapsed)


def _plain(status: Status, elapsed: float, explanation: str) -> Assessment:
    return Assessment(status, None, None, None, None, elapsed, explanation)


def _no_data(year: int, evaluated_on: date, elapsed: float) -> Assessment:
    return _plain(
        Status.no_data,
        elapsed,
        f"Der er endnu ingen data for {year} pr. {format_day(evaluated_on)}.",
    )


def _forecast(actual: float | None, expectation: Expectation) -> float | None:
    """Unknown where data was due and none has come; else the actual plus what is still due."""
    if actual is None and expectation.expected > 0:
        return None
    return (actual or 0.0) + expectation.remaining


def _forecast_sentence(forecast: float | None, reached: bool | None, unit: Unit) -> str:
    if forecast is None:
        return ""
    verdict = "forventes nået" if reached else "forventes ikke nået"
    return f" Prognose for året: {format_value(forecast, unit)} ({verdict})."


def _assess_cumulative(
    actual: float | None,
    target: YearTarget,
    rule: Rule,
    year: int,
    evaluated_on: date,
    deliveries: Sequence[Delivery],
) -> Assessment:
    phasing = Phasing(target.value, target.due_on, target.monthly_profile)
    expectation = expect(phasing, deliveries, year, evaluated_on)
    expected, day = expectation.expected, format_day(evaluated_on)
    forecast = _forecast(actual, expectation)
    reached = None if forecast is None else _meets(forecast, target, rule.direction)
    if rule.direction is Direction.at_most:
        reached = None if forecast is None else forecast <= target.value
    t, e = describe_target(target, rule.unit, rule.direction), _expected_text(expected, rule.unit)
    tail = _forecast_sentence(forecast, reached, rule.unit)

    def judged(status: Status, sentence: str) -> Assessment:
        return Assessment(
            status,
            expected,
            expectation.basis,
            forecast,
            reached,
            year_elapsed(year, evaluated_on),
            sentence + tail,
        )

    v = format_value(actual, rule.unit) if actual is not None else None
    if rule.direction is Direction.at_most:
        return judged(*_ceiling_status(actual, target, expected, v, t, e, day, expectation.why))
    if actual is not None and _over_range(actual, target):
        return judged(Status.off_track, f"{v} er over intervallet {t}.")
    if actual is not None and _meets(actual, target, rule.direction):
        return judged(Status.achieved, f"{v} har nået målet {t}.")
    if expected <= 0:
        done = f" Indtil nu: {v}." if v is not None else ""
        return judged(Status.not_due, f"Intet forfalder endnu pr. {day} {expectation.why}.{done}")
    if actual is None:
        no_data = _no_data(year, evaluated_on, 0.0).explanation
        return judged(Status.no_data, f"{no_data} Forventet {e} pr. {day} {expectation.why}.")
    if actual >= expected:
        status = Status.on_track
    elif actual >= expected * AT_RISK_PACE:
        status = Status.at_risk
    else:
        status = Status.off_track
    return judged(status, f"{v} mod forventet {e} pr. {day} {expectation.why}; målet er {t}.")


def _ceiling_status(
    actual: float | None,
    target: YearTarget,
    expected: float,
    v: str | None,
    t: str,
    e: str,
    day: str,
    why: str,
) -> tuple[Status, str]:
    if actual is None:
        return Status.no_data, f"Der er endnu ingen data pr. {day}."
    if actual > target.value:
        return Status.off_track, f"{v} overstiger loftet {t}."
    if actual <= expected:
        status = Status.on_track
    elif actual <= expected * (2 - AT_RISK_PACE):
        status = Status.at_risk
    else:
        status = Status.off_track
    return status, f"{v} mod højst {e} pr. {day} {why}; loftet er {t}."


def _assess_level(actual: float, target: YearTarget, rule: Rule, elapsed: float) -> Assessment:
    v, t = format_value(actual, rule.unit), describe_target(target, rule.unit, rule.direction)
    year_over = elapsed >= 1.0
    when = "ved årets udgang" if year_over else "nu"
    sentence = f"{v} {when} mod målet {t}."
    if _meets(actual, target, rule.direction):
        status = Status.achieved if year_over else Status.on_track
        return Assessment(status, target.value, None, None, None, elapsed, sentence)
    margin = abs(target.value) * LEVEL_TOLERANCE
    if rule.direction is Direction.at_most:
        near = actual <= target.value + margin
    elif _over_range(actual, target):
        near = False
    else:
        near = actual >= target.value - margin
    status = Status.at_risk if near and not year_over else Status.off_track
    return Assessment(status, target.value, None, None, None, elapsed, sentence)


def _assess_rhythm(
    actual: float | None, year: int, evaluated_on: date, elapsed: float
) -> Assessment:
    """A monthly rhythm: the months with at least one, against the months that are over."""
    expectation = expect_monthly(year, evaluated_on)
    due = int(expectation.expected)
    covered = int(actual or 0)
    forecast = min(12.0, covered + expectation.remaining)
    reached = forecast >= 12
    tail = _forecast_sentence(forecast, reached, Unit.count)
    day = format_day(evaluated_on)
    if covered >= 12:
        status, sentence = Status.achieved, "Alle årets 12 måneder er dækket."
    elif due == 0:
        status, sentence = Status.not_due, f"Ingen måned er forfalden endnu pr. {day}."
    elif actual is None:
        status, sentence = Status.no_data, _no_data(year, evaluated_on, elapsed).explanation
    else:
        missed = due - covered
        status = (
            Status.on_track if missed <= 0 else Status.at_risk if missed == 1 else Status.off_track
        )
        sentence = (
            f"{covered} af {due} forfaldne måneder har mindst én pr. {day} (målet: hver måned)."
        )
    return Assessment(
        status, float(due), expectation.basis, forecast, reached, elapsed, sentence + tail
    )


# ------------------------------------------------------------------------------ milestones

MILESTONE_LABELS = {
    MilestoneState.not_started: "Ikke startet",
    MilestoneState.in_progress: "I gang",
    MilestoneState.done: "Gennemført",
    MilestoneState.dropped: "Opgivet",
}


@dataclass(frozen=True)
class MilestoneAssessment:
    status: str  # the state in force, or "overdue"
    state: MilestoneState
    due_on: date
    explanation: str


def assess_milestone(
    state: MilestoneState, due_on: date, evaluated_on: date, note: str | None
) -> MilestoneAssessment:
    """The state in force at the date, overdue once the deadline passed without being done."""
    noted = note or "Ingen noter endnu."
    if state not in (MilestoneState.done, MilestoneState.dropped) and evaluated_on > due_on:
        label = MILESTONE_LABELS[state].lower()
        sentence = f"Fristen {format_day(due_on)} er overskredet; tilstanden er {label}. {noted}"
        return MilestoneAssessment(Status.overdue.value, state, due_on, sentence)
    return MilestoneAssessment(state.value, state, due_on, noted)
