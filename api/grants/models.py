"""Grant programmes, grants and the record of each import."""

import re
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.contacts.models import Company
from api.grants.enums import GrantTheme
from api.kit.db import Base, Timestamped, UTCDateTime, Value, db_enum, utcnow
from api.kit.import_record import ImportRecord

HUB = "Erhvervshus Sjælland"
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def programme_key(name: str) -> str:
    """'SMV: Digital', 'smv digital' and 'SMV:Digital' are one programme."""
    return _NOT_ALPHANUMERIC.sub("", name.casefold())


class GrantProgramme(Base, Timestamped):
    """A programme grants are given under (SMV:Grøn …), with its operator and theme."""

    __tablename__ = "grant_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Spelling-insensitive key ("SMV: Digital" = "smv digital"), so files match one programme.
    match_key: Mapped[str] = mapped_column(String(100), unique=True)
    operator: Mapped[str] = mapped_column(String(200), default=HUB)
    theme: Mapped[GrantTheme] = mapped_column(db_enum(GrantTheme, "grant_theme"))
    description: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class GrantImport(ImportRecord, Base):
    """One applied import: the file, who sent it, when, its counts and its rows' errors."""

    __tablename__ = "grant_imports"

    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Grant(Base, Timestamped):
    """Money a company got under a programme, as the hub reports it."""

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The hub's own reference; rows without one are known by company, programme and date.
    reference: Mapped[str | None] = mapped_column(String(100), unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"))
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("grant_programmes.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[float] = mapped_column(Value)
    granted_on: Mapped[date] = mapped_column(index=True)
    # The import that last created or changed the grant.
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("grant_imports.id", ondelete="SET NULL"), index=True
    )
    import_row: Mapped[int | None] = mapped_column()  # its row in that import's file

    company: Mapped[Company] = relationship()
    programme: Mapped[GrantProgramme] = relationship()

    __table_args__ = (Index("ix_grants_natural_key", "company_id", "programme_id", "granted_on"),)
