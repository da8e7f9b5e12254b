"""Grant programmes, grants, imports and the summary: plain functions over a Session."""

from datetime import date
from typing import Any

from sqlalchemy import Select, String, cast, extract, func, select
from sqlalchemy.orm import Session, joinedload

from api.contacts.models import Company
from api.grants.enums import GrantTheme
from api.grants.models import Grant, GrantImport, GrantProgramme, programme_key
from api.grants.schemas import (
    GrantSummary,
    GroupBy,
    ProgrammeCreate,
    ProgrammeUpdate,
    SummaryRow,
)
from api.kit.errors import ConflictError, NotFoundError

THEME_LABELS = {
    GrantTheme.climate: "Klima og grøn omstilling",
    GrantTheme.digital: "Digitalisering",
    GrantTheme.growth: "Vækst",
    GrantTheme.competence: "Kompetencer",
    GrantTheme.other: "Andet",
}

# ---------------------------------------------------------------------------- programmes


def list_programmes(session: Session) -> list[GrantProgramme]:
    return list(session.scalars(select(GrantProgramme).order_by(GrantProgramme.name)))


def get_programme(session: Session, programme_id: int) -> GrantProgramme:
    programme = session.get(GrantProgramme, programme_id)
    if programme is None:
        raise NotFoundError(f"No grant programme with id {programme_id}.")
    return programme


def _check_name_free(session: Session, name: str, programme_id: int | None = None) -> str:
    key = programme_key(name)
    if not key:
        raise ConflictError(f"The programme name {name!r} has no letters or digits.")
    clash = session.scalar(select(GrantProgramme).where(GrantProgramme.match_key == key))
    if clash is not None and clash.id != programme_id:
        raise ConflictError(
            f"The programme {name!r} is already registered as {clash.name!r} "
            "(names are matched without case, spaces and punctuation)."
        )
    return key


def create_programme(session: Session, data: ProgrammeCreate) -> GrantProgramme:
    key = _check_name_free(session, data.name)
    programme = GrantProgramme(**data.model_dump(), match_key=key)
    session.add(programme)
    session.flush()
    return programme


def update_programme(
    session: Session, programme: GrantProgramme, data: ProgrammeUpdate
) -> GrantProgramme:
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes:
        programme.match_key = _check_name_free(session, changes["name"], programme.id)
    for name, value in changes.items():
        setattr(programme, name, value)
    session.flush()
    return programme


# -------------------------------------------------------------------------------- grants


def list_grants_query(
    *,
    year: int | None = None,
    programme_id: int | None = None,
    theme: GrantTheme | None = None,
    cvr: str | None = None,
    import_id: int | None = None,
) -> Select[Grant]:
    query = (
        select(Grant)
        .options(joinedload(Grant.company), joinedload(Grant.programme))
        .order_by(Grant.granted_on.desc(), Grant.id.desc())
    )
    query = _filtered(query, year=year, programme_id=programme_id, theme=theme, cvr=cvr)
    if import_id is not None:
        query = query.where(Grant.import_id == import_id)
    return query


def _filtered(
    query: Select[*tuple[Any, ...]],
    *,
    year: int | None,
    programme_id: int | None,
    theme: GrantTheme | None,
    cvr: str | None = None,
) -> Select[*tuple[Any, ...]]:
    if year is not None:
        query = query.where(Grant.granted_on.between(date(year, 1, 1), date(year, 12, 31)))
    if programme_id is not None:
        query = query.where(Grant.programme_id == programme_id)
    if theme is not None:
        query = query.where(
            Grant.programme_id.in_(select(GrantProgramme.id).where(GrantProgramme.theme == theme))
        )
    if cvr is not None:
        query = query.where(Grant.company_id.in_(select(Company.id).where(Company.cvr == cvr)))
    return query


def get_grant(session: Session, grant_id: int) -> Grant:
    grant = session.get(Grant, grant_id)
    if grant is None:
        raise NotFoundError(f"No grant with id {grant_id}.")
    return grant


# ------------------------------------------------------------------------------- imports


def list_imports_query() -> Select[GrantImport]:
    return select(GrantImport).order_by(GrantImport.imported_at.desc(), GrantImport.id.desc())


def get_import(session: Session, import_id: int) -> GrantImport:
    found = session.get(GrantImport, import_id)
    if found is None:
        raise NotFoundError(f"No grant import with id {import_id}.")
    return found


# ------------------------------------------------------------------------------- summary


def summary(
    session: Session,
    group_by: GroupBy,
    *,
    year: int | None = None,
    programme_id: int | None = None,
    theme: GrantTheme | None = None,
) -> GrantSummary:
    """Amounts, grants and distinct companies per group, and over all groups."""
    measures = (
        func.coalesce(func.sum(Grant.amount), 0).label("amount"),
        func.count(Grant.id).label("grants"),
        func.count(Grant.company_id.distinct()).label("companies"),
    )
    base = select(*measures).select_from(Grant)
    base = _filtered(base, year=year, programme_id=programme_id, theme=theme)
    key, label, order = _grouping(group_by)
    query = base.add_columns(key.label("key"), label.label("label"))
    if group_by in (GroupBy.programme, GroupBy.theme):
        query = query.join(GrantProgramme, GrantProgramme.id == Grant.programme_id)
    if group_by is GroupBy.company:
        query = query.join(Company, Company.id == Grant.company_id)
    query = query.group_by(key, label).order_by(order)
    rows = [
        SummaryRow(
            key=str(row.key),
            label=_label(group_by, row.key, row.label),
            amount=float(row.amount),
            grants=row.grants,
            companies=row.companies,
        )
        for row in session.execute(query)
    ]
    amount, grants, companies = session.execute(base).one()
    total = SummaryRow(
        key="total", label="I alt", amount=float(amount), grants=grants, companies=companies
    )
    return GrantSummary(group_by=group_by, rows=rows, total=total)


def _grouping(group_by: GroupBy) -> tuple[Any, Any, Any]:
    """The group's key, its label, and the order of the groups."""
    if group_by is GroupBy.year:
        year = cast(extract("year", Grant.granted_on), String)
        return year, year, year
    if group_by is GroupBy.programme:
        return GrantProgramme.id, GrantProgramme.name, GrantProgramme.name
    if group_by is GroupBy.theme:
        return GrantProgramme.theme, GrantProgramme.theme, GrantProgramme.theme
    return Company.cvr, Company.name, func.sum(Grant.amount).desc()


def _label(group_by: GroupBy, key: Any, label: Any) -> str:
    if group_by is GroupBy.theme:
        return THEME_LABELS[GrantTheme(key)]
    return str(label)
