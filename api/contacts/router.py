"""HTTP layer of contacts: companies, people, and erasing a person by anonymising."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

import api.contacts.gdpr as gdpr
import api.contacts.service as contacts
from api.auth.deps import requires
from api.auth.permissions import Scope
from api.contacts.deps import CompanyDep, PersonDep
from api.contacts.models import Company, Person
from api.contacts.schemas import (
    CompanyCreate,
    CompanyRead,
    CompanyUpdate,
    PersonCreate,
    PersonRead,
    PersonUpdate,
)
from api.kit.common import Id, QueryText
from api.kit.db import SessionDep
from api.kit.etags import IfMatch, change_if_match, created, set_etag
from api.kit.paging import Page, PageDep, paginate

router = APIRouter(tags=["events"])


@router.get("/companies", response_model=Page[CompanyRead], dependencies=[requires(Scope.read)])
def list_companies(
    session: SessionDep,
    page: PageDep,
    search: Annotated[QueryText | None, Query(description="Part of the name or CVR.")] = None,
) -> dict[str, Any]:
    """List companies by name."""
    return paginate(session, contacts.list_companies_query(search), page, Company.updated_at)


@router.post(
    "/companies",
    status_code=status.HTTP_201_CREATED,
    response_model=CompanyRead,
    dependencies=[requires(Scope.write)],
)
def create_company(session: SessionDep, data: CompanyCreate, response: Response) -> Company:
    """Add a company by its CVR number (validated; a CVR is registered once)."""
    company = contacts.create_company(session, data)
    created(response, f"/api/v1/companies/{company.id}", company.version)
    return company


@router.get(
    "/companies/{company_id}", response_model=CompanyRead, dependencies=[requires(Scope.read)]
)
def get_company(company: CompanyDep, response: Response) -> Company:
    """Get one company."""
    set_etag(response, company.version)
    return company


@router.patch(
    "/companies/{company_id}", response_model=CompanyRead, dependencies=[requires(Scope.write)]
)
def update_company(
    session: SessionDep,
    company_id: Id,
    data: CompanyUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> Company:
    """Change a company's details (If-Match required; the CVR number stays)."""
    company = contacts.get_company(session, company_id)
    change_if_match(
        response, if_match, company, lambda: contacts.update_company(session, company, data)
    )
    return company


@router.get(
    "/people", response_model=Page[PersonRead], dependencies=[requires(Scope.personal_read)]
)
def list_people(
    session: SessionDep,
    page: PageDep,
    search: Annotated[QueryText | None, Query(description="Part of the name or e-mail.")] = None,
) -> dict[str, Any]:
    """List people (personal data: editors and admins)."""
    return paginate(session, contacts.list_people_query(search), page, Person.updated_at)


@router.post(
    "/people",
    status_code=status.HTTP_201_CREATED,
    response_model=PersonRead,
    dependencies=[requires(Scope.write), requires(Scope.personal_read)],
)
def create_person(session: SessionDep, data: PersonCreate, response: Response) -> Person:
    """Add a person."""
    person = contacts.create_person(session, data)
    created(response, f"/api/v1/people/{person.id}", person.version)
    return person


@router.get(
    "/people/{person_id}", response_model=PersonRead, dependencies=[requires(Scope.personal_read)]
)
def get_person(person: PersonDep, response: Response) -> Person:
    """Get one person (personal data)."""
    set_etag(response, person.version)
    return person


@router.patch(
    "/people/{person_id}",
    response_model=PersonRead,
    dependencies=[requires(Scope.write), requires(Scope.personal_read)],
)
def update_person(
    session: SessionDep,
    person_id: Id,
    data: PersonUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> Person:
    """Change a person's details (If-Match required)."""
    person = contacts.get_person(session, person_id)
    change_if_match(
        response, if_match, person, lambda: contacts.update_person(session, person, data)
    )
    return person


@router.post(
    "/people/{person_id}/erase",
    response_model=PersonRead,
    dependencies=[requires(Scope.write), requires(Scope.personal_read)],
)
def erase_person(session: SessionDep, person: PersonDep, response: Response) -> Person:
    """Erase a person by anonymising them; registrations and counts stay (409 if erased)."""
    person = gdpr.erase_person(session, person)
    set_etag(response, person.version)
    return person
