"""The metric registry: each metric computes a goal's value for a period from data it owns.

Metrics live with their data (`goals/metrics.py`, later `grants/metrics.py` …) and call
`register` when imported; `api.metrics` imports them all.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from api.enums import Unit


@dataclass(frozen=True)
class MetricRequest:
    """One value wanted: a goal's metric over [start, end], both days included."""

    goal_id: int
    params: BaseModel
    start: date
    end: date


class Metric(Protocol):
    key: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    units: ClassVar[frozenset[Unit]]
    params_model: ClassVar[type[BaseModel]]
    # True when the metric's value is the goal's recorded measurement, not data of its own.
    reads_measurements: ClassVar[bool]

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        """Values in the order of `requests`; None where the period has no data at all."""
        ...


_METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.key in _METRICS:
        raise RuntimeError(f"metric {metric.key!r} registered twice")
    _METRICS[metric.key] = metric
    return metric


def _ensure_loaded() -> None:
    import api.metrics  # noqa: F401  (importing registers every domain's metrics)


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
