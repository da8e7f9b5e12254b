"""Companies (by CVR) and people (personal data): plain functions over a Session."""

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.contacts.models import Company, Person
from api.contacts.schemas import (
    CompanyCreate,
    CompanyUpdate,
    PersonCreate,
    PersonFields,
    PersonUpdate,
)
from api.kit.errors import ConflictError, NotFoundError, required_by_data, unknown_reference

# ---------------------------------------------------------------------------- companies


def list_companies_query(search: str | None = None) -> Select[Company]:
    query = select(Company).order_by(Company.name, Company.id)
    if search:
        term = search.strip()  # autoescape: a "%" or "_" searched for is matched as itself
        query = query.where(
            Company.name.icontains(term, autoescape=True)
            | Company.cvr.contains(term, autoescape=True)
        )
    return query


def get_company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise NotFoundError(f"No company with id {company_id}.")
    return company


def company_by_cvr(session: Session, cvr: str) -> Company | None:
    return session.scalar(select(Company).where(Company.cvr == cvr))


def create_company(session: Session, data: CompanyCreate) -> Company:
    existing = company_by_cvr(session, data.cvr)
    if existing is not None:
        raise ConflictError(f"CVR {data.cvr} is already registered as {existing.name!r}.")
    company = Company(**data.model_dump())
    session.add(company)
    session.flush()
    return company


def update_company(session: Session, company: Company, data: CompanyUpdate) -> Company:
    changes = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        setattr(company, name, value)
    session.flush()
    return company


# ------------------------------------------------------------------------------- people


def list_people_query(search: str | None = None) -> Select[Person]:
    query = select(Person).where(Person.anonymised_at.is_(None)).order_by(Person.name, Person.id)
    if search:
        term = search.strip()  # autoescape: a "%" or "_" searched for is matched as itself
        query = query.where(
            Person.name.icontains(term, autoescape=True)
            | Person.email.icontains(term, autoescape=True)
        )
    return query


def get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError(f"No person with id {person_id}.")
    return person


def _check_company(session: Session, company_id: int | None) -> None:
    if company_id is not None and session.get(Company, company_id) is None:
        raise unknown_reference("company_id", f"der findes ingen virksomhed med id {company_id}")


def create_person(session: Session, data: PersonCreate) -> Person:
    _check_company(session, data.company_id)
    person = Person(**data.model_dump(exclude={"email"}), email=_email(data.email))
    session.add(person)
    session.flush()
    return person


def update_person(session: Session, person: Person, data: PersonUpdate) -> Person:
    if person.anonymised_at is not None:
        raise ConflictError("This person was erased; their data cannot be changed.")
    changes = data.model_dump(exclude_unset=True)
    if "company_id" in changes:
        _check_company(session, changes["company_id"])
    if "email" in changes:
        changes["email"] = _email(changes["email"])
    for name, value in changes.items():
        setattr(person, name, value)
    session.flush()
    return person


def _email(email: str | None) -> str | None:
    return str(email).strip().lower() if email else None


def find_or_create_person(session: Session, data: PersonFields, company: Company | None) -> Person:
    """The same e-mail is the same person; without one, a new person."""
    email = _email(data.email)
    person = None
    if email:
        person = session.scalar(
            select(Person)
            .where(Person.email == email, Person.anonymised_at.is_(None))
            .order_by(Person.id)
            .limit(1)
        )
    if person is None:
        person = Person(name=data.name, email=email, phone=data.phone, company=company)
        session.add(person)
        session.flush()
    elif company is not None and person.company_id is None:
        person.company = company
    return person


def find_or_create_company(session: Session, cvr: str, name: str | None) -> Company:
    company = company_by_cvr(session, cvr)
    if company is None:
        if not name:
            raise required_by_data(
                "company_name", f"CVR-nummeret {cvr} er nyt: skriv også virksomhedens navn"
            )
        company = Company(cvr=cvr, name=name)
        session.add(company)
        session.flush()
    return company
