"""Loaders for routes that take a company's or a person's id: the row, or 404."""

from typing import Annotated

from fastapi import Depends

from api.contacts import service
from api.contacts.models import Company, Person
from api.kit.common import Id
from api.kit.db import SessionDep


def _company(session: SessionDep, company_id: Id) -> Company:
    return service.get_company(session, company_id)


def _person(session: SessionDep, person_id: Id) -> Person:
    return service.get_person(session, person_id)


CompanyDep = Annotated[Company, Depends(_company)]
PersonDep = Annotated[Person, Depends(_person)]
