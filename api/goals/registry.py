"""The metric registry: each metric computes a goal's value for a period from data it owns.

Metrics live with their data (`goals/metrics.py`, `grants/metrics.py` …) and call `register`
when imported. `api.metrics` lists those modules, and the composition roots (`api.main`,
`api.cli`) import it: this layer never imports the domains above it.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from api.goals.enums import Unit


@dataclass(frozen=True)
class MetricRequest:
    """One value wanted: a goal's metric over [start, end], both days included."""

    goal_id: int
    params: BaseModel
    start: date
    end: date


ContributionKind = Literal[
    "event", "grant", "case", "survey_answer", "survey_response", "measurement", "company", "note"
]
# How a goal's figure follows from its counted contributions (see `Metric.aggregation`);
# "state" is a milestone's: its notes, no figure.
Aggregation = Literal["sum", "share", "latest", "change", "months", "state"]


@dataclass(frozen=True)
class Contribution:
    """One record behind a goal's figure, or one its metric looked at and did not count.

    `value` is what the record adds when it counts; for one that does not, what it would have
    added (0 where it has nothing to add). `group` tells apart the two shares of a change
    ("period", "baseline"). `label` and `reason` are Danish: staff read them.
    """

    kind: ContributionKind
    record_id: int | None
    day: date | None
    label: str
    value: float
    counted: bool
    reason: str
    group: str | None = None


class Metric(Protocol):
    key: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    units: ClassVar[frozenset[Unit]]
    params_model: ClassVar[type[BaseModel]]
    # True when the metric's value is the goal's recorded measurement, not data of its own.
    reads_measurements: ClassVar[bool]
    # How the figure follows from the counted contributions: "sum" of their values; "share",
    # round(100 x sum / their number, 1), each valued 1 or 0; "latest", the newest one's value;
    # "change", the share of group "period" less that of group "baseline" (each rounded to one
    # decimal first, the difference too); "months", the distinct months of their days.
    aggregation: ClassVar[Aggregation]

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        """Values in the order of `requests`; None where the period has no data at all."""
        ...

    def contributions(self, session: Session, request: MetricRequest) -> list[Contribution]:
        """The records behind one request's value, by the rules `compute` applies, and those
        the metric looked at in the period and rejected, each with its reason."""
        ...


_METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.key in _METRICS:
        raise RuntimeError(f"metric {metric.key!r} registered twice")
    _METRICS[metric.key] = metric
    return metric


def _ensure_loaded() -> None:
    if not _METRICS:
        raise RuntimeError("No metrics are registered: import api.metrics first (api.main does).")


def all_metrics() -> list[Metric]:
    _ensure_loaded()
    return sorted(_METRICS.values(), key=lambda m: m.key)


def get_metric(key: str) -> Metric:
    _ensure_loaded()
    try:
        return _METRICS[key]
    except KeyError:
        known = ", ".join(sorted(_METRICS))
        raise ValueError(f"unknown metric {key!r}; known metrics: {known}") from None


def parse_params(key: str, params: dict[str, Any]) -> BaseModel:
    """Validate a goal's metric_params against its metric; ValueError names the problem."""
    metric = get_metric(key)
    try:
        return metric.params_model.model_validate(params)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'metric_params'}: {e['msg']}"
            for e in exc.errors()
        )
        raise ValueError(f"metric_params for {key!r}: {problems}") from None


# Checks of a metric's params against the database (a series key that names a series), for
# metrics whose params refer to records; each gives (field, Danish message) per problem.
ReferenceCheck = Callable[[Session, BaseModel], list[tuple[str, str]]]
_REFERENCE_CHECKS: dict[str, ReferenceCheck] = {}


def register_reference_check(metric_key: str, check: ReferenceCheck) -> None:
    _REFERENCE_CHECKS[metric_key] = check


def reference_problems(session: Session, key: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """What in a goal's (valid) metric_params names a record that does not exist."""
    check = _REFERENCE_CHECKS.get(key)
    return check(session, parse_params(key, params)) if check else []
