"""The `manual` metric: the newest measurement recorded for the goal within the period."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import ClassVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.enums import Unit
from api.goals.models import Measurement
from api.goals.registry import MetricRequest, register


def newest_in_period(
    measurements: Iterable[Measurement], start: date, end: date
) -> Measurement | None:
    """The latest-dated measurement inside [start, end]; on a tie, the last entered."""
    best: Measurement | None = None
    for m in measurements:
        if start <= m.measured_on <= end and (
            best is None or (m.measured_on, m.id) > (best.measured_on, best.id)
        ):
            best = m
    return best


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ManualMetric:
    key: ClassVar[str] = "manual"
    title: ClassVar[str] = "Manuel registrering"
    description: ClassVar[str] = "Den nyeste måling registreret for målet i perioden."
    units: ClassVar[frozenset[Unit]] = frozenset(Unit)
    params_model: ClassVar[type[BaseModel]] = NoParams
    reads_measurements: ClassVar[bool] = True

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        if not requests:
            return []
        goal_ids = {r.goal_id for r in requests}
        rows = session.scalars(
            select(Measurement).where(
                Measurement.goal_id.in_(goal_ids),
                Measurement.measured_on >= min(r.start for r in requests),
                Measurement.measured_on <= max(r.end for r in requests),
            )
        ).all()
        by_goal: dict[int, list[Measurement]] = defaultdict(list)
        for row in rows:
            by_goal[row.goal_id].append(row)
        values: list[float | None] = []
        for request in requests:
            newest = newest_in_period(by_goal[request.goal_id], request.start, request.end)
            values.append(newest.value if newest else None)
        return values


register(ManualMetric())
