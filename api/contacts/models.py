"""Companies (known by CVR) and people (personal data, erased by anonymising)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.kit.db import Base, Timestamped, UTCDateTime


class Company(Base, Timestamped):
    """A company, known by its CVR number (validated, never duplicated)."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    cvr: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    industry_code: Mapped[str | None] = mapped_column(String(10))
    founded_on: Mapped[date | None]
    # Made by `erhverv load-demo`: shown, never counted, removed by `erhverv remove-demo`.
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Person(Base, Timestamped):
    """Personal data: readable by editors and admins only; erased by anonymising."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column()

    company: Mapped[Company | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
