"""Grant metrics for goals: the amount granted, and the companies that got a grant.

A grant belongs to a period by the day it was granted. A period in which the hub reported no
grant at all has no data (None), so a figure recorded by hand stands there; a period with
grants of which none match the goal's theme or programme gives 0.

A batch is one statement: a UNION ALL of one aggregate per request, each over the grants of
its own period (progress asks for a few goals by a few years, so that is a handful of parts).
"""

from collections.abc import Sequence
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, and_, case, func, literal, select, true, union_all
from sqlalchemy.orm import Session

from api.enums import Unit
from api.goals.registry import MetricRequest, register
from api.grants.enums import GrantTheme
from api.grants.models import Grant, GrantProgramme, programme_key


class GrantFilter(BaseModel):
    """Which grants a goal counts; a field left out matches every grant."""

    model_config = ConfigDict(extra="forbid")

    theme: GrantTheme | None = Field(default=None, description="The programmes' theme.")
    programme: str | None = Field(
        default=None, min_length=1, max_length=100, description="A programme's name."
    )


def _matches(params: GrantFilter) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if params.theme is not None:
        conditions.append(GrantProgramme.theme == params.theme)
    if params.programme is not None:
        conditions.append(GrantProgramme.match_key == programme_key(params.programme))
    return and_(*conditions) if conditions else true()


class GrantMetric:
    units: ClassVar[frozenset[Unit]]
    params_model: ClassVar[type[BaseModel]] = GrantFilter
    reads_measurements: ClassVar[bool] = False

    def aggregate(self, matching: ColumnElement[bool]) -> ColumnElement[Any]:
        raise NotImplementedError

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        if not requests:
            return []
        parts = []
        for index, request in enumerate(requests):
            assert isinstance(request.params, GrantFilter)
            parts.append(
                select(
                    literal(index).label("request"),
                    func.count(Grant.id).label("grants"),
                    self.aggregate(_matches(request.params)).label("value"),
                )
                .select_from(Grant)
                .join(GrantProgramme, GrantProgramme.id == Grant.programme_id)
                .where(Grant.granted_on.between(request.start, request.end))
            )
        values: list[float | None] = [None] * len(requests)
        for index, grants, value in session.execute(union_all(*parts)):
            values[index] = float(value or 0) if grants else None
        return values


class GrantAmountMetric(GrantMetric):
    key: ClassVar[str] = "grant_amount"
    title: ClassVar[str] = "Tilskudsmidler"
    description: ClassVar[str] = (
        "Samlet beløb (kr.) bevilget til virksomheder i perioden efter bevillingsdato, fra "
        "importen af Erhvervshus Sjællands opgørelser; efter tema eller program."
    )
    units: ClassVar[frozenset[Unit]] = frozenset({Unit.dkk})

    def aggregate(self, matching: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((matching, Grant.amount), else_=0))


class CompaniesWithGrantMetric(GrantMetric):
    key: ClassVar[str] = "companies_with_grant"
    title: ClassVar[str] = "Virksomheder med tilskud"
    description: ClassVar[str] = (
        "Antal forskellige virksomheder, der har fået bevilget tilskud i perioden, efter tema "
        "eller program."
    )
    units: ClassVar[frozenset[Unit]] = frozenset({Unit.count})

    def aggregate(self, matching: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.count(case((matching, Grant.company_id)).distinct())


for _metric in (GrantAmountMetric(), CompaniesWithGrantMetric()):
    register(_metric)
