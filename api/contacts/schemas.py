"""Companies and people as the API reads and writes them."""

from datetime import date, datetime

from pydantic import EmailStr, Field

from api.contacts.cvr import Cvr
from api.kit.common import Id, RequestBody, Schema


class CompanyFields(RequestBody):
    name: str = Field(min_length=1, max_length=300)
    address: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=10)
    city: str | None = Field(default=None, max_length=100)
    industry_code: str | None = Field(default=None, max_length=10, description="DB07 code.")
    founded_on: date | None = None


class CompanyCreate(CompanyFields):
    cvr: Cvr


class CompanyUpdate(RequestBody):
    not_null = frozenset({"name"})

    name: str | None = Field(default=None, min_length=1, max_length=300)
    address: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=10)
    city: str | None = Field(default=None, max_length=100)
    industry_code: str | None = Field(default=None, max_length=10)
    founded_on: date | None = None


class CompanyRead(Schema):
    id: int
    cvr: str
    name: str
    address: str | None
    postal_code: str | None
    city: str | None
    industry_code: str | None
    founded_on: date | None
    updated_at: datetime


class PersonFields(RequestBody):
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=40)


class PersonCreate(PersonFields):
    company_id: Id | None = None


class PersonUpdate(RequestBody):
    not_null = frozenset({"name"})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=40)
    company_id: Id | None = None


class PersonRead(Schema):
    id: int
    name: str | None
    email: str | None
    phone: str | None
    company_id: int | None
    anonymised_at: datetime | None
    updated_at: datetime
