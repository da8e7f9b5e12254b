"""Grant metrics for goals: the amount granted, and the companies that got a grant.

A grant belongs to a period by the day it was granted. A period in which the hub reported no
grant at all has no data (None), so a figure recorded by hand stands there; a period with
grants of which none match the goal's theme or programme gives 0.

A batch is one statement: a UNION ALL of one aggregate per request, each over the grants of
its own period (progress asks for a few goals by a few years, so that is a handful of parts).
A goal's contributions are the period's grants, one row each, by the same match.
"""

from collections.abc import Sequence
from itertools import groupby
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Row, and_, case, func, literal, select, true, union_all
from sqlalchemy.orm import Session

from api.contacts.models import Company
from api.goals.enums import Unit
from api.goals.formatting import format_day, format_value
from api.goals.registry import Aggregation, Contribution, MetricRequest, register
from api.grants.enums import GrantTheme
from api.grants.models import Grant, GrantProgramme, programme_key
from api.grants.service import THEME_LABELS


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


def _period_grants(session: Session, request: MetricRequest) -> list[Row[Any]]:
    """The period's grants with whether each matches the goal's filter, oldest first."""
    assert isinstance(request.params, GrantFilter)
    return list(
        session.execute(
            select(
                Grant.id,
                Grant.granted_on,
                Grant.amount,
                Grant.company_id,
                Company.name.label("company"),
                GrantProgramme.name.label("programme"),
                GrantProgramme.theme,
                case((_matches(request.params), True), else_=False).label("matching"),
            )
            .join(GrantProgramme, GrantProgramme.id == Grant.programme_id)
            .join(Company, Company.id == Grant.company_id)
            .where(Grant.granted_on.between(request.start, request.end))
            .order_by(Grant.granted_on, Grant.id)
        )
    )


def _granted(grant: Row[Any]) -> str:
    """'Bevilget 12. feb. 2026: 250.000 kr. under SMV:Grøn'."""
    amount = format_value(grant.amount, Unit.dkk)
    return f"Bevilget {format_day(grant.granted_on)}: {amount} under {grant.programme}"


def _rejected(grant: Row[Any], params: GrantFilter) -> Contribution:
    """A grant of the period outside the goal's theme or programme."""
    if params.theme is not None and grant.theme is not params.theme:
        wanted, theme = THEME_LABELS[params.theme], THEME_LABELS[grant.theme]
        why = f"temaet er {theme.lower()}, ikke {wanted.lower()}"
    else:
        why = f"programmet er ikke {params.programme}"
    return Contribution(
        "grant",
        grant.id,
        grant.granted_on,
        f"{grant.company} – {grant.programme}",
        grant.amount,
        False,
        f"{_granted(grant)}; {why}",
    )


class GrantMetric:
    units: ClassVar[frozenset[Unit]]
    params_model: ClassVar[type[BaseModel]] = GrantFilter
    reads_measurements: ClassVar[bool] = False
    aggregation: ClassVar[Aggregation] = "sum"

    def aggregate(self, matching: ColumnElement[bool]) -> ColumnElement[Any]:
        raise NotImplementedError

    def counted(self, grants: list[Row[Any]]) -> list[Contribution]:
        """The contributions of the period's matching grants."""
        raise NotImplementedError

    def contributions(self, session: Session, request: MetricRequest) -> list[Contribution]:
        assert isinstance(request.params, GrantFilter)
        grants = _period_grants(session, request)
        rejected = [_rejected(g, request.params) for g in grants if not g.matching]
        return self.counted([g for g in grants if g.matching]) + rejected

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

    def counted(self, grants: list[Row[Any]]) -> list[Contribution]:
        return [
            Contribution(
                "grant",
                g.id,
                g.granted_on,
                f"{g.company} – {g.programme}",
                g.amount,
                True,
                _granted(g),
            )
            for g in grants
        ]


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

    def counted(self, grants: list[Row[Any]]) -> list[Contribution]:
        """One per company, its grants told in the reason: a company counts once."""
        items = []
        by_company = sorted(grants, key=lambda g: (g.company_id, g.granted_on, g.id))
        for _, group in groupby(by_company, key=lambda g: g.company_id):
            first, *more = group
            also = (
                f" (og {len(more)} bevilling{'er' if len(more) > 1 else ''} mere)" if more else ""
            )
            items.append(
                Contribution(
                    "company",
                    first.company_id,
                    first.granted_on,
                    first.company,
                    1.0,
                    True,
                    f"{_granted(first)}{also}",
                )
            )
        return items


for _metric in (GrantAmountMetric(), CompaniesWithGrantMetric()):
    register(_metric)
