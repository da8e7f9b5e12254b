"""The `manual` metric: the newest measurement recorded for the goal within the period."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import ClassVar, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.goals.enums import Unit
from api.goals.formatting import format_day, format_number
from api.goals.models import Measurement
from api.goals.registry import Aggregation, Contribution, MetricRequest, register


class MeasuredRow(Protocol):
    id: int
    goal_id: int
    measured_on: date
    value: float


R = TypeVar("R", bound=MeasuredRow)


# The newest measurement is the latest-dated; on a tie, the last entered. The one ordering
# every "newest" here follows, in SQL and in Python alike.
NEWEST_FIRST = (Measurement.measured_on.desc(), Measurement.id.desc())


def newest_in_period(measurements: Iterable[R], start: date, end: date) -> R | None:
    """The newest inside [start, end] of measurements given in NEWEST_FIRST order."""
    return next((m for m in measurements if start <= m.measured_on <= end), None)


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ManualMetric:
    key: ClassVar[str] = "manual"
    title: ClassVar[str] = "Manuel registrering"
    description: ClassVar[str] = "Den nyeste måling registreret for målet i perioden."
    units: ClassVar[frozenset[Unit]] = frozenset(Unit)
    params_model: ClassVar[type[BaseModel]] = NoParams
    reads_measurements: ClassVar[bool] = True
    aggregation: ClassVar[Aggregation] = "latest"

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        if not requests:
            return []
        goal_ids = {r.goal_id for r in requests}
        rows = session.scalars(
            select(Measurement)
            .where(
                Measurement.goal_id.in_(goal_ids),
                Measurement.measured_on >= min(r.start for r in requests),
                Measurement.measured_on <= max(r.end for r in requests),
            )
            .order_by(*NEWEST_FIRST)
        ).all()
        by_goal: dict[int, list[Measurement]] = defaultdict(list)
        for row in rows:
            by_goal[row.goal_id].append(row)
        values: list[float | None] = []
        for request in requests:
            newest = newest_in_period(by_goal[request.goal_id], request.start, request.end)
            values.append(newest.value if newest else None)
        return values

    def contributions(self, session: Session, request: MetricRequest) -> list[Contribution]:
        """The period's measurements: the newest counts, every older one is replaced by it."""
        rows = session.scalars(
            select(Measurement)
            .where(
                Measurement.goal_id == request.goal_id,
                Measurement.measured_on.between(request.start, request.end),
            )
            .order_by(*NEWEST_FIRST)
        ).all()
        newest = newest_in_period(rows, request.start, request.end)
        items = []
        for row in rows:
            said = f"Målt {format_day(row.measured_on)}: {format_number(row.value)}"
            if newest is None or row is newest:
                reason = f"{said}, den nyeste måling i perioden"
            else:
                reason = f"{said}, ikke den nyeste (den er fra {format_day(newest.measured_on)})"
            label = row.comment or f"Måling {format_day(row.measured_on)}"
            items.append(
                Contribution(
                    "measurement", row.id, row.measured_on, label, row.value, row is newest, reason
                )
            )
        return items


register(ManualMetric())
